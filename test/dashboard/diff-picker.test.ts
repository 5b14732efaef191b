// The diff of any two runs: every run's statuses packed for the page and read back, the
// layout the page and the build share, the default pair in the HTML, and the shared code as
// the page receives it (its source text) giving the same diff as the build.
import { describe, expect, test } from 'vitest';
import { columnsOf } from '../../harness/dashboard/columns.js';
import { dashboardData } from '../../harness/dashboard/dashboard-data.js';
import { diffRuns } from '../../harness/dashboard/diff.js';
import { SHARED_SOURCE } from '../../harness/dashboard/diff-script.js';
import { DIFF_WORDS, diffLayout } from '../../harness/dashboard/diff-view.js';
import { dashboardPage } from '../../harness/dashboard/page.js';
import { decodeRun, runKeys, runStatusesOf, STATUS_OF_CODE } from '../../harness/dashboard/run-statuses.js';
import { rowsOf } from '../../harness/dashboard/rows.js';
import { loaded } from './fixture-runs.js';

const NIGHT_1 = '2026-11-01T02:00:00.000Z';
const NIGHT_2 = '2026-11-02T02:00:00.000Z';
const NIGHT_3 = '2026-11-03T02:00:00.000Z';

const RUNS = [
  loaded({ date: NIGHT_1, statuses: { 'register-email/a': 'passed', 'register-email/old': 'failed', 'register-email/b': { status: 'expected-failure', level: 'should' } } }),
  loaded({ date: NIGHT_2, statuses: { 'register-email/a': 'passed', 'register-email/b': { status: 'unexpected-pass', level: 'should' } } }),
  loaded({ date: NIGHT_3, statuses: { 'register-email/a': 'failed', 'register-email/b': { status: 'unexpected-pass', level: 'should' }, 'register-email/new': 'skipped' } }),
];

const columns = columnsOf(RUNS);
const statuses = runStatusesOf(columns, rowsOf(columns));
const runsOf = (night: number) => decodeRun(statuses.columns['synapse-1.0.0']![night]!.statuses, statuses.scenarios, STATUS_OF_CODE);
const strip = ({ id, level, status }: { id: string; level: string; status: string }) => ({ id, level, status });

describe("every run's statuses, packed", () => {
  test('the catalogue holds the grid rows, then the scenarios only older runs had', () => {
    expect(statuses.scenarios.map(([id]) => id)).toEqual(['register-email/a', 'register-email/b', 'register-email/new', 'register-email/old']);
    expect(statuses.columns['synapse-1.0.0']!.map((run) => run.statuses)).toEqual(['Pk.F', 'Pu..', 'FuS.']);
  });

  test('a run read back is the run: ids, levels and statuses, titles from the catalogue', () => {
    RUNS.forEach((run, night) => {
      const byId = (list: Array<{ id: string }>) => list.toSorted((a, b) => a.id.localeCompare(b.id));
      expect(byId(runsOf(night).map(strip))).toEqual(byId(run.results.scenarios.map(strip)));
    });
    expect(runsOf(0)[0]!.title).toBe('the register-email/a scenario');
  });

  test('two runs of one date get keys of their own', () => {
    expect(runKeys([NIGHT_1, NIGHT_2, NIGHT_2, NIGHT_2])).toEqual([NIGHT_1, NIGHT_2, `${NIGHT_2}~2`, `${NIGHT_2}~3`]);
  });
});

describe('the layout of a diff', () => {
  test('regressions, then new and removed scenarios; the unexpected pass flagged', () => {
    const layout = diffLayout(diffRuns(runsOf(0), runsOf(2)), NIGHT_1, NIGHT_3, DIFF_WORDS);
    expect(layout.summary).toBe(`${NIGHT_1} → ${NIGHT_3}`);
    expect(layout.sections.map((s) => s.title)).toEqual(['Regressions (1)', 'Fixes (1)', 'New scenarios (1)', 'Removed scenarios (1)']);
    expect(layout.sections[0]!.items).toEqual(['register-email/a (must): passed → failed']);
    expect(layout.sections[3]!.items).toEqual(['register-email/old (must): failed → absent']);
    expect(layout.flag).toMatch(/^★ 1 unexpected pass\(es\): the expectations file is out of date \(register-email\/b\)$/);
  });

  test('two runs alike: no change, and no flag unless a run passes unexpectedly', () => {
    expect(diffLayout(diffRuns(runsOf(0), runsOf(0)), NIGHT_1, NIGHT_1, DIFF_WORDS)).toEqual({ summary: `No change from ${NIGHT_1} to ${NIGHT_1}.`, sections: [] });
  });
});

describe('the shared code as the page gets it', () => {
  // Evaluated with nothing of this module in scope: a reference outside the functions throws.
  const page = new Function(`${SHARED_SOURCE}; return { diffScenarios, decodeRun, diffLayout, OUTCOMES, STATUS_OF_CODE, WORDS };`)();

  test.each([
    [0, 1],
    [0, 2],
    [2, 0],
    [1, 1],
  ])('run %i against run %i: the same layout as the build', (from, to) => {
    const decode = (night: number) => page.decodeRun(statuses.columns['synapse-1.0.0']![night]!.statuses, statuses.scenarios, page.STATUS_OF_CODE);
    const inPage = page.diffLayout(page.diffScenarios(decode(from), decode(to), page.OUTCOMES), 'x', 'y', page.WORDS);
    expect(inPage).toEqual(diffLayout(diffRuns(runsOf(from), runsOf(to)), 'x', 'y', DIFF_WORDS));
  });
});

describe('the page', () => {
  const html = dashboardPage(dashboardData(RUNS));

  test('the default pair, the last two runs, is rendered in the markup', () => {
    expect(html).toContain(`<p>${NIGHT_2} → ${NIGHT_3}</p>`);
    expect(html).toContain('<ul class="diff-regressions"><li>register-email/a (must): passed → failed</li></ul>');
    expect(html).toMatch(/<option value="2026-11-02T02:00:00.000Z" selected>2026-11-02T02:00:00.000Z<\/option>/);
  });

  test('the picker is hidden until the script shows it; the runs are embedded as JSON', () => {
    expect(html).toMatch(/<form class="diff-picker" data-diff-column="synapse-1.0.0" hidden/);
    const json = /<script type="application\/json" id="run-statuses">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(json!)).toEqual(statuses);
  });

  test('a column with one run has no picker', () => {
    expect(dashboardPage(dashboardData(RUNS.slice(0, 1)))).not.toContain('class="diff-picker"');
  });
});
