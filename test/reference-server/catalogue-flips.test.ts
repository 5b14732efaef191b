// No scenario may pass against a server that answers it wrongly, nor fail one that answers
// rightly. Generated from the catalogue: under every setup, the whole applicable catalogue,
// run through the CLI against the conformant reference homeserver, passes; and every
// scenario fails against the server with each fault it names in `failsUnder`, run under the
// first setup it applies to.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Results } from '../../harness/report/results.js';
import { idFilter, type Scenario } from '../../harness/model/scenario.js';
import { SUITES } from '../../suites/index.js';
import { cliAgainstReference } from './cli-against-reference.js';
import { isFault, type Fault } from './faults.js';
import { appliesUnder, homeSetup, SETUPS, type Setup } from './setups.js';

const SCENARIOS: readonly Scenario[] = SUITES.flatMap((suite) => suite.scenarios);
// The CLI runs wait on mails, identity-service timeouts and quiet windows far more than they
// compute, so a few at once keep the file short without crowding the CPU.
const PARALLEL_RUNS = 3;
const RUN_TIMEOUT_MS = 600_000;

const againstReference = cliAgainstReference(mkdtempSync(join(tmpdir(), 'm3c-flips-')));

/** Each (setup, fault) and the scenarios that must fail under it, in catalogue order. */
function failureCases(): Array<{ setup: Setup; fault: Fault; ids: string[] }> {
  const cases = new Map<string, { setup: Setup; fault: Fault; ids: string[] }>();
  for (const scenario of SCENARIOS) {
    const setup = homeSetup(scenario);
    for (const fault of (scenario.failsUnder ?? []).filter(isFault)) {
      const key = `${setup?.name} ${fault}`;
      if (!setup) continue;
      if (!cases.has(key)) cases.set(key, { setup, fault, ids: [] });
      cases.get(key)!.ids.push(scenario.id);
    }
  }
  return [...cases.values()];
}

/**
 * An --only pattern that selects exactly these ids. A plain id would also match the ids that
 * contain it (`in-use` and `in-use-session-unusable`); as a glob with a leading `*` it is
 * anchored at both ends, and no endpoint's name ends with another's. Checked all the same.
 */
function onlyPattern(ids: string[]): string {
  const pattern = ids.map((id) => `*${id}`).join(',');
  expect(SCENARIOS.map((s) => s.id).filter(idFilter(pattern))).toEqual(ids);
  return pattern;
}

let running = 0;
const waiting: Array<() => void> = [];
async function inTurn<T>(run: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await run();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function runAgainstReference(setup: Setup, faults: Fault[], only?: string, extra: string[] = []): Promise<{ code: number | null; results: Results; output: string }> {
  const run = await inTurn(() => againstReference(setup, faults, [...(only === undefined ? [] : ['--only', only]), ...extra]));
  return { code: run.code, results: run.results, output: run.stdout + run.stderr };
}

describe('the catalogue declares its failure cases', () => {
  test('every scenario names at least one fault that must make it fail', () => {
    expect(SCENARIOS.filter((s) => !s.failsUnder?.length).map((s) => s.id)).toEqual([]);
  });

  test('every fault named is one the reference homeserver has', () => {
    const unknown = SCENARIOS.flatMap((s) => (s.failsUnder ?? []).filter((fault) => !isFault(fault)).map((fault) => `${s.id}: ${fault}`));
    expect(unknown).toEqual([]);
  });

  test('every scenario applies under some reference setup', () => {
    expect(SCENARIOS.filter((s) => !homeSetup(s)).map((s) => s.id)).toEqual([]);
  });
});

// At the default concurrency and one at a time: the verdicts must not depend on what runs beside.
describe.concurrent('a conformant server passes the whole catalogue, side by side and one at a time', () => {
  test.each(SETUPS.map((setup) => [setup.name, setup] as const))('under %s', async (_name, setup) => {
    const applicable = SCENARIOS.filter((s) => appliesUnder(s, setup)).map((s) => s.id);
    const only = setup.onlyNeeding && onlyPattern(applicable);
    const [together, inTurn] = await Promise.all([runAgainstReference(setup, [], only), runAgainstReference(setup, [], only, ['--concurrency', '1'])]);
    for (const { code, results, output } of [together, inTurn]) {
      expect(code, output.slice(-4000)).toBe(0);
      expect(results.scenarios.filter((s) => s.status === 'failed')).toEqual([]);
      // Passing by being skipped proves nothing: whatever applies must have run and passed.
      expect(results.scenarios.filter((s) => s.status === 'passed').map((s) => s.id)).toEqual(applicable);
    }
    const statuses = (results: Results) => results.scenarios.map((s) => `${s.id} ${s.status}`);
    expect(statuses(inTurn.results)).toEqual(statuses(together.results));
  }, RUN_TIMEOUT_MS);
});

// Only the scenarios that must fail run: a broken server makes the others wait out their
// deadlines (a mail that never comes), and the conformant runs above already cover them.
// --strict, so that the exit code proves the failure of a should-level scenario too (without
// it that is a warning, exit 0: test/cli/strict.test.ts).
describe.concurrent('a server with a fault fails every scenario that names it', () => {
  test.each(failureCases().map((c) => [c.setup.name, c.fault, c] as const))('under %s, with %s', async (_name, _fault, { setup, fault, ids }) => {
    const { code, results, output } = await runAgainstReference(setup, [fault], onlyPattern(ids), ['--strict']);
    const status = new Map(results.scenarios.map((s) => [s.id, s.status]));
    expect(ids.map((id) => ({ id, status: status.get(id) }))).toEqual(ids.map((id) => ({ id, status: 'failed' })));
    expect(code, output.slice(-4000)).toBe(1);
  }, RUN_TIMEOUT_MS);
});
