// The spec's testable statements for these endpoints and their flows (spec/statements.yaml),
// and which of them a set of scenarios covers at a release. Scenarios name statement ids;
// the coverage matrix (docs/COVERAGE.md), the results file and the console report are
// computed from those names, so no list of what is covered is kept by hand.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { packagePath } from '../tool/package-root.js';
import type { Scenario } from './scenario.js';
import { atLeast, compareSpec, isSpecVersion, type SpecVersion } from './spec-versions.js';

export interface Statement {
  /** Stable: scenarios and reports name it. */
  id: string;
  /** The statement, briefly, in the spec's words. */
  says: string;
  /** File and lines in the spec files (relative to a release's folder, or naming the release). */
  where: string;
  /** The spec's word for its force: MUST, SHOULD, "is expected", or what kind of text it is. */
  level: string;
  since: SpecVersion;
  until?: SpecVersion;
  /** Why the scenarios that name it check it only in part; the statement then counts as weak. */
  weak?: string;
  /** Why no scenario checks it; required of a statement no scenario names. */
  uncovered?: string;
}

export type Coverage = 'covered' | 'weak' | 'not covered';

export const STATEMENTS_FILE = packagePath('spec', 'statements.yaml');

let loaded: readonly Statement[] | undefined;

export function statements(): readonly Statement[] {
  loaded ??= readStatements(readFileSync(STATEMENTS_FILE, 'utf8'));
  return loaded;
}

export function readStatements(text: string): Statement[] {
  const document = parse(text) as { statements?: unknown };
  if (!Array.isArray(document?.statements)) throw new Error('statements file: expected a top-level "statements" list');
  const seen = new Set<string>();
  return document.statements.map((entry: Record<string, unknown>, index: number) => {
    const id = entry?.id;
    if (typeof id !== 'string' || !id) throw new Error(`statements file: entry ${index + 1} has no id`);
    if (seen.has(id)) throw new Error(`statements file: ${id} is listed twice`);
    seen.add(id);
    for (const field of ['says', 'where', 'level'] as const) {
      if (typeof entry[field] !== 'string') throw new Error(`statements file: ${id} has no ${field}`);
    }
    for (const field of ['since', 'until'] as const) {
      const value = entry[field];
      if (value !== undefined && !isSpecVersion(String(value))) throw new Error(`statements file: ${id}: ${field} ${String(value)} is not a release the suite knows`);
    }
    if (entry.since === undefined) throw new Error(`statements file: ${id} has no since`);
    return entry as unknown as Statement;
  });
}

export function holdsAt(item: { since: SpecVersion; until?: SpecVersion }, release: SpecVersion): boolean {
  return atLeast(release, item.since) && !(item.until && compareSpec(release, item.until) > 0);
}

/** The statements a scenario names that the file does not have. */
export function unknownStatements(scenarios: readonly Scenario[], known: readonly Statement[] = statements()): string[] {
  const ids = new Set(known.map((s) => s.id));
  return scenarios.flatMap((s) => (s.statements ?? []).filter((id) => !ids.has(id)).map((id) => `${s.id}: ${id}`));
}

export interface StatementCoverage {
  statement: Statement;
  coverage: Coverage;
  /** The scenarios that check it at the release. */
  scenarios: string[];
}

/** Each statement that holds at the release, with how the scenarios that apply there cover it. */
export function coverageAt(release: SpecVersion, scenarios: readonly Scenario[], known: readonly Statement[] = statements()): StatementCoverage[] {
  return known
    .filter((statement) => holdsAt(statement, release))
    .map((statement) => {
      const checking = scenarios.filter((s) => s.statements?.includes(statement.id) && holdsAt(s, release)).map((s) => s.id);
      const coverage: Coverage = checking.length === 0 ? 'not covered' : statement.weak ? 'weak' : 'covered';
      return { statement, coverage, scenarios: checking };
    });
}

/** The statements that the scenarios which ran (passed or failed, not skipped) checked. */
export function statementsChecked(ran: readonly Pick<Scenario, 'statements'>[]): string[] {
  const ids = new Set(ran.flatMap((s) => s.statements ?? []));
  return statements().map((s) => s.id).filter((id) => ids.has(id));
}
