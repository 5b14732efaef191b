// Bad input to the tool: one clear line on stderr and the documented exit code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from './run-cli.js';

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
});

test('--version prints the package version', async () => {
  const run = await runCli(['--version']);
  expect(run.code).toBe(0);
  expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});
