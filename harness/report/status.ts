// A scenario's verdict in the results file, written once: the type, the results file's
// summary counts and the JSON Schema (tested against this list) all follow from it. Which
// verdicts fail the run is decided here too, with the scenario's level: every report and the
// exit code ask the same question.
import { warnsOnly, type Level } from '../model/scenario.js';

export const STATUSES = ['passed', 'failed', 'skipped', 'expected-failure', 'unexpected-pass'] as const;

export type Status = (typeof STATUSES)[number];

/** The results file's summary field that counts each status. */
export const SUMMARY_FIELDS = {
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  'expected-failure': 'expectedFailures',
  'unexpected-pass': 'unexpectedPasses',
} as const satisfies Record<Status, string>;

/**
 * The counts per status, and (from schemaVersion 3) `failed` split by level: a failed `must`
 * fails the run, a failed `should` (or `may`, counted with them) is a warning unless the run is --strict.
 */
export type Summary = Record<(typeof SUMMARY_FIELDS)[Status], number> & { failedMust?: number; failedShould?: number };

/** The verdicts that may fail a run: a failure (of a `should` only under --strict) or a pass of a known failure. */
export const FAILING: readonly Status[] = ['failed', 'unexpected-pass'];

/** What a verdict needs to be judged: its status and its scenario's level. */
export type Judged = { status: Status; level: Level };

/**
 * Whether the verdict fails the run (exit code 1): a failed `must`, a failed `should` under
 * --strict, and an unexpected pass whatever the level (the expectations file is out of date).
 */
export function failsRun(result: Judged, strict: boolean): boolean {
  if (result.status === 'unexpected-pass') return true;
  return result.status === 'failed' && (result.level === 'must' || strict);
}

/** A failed `should` that does not fail the run: reported as a warning. */
export function isWarning(result: Judged, strict: boolean): boolean {
  return result.status === 'failed' && warnsOnly(result.level) && !strict;
}
