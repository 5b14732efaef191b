// Small hand-made results files for the dashboard's logic: a few scenarios, named statuses,
// runs on chosen dates.
import type { Results, ScenarioResult, Status } from '../../harness/report/results.js';
import { summarise } from '../../harness/report/results.js';
import type { LoadedRun } from '../../harness/dashboard/load-results.js';
import type { SpecVersion } from '../../harness/model/spec-versions.js';

type Spec = Partial<ScenarioResult> & { id: string; status: Status };

export function scenario({ id, status, ...rest }: Spec): ScenarioResult {
  const [endpoint] = id.split('/');
  return {
    id,
    endpoint: endpoint!,
    title: `the ${id} scenario`,
    family: 'bad input',
    level: 'must',
    specRef: `v1.15 ref of ${id}`,
    status,
    ...(status !== 'passed' && { reason: `${status} because of ${id}` }),
    durationMs: 5,
    ...rest,
  };
}

export interface RunSpec {
  server?: string;
  version?: string;
  profile?: string;
  /** The spec version the run targeted. */
  spec?: SpecVersion;
  date: string;
  statuses: Record<string, Status | Omit<Spec, 'id'>>;
  provenance?: boolean;
}

export function results({ server = 'synapse', version = '1.0.0', profile, spec = 'v1.15', date, statuses, provenance = true }: RunSpec): Results {
  const scenarios = Object.entries(statuses).map(([id, s]) => scenario(typeof s === 'string' ? { id, status: s } : { ...s, id }));
  return {
    ...(provenance && { schemaVersion: 2 }),
    tool: { name: 'matrix-3pid-conformance', version: '0.1.0' },
    target: { url: 'http://127.0.0.1:8008', server: { name: server, version } },
    spec,
    profile: profile ?? server,
    startedAt: date,
    durationMs: 1000,
    ...(provenance && { provenance: { runDate: date, toolCommit: 'abc123', ciRunUrl: 'https://github.com/o/r/actions/runs/7' } }),
    summary: summarise(scenarios),
    scenarios,
  };
}

export function loaded(spec: RunSpec, file = `${spec.server ?? 'synapse'}-${spec.date}.json`): LoadedRun {
  return { file, results: results(spec) };
}
