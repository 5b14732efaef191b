// A column's history: its score over the nights, and per scenario the runs of one status
// collapsed into segments, with when it first failed and last passed.
import type { Status } from '../report/results.js';
import type { Column, ColumnRun } from './columns.js';
import { outcomeOf } from './outcome.js';
import { scoreOf, type Score } from './score.js';

export interface ScorePoint {
  date: string;
  score: Score;
}

/** Consecutive runs of one scenario with the same status. */
export interface Segment {
  status: Status;
  from: string;
  to: string;
  runs: number;
}

export interface ScenarioHistory {
  segments: Segment[];
  firstFailed?: string;
  lastPassed?: string;
}

export function scoreLine(column: Column): ScorePoint[] {
  return column.runs.map((run) => ({ date: run.date, score: scoreOf(run.results.scenarios) }));
}

/** Runs that did not include the scenario (an --only run, an older catalogue) break no segment. */
export function scenarioHistory(runs: readonly ColumnRun[], id: string): ScenarioHistory {
  const segments: Segment[] = [];
  let firstFailed: string | undefined;
  let lastPassed: string | undefined;
  for (const run of runs) {
    const status = run.results.scenarios.find((scenario) => scenario.id === id)?.status;
    if (!status) continue;
    const outcome = outcomeOf(status);
    if (outcome === 'fail') firstFailed ??= run.date;
    if (outcome === 'pass') lastPassed = run.date;
    const last = segments.at(-1);
    if (last?.status === status) {
      last.to = run.date;
      last.runs++;
    } else segments.push({ status, from: run.date, to: run.date, runs: 1 });
  }
  return { segments, ...(firstFailed && { firstFailed }), ...(lastPassed && { lastPassed }) };
}

/** Every scenario's history in one column, for the ids given. */
export function columnScenarioHistories(column: Column, ids: readonly string[]): Map<string, ScenarioHistory> {
  return new Map(ids.map((id) => [id, scenarioHistory(column.runs, id)]));
}
