// Calls to an identity service, for the two ways this server delegates validation:
// - msisdn, as Synapse does with `account_threepid_delegates.msisdn`: the harness's fake at
//   identityPort, its v1 API, JSON, no access token (a service of the server's own);
// - email with `emailVia: 'id-server'`: the identity server the client names in `id_server`,
//   over HTTPS; on the r0 paths as the r0.4.0 spec's proxy (and Dendrite) does, its v1 API
//   form-encoded; on the v3 paths its v2 API (v1.1 removed v1), JSON, with the client's
//   id_access_token.
// HTTPS trusts the certificate given as `ca`; without one, it skips verification for
// loopback hosts only (the harness's fake has a self-signed certificate made in another
// process) and verifies everything else against the system's CAs.

import { Agent, request, type Dispatcher } from 'undici';
import { RelayError } from './replies.js';

const PREFIX = { v1: '/_matrix/identity/api/v1', v2: '/_matrix/identity/v2' } as const;

export interface RelayOptions {
  /** Give up on the identity service after this long; undefined waits for ever. */
  timeoutMs: number | undefined;
  /** Aborts every call in flight (the server is stopping). */
  stopSignal: AbortSignal;
}

export type IdentityCall = (
  | { method: 'POST'; path: string; body: Record<string, unknown>; encoding: 'json' | 'form' }
  | { method: 'GET'; path: string; query: Record<string, string> }
) & {
  /** v1 unless said; v2 with the access token sent as `Authorization: Bearer`. */
  api?: 'v1' | 'v2';
  accessToken?: string;
};

/** The connections to identity services, for one run of the server. */
export class IdentityClient {
  private readonly verifying: Agent;
  private readonly loopbackUnverified: Agent;
  private readonly skipVerificationOnLoopback: boolean;

  constructor(ca: string | undefined) {
    this.verifying = new Agent({ pipelining: 0, ...(ca !== undefined && { connect: { ca } }) });
    this.loopbackUnverified = new Agent({ pipelining: 0, connect: { rejectUnauthorized: false } });
    this.skipVerificationOnLoopback = ca === undefined;
  }

  close(): Promise<void> {
    return Promise.all([this.verifying.destroy(), this.loopbackUnverified.destroy()]).then(() => undefined);
  }

  /**
   * Calls the API's prefix + `call.path` on the service at `origin` (`scheme://host[:port]`) and returns the
   * JSON object it answered 200 with. A 4xx Matrix error is relayed as it is; anything else
   * (no connection, a 5xx, a body that is not a JSON object) becomes 502 M_UNKNOWN.
   */
  async call(origin: string, call: IdentityCall, options: RelayOptions): Promise<Record<string, unknown>> {
    const fail = (message: string) => new RelayError(502, 'M_UNKNOWN', message);
    let url: URL;
    try {
      url = new URL(`${origin}${PREFIX[call.api ?? 'v1']}${call.path}`);
    } catch {
      throw fail(`Not an identity server address: ${origin}`);
    }
    if (call.method === 'GET') for (const [name, value] of Object.entries(call.query)) url.searchParams.set(name, value);

    const signals = [options.stopSignal, ...(options.timeoutMs === undefined ? [] : [AbortSignal.timeout(options.timeoutMs)])];
    let status: number;
    let text: string;
    const encoded = call.method === 'POST' ? encode(call.body, call.encoding) : { headers: {} };
    const authorization = call.accessToken === undefined ? {} : { authorization: `Bearer ${call.accessToken}` };
    try {
      const response = await request(url, {
        method: call.method,
        dispatcher: this.dispatcherFor(url),
        signal: AbortSignal.any(signals),
        ...encoded,
        headers: { ...encoded.headers, ...authorization },
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw fail(`The identity service could not be reached: ${(error as Error).message}`);
    }
    const answer = parseObject(text);
    if (status === 200 && answer !== undefined) return answer;
    if (status >= 400 && status < 500 && typeof answer?.['errcode'] === 'string') {
      const error = typeof answer['error'] === 'string' ? answer['error'] : 'The identity service refused the request';
      throw new RelayError(status, answer['errcode'], error);
    }
    throw fail(`The identity service answered ${status}`);
  }

  private dispatcherFor(url: URL): Dispatcher {
    return url.protocol === 'https:' && this.skipVerificationOnLoopback && isLoopback(url.hostname) ? this.loopbackUnverified : this.verifying;
  }
}

function encode(body: Record<string, unknown>, encoding: 'json' | 'form'): { headers: Record<string, string>; body: string } {
  if (encoding === 'json') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) if (value !== undefined) form.set(name, String(value));
  return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts whose certificate may go unchecked. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
