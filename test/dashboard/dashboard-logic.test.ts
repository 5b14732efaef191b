// The dashboard's sums from small hand-made runs: columns and staleness, rows, scores,
// the diff of two runs and a scenario's history.
import { describe, expect, test } from 'vitest';
import { columnsOf } from '../../harness/dashboard/columns.js';
import { dashboardData } from '../../harness/dashboard/dashboard-data.js';
import { diffRuns, isEmptyDiff } from '../../harness/dashboard/diff.js';
import { scenarioHistory } from '../../harness/dashboard/history.js';
import { groupRows, rowsOf } from '../../harness/dashboard/rows.js';
import { scoreOf } from '../../harness/dashboard/score.js';
import { loaded, scenario } from './fixture-runs.js';

const NIGHT_1 = '2026-11-01T02:00:00.000Z';
const NIGHT_2 = '2026-11-02T02:00:00.000Z';
const NIGHT_3 = '2026-11-03T02:00:00.000Z';

describe('columns', () => {
  test('one per server, version and profile; runs oldest first; the latest shown', () => {
    const columns = columnsOf([
      loaded({ date: NIGHT_2, statuses: { 'register-email/a': 'failed' } }),
      loaded({ date: NIGHT_1, statuses: { 'register-email/a': 'passed' } }),
      loaded({ profile: 'synapse-privacy', date: NIGHT_2, statuses: { 'register-email/a': 'passed' } }),
      loaded({ version: '1.1.0', date: NIGHT_2, statuses: { 'register-email/a': 'passed' } }),
    ]);
    expect(columns.map((c) => [c.id, c.label])).toEqual([
      ['synapse-1.0.0', 'synapse@1.0.0'],
      ['synapse-1.0.0-synapse-privacy', 'synapse@1.0.0 (synapse-privacy)'],
      ['synapse-1.1.0', 'synapse@1.1.0'],
    ]);
    expect(columns[0]!.runs.map((r) => r.date)).toEqual([NIGHT_1, NIGHT_2]);
    expect(columns[0]!.latest.results.scenarios[0]!.status).toBe('failed');
  });

  test('a column more than 36 h behind the newest run is stale and kept; 36 h exactly is not', () => {
    const columns = columnsOf([
      loaded({ server: 'dendrite', date: '2026-11-01T00:00:00.000Z', statuses: { 'register-email/a': 'passed' } }),
      loaded({ server: 'conduit', date: '2026-11-02T12:00:00.000Z', statuses: { 'register-email/a': 'passed' } }),
      loaded({ server: 'synapse', date: '2026-11-02T12:00:01.000Z', statuses: { 'register-email/a': 'passed' } }),
    ]);
    expect(Object.fromEntries(columns.map((c) => [c.server, c.stale]))).toEqual({ conduit: false, dendrite: true, synapse: false });
  });

  test('a file without provenance (schemaVersion 1) is dated by startedAt', () => {
    const [column] = columnsOf([loaded({ date: NIGHT_3, provenance: false, statuses: { 'register-email/a': 'passed' } })]);
    expect(column!.latest.date).toBe(NIGHT_3);
  });
});

describe('rows', () => {
  test('every scenario of any latest run, by endpoint in report order, then family', () => {
    const columns = columnsOf([
      loaded({ server: 'a', date: NIGHT_1, statuses: { '3pid-email/x': 'passed', 'register-email/z': { status: 'passed', family: 'rate limiting' } } }),
      loaded({ server: 'b', date: NIGHT_1, statuses: { 'register-email/y': { status: 'passed', family: 'success and sending' }, 'password-email/w': 'failed' } }),
    ]);
    const rows = rowsOf(columns);
    expect(rows.map((r) => r.id)).toEqual(['register-email/y', 'register-email/z', 'password-email/w', '3pid-email/x']);
    expect(groupRows(rows).map((g) => [g.endpoint, g.families.map((f) => f.family)])).toEqual([
      ['register-email', ['success and sending', 'rate limiting']],
      ['password-email', ['bad input']],
      ['3pid-email', ['bad input']],
    ]);
  });
});

describe('scores', () => {
  test('must and should apart; expected failures are not passes; skipped not counted; unexpected passes are passes', () => {
    const score = scoreOf([
      scenario({ id: 'register-email/a', status: 'passed' }),
      scenario({ id: 'register-email/b', status: 'expected-failure' }),
      scenario({ id: 'register-email/c', status: 'skipped' }),
      scenario({ id: 'register-email/d', status: 'unexpected-pass' }),
      scenario({ id: 'register-email/e', status: 'failed', level: 'should' }),
      scenario({ id: 'register-email/f', status: 'passed', level: 'should' }),
      scenario({ id: 'register-email/g', status: 'skipped', level: 'should' }),
    ]);
    expect(score).toEqual({ must: { passed: 2, applicable: 3 }, should: { passed: 1, applicable: 2 } });
  });
});

