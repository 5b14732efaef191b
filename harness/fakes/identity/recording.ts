// What the fake keeps of each request: exactly what the homeserver sent, taken before any
// routing, authentication or fault, so a scenario can assert on it whatever was answered.

import type { IncomingMessage } from 'node:http';
import type { Fault } from './fault.js';

export interface RecordedRequest {
  method: string;
  /** The path as sent, without the query string and not percent-decoded. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  contentType: string | undefined;
  rawBody: string;
  /** Parsed from JSON or application/x-www-form-urlencoded; undefined when empty or unparsable. */
  body: unknown;
  receivedAt: number;
  /** The fault injected into this request, if one was. */
  fault?: Fault;
  /** The status the fake answered; undefined while pending, and for `hang` and `reset`. */
  responseStatus?: number;
}

export interface ReceivedBody {
  readonly bytes: Buffer;
  /** The body went over the cap: `bytes` holds only its beginning. */
  readonly tooLarge: boolean;
}

/**
 * Reads the whole body but keeps at most `limit` bytes. The rest is drained rather than the
 * socket cut, so the client still reads the 413 that follows.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (kept + chunk.length > limit) {
        tooLarge = true;
        chunk = chunk.subarray(0, Math.max(0, limit - kept));
      }
      kept += chunk.length;
      if (chunk.length > 0) chunks.push(chunk);
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
    // After 'end' this is a no-op; before it, the client gave up mid-body.
    req.on('close', () => reject(new Error('the connection closed before the body ended')));
  });
}

export function recordRequest(req: IncomingMessage, body: Buffer, receivedAt: number): RecordedRequest {
  const target = req.url ?? '/';
  // Split by hand: `new URL('//x/y', base)` would read "//x" as a host and lose part of the path.
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const queryString = queryStart === -1 ? '' : target.slice(queryStart + 1);
  const contentType = headerValue(req.headers['content-type']);
  const rawBody = body.toString('utf8');
  return {
    method: req.method ?? 'GET',
    path,
    query: Object.fromEntries(new URLSearchParams(queryString)),
    headers: Object.fromEntries(
      Object.entries(req.headers).flatMap(([name, value]) => {
        const joined = headerValue(value);
        return joined === undefined ? [] : [[name, joined]];
      }),
    ),
    contentType,
    rawBody,
    body: parseBody(contentType, rawBody),
    receivedAt,
  };
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** Both ways the spec says a service must accept: the Bearer header, and the deprecated query parameter. */
export function accessTokenOf(request: RecordedRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers['authorization'] ?? '');
  return bearer?.[1] ?? request.query['access_token'];
}

export function isFormEncoded(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/x-www-form-urlencoded';
}

/**
 * Anything that is not a form is read as JSON: the spec says clients *should* label JSON
 * bodies `application/json` but need not.
 */
function parseBody(contentType: string | undefined, rawBody: string): unknown {
  if (rawBody === '') return undefined;
  if (isFormEncoded(contentType)) return Object.fromEntries(new URLSearchParams(rawBody));
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return undefined;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
