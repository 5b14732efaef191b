// The evidence a failed scenario carries: a replay line a reader can paste into a shell and
// get the same request, and a readable rendering of request and response.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { HttpClient } from '../../harness/http/client.js';
import { formatExchange, toCurl, type Exchange, type ExchangeRequest } from '../../harness/http/exchange.js';
import { echoServer, type EchoedRequest } from './loopback.js';

// Asynchronous on purpose: the echo server answering curl runs in this very process.
const run = promisify(execFile);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function echo() {
  const server = await echoServer();
  cleanups.push(() => server.close());
  return server;
}

/** Runs a replay line through a real shell and curl, as a reader would. */
async function replay(command: string): Promise<void> {
  await run('sh', ['-c', `${command} -o /dev/null`], { timeout: 5_000 });
}

/** The headers a request line names, as the server saw them (names lower-cased). */
function sentHeaders(echoed: EchoedRequest, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, echoed.headers[n.toLowerCase()]]));
}

describe('toCurl', () => {
  test('replays a client exchange: same method, path, body and headers', async () => {
    const server = await echo();
    const http = new HttpClient({ baseUrl: server.url, timeoutMs: 2_000, maxBodyBytes: 65_536 });
    cleanups.push(() => http.close());
    const exchange = await http.post(
      '/_matrix/client/v3/register/email/requestToken',
      { client_secret: "it's a secret", email: 'o\'brien@example.org', send_attempt: 1, next_link: 'https://x.test/?a=1&b=$HOME' },
      { 'x-note': "don't expand $HOME or `id`" },
    );
    expect(exchange.error).toBeUndefined();

    await replay(toCurl(exchange.request));

    expect(server.received).toHaveLength(2);
    const [original, replayed] = server.received as [EchoedRequest, EchoedRequest];
    expect(replayed.method).toBe(original.method);
    expect(replayed.url).toBe(original.url);
    expect(replayed.body).toBe(original.body);
    const names = Object.keys(exchange.request.headers);
    expect(sentHeaders(replayed, names)).toEqual(sentHeaders(original, names));
    expect(replayed.headers['x-note']).toBe("don't expand $HOME or `id`");
    expect(JSON.parse(replayed.body)).toMatchObject({ client_secret: "it's a secret", email: "o'brien@example.org" });
  });

  test("quotes single quotes for the shell: ' becomes '\\''", () => {
    const line = toCurl({ method: 'POST', url: "http://h.test/it's", headers: { 'x-q': "it's" }, body: "{'a'}" });
    expect(line).toContain(` 'http://h.test/it'\\''s' `);
    expect(line).toContain(` -H 'x-q: it'\\''s' `);
    expect(line).toContain(` --data-raw '{'\\''a'\\''}'`);
    expect(line.startsWith('curl ')).toBe(true);
  });

  test('a request without a body replays without one', async () => {
    const server = await echo();
    await replay(toCurl({ method: 'GET', url: `${server.url}/_matrix/client/versions`, headers: {} }));
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.method).toBe('GET');
    expect(server.received[0]?.body).toBe('');
    expect(server.received[0]?.headers['content-length']).toBeUndefined();
  });

  test('an empty body is sent, and is empty', async () => {
    const server = await echo();
    await replay(toCurl({ method: 'POST', url: `${server.url}/empty`, headers: { 'content-type': 'application/json' }, body: '' }));
    expect(server.received[0]?.method).toBe('POST');
    expect(server.received[0]?.headers['content-length']).toBe('0');
  });

  test('a raw body without content-type replays without one (curl would add a form type)', async () => {
    const server = await echo();
    const request: ExchangeRequest = { method: 'POST', url: `${server.url}/raw`, headers: {}, body: 'client_secret=abc' };
    await replay(toCurl(request));
    expect(server.received[0]?.body).toBe('client_secret=abc');
    expect(server.received[0]?.headers['content-type']).toBeUndefined();
  });

  test('a URL with brackets and braces is sent literally, not expanded by curl', async () => {
    const server = await echo();
    const http = new HttpClient({ baseUrl: server.url, timeoutMs: 2_000, maxBodyBytes: 65_536 });
    cleanups.push(() => http.close());
    const exchange = await http.get('/x?ids=[1,2]&b={c,d}');
    expect(exchange.error).toBeUndefined();

    await replay(toCurl(exchange.request));

    expect(server.received).toHaveLength(2);
    expect(server.received[1]?.url).toBe(server.received[0]?.url);
    expect(server.received[1]?.url).toContain('[1,2]');
  });
});

describe('formatExchange', () => {
  const request: ExchangeRequest = {
    method: 'POST',
    url: 'http://hs.test/_matrix/client/v3/register/email/requestToken',
    headers: { 'content-type': 'application/json' },
    body: '{"client_secret":"s"}',
  };

  test('shows request, response and the replay line', () => {
    const text = formatExchange({
      request,
      response: { status: 403, headers: { 'content-type': 'application/json' }, body: '{"errcode":"M_THREEPID_DENIED"}', truncated: false },
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 12,
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('> POST http://hs.test/_matrix/client/v3/register/email/requestToken');
    expect(text).toContain('  content-type: application/json');
    expect(text).toContain('  {"client_secret":"s"}');
    expect(text).toContain('< 403 (12 ms)');
    expect(text).toContain('  {"errcode":"M_THREEPID_DENIED"}');
    expect(lines.at(-1)).toBe(`replay: ${toCurl(request)}`);
    expect(text).not.toContain('no response');
  });

  test('shows why there was no response, and still the replay line', () => {
    const text = formatExchange({ request, error: 'no complete answer within 300 ms', startedAt: '', durationMs: 301 });
    expect(text).toContain('< no response: no complete answer within 300 ms (after 301 ms)');
    expect(text).not.toMatch(/^< \d/m);
    expect(text.split('\n').at(-1)).toBe(`replay: ${toCurl(request)}`);
  });

  test('clips a long body and says how much was left out, and marks a cut body', () => {
    const exchange: Exchange = {
      request,
      response: { status: 200, headers: {}, body: 'b'.repeat(5_000), truncated: true },
      error: 'response body larger than 5000 bytes',
      startedAt: '',
      durationMs: 1,
    };
    const text = formatExchange(exchange);
    expect(text).toContain(`${'b'.repeat(2_000)}… (3000 more characters)`);
    expect(text).not.toContain('b'.repeat(2_001));
    expect(text).toContain('(body cut at the size cap)');
    expect(text).toContain('response body larger than 5000 bytes');
  });
});
