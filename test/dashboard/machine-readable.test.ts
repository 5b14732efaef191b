// The files beside the page, from small hand-made runs: the CSV quotes what needs quoting,
// the badge carries the must score and its colour, history.json every night's score, and a
// site built inside its own input folder does not read itself back.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildSite } from '../../harness/dashboard/build-site.js';
import { dashboardData } from '../../harness/dashboard/dashboard-data.js';
import { badgeOf, gridCsv, historyJson } from '../../harness/dashboard/machine-readable.js';
import { dashboardPage } from '../../harness/dashboard/page.js';
import { loaded, results } from './fixture-runs.js';

const NIGHT_1 = '2026-11-01T02:00:00.000Z';
const NIGHT_2 = '2026-11-02T02:00:00.000Z';

describe('grid.csv', () => {
  test('a header of columns, a row per scenario, commas and quotes quoted, empty where not run', () => {
    const data = dashboardData([
      loaded({ server: 'a', date: NIGHT_1, statuses: { 'register-email/x': { status: 'passed', specRef: 'v1.15 "quoted", with a comma' } } }),
      loaded({ server: 'b', date: NIGHT_1, statuses: { 'register-email/y': 'failed' } }),
    ]);
    expect(gridCsv(data)).toBe(
      [
        'scenario,endpoint,family,level,specRef,a@1.0.0,b@1.0.0',
        'register-email/x,register-email,bad input,must,"v1.15 ""quoted"", with a comma",passed,',
        'register-email/y,register-email,bad input,must,v1.15 ref of register-email/y,,failed',
        '',
      ].join('\r\n'),
    );
  });
});

describe('badges', () => {
  test.each([
    [{ 'register-email/a': 'passed', 'register-email/b': 'passed' }, 'must 2/2', 'brightgreen'],
    [{ 'register-email/a': 'passed', 'register-email/b': 'expected-failure' }, 'must 1/2', 'orange'],
    [{ 'register-email/a': 'failed', 'register-email/b': 'skipped' }, 'must 0/1', 'red'],
    [{ 'register-email/a': 'skipped' }, 'must 0/0', 'lightgrey'],
  ] as const)('%j: %s, %s', (statuses, message, color) => {
    const [view] = dashboardData([loaded({ date: NIGHT_1, statuses })]).columns;
    expect(badgeOf(view!)).toEqual({ schemaVersion: 1, label: 'synapse@1.0.0', message, color });
  });
});

describe('history.json', () => {
  test('every run of a column with its score, oldest first', () => {
    const data = dashboardData([
      loaded({ date: NIGHT_2, statuses: { 'register-email/a': 'failed' } }, 'n2.json'),
      loaded({ date: NIGHT_1, statuses: { 'register-email/a': 'passed' } }, 'n1.json'),
    ]);
    const history = historyJson(data) as { columns: Array<{ runs: Array<{ file: string; score: { must: unknown } }> }> };
    expect(history.columns[0]!.runs.map((r) => [r.file, r.score.must])).toEqual([
      ['n1.json', { passed: 1, applicable: 1 }],
      ['n2.json', { passed: 0, applicable: 1 }],
    ]);
  });
});

describe('the page', () => {
  test('a stale column is marked and kept', () => {
    const page = dashboardPage(
      dashboardData([
        loaded({ server: 'dendrite', date: NIGHT_1, statuses: { 'register-email/a': 'passed' } }),
        loaded({ server: 'synapse', date: '2026-11-03T02:00:00.000Z', statuses: { 'register-email/a': 'passed' } }),
      ]),
    );
    expect(page).toMatch(/<th scope="col" data-column="dendrite-1.0.0"><a href="#column-dendrite-1.0.0">dendrite@1.0.0<\/a> <span class="stale">stale<\/span>/);
    expect(page).not.toMatch(/data-column="synapse-1.0.0"><a [^>]*>synapse@1.0.0<\/a> <span class="stale">/);
  });
});

describe('buildSite', () => {
  test('a site written inside its input folder is not read back on the next build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3c-dashboard-self-'));
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', 'synapse.json'), JSON.stringify(results({ date: NIGHT_1, statuses: { 'register-email/a': 'passed' } })));
    buildSite(dir, join(dir, 'site'));
    const again = buildSite(dir, join(dir, 'site'));
    expect(again).toMatchObject({ runs: 1, rejected: [] });
    expect(JSON.parse(readFileSync(join(dir, 'site', 'badges', 'synapse-1.0.0.json'), 'utf8')).message).toBe('must 1/1');
  });
});
