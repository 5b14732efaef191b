// What a grid cell opens to: why the verdict is what it is (reason, notes, the exchanges with
// a curl line to replay each), the spec statement, and the scenario's past in this column.
import type { ScenarioResult } from '../report/results.js';
import { h, type Child, type Element } from './html.js';
import type { ScenarioHistory, Segment } from './history.js';
import type { Row } from './rows.js';
import { STATUS_LOOK } from './status-look.js';

type Exchange = NonNullable<ScenarioResult['evidence']>['exchanges'][number];

const SHOWN_BODY_CHARS = 2_000;

function clipped(text: string): string {
  return text.length > SHOWN_BODY_CHARS ? `${text.slice(0, SHOWN_BODY_CHARS)}… (${text.length - SHOWN_BODY_CHARS} more characters)` : text;
}

function day(date: string): string {
  return date.slice(0, 16).replace('T', ' ');
}

function exchangeView(exchange: Exchange, index: number): Element {
  const answer = exchange.response
    ? `${exchange.response.status}${exchange.response.truncated ? ' (body cut at the size cap)' : ''}`
    : `no response: ${exchange.error ?? 'unknown'}`;
  return h(
    'li',
    {},
    h('p', {}, `Request ${index + 1}: ${exchange.request.method} ${exchange.request.url} → ${answer}`),
    h('p', {}, 'Replay with:'),
    h('pre', {}, h('code', {}, exchange.curl)),
    exchange.response?.body && [h('p', {}, 'Response body:'), h('pre', {}, clipped(exchange.response.body))],
  );
}

export function segmentText(segment: Segment): string {
  const span = segment.from === segment.to ? day(segment.from) : `${day(segment.from)} – ${day(segment.to)}`;
  return `${STATUS_LOOK[segment.status].label} × ${segment.runs} (${span})`;
}

export function cellEvidence(row: Row, result: ScenarioResult | undefined, history: ScenarioHistory | undefined): Child {
  const facts: Child[] = [
    h('dt', {}, 'Spec'),
    h('dd', {}, row.specRef),
    history?.firstFailed && [h('dt', {}, 'First failed'), h('dd', {}, day(history.firstFailed))],
    history?.lastPassed && [h('dt', {}, 'Last passed'), h('dd', {}, day(history.lastPassed))],
  ];
  const exchanges = result?.evidence?.exchanges ?? [];
  return h(
    'div',
    { class: 'evidence' },
    h('p', {}, h('strong', {}, row.title)),
    result?.reason && [h('p', {}, 'Reason:'), h('pre', {}, result.reason)],
    result?.observed?.length && [h('p', {}, 'Observed:'), h('ul', {}, result.observed.map((note) => h('li', {}, note)))],
    h('dl', {}, facts),
    history && history.segments.length > 0 && [h('p', {}, 'History in this column:'), h('ol', { class: 'transitions' }, history.segments.map((s) => h('li', {}, segmentText(s))))],
    exchanges.length > 0 && [h('p', {}, `Exchanges (${exchanges.length}):`), h('ol', {}, exchanges.map(exchangeView))],
  );
}
