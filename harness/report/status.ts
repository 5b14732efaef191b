// A scenario's verdict in the results file, written once: the type, the results file's
// summary counts and the JSON Schema (tested against this list) all follow from it.

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

export type Summary = Record<(typeof SUMMARY_FIELDS)[Status], number>;

/** The verdicts that fail a run (exit code 1): what the reports call failures. */
export const FAILING: readonly Status[] = ['failed', 'unexpected-pass'];
