// Which Synapse releases can be launched, and what pip must hold back for each.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { heldBack, OLDEST_LAUNCHABLE, TESTED_OLDER_RELEASES, unlaunchable } from '../../servers/synapse/releases.js';
import { SYNAPSE_VERSION } from '../../servers/synapse/local.js';
import { runCli } from '../cli/run-cli.js';

const held = (version: string) => heldBack(version).map((h) => h.constraint);

describe('heldBack', () => {
  test.each([
    ['1.163.2', []],
    ['1.146.0', []],
    ['1.141.0', ['prometheus-client<0.24']],
    ['1.130.0', ['prometheus-client<0.24', 'setuptools<82']],
    ['1.117.0', ['prometheus-client<0.24', 'setuptools<82', 'Twisted<24.10']],
    ['1.111.0', ['prometheus-client<0.24', 'setuptools<82', 'Twisted<24.7']],
    ['1.80.0', ['prometheus-client<0.24', 'setuptools<82', 'pydantic<2']],
  ])('%s holds back %j', (version, constraints) => {
    expect(held(version)).toEqual(constraints);
  });

  test('each constraint says why', () => {
    expect(heldBack('1.80.0').every(({ why }) => why.length > 20)).toBe(true);
  });
});

test('releases before the oldest launchable are refused with the reason; the tested ones are not', () => {
  expect(unlaunchable('1.74.0')).toMatch(/before 1\.75\.0 do not support/);
  expect([SYNAPSE_VERSION, OLDEST_LAUNCHABLE, ...TESTED_OLDER_RELEASES].map(unlaunchable)).toEqual([undefined, undefined, undefined, undefined]);
});

test('--launch synapse@1.70.0 exits 2 with one line saying why, before installing anything', async () => {
  const run = await runCli(['--launch', 'synapse@1.70.0', '--quiet']);
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^matrix-3pid-conformance: synapse@1\.70\.0 cannot be launched: releases before 1\.75\.0/);
  expect(run.stderr).not.toMatch(/installing Synapse/);
});

test('a release PyPI does not have exits 2 with pip\'s own reason in one line, and leaves no venv behind', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'm3c-no-such-synapse-'));
  try {
    const run = await runCli(['--launch', 'synapse@1.999.0', '--quiet'], { XDG_CACHE_HOME: cache });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      /^matrix-3pid-conformance: synapse@1\.999\.0 cannot be used here: .*(No matching distribution found for matrix-synapse==1\.999\.0|Could not find a version).* \(log: /,
    );
    expect(readdirSync(join(cache, 'matrix-3pid-conformance')).filter((name) => name.startsWith('synapse-1.999.0') && !name.endsWith('.log'))).toEqual([]);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}, 180_000);
