// A server that hangs, resets, answers garbage or an endless body on the endpoint under
// test gets a failed scenario with evidence: never a crash, never a hang of the tool.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Results } from '../../harness/report/results.js';
import { runCli } from './run-cli.js';

type Misbehaviour = 'hang' | 'reset' | 'garbage' | 'endless';
let misbehaviour: Misbehaviour = 'hang';
let server: Server;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'm3c-misbehaving-'));
const profile = join(dir, 'profile.json');

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/_matrix/client/versions') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ versions: ['v1.11'] }));
      return;
    }
    switch (misbehaviour) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'garbage':
        req.socket.end('this is not HTTP at all\r\n\r\n');
        return;
      case 'endless': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(
    profile,
    JSON.stringify({
      name: 'misbehaving',
      email: { validation: 'smtp' },
      msisdn: { validation: 'none' },
      privacy: false,
      accounts: { method: 'none' },
      identityServers: { trusted: [] },
    }),
  );
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe.each<[Misbehaviour, RegExp]>([
  ['hang', /no complete answer within 500 ms/],
  ['reset', /no usable response: .*(ECONNRESET|socket|closed)/i],
  ['garbage', /no usable response: .*(HTTP\/1\.1 protocol|HPE_|parse)/i],
  ['endless', /response body larger than 65536 bytes/],
])('a server that answers with %s', (kind, evidence) => {
  test('fails the scenario with evidence and exits 1', async () => {
    misbehaviour = kind;
    const results = join(dir, `${kind}.json`);
    const started = Date.now();
    const run = await runCli([
      '--homeserver', url, '--profile', profile, '--only', 'register-email/success',
      '--timeout', '500', '--max-body', '65536', '--results', results,
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    const written = JSON.parse(readFileSync(results, 'utf8')) as Results;
    const [scenario] = written.scenarios;
    expect(scenario).toMatchObject({ id: 'register-email/success', status: 'failed' });
    expect(scenario!.reason).toMatch(evidence);
    expect(scenario!.evidence!.exchanges[0]!.curl).toContain(`${url}/_matrix/client/v3/register/email/requestToken`);
    expect(run.stdout).toContain('FAIL  register-email/success');
  }, 30_000);
});

describe('a server that stops answering', () => {
  const runAgainst = async (target: string, name: string, extra: string[] = []) => {
    const results = join(dir, `${name}.json`);
    const run = await runCli(['--homeserver', target, '--profile', profile, '--only', 'register-email/*', '--timeout', '500', '--results', results, ...extra]);
    return { run, written: JSON.parse(readFileSync(results, 'utf8')) as Results };
  };
  const lostReasons = (written: Results) => written.scenarios.filter((s) => /stopped answering/.test(s.reason ?? ''));

  test('hanging on every requestToken: the run says so, fails the rest with the reason, and exits 1', async () => {
    misbehaviour = 'hang';
    const { run, written } = await runAgainst(url, 'stalled');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stopped answering: requests to POST \/_matrix\/client\/v3\/register\/email\/requestToken from \d+ scenarios timed out/);
    // Those cut short or never started say why; none is passed off as skipped.
    expect(written.scenarios.some((s) => s.status === 'failed' && /^(stopped|not run): the server stopped answering/.test(s.reason ?? ''))).toBe(true);
    expect(written.scenarios.filter((s) => s.status === 'skipped' && /stopped/.test(s.reason ?? ''))).toEqual([]);
  }, 60_000);

  test('going away mid-run (connections refused): the rest fail with the reason', async () => {
    const dying = createServer((req, res) => {
      if (req.url === '/_matrix/client/versions') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ versions: ['v1.11'] }));
        return;
      }
      dying.close();
      dying.closeAllConnections();
    });
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', resolve));
    const { run, written } = await runAgainst(`http://127.0.0.1:${(dying.address() as AddressInfo).port}`, 'dead');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stopped answering: a request failed .* GET \/_matrix\/client\/versions then got no answer twice \(.*ECONNREFUSED/);
    expect(lostReasons(written).length).toBeGreaterThan(1);
  }, 60_000);

  test('answering slowly is not mistaken for stopping', async () => {
    const slow = createServer((req, res) => {
      setTimeout(() => {
        res.writeHead(req.url === '/_matrix/client/versions' ? 200 : 400, { 'content-type': 'application/json' });
        res.end(req.url === '/_matrix/client/versions' ? JSON.stringify({ versions: ['v1.11'] }) : JSON.stringify({ errcode: 'M_UNKNOWN', error: 'slow no' }));
      }, 300);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const { run, written } = await runAgainst(`http://127.0.0.1:${(slow.address() as AddressInfo).port}`, 'slow', ['--timeout', '2000']);
      expect(run.stderr).not.toMatch(/stopped answering/);
      expect(lostReasons(written)).toEqual([]);
      // It answered every request, so the verdicts are its own: some pass (bad input refused), some fail.
      expect(written.summary.passed).toBeGreaterThan(0);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  }, 120_000);
});
