// Each matcher must pass a right answer and fail a wrong one, naming what it saw: a matcher
// that cannot fail would pass a broken server, one that fails wrongly a conformant one.
import { describe, expect, test } from 'vitest';
import type { Exchange, ExchangeResponse } from '../../harness/http/exchange.js';
import {
  allowsOrigin,
  clientError,
  corsHeaders,
  headerListing,
  field,
  fieldSatisfies,
  header,
  jsonContentType,
  jsonObjectBody,
  matchesSchema,
  matchOneOf,
  matchResponse,
  matrixError,
  mismatches,
  requestTokenSuccess,
  ScenarioFailure,
  status,
  successStatus,
  utf8Encoded,
  type MatchContext,
  type Matcher,
} from '../../harness/model/matchers.js';

const v3: MatchContext = { spec: 'v1.19' };
const REQUEST = {
  method: 'POST',
  url: 'http://hs.test/_matrix/client/v3/register/email/requestToken',
  headers: { 'content-type': 'application/json' },
  body: '{"client_secret":"s3cr3t","email":"a@b.test","send_attempt":1}',
};

function answer(statusCode: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Exchange {
  const response: ExchangeResponse = {
    status: statusCode,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    truncated: false,
  };
  return { request: REQUEST, response, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5 };
}

const ok = answer(200, { sid: 'abc123', submit_url: 'https://hs.test/submit' });
const denied = answer(403, { errcode: 'M_THREEPID_DENIED', error: 'Third party identifier is not allowed' });

/** The ScenarioFailure `work` throws; fails the test when it throws nothing or something else. */
function failureOf(work: () => unknown): ScenarioFailure {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioFailure);
    return error as ScenarioFailure;
  }
  throw new Error('expected a ScenarioFailure, but nothing was thrown');
}

/** Checks one matcher both ways: passes on `right`, fails on `wrong` with a message like `seen`. */
function both(matcher: Matcher, right: Exchange, wrong: Exchange, seen: RegExp, context = v3): void {
  expect(matcher.mismatch(right, context)).toBeUndefined();
  const why = matcher.mismatch(wrong, context);
  expect(why).toBeDefined();
  expect(why).toMatch(seen);
}

