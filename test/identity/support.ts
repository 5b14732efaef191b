// A small HTTP client for the fake identity service's self-tests: one call, the answer parsed.

import { Agent, fetch, type Dispatcher } from 'undici';
import type { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';

export const V1 = '/_matrix/identity/api/v1';
export const V2 = '/_matrix/identity/v2';

export interface CallOptions {
  json?: unknown;
  form?: Record<string, string>;
  /** Sent as is, with `contentType` if given. */
  raw?: string;
  contentType?: string;
  bearer?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: any;
}

export async function call(is: FakeIdentityService, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  } else if (options.form !== undefined) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`;

  const response = await fetch(is.url + path, {
    method,
    headers,
    body,
    redirect: 'manual',
    signal: options.signal,
    dispatcher: options.dispatcher,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers as unknown as Headers, text, json };
}

/** Trusts exactly the fake's certificate, as a homeserver configured for it would. */
export function trustingAgent(is: FakeIdentityService): Agent {
  return new Agent({ connect: { ca: is.certificatePem } });
}

let counter = 0;
/** A client_secret and addresses no other test uses, so sessions never collide. */
export function fresh(): { clientSecret: string; email: string; phone: string } {
  counter += 1;
  return {
    clientSecret: `secret-${process.pid}-${counter}`,
    email: `user${counter}@example.org`,
    phone: `+44 7700 900${String(counter).padStart(3, '0')}`,
  };
}
