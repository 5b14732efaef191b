// The filters: a form of labelled selects, shown only where JavaScript runs (without it the
// whole grid is there to read). The choice lives in the URL's hash, so that each view is a
// permalink, and opening one restores it; the hash works the same from file:// and a host.
import { h, inlineJson, rawElement, type Element } from './html.js';
import type { DashboardData } from './dashboard-data.js';
import { STATUSES } from '../report/status.js';
import { LEVELS } from './score.js';
import { STATUS_LOOK } from './status-look.js';

export const FILTER_KEYS = ['server', 'version', 'spec', 'level', 'status', 'endpoint', 'family'] as const;

/** What the column filters compare: the server version and the spec version of its latest run. */
function columnFilterFacts(data: DashboardData): Record<string, { version: string; spec: string }> {
  return Object.fromEntries(data.columns.map(({ column }) => [column.id, { version: column.version, spec: column.latest.results.spec }]));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function select(key: string, label: string, options: ReadonlyArray<{ value: string; text: string }>): Element {
  return h(
    'label',
    { for: `filter-${key}` },
    label,
    h('select', { id: `filter-${key}`, name: key }, h('option', { value: '' }, 'all'), options.map(({ value, text }) => h('option', { value }, text))),
  );
}

export function filterForm(data: DashboardData): Element {
  const plain = (values: readonly string[]) => values.map((value) => ({ value, text: value }));
  return h(
    'form',
    { id: 'filters', class: 'filters', hidden: true, 'aria-label': 'Filters' },
    select('server', 'Server', data.columns.map(({ column }) => ({ value: column.id, text: column.label }))),
    select('version', 'Server version', plain(unique(data.columns.map(({ column }) => column.version)).toSorted((a, b) => a.localeCompare(b, 'en', { numeric: true })))),
    select('spec', 'Spec version', plain(unique(data.columns.map(({ column }) => column.latest.results.spec)).toSorted((a, b) => a.localeCompare(b, 'en', { numeric: true })))),
    select('level', 'Level', plain(LEVELS)),
    select('status', 'Status', STATUSES.map((status) => ({ value: status, text: STATUS_LOOK[status].label }))),
    select('endpoint', 'Endpoint', plain(unique(data.rows.map((row) => row.endpoint)))),
    select('family', 'Family', plain(unique(data.rows.map((row) => row.family)))),
    h('output', { id: 'filter-count', for: FILTER_KEYS.map((key) => `filter-${key}`).join(' '), 'aria-live': 'polite' }),
  );
}

// Plain browser JavaScript, no library: the page must work offline and from file://.
const script = (data: DashboardData) => `
(function () {
  var KEYS = ${JSON.stringify(FILTER_KEYS)};
  var COLUMNS = ${inlineJson(columnFilterFacts(data))};
  var form = document.getElementById('filters');
  form.hidden = false;
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  function wanted() {
    var params = new URLSearchParams(location.hash.slice(1));
    var choice = {};
    KEYS.forEach(function (key) { choice[key] = params.get(key) || ''; });
    return choice;
  }
  function apply(choice) {
    KEYS.forEach(function (key) { form.elements[key].value = choice[key]; });
    document.querySelectorAll('[data-column]').forEach(function (el) {
      var id = el.getAttribute('data-column');
      el.hidden = (Boolean(choice.server) && id !== choice.server) ||
        (Boolean(choice.version) && COLUMNS[id].version !== choice.version) ||
        (Boolean(choice.spec) && COLUMNS[id].spec !== choice.spec);
    });
    var rows = document.querySelectorAll('tr[data-scenario]');
    var shown = 0;
    rows.forEach(function (row) {
      var show = (!choice.level || row.getAttribute('data-level') === choice.level) &&
        (!choice.endpoint || row.getAttribute('data-endpoint') === choice.endpoint) &&
        (!choice.family || row.getAttribute('data-family') === choice.family);
      if (show && choice.status) {
        show = Array.prototype.some.call(row.querySelectorAll('td[data-status]'), function (cell) {
          return !cell.hidden && cell.getAttribute('data-status') === choice.status;
        });
      }
      row.hidden = !show;
      if (show) shown++;
    });
    document.querySelectorAll('tbody[data-endpoint-group]').forEach(function (group) {
      group.hidden = !group.querySelector('tr[data-scenario]:not([hidden])');
      group.querySelectorAll('tr[data-family-group]').forEach(function (head) {
        var family = head.getAttribute('data-family-group');
        head.hidden = !Array.prototype.some.call(group.querySelectorAll('tr[data-scenario]'), function (row) {
          return !row.hidden && row.getAttribute('data-family') === family;
        });
      });
    });
    document.getElementById('filter-count').textContent = shown + ' of ' + rows.length + ' scenarios shown';
  }
  form.addEventListener('change', function () {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (form.elements[key].value) params.set(key, form.elements[key].value); });
    // Other parts of the view (the diff's chosen runs) share the hash: they are kept, after the filters.
    new URLSearchParams(location.hash.slice(1)).forEach(function (value, key) { if (KEYS.indexOf(key) < 0) params.append(key, value); });
    var hash = params.toString();
    history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
    apply(wanted());
  });
  // A plain anchor (#grid, #column-…) is navigation, not a view: the filters stay as they are.
  window.addEventListener('hashchange', function () { if (location.hash.indexOf('=') >= 0) apply(wanted()); });
  apply(wanted());
})();
`;

export function filterScript(data: DashboardData): Element {
  return rawElement('script', script(data));
}