describe('single matchers', () => {
  test('status', () => {
    both(status(403), denied, ok, /status was 200/);
    expect(status(403).expectation).toBe('status 403');
  });

  test('successStatus: any 2xx, not 1xx/3xx/4xx/5xx', () => {
    both(successStatus(), answer(202, {}), answer(302, ''), /status was 302/);
    expect(successStatus().mismatch(answer(299, {}), v3)).toBeUndefined();
    expect(successStatus().mismatch(answer(199, {}), v3)).toMatch(/199/);
    expect(successStatus().mismatch(answer(300, {}), v3)).toMatch(/300/);
  });

  test('clientError: any 4xx, not 2xx or 5xx', () => {
    both(clientError(), answer(429, {}), answer(500, {}), /status was 500/);
    expect(clientError().mismatch(answer(400, {}), v3)).toBeUndefined();
    expect(clientError().mismatch(answer(499, {}), v3)).toBeUndefined();
    expect(clientError().mismatch(answer(399, {}), v3)).toMatch(/399/);
    expect(clientError().mismatch(ok, v3)).toMatch(/200/);
  });

  test('jsonContentType: with or without parameters, any case; text/html or absent fails', () => {
    both(jsonContentType(), answer(200, {}, { 'content-type': 'Application/JSON; charset=utf-8' }), answer(200, {}, { 'content-type': 'text/html' }), /Content-Type was text\/html/);
    expect(jsonContentType().mismatch(answer(200, {}, {}), v3)).toMatch(/Content-Type was absent/);
    expect(jsonContentType().mismatch(answer(200, {}, { 'content-type': 'text/plain; x=application/json' }), v3)).toBeDefined();
  });

  test('jsonObjectBody: an object passes; an array, a string, null and non-JSON fail', () => {
    both(jsonObjectBody(), ok, answer(200, '[1,2]'), /not a JSON object/);
    expect(jsonObjectBody().mismatch(answer(200, '"sid"'), v3)).toBeDefined();
    expect(jsonObjectBody().mismatch(answer(200, 'null'), v3)).toBeDefined();
    expect(jsonObjectBody().mismatch(answer(200, '<html>'), v3)).toBeDefined();
    expect(jsonObjectBody().mismatch(answer(200, ''), v3)).toBeDefined();
  });

  test('matchesSchema: names the schema file applied and the broken rule', () => {
    both(matchesSchema('request-token-response'), ok, answer(200, { sid: 'bad sid!' }), /request-token-response\/v1\.1.*\/sid.*pattern/);
    expect(matchesSchema('request-token-response').mismatch(answer(200, {}), v3)).toMatch(/sid/);
    expect(matchesSchema('error').mismatch(answer(200, 'oops'), v3)).toMatch(/not JSON.*error/);
    expect(matchesSchema('request-token-response').expectation).toContain('request-token-response');
  });

  test('matchesSchema: uses the schema of the context spec version', () => {
    const oddUrl = answer(200, { sid: 'abc', submit_url: 'not a uri' });
    expect(matchesSchema('request-token-response').mismatch(oddUrl, { spec: 'r0.6.1' })).toBeUndefined();
    expect(matchesSchema('request-token-response').mismatch(oddUrl, { spec: 'v1.1' })).toMatch(/submit_url.*format/);
  });

  test('field: one of the allowed values; names the value seen, or "absent"', () => {
    both(field('errcode', 'M_THREEPID_DENIED'), denied, answer(403, { errcode: 'M_FORBIDDEN', error: 'x' }), /errcode was "M_FORBIDDEN"/);
    expect(field('errcode', 'M_THREEPID_IN_USE', 'M_THREEPID_DENIED').mismatch(denied, v3)).toBeUndefined();
    expect(field('errcode', 'M_THREEPID_DENIED').mismatch(ok, v3)).toBe('errcode was absent');
    expect(field('errcode', 'M_THREEPID_DENIED').mismatch(answer(403, 'not json'), v3)).toBe('errcode was absent');
    // Strict: the number 1 is not the string "1".
    expect(field('send_attempt', 1).mismatch(answer(200, { send_attempt: '1' }), v3)).toBe('send_attempt was "1"');
    expect(field('errcode', 'A', 'B').expectation).toBe('errcode "A" or "B"');
  });

  test('fieldSatisfies: runs the predicate on the value; names the value seen', () => {
    const integer = fieldSatisfies('retry_after_ms', 'a whole number', Number.isInteger);
    both(integer, answer(429, { retry_after_ms: 2000 }), answer(429, { retry_after_ms: 1.5 }), /retry_after_ms was 1\.5/);
    expect(integer.mismatch(answer(429, {}), v3)).toBe('retry_after_ms was absent');
    expect(integer.expectation).toBe('retry_after_ms a whole number');
  });

  test('header: case-insensitive name, value matched by pattern; names the value seen', () => {
    const retryAfter = header('Retry-After', /^\d+$/);
    both(retryAfter, answer(429, {}, { 'retry-after': '5' }), answer(429, {}, { 'retry-after': 'soon' }), /Retry-After was soon/);
    expect(retryAfter.mismatch(answer(429, {}, {}), v3)).toBe('Retry-After was absent');
  });
});

