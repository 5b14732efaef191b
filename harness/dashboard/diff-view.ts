// Per column, its latest run against the one before: regressions first, then fixes, new and
// removed scenarios and other changes; unexpected passes flagged as an out-of-date
// expectations file.
import { h, type Child, type Element } from './html.js';
import type { ColumnView, DashboardData } from './dashboard-data.js';
import { isEmptyDiff, type RunDiff, type StatusChange } from './diff.js';
import { STATUS_LOOK } from './status-look.js';

const SECTIONS: ReadonlyArray<{ key: keyof RunDiff; title: string }> = [
  { key: 'regressions', title: 'Regressions' },
  { key: 'fixes', title: 'Fixes' },
  { key: 'added', title: 'New scenarios' },
  { key: 'removed', title: 'Removed scenarios' },
  { key: 'otherChanges', title: 'Other changes' },
];

function changeText(change: StatusChange): string {
  const from = change.from ? STATUS_LOOK[change.from].label : 'absent';
  const to = change.to ? STATUS_LOOK[change.to].label : 'absent';
  return `${change.id} (${change.level}): ${from} → ${to}`;
}

function columnDiff(view: ColumnView): Element {
  const { column, latestDiff } = view;
  const body: Child = !latestDiff
    ? h('p', {}, 'Only one run so far: nothing to compare.')
    : isEmptyDiff(latestDiff.diff)
      ? h('p', {}, `No change from ${latestDiff.from} to ${latestDiff.to}.`)
      : [
          h('p', {}, `${latestDiff.from} → ${latestDiff.to}`),
          latestDiff.diff.unexpectedPasses.length > 0 &&
            h('p', { class: 'flag', role: 'note' }, `★ ${latestDiff.diff.unexpectedPasses.length} unexpected pass(es): the expectations file is out of date (${latestDiff.diff.unexpectedPasses.map((c) => c.id).join(', ')})`),
          SECTIONS.filter(({ key }) => latestDiff.diff[key].length > 0).map(({ key, title }) => [
            h('h4', {}, `${title} (${latestDiff.diff[key].length})`),
            h('ul', { class: `diff-${key}` }, latestDiff.diff[key].map((change) => h('li', {}, changeText(change)))),
          ]),
        ];
  return h('section', { 'data-column': column.id, class: 'column-diff', 'aria-label': `Changes in ${column.label}` }, h('h3', {}, column.label), body);
}

export function diffView(data: DashboardData): Element {
  return h('section', { id: 'diff', 'aria-labelledby': 'diff-title' }, h('h2', { id: 'diff-title' }, 'Last run against the one before'), data.columns.map(columnDiff));
}
