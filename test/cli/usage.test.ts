// Bad input to the tool: one clear line on stderr and the documented exit code.
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, runCli, startCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'm3c-usage-'));

function oneLineError(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^matrix-3pid-conformance: /);
  return lines[0]!;
}

describe('usage errors exit 2 with one line', () => {
  test.each([
    [['--bogus'], /unknown argument "--bogus"/],
    [['--homeserver'], /--homeserver needs a value/],
    [['--homeserver', 'not a url', '--profile', 'synapse'], /not a URL/],
    [['--homeserver', 'http://127.0.0.1:1'], /needs --profile/],
    [['--launch', 'nonesuch'], /cannot be launched/],
    [['--spec', 'v9.9'], /not a spec version/],
    [['--identity-port', '70000'], /not a port number/],
    [['--homeserver', 'http://127.0.0.1:1', '--profile', 'no-such-profile'], /no such built-in profile/],
    [['launch'], /launch needs a server name/],
    [['--launch', 'synapse@latest'], /"synapse@latest": not a synapse release number \(e\.g\. synapse@1\.120\.0\)/],
    [['--launch', 'dendrite@0.13.7'], /dendrite is launched at its pinned release only/],
    [['launch', 'nonesuch@1.0.0'], /cannot be launched \(choose synapse, .*synapse@1\.120\.0\)/],
    [['stale-expectations', 'synapse'], /needs an expectations file and at least one results file/],
    [['--homeserver', 'http://127.0.0.1:1', '--profile', 'synapse', '--only', 'register-email/*,regsiter-email/in-use'], /--only: "regsiter-email\/in-use" matches no scenario id/],
    [['--homeserver', 'http://127.0.0.1:1', '--profile', 'synapse', '--only', ' , '], /--only: " , " names no scenario id/],
  ])('%j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr)).toMatch(message);
  });

  test('a broken profile file', async () => {
    const profile = join(dir, 'broken.json');
    writeFileSync(profile, JSON.stringify({ name: 'broken', email: { validation: 'pigeon' } }));
    const run = await runCli(['--homeserver', 'http://127.0.0.1:1', '--profile', profile]);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr)).toMatch(/profile .*broken\.json/);
  });

  test('a stale expectations entry', async () => {
    const file = join(dir, 'stale.yaml');
    writeFileSync(file, 'expectations:\n  register-email/no-such-scenario:\n    status: fail\n    reason: gone\n');
    const run = await runCli(['--homeserver', 'http://127.0.0.1:1', '--profile', 'synapse', '--expectations', file]);
    expect(run.code).toBe(2);
    expect(oneLineError(run.stderr)).toMatch(/no scenario has this id/);
  });
});

test('an unreachable homeserver exits 3 with one line', async () => {
  const run = await runCli(['--homeserver', 'http://127.0.0.1:9', '--profile', 'synapse', '--timeout', '2000']);
  expect(run.code).toBe(3);
  expect(oneLineError(run.stderr)).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
});

test('--help documents every flag, environment variable and exit code', async () => {
  const run = await runCli(['--help']);
  expect(run.code).toBe(0);
  for (const flag of ['--homeserver', '--launch', '--profile', '--spec', '--identity-port', '--smtp-port', '--results', '--expectations', '--only']) {
    expect(run.stdout).toContain(flag);
  }
  expect(run.stdout).toContain('MATRIX_3PID_HOMESERVER');
  for (const code of ['0 ', '1 ', '2 ', '3 ']) expect(run.stdout).toContain(`  ${code} `);
  // -h, as people type it first, is the same.
  expect((await runCli(['-h'])).stdout).toBe(run.stdout);
  expect((await runCli(['launch', '-h'])).stdout).toBe(run.stdout);
});

test('--version prints the package version', async () => {
  const run = await runCli(['--version']);
  expect(run.code).toBe(0);
  expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

test('the built entry runs by its path, as npx and a shell run it', async () => {
  // npm links the bin as it is: without the execute bits a shell answers "Permission denied".
  expect(statSync(CLI).mode & 0o777).toBe(0o755);
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(CLI, ['--version'], (error, out) => (error ? reject(error) : resolve(out))),
  );
  expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

describe('launch --help prints the help and launches nothing', () => {
  test.each([[['launch', '--help']], [['launch', 'synapse', '--help']], [['launch', 'docker:synapse', '--quick', '--help']]])(
    '%j',
    async (args) => {
      const started = startCli(args);
      // A launch would still be running (or installing) long after the help is printed.
      const timer = setTimeout(() => started.child.kill('SIGTERM'), 8_000);
      const run = await started.done.finally(() => clearTimeout(timer));
      expect(run.signal).toBeNull();
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('launch synapse');
      expect(run.stderr).toBe('');
    },
  );
});

test('a --identity-port that something else holds exits 2, naming the port', async () => {
  const holder = createServer();
  const homeserver = createHttpServer((_, res) => res.end(JSON.stringify({ versions: ['v1.11'] })));
  await Promise.all([
    new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => homeserver.listen(0, '127.0.0.1', resolve)),
  ]);
  try {
    const held = (holder.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${(homeserver.address() as AddressInfo).port}`;
    const run = await runCli(['--homeserver', url, '--profile', 'synapse', '--identity-port', String(held)]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^matrix-3pid-conformance: fake identity service could not listen on 127\\.0\\.0\\.1:${held}: .*EADDRINUSE`));
  } finally {
    holder.close();
    homeserver.close();
  }
});

test('stale-expectations lists the entries whose releases none of the runs tested, exit 1', async () => {
  const expectations = join(dir, 'ranged.yaml');
  writeFileSync(expectations, [
    'expectations:',
    '  register-email/denied:',
    '    - {status: fail, reason: old, versions: "<1.100.0"}',
    '    - {status: fail, reason: new, versions: ">=1.100.0"}',
  ].join('\n'));
  const results = (version: string) => {
    const path = join(dir, `results-${version}.json`);
    writeFileSync(path, JSON.stringify({ target: { url: 'http://x', server: { name: 'synapse', version } } }));
    return path;
  };
  const stale = await runCli(['stale-expectations', expectations, results('1.163.2')]);
  expect(stale.code, stale.stderr).toBe(1);
  expect(stale.stdout).toContain('stale: register-email/denied holds for <1.100.0, which none of the runs (1.163.2) is');
  const fresh = await runCli(['stale-expectations', expectations, results('1.163.2'), results('1.99.0')]);
  expect(fresh.code, fresh.stderr).toBe(0);
  expect(fresh.stdout).toMatch(/no stale entries/);
});