describe('matcher bundles', () => {
  test('matrixError: status, JSON type, error schema and errcode', () => {
    const matchers = matrixError(403, 'M_THREEPID_DENIED');
    expect(mismatches(denied, matchers, v3)).toEqual([]);
    expect(mismatches(answer(403, { errcode: 'M_FORBIDDEN', error: 'no' }), matchers, v3)).toEqual([
      'expected errcode "M_THREEPID_DENIED", but errcode was "M_FORBIDDEN"',
    ]);
    // The spec requires `error` beside `errcode`.
    expect(mismatches(answer(403, { errcode: 'M_THREEPID_DENIED' }), matchers, v3).join('\n')).toMatch(/error/);
    // Every broken promise is listed, not just the first.
    const html = mismatches(answer(500, '<h1>oops</h1>', { 'content-type': 'text/html' }), matchers, v3);
    expect(html).toHaveLength(4);
    expect(html[0]).toBe('expected status 403, but status was 500');
    expect(html[1]).toMatch(/Content-Type was text\/html/);
  });

  test("matrixError('any 4xx') without errcodes: any 4xx standard error", () => {
    const matchers = matrixError('any 4xx');
    expect(mismatches(answer(400, { errcode: 'M_UNKNOWN', error: 'x' }), matchers, v3)).toEqual([]);
    expect(mismatches(answer(500, { errcode: 'M_UNKNOWN', error: 'x' }), matchers, v3)).toEqual(['expected a 4xx status, but status was 500']);
  });

  test('requestTokenSuccess: 200, JSON, a RequestTokenResponse body', () => {
    expect(mismatches(ok, requestTokenSuccess(), v3)).toEqual([]);
    expect(mismatches(answer(201, { sid: 'abc' }), requestTokenSuccess(), v3)).toEqual(['expected status 200, but status was 201']);
    expect(mismatches(answer(200, { sid: '' }), requestTokenSuccess(), v3).join()).toMatch(/request-token-response/);
    expect(mismatches(answer(200, { sid: 'abc' }, { 'content-type': 'text/plain' }), requestTokenSuccess(), v3).join()).toMatch(/Content-Type was text\/plain/);
  });
});

describe('matchResponse', () => {
  test('passes silently when every matcher holds', () => {
    expect(() => matchResponse(denied, matrixError(403, 'M_THREEPID_DENIED'), v3)).not.toThrow();
  });

  test('throws a ScenarioFailure carrying the exchange: method, URL, status, body and replay line', () => {
    const wrong = answer(200, { sid: 'abc' });
    const { message, evidence } = failureOf(() => matchResponse(wrong, matrixError(403, 'M_THREEPID_DENIED'), v3));
    expect(evidence).toBe(wrong);
    expect(message).toContain('expected status 403, but status was 200');
    expect(message).toContain('expected errcode "M_THREEPID_DENIED", but errcode was absent');
    expect(message).toContain(`> POST ${REQUEST.url}`);
    expect(message).toContain('< 200 (5 ms)');
    expect(message).toContain('{"sid":"abc"}');
    expect(message).toMatch(/^replay: curl .*'http:\/\/hs\.test\/_matrix\/client\/v3\/register\/email\/requestToken'/m);
    expect(message).toContain(`--data-raw '${REQUEST.body}'`);
  });

  test('an exchange without a usable response fails with why, not with every matcher', () => {
    const hung: Exchange = { request: REQUEST, error: 'no complete answer within 300 ms', startedAt: '', durationMs: 300 };
    expect(mismatches(hung, requestTokenSuccess(), v3)).toEqual(['no usable response: no complete answer within 300 ms']);
    expect(() => matchResponse(hung, requestTokenSuccess(), v3)).toThrow(/no usable response: no complete answer within 300 ms[\s\S]*replay: curl/);
    // A body cut at the cap is no usable response either, even if its status looks right.
    const cut: Exchange = { ...ok, response: { ...ok.response!, truncated: true }, error: 'response body larger than 10 bytes' };
    expect(mismatches(cut, [status(200)], v3)).toEqual(['no usable response: response body larger than 10 bytes']);
    // Neither response nor error: still a failure, not a pass.
    expect(mismatches({ request: REQUEST, startedAt: '', durationMs: 0 }, [], v3)).toEqual(['no usable response: none received']);
  });
});

describe('matchOneOf', () => {
  const alternatives = {
    'denied with 403': matrixError(403, 'M_THREEPID_DENIED'),
    'accepted, mail sent': requestTokenSuccess(),
  };

  test('returns the name of the alternative that matched', () => {
    expect(matchOneOf(denied, alternatives, v3)).toBe('denied with 403');
    expect(matchOneOf(ok, alternatives, v3)).toBe('accepted, mail sent');
  });

  test('throws listing every alternative and why each failed, with the evidence', () => {
    const other = answer(400, { errcode: 'M_UNKNOWN', error: 'nope' });
    const { message, evidence } = failureOf(() => matchOneOf(other, alternatives, v3));
    expect(evidence).toBe(other);
    expect(message).toContain('none of those the spec allows');
    expect(message).toContain('as "denied with 403": expected status 403, but status was 400; expected errcode "M_THREEPID_DENIED", but errcode was "M_UNKNOWN"');
    expect(message).toMatch(/as "accepted, mail sent": expected status 200, but status was 400; .*request-token-response/);
    expect(message).toContain('replay: curl');
  });

  test('without a usable response no alternative matches', () => {
    const reset: Exchange = { request: REQUEST, error: 'ECONNRESET: read ECONNRESET', startedAt: '', durationMs: 1 };
    expect(() => matchOneOf(reset, alternatives, v3)).toThrow(/as "denied with 403": no usable response: ECONNRESET/);
  });
});

