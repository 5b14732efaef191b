// The HTTP client's handling of bad answers, with the answers scripted by nock. nock 15
// intercepts undici's own Agent (at the socket, through @mswjs/interceptors), so these run
// the client's real code path without a server. What nock cannot stage faithfully for
// undici stays with the loopback servers in http-client.test.ts: a delay past the deadline
// (nock delays the body, not the headers, and a deadline firing meanwhile trips an
// assertion inside undici), and peers that stop speaking HTTP, or never did.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../../harness/http/client.js';
import { jsonOf, type Exchange } from '../../harness/http/exchange.js';

// Loopback, so that a request nock failed to catch still goes nowhere but this machine.
const BASE = 'http://127.0.0.1:9';
const DEADLINE_MS = 300;

const clients: HttpClient[] = [];
function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = new HttpClient({ baseUrl: BASE, timeoutMs: DEADLINE_MS, maxBodyBytes: 1_000, ...options });
  clients.push(c);
  return c;
}

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  // Every scripted answer was asked for: the client really went through nock.
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('a connection reset', () => {
  test('before any answer: a failed exchange naming the reset, with its evidence', async () => {
    nock(BASE)
      .post('/_matrix/client/v3/register/email/requestToken')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const seen: Exchange[] = [];
    const exchange = await client({ onExchange: (e) => seen.push(e) }).post('/_matrix/client/v3/register/email/requestToken', { client_secret: 'c' });

    expect(exchange.response).toBeUndefined();
    expect(exchange.error).toBe('ECONNRESET: socket hang up');
    expect(exchange.request.body).toBe('{"client_secret":"c"}');
    expect(seen).toEqual([exchange]);
  });

  test('one reset does not poison the next request on the same client', async () => {
    nock(BASE).get('/first').replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    nock(BASE).get('/second').reply(200, { ok: true });
    const http = client();

    expect((await http.get('/first')).error).toMatch(/^ECONNRESET/);
    const second = await http.get('/second');
    expect(second.error).toBeUndefined();
    expect(jsonOf(second)).toEqual({ ok: true });
  });
});

describe('a slow answer', () => {
  test('within a longer per-request deadline is whole, and its duration is measured', async () => {
    nock(BASE).get('/slow').delay(500).reply(200, { sid: 's1' });
    const exchange = await client().send({ path: '/slow', timeoutMs: 5_000 });

    expect(exchange.error).toBeUndefined();
    expect(jsonOf(exchange)).toEqual({ sid: 's1' });
    expect(exchange.durationMs).toBeGreaterThanOrEqual(450);
  });
});

describe('malformed JSON is recorded as sent, not failed at the HTTP layer', () => {
  // The matchers judge the body; the client's part is to keep it verbatim.
  test.each([
    ['cut short', '{"sid":'],
    ['a trailing comma', '{"sid": "s1",}'],
    ['single quotes', "{'sid': 's1'}"],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['an empty body', ''],
    ['a byte-order mark first', '\uFEFF{"sid": "s1"}'],
  ])('%s', async (_what, body) => {
    nock(BASE).post('/requestToken').reply(200, body, { 'content-type': 'application/json' });
    const exchange = await client().post('/requestToken', {});

    expect(exchange.error).toBeUndefined();
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.headers['content-type']).toBe('application/json');
    expect(exchange.response?.body).toBe(body);
    expect(jsonOf(exchange)).toBeUndefined();
  });

  test('JSON that parses but is no object is still JSON', async () => {
    nock(BASE).post('/requestToken').reply(200, '["sid"]', { 'content-type': 'application/json' });
    const exchange = await client().post('/requestToken', {});
    expect(exchange.error).toBeUndefined();
    expect(jsonOf(exchange)).toEqual(['sid']);
  });
});

describe('an oversized body is cut at the cap, marked and failed', () => {
  test.each([
    ['with a content-length', { 'content-length': '5000' }],
    ['chunked, without one', {}],
  ])('%s', async (_what, headers) => {
    nock(BASE)
      .get('/big')
      .reply(200, 'x'.repeat(5_000), { 'content-type': 'application/json', ...headers });
    const exchange = await client().get('/big');

    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.truncated).toBe(true);
    expect(exchange.response?.body).toBe('x'.repeat(1_000));
    expect(exchange.error).toBe('response body larger than 1000 bytes');
    expect(jsonOf(exchange)).toBeUndefined();
  });

  test('one byte over the cap is over; at the cap is whole', async () => {
    nock(BASE).get('/over').reply(200, 'y'.repeat(1_001));
    nock(BASE).get('/at').reply(200, 'y'.repeat(1_000));
    const http = client();

    const over = await http.get('/over');
    expect(over.response?.truncated).toBe(true);
    expect(over.response?.body.length).toBe(1_000);

    const at = await http.get('/at');
    expect(at.error).toBeUndefined();
    expect(at.response?.truncated).toBe(false);
    expect(at.response?.body.length).toBe(1_000);
  });

  test('a valid JSON answer over the cap is not parsed from its cut prefix', async () => {
    const answer = JSON.stringify({ sid: 's1', padding: 'p'.repeat(2_000) });
    nock(BASE).post('/requestToken').reply(200, answer, { 'content-type': 'application/json' });
    const exchange = await client().post('/requestToken', {});

    expect(exchange.error).toMatch(/larger than 1000 bytes/);
    expect(exchange.response?.body).toBe(answer.slice(0, 1_000));
    expect(jsonOf(exchange)).toBeUndefined();
  });
});
