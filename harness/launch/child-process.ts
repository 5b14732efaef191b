// Long-running children (homeservers, and whatever they fork) that must never outlive the run.
//
// Each child leads its own process group, so one signal reaches everything it started.
// Three layers make sure the groups die:
//   1. stop(): SIGTERM to the group, a bounded wait, then SIGKILL.
//   2. process-wide handlers (exit, SIGINT/SIGTERM/SIGHUP, fatal exceptions) that kill every
//      group still registered.
//   3. a tiny watchdog per child that holds a pipe from this process: when this process dies
//      in a way no handler sees (SIGKILL, OOM killer, a test runner tearing its worker down),
//      the pipe closes and the watchdog kills the group.
//
// Only node: built-ins are imported, so test scripts can load this file with Node's own
// type stripping.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants as osConstants } from 'node:os';

export interface SpawnManagedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr both go here (appended), written by the child itself. */
  logFile: string;
  /** How long stop() waits after SIGTERM before it sends SIGKILL. Default 10 s. */
  stopGraceMs?: number;
  /** Run as this user (and group), where this process may: PostgreSQL refuses to run as root. */
  user?: { uid: number; gid: number };
}

export interface ManagedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the group leader has exited (for whatever reason). Never rejects. */
  readonly exited: Promise<ManagedExit>;
  hasExited(): boolean;
  /** Stops the whole group; idempotent. Resolves once no live member is left. */
  stop(options?: { graceMs?: number }): Promise<ManagedExit>;
}

export const DEFAULT_STOP_GRACE_MS = 10_000;
// After SIGKILL the kernel needs a moment to tear the processes down.
const AFTER_KILL_WAIT_MS = 5_000;
const POLL_MS = 50;

interface Registered {
  pgid: number;
  stop(options?: { graceMs?: number }): Promise<ManagedExit>;
  killWatchdog(): void;
}

const live = new Map<number, Registered>();
const exitCleanups = new Set<() => void>();

export function spawnManaged(
  command: string,
  args: readonly string[],
  options: SpawnManagedOptions,
): ManagedProcess {
  installProcessHandlers();

  // The child writes its output straight to the file: no pipe through this process, so a
  // busy or dying parent can neither block the child nor lose its last lines.
  const logFd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      ...(options.user && { uid: options.user.uid, gid: options.user.gid }),
    });
  } finally {
    closeSync(logFd);
  }

  // spawn reports ENOENT and the like through an 'error' event, but always without a pid.
  child.once('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command} (not found or not executable?)`);

  let exitInfo: ManagedExit | undefined;
  const exited = new Promise<ManagedExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });

  const watchdog = startWatchdog(pid);
  let stopping: Promise<ManagedExit> | undefined;

  const stop = (stopOptions?: { graceMs?: number }): Promise<ManagedExit> => {
    stopping ??= (async () => {
      const graceMs = stopOptions?.graceMs ?? options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
      signalGroup(pid, 'SIGTERM');
      const gone = await waitUntil(() => exitInfo !== undefined && !groupHasLiveMembers(pid), graceMs);
      if (!gone) {
        signalGroup(pid, 'SIGKILL');
        const killed = await waitUntil(
          () => exitInfo !== undefined && !groupHasLiveMembers(pid),
          AFTER_KILL_WAIT_MS,
        );
        if (!killed) throw new Error(`process group ${pid} still alive after SIGKILL`);
      }
      live.delete(pid);
      killWatchdog(watchdog);
      return exited;
    })();
    return stopping;
  };

  live.set(pid, { pgid: pid, stop, killWatchdog: () => killWatchdog(watchdog) });

  // A leader that exits by itself may leave nothing behind; then there is nothing to guard.
  void exited.then(() => {
    if (!stopping && !groupHasLiveMembers(pid)) {
      live.delete(pid);
      killWatchdog(watchdog);
    }
  });

  return {
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => exitInfo !== undefined,
    stop,
  };
}

/** Stops every live managed group (in parallel). */
export async function stopAllManaged(options?: { graceMs?: number }): Promise<void> {
  const results = await Promise.allSettled([...live.values()].map((entry) => entry.stop(options)));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** Pids of the groups still registered (for diagnostics and tests). */
export function liveManagedPids(): number[] {
  return [...live.keys()];
}

/**
 * Registers a synchronous cleanup (e.g. removing a temporary folder) that runs when the
 * process ends abnormally, after the groups were killed. Returns a function that unregisters it.
 */
export function registerExitCleanup(cleanup: () => void): () => void {
  installProcessHandlers();
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

// ---------------------------------------------------------------------------------------------
// Process-wide handlers

let handlersInstalled = false;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function installProcessHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;

  // No event loop is left on these paths, so nothing can be awaited: SIGKILL is the only
  // signal that is sure to work without a follow-up.
  process.on('exit', killEverythingNow);
  // The *Monitor variant observes fatal exceptions (and unhandled rejections, which Node turns
  // into them) without changing Node's own behaviour of printing and exiting.
  process.on('uncaughtExceptionMonitor', killEverythingNow);

  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, onSignal);
  }
}

let signalled = false;

function onSignal(signal: NodeJS.Signals): void {
  if (signalled) {
    // A second Ctrl-C while we are stopping gracefully: stop being graceful.
    killEverythingNow();
    process.exit(128 + signalNumber(signal));
  }
  signalled = true;
  // Say why the output stops here, on a line of its own (a progress line may be half drawn).
  if (live.size > 0) process.stderr.write(`\n${signal}: stopping the ${live.size === 1 ? 'process' : `${live.size} processes`} this run started…\n`);
  void stopAllManaged({ graceMs: 5_000 })
    .catch(() => killEverythingNow())
    .finally(() => {
      runExitCleanups();
      if (process.listeners(signal).some((listener) => listener !== onSignal)) {
        // Someone else (a test runner, the CLI) handles this signal and decides how to exit.
        signalled = false;
        return;
      }
      for (const forwarded of FORWARDED_SIGNALS) process.off(forwarded, onSignal);
      // Re-raise with the default action, so our parent sees a death by this signal
      // (a shell reports 130 for SIGINT); exit with the conventional code if that fails.
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(128 + signalNumber(signal)), 1_000).unref();
    });
}

