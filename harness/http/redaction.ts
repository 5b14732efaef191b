// What is secret in an exchange, declared once, and a redacted copy of anything that may hold
// it: evidence leaves a run in results files, JUnit, the console, step summaries and a public
// dashboard, so credentials are replaced by a placeholder naming what to put back.
//
// `client_secret`, `sid` and a user-interactive auth `session` stay: they identify a
// validation session to whoever reads the evidence, and grant nothing without the token
// (mailed or texted) or the password that goes with them, both of which are redacted.
import type { Exchange, ExchangeRequest, ExchangeResponse } from './exchange.js';

/** Headers whose whole value is a credential (an auth scheme, such as `Bearer`, is kept). */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** JSON members, form fields and query parameters whose value is a credential. */
export const SECRET_FIELDS: readonly string[] = [
  'access_token',
  'refresh_token',
  'id_access_token',
  'login_token',
  'password',
  'new_password',
  // Synapse's shared-secret registration: the one-time nonce and the HMAC over the request.
  'mac',
  'nonce',
  // The validation token of submitToken and of validation links, mailed or texted.
  'token',
  'shared_secret',
  'registration_shared_secret',
];

export function placeholder(name: string): string {
  return `<redacted: ${name}>`;
}

const REDACTED = '(?!<redacted: )';
const escaped = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (names: readonly string[]) => names.map(escaped).join('|');

// Text patterns rather than parsing, so that clipped or truncated bodies, formatted
// exchanges inside failure reasons and curl lines are all redacted by the same rules.
const TEXT_RULES: ReadonlyArray<{ pattern: RegExp; replace: (...groups: string[]) => string }> = [
  // "name": "value" in JSON; a value cut short (a truncated body) ends at the line.
  {
    pattern: new RegExp(`("(${anyOf(SECRET_FIELDS)})"\\s*:\\s*")${REDACTED}(?:[^"\\\\\\n]|\\\\.)*`, 'g'),
    replace: (_match, head, name) => `${head}${placeholder(name!)}`,
  },
  // name=value in a query string or a form body (`&amp;` in HTML mail included).
  {
    pattern: new RegExp(`(^[ \\t]*|[?&;'])(${anyOf(SECRET_FIELDS)})=${REDACTED}[^&#\\s'"<]*`, 'gm'),
    replace: (_match, start, name) => `${start}${name}=${placeholder(name!)}`,
  },
  // A header line, as formatExchange writes it or inside a curl -H argument.
  {
    pattern: new RegExp(`(^[ \\t]*|')(${anyOf(SECRET_HEADERS)}):([ \\t]*)${REDACTED}([^\\n']*)`, 'gim'),
    replace: (_match, start, name, space, value) => `${start}${name}:${space}${redactedHeaderValue(name!, value!)}`,
  },
];

/** The text with every value of a secret field or header replaced by its placeholder. */
export function redactText(text: string): string {
  return TEXT_RULES.reduce((out, rule) => out.replace(rule.pattern, rule.replace as (match: string, ...groups: string[]) => string), text);
}

function redactedHeaderValue(name: string, value: string): string {
  if (value.startsWith('<redacted: ')) return value;
  const scheme = /^(Bearer|Basic|Token)\s+/i.exec(value)?.[1];
  return scheme ? `${scheme} ${placeholder(scheme.toLowerCase() === 'bearer' ? 'access_token' : name.toLowerCase())}` : placeholder(name.toLowerCase());
}

function redactedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.includes(name.toLowerCase()) ? redactedHeaderValue(name, value) : redactText(value)]),
  );
}

function redactedRequest(request: ExchangeRequest): ExchangeRequest {
  return {
    ...request,
    url: redactText(request.url),
    headers: redactedHeaders(request.headers),
    ...(request.body !== undefined && { body: redactText(request.body) }),
  };
}

function redactedResponse(response: ExchangeResponse): ExchangeResponse {
  return { ...response, headers: redactedHeaders(response.headers), body: redactText(response.body) };
}

/** A copy of the exchange with its credentials replaced by placeholders; the rest as it was. */
export function redactExchange<E extends Exchange>(exchange: E): E {
  return {
    ...exchange,
    request: redactedRequest(exchange.request),
    ...(exchange.response && { response: redactedResponse(exchange.response) }),
    ...(exchange.error !== undefined && { error: redactText(exchange.error) }),
  };
}

// The second line of defence: values the run itself knows to be secret (the shared secret it
// was given, the credentials its accounts were made with), replaced wherever they appear,
// whatever field or prose they are in.
const SHORTEST_SECRET = 8;

/** The live secrets of one run, each with the name its placeholder gives it. */
export class SecretBook {
  private readonly known = new Map<string, string>();

  learn(value: string | undefined, what: string): void {
    if (value !== undefined && value.length >= SHORTEST_SECRET) this.known.set(value, what);
  }

  /** The text without any known secret, longest first so that one inside another goes whole. */
  scrub(text: string): string {
    return [...this.known]
      .sort(([a], [b]) => b.length - a.length)
      .reduce((out, [value, what]) => out.replaceAll(value, placeholder(what)), text);
  }

  /** Every string in the value (an exchange, a list of notes) scrubbed of every known secret. */
  scrubAll<T>(value: T): T {
    return mapStrings(value, (text) => this.scrub(text));
  }

  /** The exchange redacted by name, then scrubbed of every known secret. */
  scrubExchange<E extends Exchange>(exchange: E): E {
    return this.scrubAll(redactExchange(exchange));
  }
}

function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)])) as T;
  }
  return value;
}
