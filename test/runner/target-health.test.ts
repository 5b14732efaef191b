// The health watch loses the target only when a check confirms it: a path that hangs on some
// bodies but answers a plain one is the server's bug on that input, not a stalled server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { Exchange } from '../../harness/http/exchange.js';
import { TargetHealth } from '../../harness/runner/target-health.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A server whose POST /x hangs unless `answersEmptyBody` and the body is `{}`. */
async function serve(answersEmptyBody: boolean): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/_matrix/client/versions') return void res.end('{"versions":[]}');
      if (answersEmptyBody && body === '{}') {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"errcode":"M_MISSING_PARAM","error":"no"}');
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function timedOut(url: string): Exchange {
  return { request: { method: 'POST', url: `${url}/x`, headers: {}, body: '{"a":1}' }, error: 'no complete answer within 300 ms', startedAt: '', durationMs: 300 };
}

describe('TargetHealth', () => {
  test('timeouts on one path from two scenarios, and a check request that times out too: lost', async () => {
    const url = await serve(false);
    const lost: string[] = [];
    const health = new TargetHealth({ url, timeoutMs: 300, onLost: (reason) => lost.push(reason) });
    health.observe(timedOut(url), 'one');
    health.observe(timedOut(url), 'one');
    await health.settled();
    // One scenario's timeouts are that scenario's business.
    expect(lost).toEqual([]);
    health.observe(timedOut(url), 'two');
    await health.settled();
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/requests to POST \/x from 2 scenarios timed out after 300 ms, and so did a check request .*; it still answers \/versions/);
    expect(health.lost).toBe(lost[0]);
  });

  test('the same timeouts, but the path answers a plain request: not lost, and the count starts again', async () => {
    const url = await serve(true);
    const lost: string[] = [];
    const health = new TargetHealth({ url, timeoutMs: 300, onLost: (reason) => lost.push(reason) });
    health.observe(timedOut(url), 'one');
    health.observe(timedOut(url), 'two');
    await health.settled();
    health.observe(timedOut(url), 'three');
    await health.settled();
    expect(lost).toEqual([]);
    expect(health.lost).toBeUndefined();
  });
});
