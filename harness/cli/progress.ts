// The live progress of a run, on stderr. On a terminal, one line redrawn in place: how many
// scenarios are done, how many failed (and how many should-level ones failed as warnings), the time so far, and the scenario running longest
// with what it waits for. Off a terminal (CI logs), plain lines: one per endpoint as its
// last scenario finishes, and a status line whenever 10 s passed without one.
import type { EndpointKey } from '../model/endpoints.js';
import { failsRun, isWarning } from '../report/status.js';
import type { RunWatcher, ScenarioFinished } from '../runner/events.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** --strict: a failed `should` counts as failed, not as a warning. */
  strict?: boolean;
  /** Injectable for tests. */
  now?: () => number;
  every?: (callback: () => void, ms: number) => { stop(): void };
}

export interface ProgressDisplay extends RunWatcher {
  /** Writes a line of its own without tearing the progress line. */
  log(line: string): void;
}

const REDRAW_MS = 1_000;
/** The per-endpoint count of failed `should` scenarios that do not fail the run. */
const WARNING = 'warning';
/** Every endpoint's line counts in one order, whichever finished first. */
const COUNT_ORDER: readonly string[] = ['passed', 'failed', WARNING, 'expected-failure', 'unexpected-pass', 'skipped'];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
const QUIET_LIMIT_MS = 10_000;

interface EndpointTally {
  planned: number;
  finished: number;
  counts: Map<string, number>;
  startedAt: number | undefined;
}

export function progressDisplay({ stream, strict = false, now = Date.now, every = realInterval }: ProgressOptions): ProgressDisplay {
  const tty = stream.isTTY === true;
  const startedAt = now();
  const running = new Map<string, { since: number; waiting: string | undefined }>();
  const endpoints = new Map<EndpointKey, EndpointTally>();
  let total = 0;
  let done = 0;
  let failed = 0;
  let warnings = 0;
  let lastLineAt = startedAt;
  let drawn = false;
  let timer: { stop(): void } | undefined;

  const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
  const status = () => {
    const parts = [`${done}/${total} done`, `${failed} failed`, ...(warnings ? [plural(warnings, 'warning')] : []), seconds(now() - startedAt)];
    const slowest = [...running].sort(([, a], [, b]) => a.since - b.since)[0];
    if (slowest) {
      const [id, { since, waiting }] = slowest;
      parts.push(`slowest: ${id} (${seconds(now() - since)})${waiting ? `, ${waiting}` : ''}`);
    }
    return printable(parts.join(', '));
  };
  const clear = () => {
    if (tty && drawn) stream.write('\r\x1b[K');
    drawn = false;
  };
  const draw = () => {
    // Only while the scenarios run: the lines before and after them stand alone.
    if (!tty || timer === undefined) return;
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    const line = status();
    stream.write(`\r${line.length > width ? `${line.slice(0, width - 1)}…` : line}\x1b[K`);
    drawn = true;
  };
  const line = (text: string) => {
    clear();
    stream.write(`${text}\n`);
    lastLineAt = now();
    draw();
  };
  const tick = () => {
    if (tty) draw();
    else if (now() - lastLineAt >= QUIET_LIMIT_MS) line(`… ${status()}`);
  };
  const endpointDone = (endpoint: EndpointKey, tally: EndpointTally) => {
    const counts = [...tally.counts]
      .sort(([a], [b]) => COUNT_ORDER.indexOf(a) - COUNT_ORDER.indexOf(b))
      .map(([name, n]) => (name === WARNING ? plural(n, 'warning') : `${n} ${name}`))
      .join(', ');
    const took = tally.startedAt === undefined ? '' : ` in ${((now() - tally.startedAt) / 1000).toFixed(1)} s`;
    line(`${endpoint}: ${tally.planned} scenarios, ${counts}${took}`);
  };

  return {
    planned(count, byEndpoint) {
      total = count;
      for (const [endpoint, planned] of byEndpoint) endpoints.set(endpoint, { planned, finished: 0, counts: new Map(), startedAt: undefined });
      timer = every(tick, REDRAW_MS);
      draw();
    },
    started({ id, endpoint, at }) {
      running.set(id, { since: at, waiting: undefined });
      const tally = endpoints.get(endpoint);
      if (tally && tally.startedAt === undefined) tally.startedAt = at;
      draw();
    },
    waiting(id, what) {
      const entry = running.get(id);
      if (entry) entry.waiting = what;
    },
    finished(scenario: ScenarioFinished) {
      running.delete(scenario.id);
      done += 1;
      if (failsRun(scenario, strict)) failed += 1;
      const warning = isWarning(scenario, strict);
      if (warning) warnings += 1;
      const tally = endpoints.get(scenario.endpoint);
      if (!tally) return draw();
      tally.finished += 1;
      const counted = warning ? WARNING : scenario.status;
      tally.counts.set(counted, (tally.counts.get(counted) ?? 0) + 1);
      if (tally.finished === tally.planned && !tty) endpointDone(scenario.endpoint, tally);
      else draw();
    },
    targetLost() {
      // The reason is logged by the run itself; the line must not overwrite it.
      clear();
    },
    done() {
      timer?.stop();
      timer = undefined;
      clear();
    },
    log: line,
  };
}

/** The status line quotes what scenarios wait for: no control character in it may reach the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f]/g, ' ');
}

function realInterval(callback: () => void, ms: number): { stop(): void } {
  const handle = setInterval(callback, ms);
  // Progress alone must never keep the process alive.
  handle.unref();
  return { stop: () => clearInterval(handle) };
}
