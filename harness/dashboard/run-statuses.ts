// Every run of every column in the few bytes the page needs to diff any two of them: the
// scenario catalogue once, then per run one character per scenario (its status, upper case
// for a must, lower for a should, '.' where the run did not have it). Ninety nights of ten
// columns stay a few hundred kilobytes.
import type { Level } from '../model/scenario.js';
import type { Status } from '../report/results.js';
import type { Column } from './columns.js';
import type { DiffInput } from './diff.js';
import type { Row } from './rows.js';

export const STATUS_CODES = {
  passed: 'p',
  failed: 'f',
  'expected-failure': 'k',
  'unexpected-pass': 'u',
  skipped: 's',
} as const satisfies Record<Status, string>;

export const NOT_IN_RUN = '.';

export interface EncodedRun {
  /** The run's date, made unique within its column: it names the run in the URL. */
  key: string;
  date: string;
  statuses: string;
}

export interface RunStatuses {
  /** [id, title]: the grid's rows first, then scenarios only older runs had. */
  scenarios: Array<[string, string]>;
  /** Per column id, its runs oldest first. */
  columns: Record<string, EncodedRun[]>;
}

/** A run's date, or date~2, date~3 for a second and third run of one date. */
export function runKeys(dates: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return dates.map((date) => {
    const count = (seen.get(date) ?? 0) + 1;
    seen.set(date, count);
    return count === 1 ? date : `${date}~${count}`;
  });
}

function catalogueOf(columns: readonly Column[], rows: readonly Row[]): Array<[string, string]> {
  const titles = new Map(rows.map((row) => [row.id, row.title]));
  for (const column of columns) {
    for (const run of column.runs.toReversed()) for (const { id, title } of run.results.scenarios) if (!titles.has(id)) titles.set(id, title);
  }
  return [...titles];
}

export function runStatusesOf(columns: readonly Column[], rows: readonly Row[]): RunStatuses {
  const scenarios = catalogueOf(columns, rows);
  const encoded = Object.fromEntries(
    columns.map((column) => {
      const keys = runKeys(column.runs.map((run) => run.date));
      const runs = column.runs.map((run, i) => {
        const byId = new Map(run.results.scenarios.map((scenario) => [scenario.id, scenario]));
        const statuses = scenarios
          .map(([id]) => {
            const scenario = byId.get(id);
            if (!scenario) return NOT_IN_RUN;
            const code = STATUS_CODES[scenario.status];
            return scenario.level === 'must' ? code.toUpperCase() : code;
          })
          .join('');
        return { key: keys[i]!, date: run.date, statuses };
      });
      return [column.id, runs];
    }),
  );
  return { scenarios, columns: encoded };
}

/**
 * A run back from its characters, in catalogue order. Sent to the page as its source text
 * (see diff-script.ts), so it refers to nothing outside itself.
 */
export function decodeRun(statuses: string, scenarios: ReadonlyArray<readonly [string, string]>, statusOfCode: Readonly<Record<string, Status>>): DiffInput[] {
  const run: DiffInput[] = [];
  for (let i = 0; i < scenarios.length; i++) {
    const code = statuses.charAt(i);
    const lower = code.toLowerCase();
    if (!(lower in statusOfCode)) continue;
    const level: Level = code === lower ? 'should' : 'must';
    run.push({ id: scenarios[i]![0], title: scenarios[i]![1], level, status: statusOfCode[lower]! });
  }
  return run;
}

export const STATUS_OF_CODE = Object.fromEntries(Object.entries(STATUS_CODES).map(([status, code]) => [code, status])) as Record<string, Status>;
