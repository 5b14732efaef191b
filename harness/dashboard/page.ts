// The dashboard page: one self-contained HTML file (styles, script and charts inline, a
// policy that lets nothing be fetched), readable as it is and filterable with JavaScript.
import { h, rawElement, renderDocument } from './html.js';
import type { DashboardData } from './dashboard-data.js';
import { columnFacts } from './column-facts.js';
import { diffScript, runStatusesElement } from './diff-script.js';
import { diffView } from './diff-view.js';
import { filterForm, filterScript } from './filters.js';
import { grid } from './grid.js';
import { historyView } from './history-view.js';
import { STYLESHEET } from './styles.js';
import { MACHINE_READABLE_FILES } from './machine-readable.js';
import { runStatusesOf } from './run-statuses.js';

// Inline code only, no fetch of any kind: the page's promise that no request leaves it.
const CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export function dashboardPage(data: DashboardData): string {
  const title = 'Matrix 3PID requestToken conformance';
  const statuses = runStatusesOf(data.columns.map((view) => view.column), data.rows);
  return renderDocument(
    h(
      'html',
      { lang: 'en' },
      h(
        'head',
        {},
        h('meta', { charset: 'utf-8' }),
        h('meta', { 'http-equiv': 'Content-Security-Policy', content: CONTENT_POLICY }),
        h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
        h('title', {}, title),
        rawElement('style', STYLESHEET),
      ),
      h(
        'body',
        {},
        h('a', { href: '#grid' }, 'Skip to the grid'),
        h(
          'header',
          {},
          h('h1', {}, title),
          h('p', {}, `As of ${data.asOf || 'no runs'}: ${data.columns.length} columns, ${data.rows.length} scenarios. Scores count per level the scenarios passed of those that applied; known failures are failures, skipped scenarios are not counted.`),
          h('p', {}, 'Machine-readable: ', MACHINE_READABLE_FILES.map((file, i) => [i > 0 && ', ', h('a', { href: file }, file)]), ', and a badge per column in badges/.'),
        ),
        h(
          'main',
          {},
          filterForm(data),
          h('section', { 'aria-labelledby': 'grid-title' }, h('h2', { id: 'grid-title' }, 'Scenarios by server'), grid(data)),
          h('section', { 'aria-labelledby': 'columns-title' }, h('h2', { id: 'columns-title' }, 'Columns'), columnFacts(data)),
          diffView(data, statuses),
          historyView(data),
        ),
        runStatusesElement(statuses),
        filterScript(data),
        diffScript(),
      ),
    ),
  );
}
