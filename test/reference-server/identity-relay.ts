// Msisdn validation delegated to the identity service's v1 API, as Synapse does with
// `account_threepid_delegates.msisdn`: plain JSON over HTTP on loopback, no access token.

import { RelayError } from './replies.js';

const V1 = '/_matrix/identity/api/v1';

export interface RelayOptions {
  identityPort: number;
  /** Give up on the identity service after this long; undefined waits for ever. */
  timeoutMs: number | undefined;
  /** Aborts every call in flight (the server is stopping). */
  stopSignal: AbortSignal;
}

/**
 * POSTs `body` to `V1 + path` and returns the JSON object the service answered 200 with.
 * A 4xx Matrix error is relayed as it is; anything else becomes 502 M_UNKNOWN.
 */
export async function callIdentityService(options: RelayOptions, path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const signals = [options.stopSignal, ...(options.timeoutMs === undefined ? [] : [AbortSignal.timeout(options.timeoutMs)])];
  let status: number;
  let text: string;
  try {
    const response = await fetch(`http://127.0.0.1:${options.identityPort}${V1}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.any(signals),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    throw new RelayError(502, 'M_UNKNOWN', `The identity service could not be reached: ${(error as Error).message}`);
  }
  const answer = parseObject(text);
  if (status === 200 && answer !== undefined) return answer;
  if (status >= 400 && status < 500 && typeof answer?.['errcode'] === 'string') {
    const error = typeof answer['error'] === 'string' ? answer['error'] : 'The identity service refused the request';
    throw new RelayError(status, answer['errcode'], error);
  }
  throw new RelayError(502, 'M_UNKNOWN', `The identity service answered ${status}`);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
