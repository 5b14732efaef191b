// Which of the spec's statements (spec/statements.yaml) a run checked: what its passes and
// failures are evidence about. Computed from the scenarios that ran, so that a run of a few
// scenarios (--only, --quick, a profile that skips a family) says how little it covered.
import { holdsAt, statements, type Statement } from '../model/statements.js';
import type { SpecVersion } from '../model/spec-versions.js';

export const STATEMENTS_SOURCE = 'spec/statements.yaml';

export interface RunStatements {
  /** The statements that hold at the run's spec release which a scenario that ran (passed or failed, not skipped) checked. */
  checked: string[];
  /** Those of `checked` that the statements file says its scenarios check only in part. */
  weak: string[];
  /** The statements that hold at the release which no scenario that ran checked. */
  notChecked: string[];
}

/** `ran`: the verdicts that are not skipped, each with the statements its scenario names. */
export function runStatements(
  spec: SpecVersion,
  ran: ReadonlyArray<{ statements?: readonly string[] }>,
  known: readonly Statement[] = statements(),
): RunStatements {
  const named = new Set(ran.flatMap((result) => result.statements ?? []));
  const holding = known.filter((statement) => holdsAt(statement, spec));
  const checked = holding.filter((statement) => named.has(statement.id));
  return {
    checked: checked.map((s) => s.id),
    weak: checked.filter((s) => s.weak).map((s) => s.id),
    notChecked: holding.filter((statement) => !named.has(statement.id)).map((s) => s.id),
  };
}

/** The line the console report ends its statements part with. */
export function statementsLine(spec: SpecVersion, { checked, weak, notChecked }: RunStatements): string {
  const part = weak.length ? `, ${weak.length} of them only in part` : '';
  return `statements checked: ${checked.length} of ${checked.length + notChecked.length} that hold at ${spec}${part} (${STATEMENTS_SOURCE})`;
}
