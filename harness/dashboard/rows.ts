// The grid's rows: every scenario in any column's latest run, grouped by endpoint (in report
// order) and then by family, so that one server's missing scenario is an empty cell, not a
// shifted row.
import { ENDPOINTS } from '../model/endpoints.js';
import { FAMILIES, type Level } from '../model/scenario.js';
import type { ScenarioResult } from '../report/results.js';
import type { Column } from './columns.js';

export interface Row {
  id: string;
  endpoint: string;
  family: string;
  title: string;
  level: Level;
  specRef: string;
}

export interface RowGroup {
  endpoint: string;
  families: ReadonlyArray<{ family: string; rows: readonly Row[] }>;
}

/** Scenarios without a family (older files) are grouped under this one. */
export const NO_FAMILY = 'other';

const ENDPOINT_ORDER: readonly string[] = Object.keys(ENDPOINTS);
const FAMILY_ORDER: readonly string[] = FAMILIES;

/** Known keys in their order, unknown ones after them (a file from another version may name one). */
function rank(order: readonly string[], key: string): number {
  const index = order.indexOf(key);
  return index < 0 ? order.length : index;
}

function rowOf(scenario: ScenarioResult): Row {
  const { id, endpoint, title, level, specRef } = scenario;
  return { id, endpoint, family: scenario.family ?? NO_FAMILY, title, level, specRef };
}

export function rowsOf(columns: readonly Column[]): Row[] {
  // The newest run's wording of a scenario wins: it is the catalogue as it is now.
  const newestFirst = columns.toSorted((a, b) => Date.parse(b.latest.date) - Date.parse(a.latest.date));
  const rows = new Map<string, Row>();
  for (const column of newestFirst) {
    for (const scenario of column.latest.results.scenarios) if (!rows.has(scenario.id)) rows.set(scenario.id, rowOf(scenario));
  }
  const appearance = [...rows.keys()];
  return [...rows.values()].toSorted(
    (a, b) =>
      rank(ENDPOINT_ORDER, a.endpoint) - rank(ENDPOINT_ORDER, b.endpoint) ||
      a.endpoint.localeCompare(b.endpoint) ||
      rank(FAMILY_ORDER, a.family) - rank(FAMILY_ORDER, b.family) ||
      a.family.localeCompare(b.family) ||
      appearance.indexOf(a.id) - appearance.indexOf(b.id),
  );
}

/** Sorted rows in their endpoint and family groups. */
export function groupRows(rows: readonly Row[]): RowGroup[] {
  const groups: Array<{ endpoint: string; families: Array<{ family: string; rows: Row[] }> }> = [];
  for (const row of rows) {
    let group = groups.at(-1);
    if (group?.endpoint !== row.endpoint) groups.push((group = { endpoint: row.endpoint, families: [] }));
    let family = group.families.at(-1);
    if (family?.family !== row.family) group.families.push((family = { family: row.family, rows: [] }));
    family.rows.push(row);
  }
  return groups;
}