describe('CORS and encoding', () => {
  const withHeaders = (headers: Record<string, string>, origin?: string): Exchange => {
    const exchange = answer(200, {}, { 'content-type': 'application/json', ...headers });
    return origin === undefined ? exchange : { ...exchange, request: { ...REQUEST, headers: { ...REQUEST.headers, origin } } };
  };
  const recommended = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
  };

  test('headerListing: every item, in any case and order, with * standing only for what it covers', () => {
    const methods = headerListing('Access-Control-Allow-Methods', ['POST', 'OPTIONS'], ['POST', 'OPTIONS']);
    both(methods, withHeaders({ 'access-control-allow-methods': 'options,post' }), withHeaders({ 'access-control-allow-methods': 'GET, POST' }), /without OPTIONS/);
    expect(methods.mismatch(withHeaders({ 'access-control-allow-methods': '*' }), v3)).toBeUndefined();
    expect(methods.mismatch(withHeaders({}), v3)).toMatch(/was absent/);
    // For Fetch, * allows any header but Authorization.
    const headers = headerListing('Access-Control-Allow-Headers', ['Content-Type', 'Authorization'], ['Content-Type']);
    expect(headers.mismatch(withHeaders({ 'access-control-allow-headers': '*' }), v3)).toMatch(/without Authorization/);
    expect(headers.mismatch(withHeaders({ 'access-control-allow-headers': '*, Authorization' }), v3)).toBeUndefined();
    // A list item, not a substring: "X-Content-Type" does not list Content-Type.
    expect(headers.mismatch(withHeaders({ 'access-control-allow-headers': 'X-Content-Type, Authorization' }), v3)).toMatch(/without Content-Type/);
  });

  test('allowsOrigin: * or the Origin the request carried, nothing else', () => {
    both(allowsOrigin(), withHeaders({ 'access-control-allow-origin': 'https://client.test' }, 'https://client.test'), withHeaders({ 'access-control-allow-origin': 'https://other.test' }, 'https://client.test'), /was https:\/\/other\.test/);
    expect(allowsOrigin().mismatch(withHeaders({ 'access-control-allow-origin': '*' }), v3)).toBeUndefined();
    expect(allowsOrigin().mismatch(withHeaders({ 'access-control-allow-origin': 'https://client.test' }), v3)).toMatch(/was https:\/\/client\.test/);
  });

  test('corsHeaders: the recommended values pass; Allow-Origin alone does not', () => {
    expect(mismatches(withHeaders(recommended), corsHeaders(), v3)).toEqual([]);
    expect(mismatches(withHeaders({ 'access-control-allow-origin': '*' }), corsHeaders(), v3)).toEqual([
      'expected header Access-Control-Allow-Methods listing POST, OPTIONS, but Access-Control-Allow-Methods was absent',
      'expected header Access-Control-Allow-Headers listing Content-Type, Authorization, but Access-Control-Allow-Headers was absent',
    ]);
  });

  test('utf8Encoded: no charset or utf-8, and bytes the client could decode', () => {
    both(utf8Encoded(), withHeaders({ 'content-type': 'application/json; charset=UTF-8' }), withHeaders({ 'content-type': 'application/json; charset=iso-8859-1' }), /charset=iso-8859-1/);
    expect(utf8Encoded().mismatch(ok, v3)).toBeUndefined();
    const latin1 = { ...ok, response: { ...ok.response!, notUtf8: true as const } };
    expect(utf8Encoded().mismatch(latin1, v3)).toMatch(/not valid UTF-8/);
  });
});
