// The grid: scenarios, grouped by endpoint and family, against the columns; each cell its
// latest status (glyph, word, colour) opening to its evidence. A <details> per cell opens
// with the keyboard and without JavaScript.
import { h, type Element } from './html.js';
import type { ColumnView, DashboardData } from './dashboard-data.js';
import { cellEvidence } from './cell-evidence.js';
import { groupRows, type Row } from './rows.js';
import { formatLevelScore } from './score.js';
import { ABSENT_LOOK, STATUS_LOOK } from './status-look.js';

/** The fixed columns before the servers': scenario (with its spec reference) and level. */
const LEADING_COLUMNS = 2;

function cell(row: Row, view: ColumnView): Element {
  const result = view.scenarios.get(row.id);
  const { column } = view;
  if (!result) {
    return h('td', { class: 'cell absent', 'data-column': column.id, 'data-status': 'absent' }, h('span', { 'aria-label': `${row.id} on ${column.label}: ${ABSENT_LOOK.label}` }, `${ABSENT_LOOK.glyph} ${ABSENT_LOOK.label}`));
  }
  const look = STATUS_LOOK[result.status];
  return h(
    'td',
    { class: `cell status-${result.status}`, 'data-column': column.id, 'data-status': result.status },
    h(
      'details',
      {},
      h('summary', { 'aria-label': `${row.id} on ${column.label}: ${look.label}; open the evidence` }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, look.glyph), look.label),
      cellEvidence(row, result, view.scenarioHistories.get(row.id)),
    ),
  );
}

function scenarioRow(row: Row, columns: readonly ColumnView[]): Element {
  return h(
    'tr',
    { 'data-scenario': row.id, 'data-level': row.level, 'data-endpoint': row.endpoint, 'data-family': row.family },
    h('th', { scope: 'row' }, h('span', { class: 'scenario-id' }, row.id), ' ', row.title, h('span', { class: 'spec-ref' }, row.specRef)),
    h('td', { class: `level level-${row.level}` }, row.level),
    columns.map((view) => cell(row, view)),
  );
}

function columnHead(view: ColumnView): Element {
  const { column, score } = view;
  return h(
    'th',
    { scope: 'col', 'data-column': column.id },
    h('a', { href: `#column-${column.id}` }, column.label),
    column.stale && [' ', h('span', { class: 'stale' }, 'stale')],
    h('br'),
    `must ${formatLevelScore(score.must)}`,
    h('br'),
    `should ${formatLevelScore(score.should)}`,
  );
}

export function grid(data: DashboardData): Element {
  const span = LEADING_COLUMNS + data.columns.length;
  return h(
    'table',
    { class: 'grid', id: 'grid' },
    h('caption', {}, `Latest status of ${data.rows.length} scenarios on ${data.columns.length} server columns. Each cell opens to its evidence.`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Scenario and spec reference'), h('th', { scope: 'col' }, 'Level'), data.columns.map(columnHead))),
    groupRows(data.rows).map((group) =>
      h(
        'tbody',
        { 'data-endpoint-group': group.endpoint },
        h('tr', { class: 'group-endpoint' }, h('th', { colspan: span, scope: 'rowgroup' }, group.endpoint)),
        group.families.map((family) => [
          h('tr', { class: 'group-family', 'data-family-group': family.family }, h('th', { colspan: span, scope: 'rowgroup' }, family.family)),
          family.rows.map((row) => scenarioRow(row, data.columns)),
        ]),
      ),
    ),
  );
}
