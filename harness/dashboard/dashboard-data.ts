// Everything the page and the machine-readable files show, worked out once from the runs
// found: the columns, the rows, each column's score, history and latest diff.
import type { ScenarioResult } from '../report/results.js';
import { columnsOf, STALE_AFTER_HOURS, type Column } from './columns.js';
import { diffRuns, type RunDiff } from './diff.js';
import { columnScenarioHistories, scoreLine, type ScenarioHistory, type ScorePoint } from './history.js';
import type { LoadedRun } from './load-results.js';
import { rowsOf, type Row } from './rows.js';
import { scoreOf, type Score } from './score.js';

export interface ColumnView {
  column: Column;
  score: Score;
  scenarios: ReadonlyMap<string, ScenarioResult>;
  history: readonly ScorePoint[];
  scenarioHistories: ReadonlyMap<string, ScenarioHistory>;
  /** The latest run against the one before it; none with a single run. */
  latestDiff?: { from: string; to: string; diff: RunDiff };
}

export interface DashboardData {
  /** The newest run's date: the page says what it shows, and builds of the same files are identical. */
  asOf: string;
  staleAfterHours: number;
  rows: readonly Row[];
  columns: readonly ColumnView[];
}

function viewOf(column: Column, rowIds: readonly string[]): ColumnView {
  const latest = column.latest.results.scenarios;
  const before = column.runs.at(-2);
  return {
    column,
    score: scoreOf(latest),
    scenarios: new Map(latest.map((scenario) => [scenario.id, scenario])),
    history: scoreLine(column),
    scenarioHistories: columnScenarioHistories(column, rowIds),
    ...(before && { latestDiff: { from: before.date, to: column.latest.date, diff: diffRuns(before.results.scenarios, latest) } }),
  };
}

export function dashboardData(runs: readonly LoadedRun[]): DashboardData {
  const columns = columnsOf(runs);
  const rows = rowsOf(columns);
  const ids = rows.map((row) => row.id);
  const dates = columns.map((column) => column.latest.date).toSorted((a, b) => Date.parse(a) - Date.parse(b));
  return {
    asOf: dates.at(-1) ?? '',
    staleAfterHours: STALE_AFTER_HOURS,
    rows,
    columns: columns.map((column) => viewOf(column, ids)),
  };
}
