// The whole pipeline against real servers launched by the CLI, one run per built-in profile:
// the README's first command, and what CI's compatibility table is made from.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { applying, readExpectations } from '../../harness/report/expectations.js';
import { packagePath } from '../../harness/tool/package-root.js';
import type { Results } from '../../harness/report/results.js';
import { ALL_SCENARIOS, expectationsPath } from '../../harness/cli/run.js';
import { idFilter } from '../../harness/model/scenario.js';
import { runCli } from '../cli/run-cli.js';
import { TESTED_OLDER_RELEASES } from '../../servers/synapse/releases.js';

// A cold run installs the server into its cache first, which takes minutes.
const RUN_TIMEOUT_MS = 20 * 60_000;
const RESULTS_DIR = packagePath('results');

const RUNS: ReadonlyArray<{ launch: string; profile: string; only?: string; name?: string; extra?: string[] }> = [
  { launch: 'synapse', profile: 'synapse' },
  // The verdicts must not depend on what runs beside: compared with the run above below.
  { launch: 'synapse', profile: 'synapse', name: 'synapse-one-at-a-time', extra: ['--concurrency', '1'] },
  // Older releases, against the same expectations file (its entries say which releases they
  // hold for); quick, since the slow scenarios wait out the same timeout in every release.
  ...TESTED_OLDER_RELEASES.map((version) => ({ launch: `synapse@${version}`, profile: 'synapse', name: `synapse-${version}`, extra: ['--quick'] })),
  { launch: 'synapse', profile: 'synapse-privacy' },
  // Synapse's default rate limits refuse most other scenarios' requests: only its own.
  { launch: 'synapse', profile: 'synapse-ratelimited', only: '*/rate-limit*' },
  { launch: 'dendrite', profile: 'dendrite' },
  { launch: 'palpo', profile: 'palpo' },
];

const validateResults = (() => {
  const ajv = new Ajv2020({ allErrors: true });
  addFormatsModule.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(packagePath('docs', 'results.schema.json'), 'utf8')));
})();

describe.each(RUNS.map((run) => ({ ...run, name: run.name ?? run.profile })))('$name, launched', ({ launch, profile, only, name, extra = [] }) => {
  const resultsFile = join(RESULTS_DIR, `${name}.json`);
  const selected = [...ALL_SCENARIOS.keys()].filter(idFilter(only));
  const book = readExpectations(expectationsPath(profile), new Set(ALL_SCENARIOS.keys()));
  let results: Results;

  test('exits 0: every failure is a known deviation listed with its reason', async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const args = ['--launch', launch, '--profile', profile, '--results', resultsFile, ...(only ? ['--only', only] : []), ...extra];
    const run = await runCli(args);
    results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
    expect(run.code, `${run.stdout.slice(-6000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    // Neither a failure nor a warning: a failed should-level scenario would exit 0 too.
    expect(run.stdout).toMatch(/\d+ passed, 0 failed \(must\), 0 warnings \(should\)/);
  }, RUN_TIMEOUT_MS);

  test('writes a results file that keeps the contract in docs/results.schema.json', () => {
    expect(validateResults(results), JSON.stringify(validateResults.errors)).toBe(true);
    const [name, release] = launch.split('@');
    expect(results.target.server).toEqual({ name, version: release ?? results.target.server.version });
    expect(results.profile).toBe(profile);
  });

  test('lists every selected scenario, each with its verdict', () => {
    expect(results.scenarios.map((s) => s.id).sort()).toEqual(selected.sort());
  });

  test('reports exactly the listed deviations as expected failures', () => {
    const expectedFailures = results.scenarios.filter((s) => s.status === 'expected-failure').map((s) => s.id);
    const known = applying(book, results.target.server.version);
    const listedAndRun = [...known.keys()].filter((id) => selected.includes(id) && results.scenarios.find((s) => s.id === id)?.status !== 'skipped');
    expect(expectedFailures.sort()).toEqual(listedAndRun.sort());
  });
});

describe('what the synapse run proves', () => {
  const results = () => JSON.parse(readFileSync(join(RESULTS_DIR, 'synapse.json'), 'utf8')) as Results;

  test('a validation mail was captured and its link followed to bind an address', () => {
    const inUse = results().scenarios.find((s) => s.id === 'register-email/in-use');
    expect(inUse?.status).toBe('passed');
    expect(inUse?.observed?.join()).toMatch(/answered as allowed/);
  });

  test('run one scenario at a time, every scenario has the status it had side by side', () => {
    const inTurn = JSON.parse(readFileSync(join(RESULTS_DIR, 'synapse-one-at-a-time.json'), 'utf8')) as Results;
    const statuses = (run: Results) => run.scenarios.map((s) => `${s.id} ${s.status}`);
    expect(statuses(inTurn)).toEqual(statuses(results()));
  });

  test('without the expectations file, a known deviation fails the run (exit 1)', async () => {
    const empty = join(RESULTS_DIR, 'no-expectations.yaml');
    writeFileSync(empty, 'expectations: {}\n');
    const deviation = 'register-email/wrong-type-email';
    const strict = await runCli(['--launch', 'synapse', '--expectations', empty, '--only', deviation]);
    expect(strict.code, strict.stderr).toBe(1);
    expect(strict.stdout).toContain(`FAIL  ${deviation}`);
  }, RUN_TIMEOUT_MS);
});

describe('what the dendrite run proves', () => {
  const results = () => JSON.parse(readFileSync(join(RESULTS_DIR, 'dendrite.json'), 'utf8')) as Results;

  test('M_SERVER_NOT_TRUSTED was checked and passed, and mail through the identity service observed', () => {
    const byId = new Map(results().scenarios.map((s) => [s.id, s]));
    expect(byId.get('register-email/id-server-untrusted')?.status).toBe('passed');
    // Only the identity service's outbox can show these: Dendrite proxies every email request to it.
    expect(byId.get('register-email/higher-send-attempt-resends')?.status).toBe('passed');
    expect(byId.get('register-email/lower-send-attempt-no-resend')?.status).toBe('passed');
  });
});
