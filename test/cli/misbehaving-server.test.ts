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
