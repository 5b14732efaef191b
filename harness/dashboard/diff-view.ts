// Per column, the diff of two of its runs: by default its latest against the one before,
// rendered here so that it reads without JavaScript; with it, two selects pick any other
// pair and the page re-renders the diff from the same layout (see diff-script.ts).
import { h, type Child, type Element } from './html.js';
import type { ColumnView, DashboardData } from './dashboard-data.js';
import { diffRuns, type RunDiff, type StatusChange } from './diff.js';
import { decodeRun, STATUS_OF_CODE, type EncodedRun, type RunStatuses } from './run-statuses.js';
import { STATUS_LOOK } from './status-look.js';

export interface DiffWords {
  sections: ReadonlyArray<{ key: keyof RunDiff; title: string }>;
  /** The word for each status; `absent` where a run did not have the scenario. */
  labels: Readonly<Record<string, string>>;
}

export const DIFF_WORDS: DiffWords = {
  sections: [
    { key: 'regressions', title: 'Regressions' },
    { key: 'fixes', title: 'Fixes' },
    { key: 'added', title: 'New scenarios' },
    { key: 'removed', title: 'Removed scenarios' },
    { key: 'otherChanges', title: 'Other changes' },
  ],
  labels: { ...Object.fromEntries(Object.entries(STATUS_LOOK).map(([status, look]) => [status, look.label])), absent: 'absent' },
};

export interface DiffLayout {
  summary: string;
  /** The unexpected passes, said as an out-of-date expectations file. */
  flag?: string;
  sections: Array<{ key: string; title: string; items: string[] }>;
}

/**
 * What the diff shows, in words, in its order. Sent to the page as its source text (see
 * diff-script.ts), so it refers to nothing outside itself.
 */
export function diffLayout(diff: RunDiff, from: string, to: string, words: DiffWords): DiffLayout {
  const text = (change: StatusChange) => `${change.id} (${change.level}): ${words.labels[change.from ?? 'absent']} → ${words.labels[change.to ?? 'absent']}`;
  const sections = words.sections
    .filter(({ key }) => diff[key].length > 0)
    .map(({ key, title }) => ({ key, title: `${title} (${diff[key].length})`, items: diff[key].map(text) }));
  const unexpected = diff.unexpectedPasses;
  if (sections.length === 0 && unexpected.length === 0) return { summary: `No change from ${from} to ${to}.`, sections };
  return {
    summary: `${from} → ${to}`,
    ...(unexpected.length > 0 && { flag: `★ ${unexpected.length} unexpected pass(es): the expectations file is out of date (${unexpected.map((c) => c.id).join(', ')})` }),
    sections,
  };
}

export function layoutElements(layout: DiffLayout): Child {
  return [
    h('p', {}, layout.summary),
    layout.flag && h('p', { class: 'flag', role: 'note' }, layout.flag),
    layout.sections.map(({ key, title, items }) => [h('h4', {}, title), h('ul', { class: `diff-${key}` }, items.map((item) => h('li', {}, item)))]),
  ];
}

/** The pair shown first: the last run against the one before. */
export function defaultPair(runs: readonly EncodedRun[]): { from: EncodedRun; to: EncodedRun } | undefined {
  return runs.length < 2 ? undefined : { from: runs.at(-2)!, to: runs.at(-1)! };
}

export function pairDiff(statuses: RunStatuses, from: EncodedRun, to: EncodedRun): RunDiff {
  const decode = (run: EncodedRun) => decodeRun(run.statuses, statuses.scenarios, STATUS_OF_CODE);
  return diffRuns(decode(from), decode(to));
}

function runSelect(columnId: string, end: 'from' | 'to', runs: readonly EncodedRun[], chosen: EncodedRun): Element {
  const id = `diff-${end}-${columnId}`;
  return h(
    'label',
    { for: id },
    end === 'from' ? 'From run' : 'To run',
    h('select', { id, name: end }, runs.toReversed().map((run) => h('option', { value: run.key, selected: run === chosen }, run.key))),
  );
}

function columnDiff(view: ColumnView, statuses: RunStatuses): Element {
  const { column } = view;
  const runs = statuses.columns[column.id]!;
  const pair = defaultPair(runs);
  const body: Child = pair ? layoutElements(diffLayout(pairDiff(statuses, pair.from, pair.to), pair.from.date, pair.to.date, DIFF_WORDS)) : h('p', {}, 'Only one run so far: nothing to compare.');
  return h(
    'section',
    { 'data-column': column.id, class: 'column-diff', 'aria-label': `Changes in ${column.label}` },
    h('h3', {}, column.label),
    // Only JavaScript can act on a choice: without it the picker stays hidden.
    pair && h('form', { class: 'diff-picker', 'data-diff-column': column.id, hidden: true, 'aria-label': `Runs of ${column.label} to compare` }, runSelect(column.id, 'from', runs, pair.from), runSelect(column.id, 'to', runs, pair.to)),
    h('div', { class: 'diff-body', 'aria-live': 'polite' }, body),
  );
}

export function diffView(data: DashboardData, statuses: RunStatuses): Element {
  return h(
    'section',
    { id: 'diff', 'aria-labelledby': 'diff-title' },
    h('h2', { id: 'diff-title' }, 'Changes between two runs'),
    h('p', {}, "Each column's last run against the one before; with JavaScript, pick any two of its runs."),
    data.columns.map((view) => columnDiff(view, statuses)),
  );
}
