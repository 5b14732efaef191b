// The statements section of a run: of the statements that hold at the run's release, those
// a scenario that ran named, and those none did. Fixture statements, so that the test does
// not move as scenarios are annotated.
import { describe, expect, test } from 'vitest';
import type { Statement } from '../../harness/model/statements.js';
import { statements } from '../../harness/model/statements.js';
import { runStatements, statementsLine } from '../../harness/report/run-statements.js';

const statement = (id: string, extra: Partial<Statement> = {}): Statement => ({ id, says: id, where: 'x.yaml:1', level: 'MUST', since: 'r0.4.0', ...extra });

const KNOWN: Statement[] = [
  statement('client-secret'),
  statement('email-format', { since: 'v1.14' }),
  statement('bind-v1', { until: 'r0.6.1' }),
  statement('timing', { weak: 'only a coarse statistic' }),
  statement('in-use'),
];

describe('runStatements', () => {
  test('checked and not checked, in the file\'s order, among those that hold at the release', () => {
    const ran = [{ statements: ['in-use', 'client-secret'] }, { statements: ['timing'] }, {}];
    expect(runStatements('v1.19', ran, KNOWN)).toEqual({
      checked: ['client-secret', 'timing', 'in-use'],
      weak: ['timing'],
      notChecked: ['email-format'],
    });
  });

  test('a statement that does not hold at the release is in neither list, even if a scenario names it', () => {
    const run = runStatements('v1.1', [{ statements: ['bind-v1', 'email-format'] }], KNOWN);
    expect(run.checked).toEqual([]);
    expect(run.notChecked).toEqual(['client-secret', 'timing', 'in-use']);
    expect(runStatements('r0.6.1', [{ statements: ['bind-v1'] }], KNOWN).checked).toEqual(['bind-v1']);
  });

  test('a run of nothing checked nothing; the real file reads', () => {
    const real = runStatements('v1.19', []);
    expect(real.checked).toEqual([]);
    expect(real.notChecked.length).toBeGreaterThan(0);
    expect(real.notChecked.length).toBeLessThanOrEqual(statements().length);
  });
});

test('statementsLine', () => {
  expect(statementsLine('v1.19', runStatements('v1.19', [{ statements: ['in-use'] }], KNOWN))).toBe('statements checked: 1 of 4 that hold at v1.19 (spec/statements.yaml)');
});
