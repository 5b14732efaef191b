// The whole pipeline against a real Synapse launched by the CLI: the README's first command.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadExpectations } from '../../harness/expectations.js';
import type { Results } from '../../harness/report/results.js';
import { ALL_SCENARIOS, expectationsPath } from '../../harness/run.js';
import { runCli, type CliRun } from '../cli/run-cli.js';

// A cold run installs Synapse into its cache first, which takes minutes.
const LAUNCH_TIMEOUT_MS = 15 * 60_000;

const dir = mkdtempSync(join(tmpdir(), 'm3c-e2e-'));
const resultsFile = join(dir, 'results.json');
let run: CliRun;
let results: Results;

beforeAll(async () => {
  run = await runCli(['--launch', 'synapse', '--results', resultsFile]);
  results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
}, LAUNCH_TIMEOUT_MS);

describe('a run against a launched Synapse', () => {
  test('exits 0: every failure is a known Synapse deviation', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\d+ passed, 0 failed/);
  });

  test('writes a results file that keeps the contract in docs/results.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/results.schema.json', import.meta.url), 'utf8')));
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
    expect(results.target.server).toEqual({ name: 'synapse', version: expect.stringMatching(/^1\.\d+\.\d+$/) });
  });

  test('lists every scenario, each with its verdict', () => {
    expect(results.scenarios.map((s) => s.id).sort()).toEqual([...ALL_SCENARIOS.keys()].sort());
  });

  test('reports each deviation in the expectations file as an expected failure, and nothing else', () => {
    const known = loadExpectations(expectationsPath('synapse'), new Set(ALL_SCENARIOS.keys()));
    const expectedFailures = results.scenarios.filter((s) => s.status === 'expected-failure').map((s) => s.id);
    expect(expectedFailures.sort()).toEqual([...known.keys()].sort());
  });

  test('captured a validation mail from Synapse and followed its link to bind an address', () => {
    const inUse = results.scenarios.find((s) => s.id === 'register-email/in-use');
    expect(inUse?.status).toBe('passed');
    expect(inUse?.observed?.join()).toMatch(/answered as allowed/);
  });

  test('without the expectations file, the same deviations fail the run (exit 1)', async () => {
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'expectations: {}\n');
    const known = [...loadExpectations(expectationsPath('synapse'), new Set(ALL_SCENARIOS.keys())).keys()];
    const strict = await runCli(['--launch', 'synapse', '--expectations', empty, '--only', known[0]!]);
    expect(strict.code, strict.stderr).toBe(1);
    expect(strict.stdout).toContain(`FAIL  ${known[0]}`);
  }, LAUNCH_TIMEOUT_MS);
});
