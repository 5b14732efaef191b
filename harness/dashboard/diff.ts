// What changed between two runs of one column: regressions first (what a server developer
// must look at), then fixes, scenarios new to the catalogue and ones gone from it, and the
// other status changes. An unexpected pass means the expectations file is out of date.
import type { Level } from '../model/scenario.js';
import type { ScenarioResult, Status } from '../report/results.js';
import { OUTCOME_OF, type Outcome } from './outcome.js';

export interface StatusChange {
  id: string;
  title: string;
  level: Level;
  from?: Status;
  to?: Status;
}

export interface RunDiff {
  regressions: StatusChange[];
  fixes: StatusChange[];
  added: StatusChange[];
  removed: StatusChange[];
  /** Changes that are neither: to or from skipped, or a failure becoming a known one. */
  otherChanges: StatusChange[];
  /** Passed though listed as known failures: the expectations file needs updating. */
  unexpectedPasses: StatusChange[];
}

/** What the diff reads of a scenario's result. */
export type DiffInput = Pick<ScenarioResult, 'id' | 'title' | 'level' | 'status'>;

/**
 * The diff itself. It is also sent to the page as its source text (see diff-script.ts), so it
 * refers to nothing outside itself: the outcome of each status comes in as an argument.
 */
export function diffScenarios(before: readonly DiffInput[], after: readonly DiffInput[], outcomes: Readonly<Record<Status, Outcome>>): RunDiff {
  const previous = new Map(before.map((scenario) => [scenario.id, scenario]));
  const current = new Set(after.map((scenario) => scenario.id));
  const diff: RunDiff = { regressions: [], fixes: [], added: [], removed: [], otherChanges: [], unexpectedPasses: [] };
  for (const scenario of after) {
    const { id, title, level, status } = scenario;
    const old = previous.get(id);
    if (status === 'unexpected-pass') diff.unexpectedPasses.push({ id, title, level, to: status });
    if (!old) {
      diff.added.push({ id, title, level, to: status });
      continue;
    }
    if (old.status === status) continue;
    const change = { id, title, level, from: old.status, to: status };
    const was = outcomes[old.status];
    const is = outcomes[status];
    if (was === 'pass' && is === 'fail') diff.regressions.push(change);
    else if (was === 'fail' && is === 'pass') diff.fixes.push(change);
    else diff.otherChanges.push(change);
  }
  for (const scenario of before) {
    if (!current.has(scenario.id)) diff.removed.push({ id: scenario.id, title: scenario.title, level: scenario.level, from: scenario.status });
  }
  // A broken must is worse than a broken should: within each list, musts first.
  for (const list of Object.values(diff)) list.sort((a: StatusChange, b: StatusChange) => (a.level === b.level ? 0 : a.level === 'must' ? -1 : 1));
  return diff;
}

export function diffRuns(before: readonly DiffInput[], after: readonly DiffInput[]): RunDiff {
  return diffScenarios(before, after, OUTCOME_OF);
}

export function isEmptyDiff(diff: RunDiff): boolean {
  return Object.values(diff).every((list) => list.length === 0);
}
