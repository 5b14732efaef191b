// One run as the reports read it: the results, how failures of `should` scenarios count
// (warnings, or failures under --strict), and its scenarios grouped by endpoint (in report
// order) and by family, each group with its counts. Built once per run and handed to every
// reporter, so that no report groups, counts or judges by itself.
import { SUITES } from '../../suites/index.js';
import { FAMILIES, warnsOnly, type Family } from '../model/scenario.js';
import type { Results, ScenarioResult } from './results.js';
import { STATUSES, type Status } from './status.js';

export interface Tally {
  scenarios: number;
  /** The scenarios' own durations added up (the run's wall time is `results.durationMs`). */
  durationMs: number;
  byStatus: Readonly<Record<Status, number>>;
  /** The `failed` ones by level: failures of `must`, and of `should` (warnings unless --strict). */
  /** Failures that fail the run (`must`) and those that warn (`should`, with `may`). */
  failedByLevel: Readonly<Record<'must' | 'should', number>>;
}

export interface Group<K extends string = string> {
  key: K;
  scenarios: readonly ScenarioResult[];
  tally: Tally;
}

export interface RunModel {
  results: Results;
  /** --strict: a failed `should` fails the run like a failed `must`, instead of being a warning. */
  strict: boolean;
  all: Tally;
  byEndpoint: readonly Group[];
  byFamily: readonly Group<Family>[];
}

export function tally(scenarios: readonly ScenarioResult[]): Tally {
  const byStatus = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<Status, number>;
  const failedByLevel = { must: 0, should: 0 };
  for (const scenario of scenarios) {
    byStatus[scenario.status]++;
    if (scenario.status === 'failed') failedByLevel[warnsOnly(scenario.level) ? 'should' : 'must']++;
  }
  return { scenarios: scenarios.length, durationMs: scenarios.reduce((sum, s) => sum + s.durationMs, 0), byStatus, failedByLevel };
}

/** "2 failed (must), 1 warning (should)"; under --strict "2 failed (must), 1 failed (should, --strict)". */
export function failuresPhrase(t: Tally, strict: boolean): string {
  const should = t.failedByLevel.should;
  const shouldPart = strict ? `${should} failed (should, --strict)` : `${should} ${should === 1 ? 'warning' : 'warnings'} (should)`;
  return `${t.failedByLevel.must} failed (must), ${shouldPart}`;
}

/** How many of the tallied scenarios have one of these statuses. */
export function countOf(t: Tally, ...statuses: readonly Status[]): number {
  return statuses.reduce((sum, status) => sum + t.byStatus[status], 0);
}

/**
 * The scenarios in groups, keys in `order` first, then any other key in order of first
 * appearance (a results file from another version may name one); scenarios keep their
 * order, groups without scenarios are left out, scenarios without a key too.
 */
export function groupBy<K extends string>(
  scenarios: readonly ScenarioResult[],
  keyOf: (scenario: ScenarioResult) => K | undefined,
  order: readonly K[],
): Group<K>[] {
  const members = new Map<K, ScenarioResult[]>(order.map((key) => [key, []]));
  for (const scenario of scenarios) {
    const key = keyOf(scenario);
    if (key === undefined) continue;
    const list = members.get(key);
    if (list) list.push(scenario);
    else members.set(key, [scenario]);
  }
  return [...members]
    .filter(([, list]) => list.length > 0)
    .map(([key, list]) => ({ key, scenarios: list, tally: tally(list) }));
}

/** Report order: the order of SUITES. */
const ENDPOINT_ORDER: readonly string[] = SUITES.map((suite) => suite.endpoint);

export function runModel(results: Results, { strict = false }: { strict?: boolean } = {}): RunModel {
  return {
    results,
    strict,
    all: tally(results.scenarios),
    byEndpoint: groupBy(results.scenarios, (s) => s.endpoint, ENDPOINT_ORDER),
    byFamily: groupBy(results.scenarios, (s) => s.family, FAMILIES),
  };
}

/** The formatters take the model; a bare results file (tests, scripts) is grouped on the way in, judged without --strict. */
export function asRunModel(input: Results | RunModel): RunModel {
  return 'byEndpoint' in input ? input : runModel(input);
}
