// The live progress line on a terminal, and its plain-line form in CI logs.
import { describe, expect, test } from 'vitest';
import { progressDisplay, type ProgressStream } from '../../harness/cli/progress.js';

function harness(isTTY: boolean, { strict = false } = {}) {
  const writes: string[] = [];
  let clock = 1_000_000;
  let tick: (() => void) | undefined;
  const stream: ProgressStream = { write: (text: string) => writes.push(text), isTTY, columns: 200 };
  const display = progressDisplay({
    stream,
    strict,
    now: () => clock,
    every: (callback) => {
      tick = callback;
      return { stop: () => (tick = undefined) };
    },
  });
  return {
    display,
    writes,
    /** Moves the clock on, firing the timer once a second as a real one would. */
    advance(ms: number) {
      for (let passed = 0; passed < ms; passed += 1_000) {
        clock += 1_000;
        tick?.();
      }
    },
    get ticking() {
      return tick !== undefined;
    },
    at: () => clock,
  };
}

const plan = new Map([['register-email', 2], ['password-email', 1]] as const);

describe('on a terminal', () => {
  test('one line redrawn in place: done / total, failures, time, and the longest-running scenario with what it waits for', () => {
    const { display, writes, advance, at } = harness(true);
    display.planned(3, plan);
    display.started({ id: 'register-email/relay-identity-service-hangs', endpoint: 'register-email', at: at() });
    display.waiting('register-email/relay-identity-service-hangs', "waits out the server's identity-service timeout");
    advance(2_000);
    display.started({ id: 'register-email/success', endpoint: 'register-email', at: at() });
    display.finished({ id: 'register-email/success', endpoint: 'register-email', status: 'failed', level: 'must', durationMs: 10 });
    advance(3_000);
    const last = writes.at(-1)!;
    expect(last.startsWith('\r')).toBe(true);
    expect(last.endsWith('\x1b[K')).toBe(true);
    expect(last).toContain('1/3 done, 1 failed, 5 s, slowest: register-email/relay-identity-service-hangs (5 s), waits out the server\'s identity-service timeout');
    expect(writes.join('')).not.toContain('\n');
  });

  test('a line of the run\'s own goes above the progress line, and done() clears it and stops the timer', () => {
    const h = harness(true);
    h.display.planned(3, plan);
    h.display.log('results written to r.json');
    expect(h.writes.join('')).toContain('\r\x1b[Kresults written to r.json\n');
    h.display.done();
    expect(h.writes.at(-1)).toBe('\r\x1b[K');
    expect(h.ticking).toBe(false);
    const before = h.writes.length;
    h.advance(5_000);
    expect(h.writes.length).toBe(before);
  });

  test('a failed should is counted as a warning, and as a failure under --strict', () => {
    const shouldFailed = { id: 'register-email/cors-headers', endpoint: 'register-email', status: 'failed', level: 'should', durationMs: 1 } as const;
    const { display, writes } = harness(true);
    display.planned(3, plan);
    display.finished(shouldFailed);
    expect(writes.at(-1)).toContain('1/3 done, 0 failed, 1 warning, ');
    const strict = harness(true, { strict: true });
    strict.display.planned(3, plan);
    strict.display.finished(shouldFailed);
    expect(strict.writes.at(-1)).toContain('1/3 done, 1 failed, ');
  });

  test('a known failure is not counted as a failure', () => {
    const { display, writes } = harness(true);
    display.planned(3, plan);
    display.finished({ id: 'register-email/a', endpoint: 'register-email', status: 'expected-failure', level: 'must', durationMs: 1 });
    expect(writes.at(-1)).toContain('1/3 done, 0 failed');
  });
});

describe('off a terminal', () => {
  test('a line per endpoint as its last scenario finishes, without control characters', () => {
    const { display, writes, advance, at } = harness(false);
    display.planned(3, plan);
    display.started({ id: 'register-email/a', endpoint: 'register-email', at: at() });
    display.started({ id: 'register-email/b', endpoint: 'register-email', at: at() });
    display.finished({ id: 'register-email/a', endpoint: 'register-email', status: 'passed', level: 'must', durationMs: 1 });
    expect(writes).toEqual([]);
    advance(3_000);
    display.finished({ id: 'register-email/b', endpoint: 'register-email', status: 'skipped', level: 'must', durationMs: 1 });
    expect(writes).toEqual(['register-email: 2 scenarios, 1 passed, 1 skipped in 3.0 s\n']);
    display.done();
    expect(writes.join('')).not.toMatch(/[\r\x1b]/);
  });

  test('an endpoint\'s line counts a failed should as a warning', () => {
    const { display, writes } = harness(false);
    display.planned(3, plan);
    display.finished({ id: 'register-email/a', endpoint: 'register-email', status: 'failed', level: 'should', durationMs: 1 });
    display.finished({ id: 'register-email/b', endpoint: 'register-email', status: 'failed', level: 'must', durationMs: 1 });
    expect(writes).toEqual(['register-email: 2 scenarios, 1 failed, 1 warning\n']);
  });

  test('never more than 10 s without a line: a status line after 10 s of silence, not before', () => {
    const { display, writes, advance, at } = harness(false);
    display.planned(3, plan);
    display.started({ id: 'password-email/slow', endpoint: 'password-email', at: at() });
    display.waiting('password-email/slow', 'POST /_matrix/client/v3/account/password/email/requestToken');
    advance(9_000);
    expect(writes).toEqual([]);
    advance(1_000);
    expect(writes).toEqual(['… 0/3 done, 0 failed, 10 s, slowest: password-email/slow (10 s), POST /_matrix/client/v3/account/password/email/requestToken\n']);
    advance(9_000);
    expect(writes).toHaveLength(1);
  });
});

test('control characters in what a scenario waits for never reach the stream', () => {
  const { display, writes, at } = harness(false);
  display.planned(3, plan);
  display.started({ id: 'register-email/a', endpoint: 'register-email', at: at() });
  display.waiting('register-email/a', 'GET /x\u001b[2J\r\nreset');
  display.log('a line of the run');
  const h = harness(true);
  h.display.planned(3, plan);
  h.display.started({ id: 'register-email/a', endpoint: 'register-email', at: h.at() });
  h.display.waiting('register-email/a', 'GET /x\u001b[2J\r\nreset');
  h.advance(1_000);
  expect(h.writes.at(-1)).toContain('GET /x [2J  reset');
  expect(writes).toEqual(['a line of the run\n']);
});
