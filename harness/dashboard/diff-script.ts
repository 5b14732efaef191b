// The diff picker in the page: every run's statuses as JSON, and a small script that runs
// the very functions the build used (diffScenarios, decodeRun, diffLayout, as their source
// text) on the two runs chosen. The choice lives in the hash beside the filters', as
// diff-<column>=<from>..<to>, and is left out when it is the default pair.
import { inlineJson, rawElement, type Element } from './html.js';
import { diffScenarios } from './diff.js';
import { DIFF_WORDS, diffLayout } from './diff-view.js';
import { OUTCOME_OF } from './outcome.js';
import { decodeRun, STATUS_OF_CODE, type RunStatuses } from './run-statuses.js';

export const RUN_STATUSES_ID = 'run-statuses';

/** The functions shared with the build, as the page's code. */
export const SHARED_SOURCE = `
var diffScenarios = (${diffScenarios.toString()});
var decodeRun = (${decodeRun.toString()});
var diffLayout = (${diffLayout.toString()});
var OUTCOMES = ${inlineJson(OUTCOME_OF)};
var STATUS_OF_CODE = ${inlineJson(STATUS_OF_CODE)};
var WORDS = ${inlineJson(DIFF_WORDS)};
`;

const SCRIPT = `
(function () {
${SHARED_SOURCE}
  var data = JSON.parse(document.getElementById(${JSON.stringify(RUN_STATUSES_ID)}).textContent);
  var forms = document.querySelectorAll('form[data-diff-column]');
  function runsOf(form) { return data.columns[form.getAttribute('data-diff-column')]; }
  function find(runs, key) { return runs.filter(function (run) { return run.key === key; })[0]; }
  function element(tag, attributes, text) {
    var el = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { el.setAttribute(name, attributes[name]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function render(form) {
    var runs = runsOf(form);
    var from = find(runs, form.elements.from.value);
    var to = find(runs, form.elements.to.value);
    var decode = function (run) { return decodeRun(run.statuses, data.scenarios, STATUS_OF_CODE); };
    var layout = diffLayout(diffScenarios(decode(from), decode(to), OUTCOMES), from.date, to.date, WORDS);
    var body = form.parentNode.querySelector('.diff-body');
    body.textContent = '';
    body.appendChild(element('p', {}, layout.summary));
    if (layout.flag) body.appendChild(element('p', { class: 'flag', role: 'note' }, layout.flag));
    layout.sections.forEach(function (section) {
      body.appendChild(element('h4', {}, section.title));
      var list = body.appendChild(element('ul', { class: 'diff-' + section.key }));
      section.items.forEach(function (item) { list.appendChild(element('li', {}, item)); });
    });
  }
  function param(form) { return 'diff-' + form.getAttribute('data-diff-column'); }
  // A pair from the URL, or the default one where the URL names none or a run no longer kept.
  function restore() {
    var params = new URLSearchParams(location.hash.slice(1));
    forms.forEach(function (form) {
      var runs = runsOf(form);
      var pair = (params.get(param(form)) || '').split('..');
      var known = pair.length === 2 && find(runs, pair[0]) && find(runs, pair[1]);
      form.elements.from.value = known ? pair[0] : runs[runs.length - 2].key;
      form.elements.to.value = known ? pair[1] : runs[runs.length - 1].key;
      render(form);
    });
  }
  forms.forEach(function (form) {
    form.hidden = false;
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    form.addEventListener('change', function () {
      var runs = runsOf(form);
      var params = new URLSearchParams(location.hash.slice(1));
      var isDefault = form.elements.from.value === runs[runs.length - 2].key && form.elements.to.value === runs[runs.length - 1].key;
      if (isDefault) params.delete(param(form));
      else params.set(param(form), form.elements.from.value + '..' + form.elements.to.value);
      var hash = params.toString();
      history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
      render(form);
    });
  });
  window.addEventListener('hashchange', function () { if (location.hash.indexOf('=') >= 0) restore(); });
  restore();
})();
`;

export function runStatusesElement(statuses: RunStatuses): Element {
  return rawElement('script', inlineJson(statuses), { type: 'application/json', id: RUN_STATUSES_ID });
}

export function diffScript(): Element {
  return rawElement('script', SCRIPT);
}
