// The HTTP client is where a misbehaving homeserver meets the harness: every way an answer
// can go wrong must end as a failed exchange with evidence, promptly, never a throw or a hang.
import { afterEach, describe, expect, test } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../../harness/http/client.js';
import { jsonOf, toCurl, type Exchange } from '../../harness/http/exchange.js';
import { echoServer, httpServer, tcpServer, type EchoedRequest, type Loopback } from './loopback.js';

// Short enough to keep the suite fast, long enough for any loopback round trip.
const DEADLINE_MS = 300;
// A deadline may overshoot by scheduling, never by a multiple of itself.
const SLACK_MS = 700;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track<T extends Loopback>(server: T): T {
  cleanups.push(() => server.close());
  return server;
}

function client(baseUrl: string, options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = new HttpClient({ baseUrl, timeoutMs: DEADLINE_MS, maxBodyBytes: 64 * 1024, ...options });
  cleanups.push(() => c.close());
  return c;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('a well-behaved server', () => {
  test('a JSON exchange is recorded: request, response, flattened headers, parsed body', async () => {
    const echo = track(await echoServer());
    const seen: Exchange[] = [];
    const http = client(`${echo.url}/`, { onExchange: (e) => seen.push(e) });

    const exchange = await http.post('/_matrix/client/v3/register/email/requestToken', { client_secret: 'c', email: 'a@b.test' }, { 'x-trace': 't1' });

    expect(exchange.error).toBeUndefined();
    // The trailing slash of the base URL is not doubled.
    expect(exchange.request).toEqual({
      method: 'POST',
      url: `${echo.url}/_matrix/client/v3/register/email/requestToken`,
      headers: { 'x-trace': 't1', 'content-type': 'application/json' },
      body: '{"client_secret":"c","email":"a@b.test"}',
    });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.truncated).toBe(false);
    expect(exchange.response?.headers['content-type']).toBe('application/json');
    // A header sent twice arrives as one string, as the matchers expect.
    expect(exchange.response?.headers['x-multi']).toBe('one, two');
    expect(Object.values(exchange.response?.headers ?? {}).every((v) => typeof v === 'string')).toBe(true);
    expect(Date.parse(exchange.startedAt)).not.toBeNaN();
    expect(exchange.durationMs).toBeGreaterThanOrEqual(0);

    // What the server received is what the exchange says was sent.
    const echoed = jsonOf(exchange) as EchoedRequest;
    expect(echoed.method).toBe('POST');
    expect(echoed.url).toBe('/_matrix/client/v3/register/email/requestToken');
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(echoed.headers['x-trace']).toBe('t1');
    expect(JSON.parse(echoed.body)).toEqual({ client_secret: 'c', email: 'a@b.test' });

    expect(seen).toEqual([exchange]);
  });

  test('GET sends no body and no content-type; an absolute URL is used as is', async () => {
    const echo = track(await echoServer());
    const http = client('http://127.0.0.1:1');

    const exchange = await http.get(`${echo.url}/_matrix/client/versions`);

    expect(exchange.error).toBeUndefined();
    expect(exchange.request.body).toBeUndefined();
    expect(exchange.request.headers).toEqual({});
    const echoed = jsonOf(exchange) as EchoedRequest;
    expect(echoed.method).toBe('GET');
    expect(echoed.url).toBe('/_matrix/client/versions');
    expect(echoed.headers['content-type']).toBeUndefined();
    expect(echoed.body).toBe('');
  });

  test('a raw body is sent as is, and a caller-given content-type is kept', async () => {
    const echo = track(await echoServer());
    const http = client(echo.url);

    const raw = await http.send({ method: 'POST', path: '/raw', body: '{"not": json', headers: { 'content-type': 'text/plain' } });
    expect((jsonOf(raw) as EchoedRequest).body).toBe('{"not": json');
    expect((jsonOf(raw) as EchoedRequest).headers['content-type']).toBe('text/plain');

    const typed = await http.send({ method: 'POST', path: '/typed', json: {}, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(typed.request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((jsonOf(typed) as EchoedRequest).headers['content-type']).toBe('application/json; charset=utf-8');
  });

  test('a caller-given Content-Type in any letter case replaces the JSON default, not joins it', async () => {
    const echo = track(await echoServer());
    const exchange = await client(echo.url).send({ method: 'POST', path: '/typed', json: {}, headers: { 'Content-Type': 'text/plain' } });
    const echoed = jsonOf(exchange) as EchoedRequest;
    const sent = echoed.rawHeaders.filter((_, i) => i % 2 === 0 && /^content-type$/i.test(echoed.rawHeaders[i]!));
    expect(sent).toHaveLength(1);
    expect(echoed.headers['content-type']).toBe('text/plain');
    expect(exchange.request.headers).toEqual({ 'Content-Type': 'text/plain' });
  });

  test('contentType: false sends the JSON body with no Content-Type at all, and the replay says so', async () => {
    const echo = track(await echoServer());
    const exchange = await client(echo.url).send({ method: 'POST', path: '/unlabelled', json: { a: 1 }, contentType: false });
    const echoed = jsonOf(exchange) as EchoedRequest;
    expect(echoed.rawHeaders.filter((name, i) => i % 2 === 0 && /^content-type$/i.test(name))).toEqual([]);
    expect(JSON.parse(echoed.body)).toEqual({ a: 1 });
    expect(exchange.request.headers).toEqual({});
    expect(toCurl(exchange.request)).toContain(`-H 'Content-Type:'`);
  });

  test('a body whose bytes are not UTF-8 is marked notUtf8; a UTF-8 one (emoji included) is not', async () => {
    const server = track(await httpServer((req, res) => res.end(req.url === '/latin1' ? Buffer.from('{"error":"é"}', 'latin1') : '{"error":"é 🔑"}')));
    const latin1 = await client(server.url).get('/latin1');
    expect(latin1.response?.notUtf8).toBe(true);
    expect(latin1.response?.body).toBe('{"error":"\uFFFD"}');
    const utf8 = await client(server.url).get('/utf8');
    expect(utf8.response?.notUtf8).toBeUndefined();
    expect(utf8.response?.body).toBe('{"error":"é 🔑"}');
  });

  test('jsonOf: undefined for a body that is not JSON, or for no response', async () => {
    const server = track(await httpServer((_req, res) => res.end('<html>hello</html>')));
    const exchange = await client(server.url).get('/');
    expect(exchange.error).toBeUndefined();
    expect(exchange.response?.body).toBe('<html>hello</html>');
    expect(jsonOf(exchange)).toBeUndefined();
    expect(jsonOf({ request: exchange.request, error: 'x', startedAt: '', durationMs: 0 })).toBeUndefined();
    // JSON that is not an object is still JSON.
    expect(jsonOf({ ...exchange, response: { ...exchange.response!, body: 'null' } })).toBeNull();
  });

  test('a non-2xx answer is an exchange like any other, not an error', async () => {
    const server = track(
      await httpServer((_req, res) => {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end('{"errcode":"M_THREEPID_DENIED","error":"denied"}');
      }),
    );
    const exchange = await client(server.url).post('/x', {});
    expect(exchange.error).toBeUndefined();
    expect(exchange.response?.status).toBe(403);
    expect(jsonOf(exchange)).toEqual({ errcode: 'M_THREEPID_DENIED', error: 'denied' });
  });
});

describe('a misbehaving server gives a failed exchange, promptly', () => {
  test('one that never answers: the deadline is named, and the call returns near it', async () => {
    const server = track(await tcpServer(() => {}));
    const seen: Exchange[] = [];
    const { value: exchange, ms } = await timed(() => client(server.url, { onExchange: (e) => seen.push(e) }).post('/hang', {}));

    expect(exchange.response).toBeUndefined();
    expect(exchange.error).toMatch(new RegExp(`within ${DEADLINE_MS} ms`));
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(exchange.durationMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    // The evidence is recorded even for an exchange that failed.
    expect(seen).toEqual([exchange]);
  });

  test('one that sends headers, then stalls in the body: the deadline is named', async () => {
    const server = track(
      await httpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"sid":');
      }),
    );
    const { value: exchange, ms } = await timed(() => client(server.url).get('/stall'));

    expect(exchange.error).toMatch(new RegExp(`within ${DEADLINE_MS} ms`));
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  test('one that trickles bytes forever, each before the idle timeout: the whole-request deadline holds', async () => {
    const server = track(
      await httpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const { value: exchange, ms } = await timed(() => client(server.url).get('/trickle'));

    expect(exchange.error).toMatch(new RegExp(`within ${DEADLINE_MS} ms`));
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  test('one that resets the connection on accept', async () => {
    const server = track(await tcpServer((socket) => socket.resetAndDestroy()));
    const exchange = await client(server.url).post('/reset', {});
    expect(exchange.response).toBeUndefined();
    expect(exchange.error).toMatch(/ECONNRESET|UND_ERR_SOCKET|closed/);
  });

  test('one that reads the request, then resets', async () => {
    const server = track(await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy())));
    const exchange = await client(server.url).post('/reset', {});
    expect(exchange.response).toBeUndefined();
    expect(exchange.error).toMatch(/ECONNRESET|UND_ERR_SOCKET|closed/);
  });

  test('one that closes midway through the body', async () => {
    const server = track(
      await tcpServer((socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"sid":');
          socket.end();
        }),
      ),
    );
    const exchange = await client(server.url).get('/cut');
    expect(exchange.error).toBeDefined();
    expect(jsonOf(exchange)).toBeUndefined();
  });

  test('one that answers with something that is not HTTP', async () => {
    const server = track(
      await tcpServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n'))),
    );
    const exchange = await client(server.url).get('/');
    expect(exchange.response).toBeUndefined();
    expect(exchange.error).toMatch(/HTTP/);
  });

  test('one that answers with endless headers', async () => {
    const server = track(
      await tcpServer((socket) =>
        socket.once('data', () => {
          socket.write('HTTP/1.1 200 OK\r\n');
          for (let i = 0; i < 2_000; i++) socket.write(`x-filler-${i}: ${'h'.repeat(100)}\r\n`);
        }),
      ),
    );
    const { value: exchange, ms } = await timed(() => client(server.url).get('/'));
    expect(exchange.response).toBeUndefined();
    expect(exchange.error).toBeDefined();
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  test('one that is not there at all', async () => {
    const server = await tcpServer(() => {});
    await server.close();
    const exchange = await client(server.url).get('/');
    expect(exchange.response).toBeUndefined();
    expect(exchange.error).toMatch(/ECONNREFUSED/);
  });

  test('a body larger than the cap is cut, marked, and failed', async () => {
    const big = 'x'.repeat(10_000);
    const server = track(
      await httpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) });
        res.end(big);
      }),
    );
    const exchange = await client(server.url, { maxBodyBytes: 1_000 }).get('/big');

    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.truncated).toBe(true);
    expect(exchange.response?.body).toBe('x'.repeat(1_000));
    expect(exchange.error).toMatch(/larger than 1000 bytes/);
    expect(jsonOf(exchange)).toBeUndefined();
  });

  test('a body exactly at the cap is whole, not cut', async () => {
    const server = track(await httpServer((_req, res) => res.end('y'.repeat(1_000))));
    const exchange = await client(server.url, { maxBodyBytes: 1_000 }).get('/exact');
    expect(exchange.error).toBeUndefined();
    expect(exchange.response?.truncated).toBe(false);
    expect(exchange.response?.body.length).toBe(1_000);
  });

  test('an endless body is cut at the cap promptly, and the client stops reading', async () => {
    let sent = 0;
    let closed: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = track(
      await httpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(16 * 1024, 'z');
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        };
        res.on('drain', pump);
        res.on('close', () => closed());
        pump();
      }),
    );
    // A generous deadline: the cap, not the deadline, must end this exchange.
    const { value: exchange, ms } = await timed(() => client(server.url, { maxBodyBytes: 100_000, timeoutMs: 5_000 }).get('/endless'));

    expect(exchange.response?.truncated).toBe(true);
    expect(exchange.response?.body.length).toBe(100_000);
    expect(exchange.error).toMatch(/larger than 100000 bytes/);
    expect(ms).toBeLessThan(1_000);
    // The connection is dropped rather than drained: the server sees it close.
    await serverSawClose;
    expect(sent).toBeLessThan(50 * 1024 * 1024);
  });
});
