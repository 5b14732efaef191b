// Declarative checks on a homeserver's answer. A scenario lists what the spec promises;
// a failure names each broken promise and carries the exchange as evidence.
import { formatExchange, jsonOf, type Exchange } from '../http/exchange.js';
import { redactExchange } from '../http/redaction.js';
import { validateSchema, type SchemaName } from './schemas.js';
import type { SpecVersion } from './spec-versions.js';

export interface MatchContext {
  spec: SpecVersion;
}

export interface Matcher {
  /** The promise, as a reader of the report wants it: "status 403". */
  readonly expectation: string;
  /** Undefined when the response keeps the promise, otherwise what was seen instead. */
  mismatch(exchange: Exchange, context: MatchContext): string | undefined;
}

/**
 * What the scenario checks turned out not to be there to check (the answer carried no
 * submit_url, the server offers no such flow): the scenario is skipped, with the reason,
 * rather than passed on nothing.
 */
export class NotApplicable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotApplicable';
  }
}

/** A failed expectation, with the exchange that broke it (redacted in the message, which goes into reports). */
export class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly evidence: Exchange | undefined,
  ) {
    super(evidence ? `${message}\n\n${formatExchange(redactExchange(evidence))}` : message);
    this.name = 'ScenarioFailure';
  }
}

export function status(expected: number): Matcher {
  return {
    expectation: `status ${expected}`,
    mismatch: (ex) => (ex.response?.status === expected ? undefined : `status was ${ex.response?.status}`),
  };
}

/** A status in [low, high), described as `expectation`. */
function statusIn(low: number, high: number, expectation: string): Matcher {
  return {
    expectation,
    mismatch: (ex) => {
      const code = ex.response?.status ?? 0;
      return code >= low && code < high ? undefined : `status was ${code}`;
    },
  };
}

/** Any 2xx status. */
export function successStatus(): Matcher {
  return statusIn(200, 300, 'a 2xx status');
}

/** A client error: any 4xx status (the spec names no single one for this case). */
export function clientError(): Matcher {
  return statusIn(400, 500, 'a 4xx status');
}

export function jsonContentType(): Matcher {
  return {
    expectation: 'Content-Type application/json',
    mismatch: (ex) => {
      const type = ex.response?.headers['content-type'];
      return type && /^application\/json\s*(;|$)/i.test(type) ? undefined : `Content-Type was ${type ?? 'absent'}`;
    },
  };
}

export function jsonObjectBody(): Matcher {
  return {
    expectation: 'a JSON object body',
    mismatch: (ex) => {
      const body = jsonOf(ex);
      return isObject(body) ? undefined : 'the body is not a JSON object';
    },
  };
}

export function matchesSchema(name: SchemaName): Matcher {
  return {
    expectation: `a body valid against the ${name} schema`,
    mismatch: (ex, { spec }) => {
      const body = jsonOf(ex);
      if (body === undefined) return `the body is not JSON, so not a valid ${name}`;
      const verdict = validateSchema(name, spec, body);
      return verdict.valid ? undefined : `the body breaks ${verdict.schema}: ${verdict.errors.join('; ')}`;
    },
  };
}

/** A field of the JSON body equals one of the given values. */
export function field(name: string, ...allowed: unknown[]): Matcher {
  const shown = allowed.map((v) => JSON.stringify(v)).join(' or ');
  return {
    expectation: `${name} ${shown}`,
    mismatch: (ex) => {
      const body = jsonOf(ex);
      const actual = isObject(body) ? body[name] : undefined;
      return allowed.some((v) => v === actual) ? undefined : `${name} was ${JSON.stringify(actual) ?? 'absent'}`;
    },
  };
}

export function fieldSatisfies(name: string, expectation: string, test: (value: unknown) => boolean): Matcher {
  return {
    expectation: `${name} ${expectation}`,
    mismatch: (ex) => {
      const body = jsonOf(ex);
      const actual = isObject(body) ? body[name] : undefined;
      return test(actual) ? undefined : `${name} was ${JSON.stringify(actual) ?? 'absent'}`;
    },
  };
}

export function header(name: string, pattern: RegExp): Matcher {
  const lower = name.toLowerCase();
  return {
    expectation: `header ${name} matching ${pattern}`,
    mismatch: (ex) => {
      const value = ex.response?.headers[lower];
      return value !== undefined && pattern.test(value) ? undefined : `${name} was ${value ?? 'absent'}`;
    },
  };
}

/**
 * A comma-separated header (Access-Control-Allow-Methods, -Headers) that lists each of
 * `items`, compared case-insensitively. A `*` in it stands for the items in `wildcardCovers`
 * only: for CORS, `*` allows any method or header except Authorization (Fetch standard).
 */
export function headerListing(name: string, items: readonly string[], wildcardCovers: readonly string[] = []): Matcher {
  const lower = name.toLowerCase();
  return {
    expectation: `header ${name} listing ${items.join(', ')}`,
    mismatch: (ex) => {
      const value = ex.response?.headers[lower];
      if (value === undefined) return `${name} was absent`;
      const listed = new Set(value.split(',').map((item) => item.trim().toLowerCase()));
      const covered = (item: string) => listed.has(item.toLowerCase()) || (listed.has('*') && wildcardCovers.includes(item));
      const missing = items.filter((item) => !covered(item));
      return missing.length ? `${name} was ${JSON.stringify(value)}, without ${missing.join(', ')}` : undefined;
    },
  };
}

