// The files beside the page for other tools: the merged latest data, the history, the grid
// as CSV, and a shields.io endpoint badge per column with its must score.
import type { DashboardData, ColumnView } from './dashboard-data.js';
import type { Column } from './columns.js';
import { formatLevelScore, shareOf } from './score.js';

export const MACHINE_READABLE_FILES = ['index.json', 'history.json', 'grid.csv'] as const;

function columnFactsOf(column: Column) {
  const { results, date, file } = column.latest;
  return {
    id: column.id,
    label: column.label,
    server: column.server,
    version: column.version,
    profile: column.profile,
    spec: results.spec,
    toolVersion: results.tool.version,
    ...(results.provenance?.toolCommit && { toolCommit: results.provenance.toolCommit }),
    ...(results.provenance?.ciRunUrl && { ciRunUrl: results.provenance.ciRunUrl }),
    date,
    file,
    stale: column.stale,
  };
}

/** index.json: each column's latest run with its facts and score, and the rows in grid order. */
export function indexJson(data: DashboardData): object {
  return {
    asOf: data.asOf,
    staleAfterHours: data.staleAfterHours,
    rows: data.rows,
    columns: data.columns.map((view) => ({
      ...columnFactsOf(view.column),
      score: view.score,
      ...(view.latestDiff && { latestDiff: view.latestDiff }),
      scenarios: view.column.latest.results.scenarios,
    })),
  };
}

/** history.json: per column, every run's score, and per scenario its segments of one status. */
export function historyJson(data: DashboardData): object {
  return {
    asOf: data.asOf,
    columns: data.columns.map((view) => ({
      id: view.column.id,
      label: view.column.label,
      runs: view.column.runs.map((run, i) => ({ date: run.date, file: run.file, toolVersion: run.results.tool.version, score: view.history[i]!.score })),
      scenarios: Object.fromEntries([...view.scenarioHistories].filter(([, h]) => h.segments.length > 0)),
    })),
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** grid.csv: a row per scenario, a column per server column, each cell its latest status (empty where not run). */
export function gridCsv(data: DashboardData): string {
  const head = ['scenario', 'endpoint', 'family', 'level', 'specRef', ...data.columns.map((view) => view.column.label)];
  const lines = data.rows.map((row) => [row.id, row.endpoint, row.family, row.level, row.specRef, ...data.columns.map((view) => view.scenarios.get(row.id)?.status ?? '')]);
  return [head, ...lines].map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export interface Badge {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
}

function colourFor(share: number): string {
  if (share >= 1) return 'brightgreen';
  if (share >= 0.9) return 'green';
  if (share >= 0.75) return 'yellow';
  if (share >= 0.5) return 'orange';
  return 'red';
}

/** badges/<column id>.json, for https://img.shields.io/endpoint?url=… */
export function badgeOf(view: ColumnView): Badge {
  const { must } = view.score;
  // A run where no must applied (a profile-only run) says nothing good or bad.
  const color = must.applicable === 0 ? 'lightgrey' : colourFor(shareOf(must));
  return { schemaVersion: 1, label: view.column.label, message: `must ${formatLevelScore(must)}`, color };
}
