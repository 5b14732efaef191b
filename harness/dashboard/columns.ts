// The dashboard's columns: one per server, version and profile, each with every run of it
// found (its history, oldest first) and the latest one shown in the grid.
import type { Results } from '../report/results.js';
import type { LoadedRun } from './load-results.js';

/** A column whose latest run is this much older than the newest run of any column is stale. */
export const STALE_AFTER_HOURS = 36;

export interface ColumnRun {
  file: string;
  /** When the run was made: its provenance's runDate, else (older files) startedAt. */
  date: string;
  results: Results;
}

export interface Column {
  /** Safe in a file name and a URL: badges/<id>.json, #server=<id>. */
  id: string;
  /** server@version, with the profile where it is not the server's default. */
  label: string;
  server: string;
  version: string;
  profile: string;
  /** Oldest first; at least one. */
  runs: readonly ColumnRun[];
  latest: ColumnRun;
  stale: boolean;
}

export function runDateOf(results: Results): string {
  return results.provenance?.runDate ?? results.startedAt;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '');
}

function columnIdentity(results: Results): Pick<Column, 'id' | 'label' | 'server' | 'version' | 'profile'> {
  const { name: server, version } = results.target.server;
  const profile = results.profile;
  // A server's default profile is named after it: its column needs no profile in its name.
  const ownProfile = profile === server;
  return {
    id: slug(ownProfile ? `${server}-${version}` : `${server}-${version}-${profile}`),
    label: ownProfile ? `${server}@${version}` : `${server}@${version} (${profile})`,
    server,
    version,
    profile,
  };
}

const byDate = (a: ColumnRun, b: ColumnRun) => Date.parse(a.date) - Date.parse(b.date) || a.file.localeCompare(b.file);

/** Columns in order of server, version and profile; their runs oldest first. */
export function columnsOf(loaded: readonly LoadedRun[]): Column[] {
  const grouped = new Map<string, { identity: ReturnType<typeof columnIdentity>; runs: ColumnRun[] }>();
  for (const { file, results } of loaded) {
    const identity = columnIdentity(results);
    const run = { file, date: runDateOf(results), results };
    const group = grouped.get(identity.id);
    if (group) group.runs.push(run);
    else grouped.set(identity.id, { identity, runs: [run] });
  }
  const unmarked = [...grouped.values()].map(({ identity, runs }) => {
    const sorted = runs.toSorted(byDate);
    return { ...identity, runs: sorted, latest: sorted.at(-1)! };
  });
  const newest = Math.max(...unmarked.map((column) => Date.parse(column.latest.date)));
  return unmarked
    .map((column) => ({ ...column, stale: newest - Date.parse(column.latest.date) > STALE_AFTER_HOURS * 3_600_000 }))
    .toSorted((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
}