function killEverythingNow(): void {
  for (const entry of live.values()) {
    signalGroup(entry.pgid, 'SIGKILL');
    entry.killWatchdog();
  }
  live.clear();
  runExitCleanups();
}

function runExitCleanups(): void {
  for (const cleanup of [...exitCleanups]) {
    exitCleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: we are on the way out.
    }
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return osConstants.signals[signal] ?? 1;
}

// ---------------------------------------------------------------------------------------------
// Watchdog

// Runs as `node -e` (CommonJS); argv[1] is the group to guard. Once this process is gone it
// stops the group (TERM, then KILL after 5 s); it exits by itself when the group is empty.
const WATCHDOG_SOURCE = `
const fs = require('fs');
const pgid = Number(process.argv[1]);
const signal = (sig) => { try { process.kill(-pgid, sig); } catch {} };
const alive = () => {
  if (!fs.existsSync('/proc/self/stat')) { try { process.kill(-pgid, 0); return true; } catch { return false; } }
  return fs.readdirSync('/proc').some((pid) => {
    try {
      const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X';
    } catch { return false; }
  });
};
let orphanedAt = 0;
process.stdin.on('close', () => { orphanedAt = Date.now(); signal('SIGTERM'); });
process.stdin.on('error', () => {});
process.stdin.resume();
setInterval(() => {
  if (!alive()) process.exit(0);
  if (orphanedAt && Date.now() - orphanedAt > 5000) signal('SIGKILL');
}, 500);
`;

function startWatchdog(pgid: number): ChildProcess | undefined {
  try {
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(pgid)], {
      // Its own group, so that signals for the guarded group or the terminal do not reach it.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    watchdog.on('error', () => undefined);
    watchdog.stdin?.on('error', () => undefined);
    // Neither the watchdog nor its pipe may keep this process alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return watchdog;
  } catch {
    return undefined; // the other two layers still stand
  }
}

function killWatchdog(watchdog: ChildProcess | undefined): void {
  if (watchdog?.pid === undefined || watchdog.exitCode !== null) return;
  try {
    process.kill(watchdog.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------------------------------------
// Process groups

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nobody left in the group.
  }
}

/**
 * Whether any process of the group is still running. Zombies do not count: where PID 1 does
 * not reap orphans (some containers), a dead grandchild stays a zombie forever, and
 * `kill(-pgid, 0)` would report the group alive.
 */
export function groupHasLiveMembers(pgid: number): boolean {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

/** Whether one process is running (not a zombie). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readProcStat(pid);
  return stat === undefined ? true : stat.state !== 'Z' && stat.state !== 'X';
}

function readProcStat(pid: number): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const pgrp = Number(fields[2]);
  return state === undefined ? undefined : { state, pgrp };
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Ports and readiness

/**
 * A TCP port that was free a moment ago on 127.0.0.1. Another process may take it before the
 * caller binds it; the window is small enough for a test machine.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}

export interface WaitForHttpOptions {
  timeoutMs: number;
  /** Between attempts. Default 100 ms. */
  intervalMs?: number;
  /** If this exits before the URL answers, fail at once with the end of its log. */
  process?: Pick<ManagedProcess, 'exited' | 'logFile' | 'hasExited'>;
}

/** Polls `url` with GET until it answers 200. */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 100;
  const watched = options.process;
  let lastProblem = 'no attempt made';

  const exitedEarly = watched
    ? watched.exited.then((exit) => ({ exit }))
    : new Promise<never>(() => undefined);

  while (Date.now() < deadline) {
    if (watched?.hasExited()) break;
    // Aborted when the process exits, so that no request is left hanging behind us.
    const abandon = new AbortController();
    const attemptMs = Math.max(1, Math.min(5_000, deadline - Date.now()));
    const attempt = (async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.any([abandon.signal, AbortSignal.timeout(attemptMs)]) });
        await response.body?.cancel();
        if (response.status === 200) return true;
        lastProblem = `HTTP ${response.status}`;
      } catch (error) {
        // An attempt cut short by the overall deadline saw nothing; what an earlier one saw
        // (a 503, a refused connection) is the better reason to give.
        const cutByDeadline = attemptMs < 5_000 && isTimeout(error);
        if (!cutByDeadline || lastProblem === 'no attempt made') lastProblem = describeFetchError(error);
      }
      return false;
    })();
    const outcome = await Promise.race([attempt, exitedEarly]);
    if (outcome === true) return;
    if (typeof outcome === 'object') {
      abandon.abort();
      break;
    }
    await Promise.race([sleep(intervalMs), exitedEarly]);
  }

  if (watched?.hasExited()) {
    const exit = await watched.exited;
    throw new Error(
      `process exited (${describeExit(exit)}) before ${url} answered 200; ` +
        `last lines of ${watched.logFile}:\n${tailFile(watched.logFile, 30)}`,
    );
  }
  const logHint = watched ? `; last lines of ${watched.logFile}:\n${tailFile(watched.logFile, 30)}` : '';
  throw new Error(`${url} did not answer 200 within ${options.timeoutMs} ms (${lastProblem})${logHint}`);
}

function describeExit(exit: ManagedExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/** The last `lines` lines of a text file ('' if it cannot be read). */
export function tailFile(path: string, lines: number): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
  } catch {
    return '';
  }
}