describe('diff of two runs', () => {
  const before = [
    scenario({ id: 'register-email/kept', status: 'passed' }),
    scenario({ id: 'register-email/broke-should', status: 'passed', level: 'should' }),
    scenario({ id: 'register-email/broke-must', status: 'passed' }),
    scenario({ id: 'register-email/fixed', status: 'failed' }),
    scenario({ id: 'register-email/now-known', status: 'failed' }),
    scenario({ id: 'register-email/gone', status: 'passed' }),
    scenario({ id: 'register-email/out-of-date', status: 'expected-failure' }),
  ];
  const after = [
    scenario({ id: 'register-email/kept', status: 'passed' }),
    scenario({ id: 'register-email/broke-should', status: 'failed', level: 'should' }),
    scenario({ id: 'register-email/broke-must', status: 'expected-failure' }),
    scenario({ id: 'register-email/fixed', status: 'passed' }),
    scenario({ id: 'register-email/now-known', status: 'expected-failure' }),
    scenario({ id: 'register-email/new', status: 'skipped' }),
    scenario({ id: 'register-email/out-of-date', status: 'unexpected-pass' }),
  ];
  const diff = diffRuns(before, after);
  const ids = (list: { id: string }[]) => list.map((c) => c.id.split('/')[1]);

  test('regressions, musts first, with both statuses', () => {
    expect(ids(diff.regressions)).toEqual(['broke-must', 'broke-should']);
    expect(diff.regressions[0]).toMatchObject({ from: 'passed', to: 'expected-failure' });
  });

  test('fixes (an unexpected pass is one), new, removed and other changes', () => {
    expect(ids(diff.fixes)).toEqual(['fixed', 'out-of-date']);
    expect(ids(diff.added)).toEqual(['new']);
    expect(diff.removed).toEqual([{ id: 'register-email/gone', title: 'the register-email/gone scenario', level: 'must', from: 'passed' }]);
    expect(ids(diff.otherChanges)).toEqual(['now-known']);
  });

  test('an unexpected pass is flagged', () => {
    expect(ids(diff.unexpectedPasses)).toEqual(['out-of-date']);
  });

  test('two identical runs differ in nothing', () => {
    expect(isEmptyDiff(diffRuns(before, before))).toBe(true);
    expect(isEmptyDiff(diff)).toBe(false);
  });
});

describe('history', () => {
  const column = columnsOf([
    loaded({ date: NIGHT_1, statuses: { 'register-email/a': 'passed' } }),
    loaded({ date: NIGHT_2, statuses: { 'register-email/a': 'passed' } }),
    loaded({ date: NIGHT_3, statuses: { 'register-email/a': 'failed' } }),
    loaded({ date: '2026-11-04T02:00:00.000Z', statuses: { 'register-email/b': 'passed' } }),
    loaded({ date: '2026-11-05T02:00:00.000Z', statuses: { 'register-email/a': 'expected-failure' } }),
  ])[0]!;

  test('runs of one status collapse into segments; a run without the scenario breaks none', () => {
    expect(scenarioHistory(column.runs, 'register-email/a').segments).toEqual([
      { status: 'passed', from: NIGHT_1, to: NIGHT_2, runs: 2 },
      { status: 'failed', from: NIGHT_3, to: NIGHT_3, runs: 1 },
      { status: 'expected-failure', from: '2026-11-05T02:00:00.000Z', to: '2026-11-05T02:00:00.000Z', runs: 1 },
    ]);
  });

  test('when it first failed and last passed', () => {
    expect(scenarioHistory(column.runs, 'register-email/a')).toMatchObject({ firstFailed: NIGHT_3, lastPassed: NIGHT_2 });
    expect(scenarioHistory(column.runs, 'register-email/b')).not.toHaveProperty('firstFailed');
  });

  test('the column view: score line per night and the latest diff against the night before', () => {
    const data = dashboardData([
      loaded({ date: NIGHT_1, statuses: { 'register-email/a': 'passed', 'register-email/b': 'passed' } }),
      loaded({ date: NIGHT_2, statuses: { 'register-email/a': 'failed', 'register-email/b': 'passed' } }),
    ]);
    const [view] = data.columns;
    expect(view!.history.map((p) => p.score.must.passed)).toEqual([2, 1]);
    expect(view!.latestDiff).toMatchObject({ from: NIGHT_1, to: NIGHT_2 });
    expect(view!.latestDiff!.diff.regressions.map((c) => c.id)).toEqual(['register-email/a']);
    expect(data.asOf).toBe(NIGHT_2);
  });
});
