// The spec coverage matrix: every scenario names the statements it checks, every name is a
// statement of spec/statements.yaml, every statement no scenario checks says why, and
// docs/COVERAGE.md is what the catalogue makes of them.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { coverageAt, readStatements, statements, unknownStatements } from '../harness/model/statements.js';
import { NEWEST_SPEC, SPEC_VERSIONS } from '../harness/model/spec-versions.js';
import { COVERAGE_FILE, formatCoverage } from '../harness/report/coverage.js';
import { SUITES } from '../suites/index.js';

const SCENARIOS = SUITES.flatMap((suite) => suite.scenarios);

test('every scenario names at least one statement it checks, and quotes the words its level rests on', () => {
  expect(SCENARIOS.filter((s) => !s.statements?.length).map((s) => s.id)).toEqual([]);
  expect(SCENARIOS.filter((s) => !s.says?.trim()).map((s) => s.id)).toEqual([]);
});

test('every statement a scenario names is in spec/statements.yaml', () => {
  expect(unknownStatements(SCENARIOS)).toEqual([]);
});

test('every statement that no scenario checks, or checks only in part, at some release says why', () => {
  const unexplained = new Set<string>();
  for (const release of SPEC_VERSIONS) {
    for (const row of coverageAt(release, SCENARIOS)) {
      if (row.coverage === 'not covered' && !row.statement.uncovered) unexplained.add(`${row.statement.id} (not covered at ${release})`);
      if (row.coverage === 'weak' && !row.statement.weak) unexplained.add(`${row.statement.id} (weak at ${release})`);
    }
  }
  expect([...unexplained]).toEqual([]);
});

test('a reason for a gap is not kept for a statement the catalogue covers at every release it holds in', () => {
  const stale = statements().filter((statement) => {
    if (!statement.uncovered) return false;
    return SPEC_VERSIONS.every((release) => coverageAt(release, SCENARIOS).find((row) => row.statement.id === statement.id)?.coverage !== 'not covered');
  });
  expect(stale.map((s) => s.id)).toEqual([]);
});

test(`at ${NEWEST_SPEC}, at least 90% of the statements are covered (not weakly)`, () => {
  const rows = coverageAt(NEWEST_SPEC, SCENARIOS);
  const covered = rows.filter((row) => row.coverage === 'covered').length;
  expect(covered / rows.length, `${covered} of ${rows.length}`).toBeGreaterThanOrEqual(0.9);
});

test('docs/COVERAGE.md is generated from the statements and the scenarios (npm run catalogue)', () => {
  expect(readFileSync(COVERAGE_FILE, 'utf8'), 'docs/COVERAGE.md is out of date: run `npm run catalogue`').toBe(formatCoverage(SCENARIOS));
});

test('the statements file refuses a duplicate id, a missing field and a release the suite does not know', () => {
  const entry = (fields: string) => `statements:\n  - id: X1\n${fields}`;
  const full = '    says: "x"\n    where: "v1.19/a.yaml:1"\n    level: MUST\n    since: r0.4.0\n';
  expect(readStatements(entry(full))).toHaveLength(1);
  expect(() => readStatements(`${entry(full)}  - id: X1\n${full}`)).toThrow(/X1 is listed twice/);
  expect(() => readStatements(entry(full.replace('    where: "v1.19/a.yaml:1"\n', '')))).toThrow(/X1 has no where/);
  expect(() => readStatements(entry(full.replace('r0.4.0', 'v9.9')))).toThrow(/v9\.9 is not a release/);
});
