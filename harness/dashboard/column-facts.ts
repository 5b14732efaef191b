// Per column, what its latest run was: which server, version, profile and spec version, which
// tool and commit, when, and from which CI run; stale columns said so.
import { h, type Element } from './html.js';
import type { DashboardData } from './dashboard-data.js';
import { formatLevelScore } from './score.js';

export function columnFacts(data: DashboardData): Element {
  const heads = ['Column', 'Server', 'Version', 'Profile', 'Spec', 'Tool', 'Run date', 'CI run', 'Must', 'Should', 'Runs'];
  return h(
    'table',
    { class: 'columns', id: 'columns' },
    h('caption', {}, `Each column's latest run. A column more than ${data.staleAfterHours} h older than the newest run is marked stale.`),
    h('thead', {}, h('tr', {}, heads.map((head) => h('th', { scope: 'col' }, head)))),
    h(
      'tbody',
      {},
      data.columns.map(({ column, score }) => {
        const { results, date } = column.latest;
        const commit = results.provenance?.toolCommit;
        const ci = results.provenance?.ciRunUrl;
        return h(
          'tr',
          { 'data-column': column.id, id: `column-${column.id}` },
          h('th', { scope: 'row' }, column.label, column.stale && [' ', h('span', { class: 'stale' }, 'stale')]),
          h('td', {}, column.server),
          h('td', {}, column.version),
          h('td', {}, column.profile),
          h('td', {}, results.spec),
          h('td', {}, `${results.tool.version}${commit ? ` (${commit.slice(0, 12)})` : ''}`),
          h('td', {}, h('time', { datetime: date }, date)),
          h('td', {}, ci ? h('a', { href: ci }, 'CI run') : 'none'),
          h('td', {}, formatLevelScore(score.must)),
          h('td', {}, formatLevelScore(score.should)),
          h('td', {}, column.runs.length),
        );
      }),
    ),
  );
}
