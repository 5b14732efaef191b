// Levels drive the exit code: against the reference homeserver with one fault, a failed
// should-level scenario is a warning (exit 0) unless --strict, a failed must-level one fails
// the run either way; the reports say which was which.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { holdsAt, statements } from '../../harness/model/statements.js';
import { ALL_SCENARIOS } from '../../harness/cli/run.js';
import { cliAgainstReference } from '../reference-server/cli-against-reference.js';
import type { Fault } from '../reference-server/faults.js';
import { REFERENCE_SPEC, SETUPS } from '../reference-server/setups.js';

const dir = mkdtempSync(join(tmpdir(), 'm3c-strict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const againstReference = cliAgainstReference(dir);

// A should (the spec's "should" for CORS headers) and a must, each with a fault that fails it.
const SHOULD = { id: 'register-email/cors-headers', fault: 'no-cors' } as const;
const MUST = { id: 'register-email/denied', fault: 'denied-allowed' } as const;

/** Runs the one scenario `id` (a leading `*` anchors the pattern: `cors-headers` alone would match `cors-headers-on-error` too). */
function run(id: string, fault: Fault, extra: string[] = []) {
  return againstReference(SETUPS[0]!, [fault], ['--only', `*${id}`, '--quiet', ...extra]);
}

test('the scenarios are the levels this test says they are', () => {
  expect(ALL_SCENARIOS.get(SHOULD.id)?.level).toBe('should');
  expect(ALL_SCENARIOS.get(MUST.id)?.level).toBe('must');
});

describe.concurrent('exit codes', () => {
  test('a failed should: a warning, exit 0; the scenario still failed in the results file', async () => {
    const { code, stdout, stderr, results } = await run(SHOULD.id, SHOULD.fault);
    expect(code, stdout + stderr).toBe(0);
    expect(results.scenarios.map((s) => [s.id, s.status, s.level])).toEqual([[SHOULD.id, 'failed', 'should']]);
    expect(results.summary).toMatchObject({ failed: 1, failedMust: 0, failedShould: 1 });
    expect(stdout).toContain(`WARN  ${SHOULD.id}`);
    expect(stdout).toMatch(/0 passed, 0 failed \(must\), 1 warning \(should\), /);
  }, 60_000);

  test('a failed should under --strict: exit 1', async () => {
    const { code, stdout, stderr } = await run(SHOULD.id, SHOULD.fault, ['--strict']);
    expect(code, stdout + stderr).toBe(1);
    expect(stdout).toContain(`FAIL  ${SHOULD.id}`);
    expect(stdout).toMatch(/0 failed \(must\), 1 failed \(should, --strict\), /);
  }, 60_000);

  test.each([[[]], [['--strict']]])('a failed must: exit 1 either way (%j)', async (extra) => {
    const { code, stdout, stderr, results } = await run(MUST.id, MUST.fault, extra);
    expect(code, stdout + stderr).toBe(1);
    expect(results.summary).toMatchObject({ failedMust: 1, failedShould: 0 });
  }, 60_000);
});

test('the results file and the console say which statements the run covered', async () => {
  const { stdout, results } = await run(SHOULD.id, SHOULD.fault);
  const holding = statements().filter((s) => holdsAt(s, REFERENCE_SPEC)).map((s) => s.id);
  const { checked, notChecked } = results.statements!;
  expect([...checked, ...notChecked].sort()).toEqual(holding.sort());
  // Whatever the scenario is annotated with (others annotate in parallel): its own statements, no more.
  const named = ALL_SCENARIOS.get(SHOULD.id)!.statements ?? [];
  expect(checked).toEqual(holding.filter((id) => named.includes(id)));
  expect(results.scenarios[0]!.statements ?? []).toEqual([...named]);
  expect(stdout).toContain(`statements checked: ${checked.length} of ${holding.length} that hold at ${REFERENCE_SPEC}`);
}, 60_000);
