// Per column, its score over the runs (an SVG drawn at build time) and the scenarios whose
// status changed over them, each as its collapsed runs of one status.
import { h, type Element } from './html.js';
import type { ColumnView, DashboardData } from './dashboard-data.js';
import { segmentText } from './cell-evidence.js';
import { scoreChart } from './score-chart.js';

function columnHistory(view: ColumnView): Element {
  const { column } = view;
  const changed = [...view.scenarioHistories].filter(([, history]) => history.segments.length > 1);
  return h(
    'section',
    { 'data-column': column.id, class: 'column-history', 'aria-label': `History of ${column.label}` },
    h('h3', {}, `${column.label}: ${column.runs.length} run${column.runs.length === 1 ? '' : 's'}`),
    scoreChart(view.history),
    h('p', {}, `${view.history[0]!.date.slice(0, 10)} to ${view.history.at(-1)!.date.slice(0, 10)}. Solid line: must score; dashed line: should score (share passed of those that applied).`),
    changed.length === 0
      ? h('p', {}, 'No scenario changed status over these runs.')
      : h(
          'details',
          {},
          h('summary', {}, `${changed.length} scenario(s) changed status`),
          h('ul', {}, changed.map(([id, history]) => h('li', {}, h('span', { class: 'scenario-id' }, id), ': ', history.segments.map(segmentText).join(' → ')))),
        ),
  );
}

export function historyView(data: DashboardData): Element {
  return h('section', { id: 'history', 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'History'), data.columns.map(columnHistory));
}