/** Access-Control-Allow-Origin lets the request's origin in: `*`, or that origin itself. */
export function allowsOrigin(): Matcher {
  return {
    expectation: 'header Access-Control-Allow-Origin * or the request\'s Origin',
    mismatch: (ex) => {
      const value = ex.response?.headers['access-control-allow-origin']?.trim();
      const origin = Object.entries(ex.request.headers).find(([n]) => n.toLowerCase() === 'origin')?.[1];
      return value === '*' || (value !== undefined && value === origin) ? undefined : `Access-Control-Allow-Origin was ${value ?? 'absent'}`;
    },
  };
}

/**
 * The CORS headers a browser client needs for a requestToken route, as the spec recommends
 * them ("Access-Control-Allow-Origin: *", "-Methods: GET, POST, PUT, DELETE, OPTIONS",
 * "-Headers: X-Requested-With, Content-Type, Authorization") read for their purpose: the
 * request's origin allowed, the route's methods (POST, OPTIONS) and the headers Matrix
 * clients send (Content-Type, Authorization) listed. The methods of other routes and
 * X-Requested-With, which no request here needs, are not required.
 */
export function corsHeaders(): Matcher[] {
  return [
    allowsOrigin(),
    headerListing('Access-Control-Allow-Methods', ['POST', 'OPTIONS'], ['POST', 'OPTIONS']),
    headerListing('Access-Control-Allow-Headers', ['Content-Type', 'Authorization'], ['Content-Type']),
  ];
}

/** "All JSON data, in requests or responses, must be encoded using UTF-8": the bytes, and any charset label. */
export function utf8Encoded(): Matcher {
  return {
    expectation: 'a body encoded in UTF-8',
    mismatch: (ex) => {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(ex.response?.headers['content-type'] ?? '')?.[1];
      if (charset !== undefined && !/^utf-?8$/i.test(charset)) return `Content-Type says charset=${charset}`;
      return ex.response?.notUtf8 ? 'the body\'s bytes are not valid UTF-8' : undefined;
    },
  };
}

/**
 * The endpoint exists: not the 404 or 405 M_UNRECOGNIZED a server gives for an endpoint it
 * does not implement. Without this, any check for "some 4xx" would pass on a missing endpoint.
 */
export function endpointRecognised(): Matcher {
  return {
    expectation: 'an answer from the endpoint itself',
    mismatch: (ex) => {
      const code = ex.response?.status;
      const body = jsonOf(ex);
      const unrecognised = isObject(body) && body.errcode === 'M_UNRECOGNIZED';
      return (code === 404 || code === 405) && (unrecognised || !isObject(body))
        ? `the server answered ${code}${unrecognised ? ' M_UNRECOGNIZED' : ''}: it does not implement the endpoint`
        : undefined;
    },
  };
}

/** The spec's standard error response, with this status and one of these error codes. */
export function matrixError(expectedStatus: number | 'any 4xx', ...errcodes: string[]): Matcher[] {
  return [
    ...(expectedStatus === 'any 4xx' ? [clientError(), endpointRecognised()] : [status(expectedStatus)]),
    jsonContentType(),
    matchesSchema('error'),
    ...(errcodes.length ? [field('errcode', ...errcodes)] : []),
  ];
}

/** 200 with a RequestTokenResponse body. */
export function requestTokenSuccess(): Matcher[] {
  return [status(200), jsonContentType(), matchesSchema('request-token-response')];
}

export function mismatches(exchange: Exchange, matchers: readonly Matcher[], context: MatchContext): string[] {
  // Without an answer every other check is noise: report why there was none.
  if (!exchange.response || exchange.error) {
    return [`no usable response: ${exchange.error ?? 'none received'}`];
  }
  return matchers.flatMap((m) => {
    const why = m.mismatch(exchange, context);
    return why === undefined ? [] : [`expected ${m.expectation}, but ${why}`];
  });
}

export function matchResponse(exchange: Exchange, matchers: readonly Matcher[], context: MatchContext): void {
  const failures = mismatches(exchange, matchers, context);
  if (failures.length) throw new ScenarioFailure(failures.join('\n'), exchange);
}

/**
 * Where the spec allows more than one answer: passes when any alternative matches, and
 * returns the name of the one seen so the report can say which.
 */
export function matchOneOf(
  exchange: Exchange,
  alternatives: Record<string, readonly Matcher[]>,
  context: MatchContext,
): string {
  const reasons: string[] = [];
  for (const [name, matchers] of Object.entries(alternatives)) {
    const failures = mismatches(exchange, matchers, context);
    if (failures.length === 0) return name;
    reasons.push(`as "${name}": ${failures.join('; ')}`);
  }
  throw new ScenarioFailure(`the answer is none of those the spec allows:\n${reasons.join('\n')}`, exchange);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
