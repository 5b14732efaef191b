// docs/COVERAGE.md, the spec coverage matrix: for each spec release, how many of the
// statements in spec/statements.yaml that hold there the catalogue covers, covers weakly, or
// does not cover, and why. Computed from the statement ids the scenarios name; `npm run
// catalogue` writes it beside SCENARIOS.md and a test fails when the checked-in page is stale.
import type { Scenario } from '../model/scenario.js';
import { coverageAt, statements, type Statement, type StatementCoverage } from '../model/statements.js';
import { NEWEST_SPEC, SPEC_VERSIONS, type SpecVersion } from '../model/spec-versions.js';
import { packagePath } from '../tool/package-root.js';

export const COVERAGE_FILE = packagePath('docs', 'COVERAGE.md');

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${Math.floor((1000 * part) / whole) / 10}%`;
}

function releases(statement: Statement): string {
  return statement.until ? `${statement.since} to ${statement.until}` : `${statement.since}+`;
}

function tally(rows: readonly StatementCoverage[]) {
  const count = (coverage: StatementCoverage['coverage']) => rows.filter((r) => r.coverage === coverage).length;
  return { total: rows.length, covered: count('covered'), weak: count('weak'), not: count('not covered') };
}

/** A short list of scenario ids: the endpoints collapse into `*` where all six share a name. */
function scenarioList(ids: readonly string[]): string {
  const byName = new Map<string, string[]>();
  for (const id of ids) {
    const [endpoint, name] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
    byName.set(name, [...(byName.get(name) ?? []), endpoint]);
  }
  return [...byName].map(([name, endpoints]) => (endpoints.length === 1 ? `\`${endpoints[0]}/${name}\`` : `\`*/${name}\` (${endpoints.length})`)).join(', ');
}

export function formatCoverage(scenarios: readonly Scenario[], known: readonly Statement[] = statements()): string {
  const newest = coverageAt(NEWEST_SPEC, scenarios, known);
  const lines = [
    '# Spec coverage',
    '',
    '<!-- Generated from spec/statements.yaml and suites/ by `npm run catalogue`; do not edit by hand. -->',
    '',
    `The testable statements of the spec for the six requestToken endpoints and the flows they start (${known.length} in`,
    '[`spec/statements.yaml`](../spec/statements.yaml), each with its location in the spec files), and the scenarios that',
    'check them. A statement is **covered** when a scenario that applies at the release checks it, **weak** when the',
    'scenarios that name it check it only in part (the reason is given), and **not covered** when none does.',
    '',
    '## By release',
    '',
    '| release | statements | covered | weak | not covered | covered (not weak) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const release of SPEC_VERSIONS) {
    const t = tally(coverageAt(release, scenarios, known));
    lines.push(`| ${release} | ${t.total} | ${t.covered} | ${t.weak} | ${t.not} | ${percent(t.covered, t.total)} |`);
  }
  lines.push('', `## Every statement, at ${NEWEST_SPEC}`, '', '| id | statement | where | level | releases | coverage | scenarios |', '| --- | --- | --- | --- | --- | --- | --- |');
  const atNewest = new Map(newest.map((row) => [row.statement.id, row]));
  for (const statement of known) {
    const row = atNewest.get(statement.id);
    const coverage = row ? row.coverage : `not at ${NEWEST_SPEC}`;
    const checking = row ? row.scenarios : scenarios.filter((s) => s.statements?.includes(statement.id)).map((s) => s.id);
    lines.push(`| ${statement.id} | ${cell(statement.says)} | ${cell(statement.where)} | ${cell(statement.level)} | ${releases(statement)} | ${coverage} | ${cell(scenarioList(checking))} |`);
  }
  lines.push('', '## Not covered, or covered weakly, and why', '');
  const gaps = (release: SpecVersion) => coverageAt(release, scenarios, known).filter((row) => row.coverage !== 'covered');
  const explained = new Set<string>();
  for (const release of [...SPEC_VERSIONS].reverse()) {
    for (const row of gaps(release)) {
      if (explained.has(row.statement.id)) continue;
      explained.add(row.statement.id);
      const why = row.coverage === 'weak' ? row.statement.weak : row.statement.uncovered;
      lines.push(`- **${row.statement.id}** (${releases(row.statement)}, ${row.coverage} at ${release}): ${cell(why ?? 'no reason given')}`);
    }
  }
  if (explained.size === 0) lines.push('None.');
  return `${lines.join('\n')}\n`;
}
