import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import {
  freePort,
  groupHasLiveMembers,
  liveManagedPids,
  processIsAlive,
  spawnManaged,
  stopAllManaged,
  waitForHttp,
  type ManagedProcess,
} from '../../harness/launch/child-process.js';

const scratch = mkdtempSync(join(tmpdir(), 'm3c-child-process-test-'));
let logCounter = 0;
const newLogFile = () => join(scratch, `child-${++logCounter}.log`);

afterEach(async () => {
  await stopAllManaged({ graceMs: 1_000 });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Polls until `read` returns a value other than undefined. */
async function eventually<T>(read: () => T | undefined, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function grandchildPid(logFile: string): Promise<number> {
  return eventually(
    () => {
      const match = /grandchild=(\d+)/.exec(safeRead(logFile));
      return match ? Number(match[1]) : undefined;
    },
    5_000,
    `a grandchild pid in ${logFile}`,
  );
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

// A shell that forks a long sleep (same process group) and reports its pid.
const FORKING_SHELL = ['-c', 'sleep 300 & echo "grandchild=$!"; wait'];

describe('spawnManaged', () => {
  it('captures stdout and stderr in the log file and reports the exit', async () => {
    const logFile = newLogFile();
    const child = spawnManaged(
      process.execPath,
      ['-e', "console.log('to stdout'); console.error('to stderr'); process.exit(7)"],
      { logFile },
    );
    expect(await child.exited).toEqual({ code: 7, signal: null });
    expect(readFileSync(logFile, 'utf8')).toMatch(/to stdout[\s\S]*to stderr/);
    await eventually(() => (liveManagedPids().includes(child.pid) ? undefined : true), 2_000, 'unregistration');
  });

  it('makes the child the leader of its own process group', async () => {
    const child = spawnManaged('sleep', ['30'], { logFile: newLogFile() });
    expect(groupHasLiveMembers(child.pid)).toBe(true);
    await child.stop();
    expect(groupHasLiveMembers(child.pid)).toBe(false);
  });

  it('stop() sends SIGTERM and resolves once the child is gone', async () => {
    const child = spawnManaged('sleep', ['30'], { logFile: newLogFile() });
    const started = Date.now();
    expect(await child.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(child.hasExited()).toBe(true);
    expect(liveManagedPids()).not.toContain(child.pid);
  });

  it('SIGKILLs a child that ignores SIGTERM once the grace period is over', async () => {
    const logFile = newLogFile();
    const child = spawnManaged(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000)"],
      { logFile },
    );
    await eventually(() => (safeRead(logFile).includes('ready') ? true : undefined), 5_000, 'the child to start');
    const started = Date.now();
    const exit = await child.stop({ graceMs: 500 });
    const elapsed = Date.now() - started;
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(5_000);
    expect(safeRead(logFile)).toContain('ignoring SIGTERM');
  });

  it('stops the whole group, grandchildren included', async () => {
    const logFile = newLogFile();
    const child = spawnManaged('sh', FORKING_SHELL, { logFile });
    const grandchild = await grandchildPid(logFile);
    expect(processIsAlive(grandchild)).toBe(true);
    await child.stop();
    expect(processIsAlive(grandchild)).toBe(false);
    expect(groupHasLiveMembers(child.pid)).toBe(false);
  });

  it('stop() is idempotent and safe after the child exited by itself', async () => {
    const child = spawnManaged('true', [], { logFile: newLogFile() });
    await child.exited;
    const [first, second] = await Promise.all([child.stop(), child.stop()]);
    expect(first).toEqual({ code: 0, signal: null });
    expect(second).toBe(first);
  });

  it('stopAllManaged() stops every live child', async () => {
    const children = [1, 2, 3].map(() => spawnManaged('sleep', ['30'], { logFile: newLogFile() }));
    await stopAllManaged();
    for (const child of children) expect(child.hasExited()).toBe(true);
    expect(liveManagedPids()).toEqual([]);
  });

  it('throws at once for a command that does not exist', () => {
    expect(() => spawnManaged('/nonexistent/m3c-command', [], { logFile: newLogFile() })).toThrow(
      /could not start/,
    );
  });
});

describe('the harness process ending', () => {
  const parentScript = fileURLToPath(new URL('./fixtures/managed-parent.mjs', import.meta.url));

  /** Starts managed-parent.mjs; resolves once its managed child has forked the grandchild. */
  async function startParent(mode: string) {
    const logFile = newLogFile();
    const parent = spawn(process.execPath, [parentScript, mode, logFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    parent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      parent.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const pids = await eventually(
      () => {
        const line = stdout.split('\n')[0];
        return stdout.includes('\n') && line ? (JSON.parse(line) as { parent: number; child: number }) : undefined;
      },
      10_000,
      `the parent's report (stderr: ${stderr})`,
    );
    const grandchild = await grandchildPid(logFile);
    expect(processIsAlive(grandchild)).toBe(true);
    return { parent, pids, grandchild, exited, stderr: () => stderr };
  }

  async function expectGone(pid: number, withinMs: number) {
    await eventually(() => (processIsAlive(pid) ? undefined : true), withinMs, `pid ${pid} to die`);
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('kills the group and re-raises when the parent gets %s (exit %d in a shell)', async (signal, shellCode) => {
    const run = await startParent('wait');
    run.parent.kill(signal);
    const exit = await run.exited;
    // Re-raised with the default action: a death by the signal, which a shell reports as 128 + its number.
    expect(exit.signal === signal || exit.code === shellCode).toBe(true);
    await expectGone(run.grandchild, 5_000);
    expect(groupHasLiveMembers(run.pids.child)).toBe(false);
  });

  it('kills the group when the parent calls process.exit() without stopping it', async () => {
    const run = await startParent('exit');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    await expectGone(run.grandchild, 5_000);
  });

  it.each([
    ['uncaught exception', 'throw'],
    ['unhandled rejection', 'reject'],
  ])('kills the group when the parent dies of an %s', async (death, mode) => {
    const run = await startParent(mode);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain(`deliberate ${death}`);
    await expectGone(run.grandchild, 5_000);
  });

  it('kills the group even when the parent is SIGKILLed (no handler runs: the watchdog does it)', async () => {
    const run = await startParent('wait');
    run.parent.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    await expectGone(run.grandchild, 8_000);
  });
});

describe('freePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createTcpServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('waitForHttp', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  async function serve(statusFor: (attempt: number) => number): Promise<string> {
    let attempts = 0;
    server = createServer((_, response) => {
      response.statusCode = statusFor(++attempts);
      response.end('{}');
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${port}/ready`;
  }

  it('resolves once the URL answers 200', async () => {
    const url = await serve((attempt) => (attempt < 3 ? 503 : 200));
    await waitForHttp(url, { timeoutMs: 5_000, intervalMs: 20 });
  });

  it('keeps polling while nothing listens yet', async () => {
    const port = await freePort();
    const later = setTimeout(() => {
      server = createServer((_, response) => response.end('ok'));
      server.listen(port, '127.0.0.1');
    }, 300);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 5_000, intervalMs: 20 });
    } finally {
      clearTimeout(later);
    }
  });

  it('gives up after the timeout, saying what it last saw', async () => {
    const url = await serve(() => 503);
    const started = Date.now();
    await expect(waitForHttp(url, { timeoutMs: 400, intervalMs: 20 })).rejects.toThrow(
      /did not answer 200 within 400 ms \(HTTP 503\)/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails fast, with the last log lines, when the watched process exits first', async () => {
    const port = await freePort();
    const logFile = newLogFile();
    const child: ManagedProcess = spawnManaged(
      process.execPath,
      ['-e', "console.error('boom: cannot bind'); setTimeout(() => process.exit(3), 200)"],
      { logFile },
    );
    const started = Date.now();
    const error = await waitForHttp(`http://127.0.0.1:${port}/`, {
      timeoutMs: 30_000,
      process: child,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/process exited \(code 3\)/);
    expect((error as Error).message).toContain('boom: cannot bind');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
