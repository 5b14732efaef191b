// The lifecycle every launch shares, a local process or a container alike: a work folder
// holding the server's log, the start, the wait until it is ready, and one stop that undoes
// all of it. Written once so that every launcher cleans up the same way on every path.

import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { registerExitCleanup } from './child-process.js';
import type { LaunchedHomeserver } from './launched-homeserver.js';

export type Log = (line: string) => void;

/** Progress on stderr, marked with the server it is about. */
export function stderrLog(server: string): Log {
  return (line) => process.stderr.write(`[${server}] ${line}\n`);
}

export interface WorkDirOptions {
  /** Default: a new temporary folder. */
  workDir?: string;
  /** Keep the work folder after stop(). Default false for a temporary folder, true for a given one. */
  keepWorkDir?: boolean;
}

/** Something started that stop() ends. */
export interface Stoppable {
  stop(): Promise<unknown>;
}

export interface LifecycleOptions<Running extends Stoppable> extends WorkDirOptions {
  /** As the ready line names the server: "Synapse", "tuwunel 1.9.0". */
  name: string;
  url: string;
  /** The start of a temporary work folder's name: "m3c-synapse-". */
  tempPrefix: string;
  /** The server's output, in the work folder. */
  logFileName: string;
  log: Log;
  /** Starts the server, its output going to `logFile`; what it started it stops itself if it throws. */
  start(context: { workDir: string; logFile: string }): Promise<Running>;
  /** Resolves once the server answers; where it rejects, the server is stopped. */
  ready(running: Running): Promise<void>;
}

export type Launched = Pick<LaunchedHomeserver, 'url' | 'logFile' | 'workDir' | 'stop'>;

/**
 * Starts a server in its work folder and waits until it is ready. A failure on the way stops
 * the server and removes the folder (unless kept); so does the returned stop(), which is
 * idempotent. A folder not kept is also removed if this process ends first.
 */
export async function launchInWorkDir<Running extends Stoppable>(
  options: LifecycleOptions<Running>,
): Promise<Launched & { running: Running }> {
  const workDir = await openWorkDir(options.workDir, options.keepWorkDir, options.tempPrefix);
  const logFile = join(workDir.path, options.logFileName);

  const started = Date.now();
  let running: Running;
  try {
    running = await options.start({ workDir: workDir.path, logFile });
  } catch (error) {
    await workDir.remove();
    throw error;
  }
  const stop = async () => {
    try {
      await running.stop();
    } finally {
      await workDir.remove();
    }
  };

  try {
    await options.ready(running);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  options.log(`${options.name} ready at ${options.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  let stopped: Promise<void> | undefined;
  return { url: options.url, logFile, workDir: workDir.path, running, stop: () => (stopped ??= stop()) };
}

interface WorkDir {
  path: string;
  /** Removes the folder unless it is kept; idempotent. */
  remove(): Promise<void>;
}

async function openWorkDir(given: string | undefined, keep: boolean | undefined, prefix: string): Promise<WorkDir> {
  const path = given ?? (await mkdtemp(join(tmpdir(), prefix)));
  await mkdir(path, { recursive: true });
  const kept = keep ?? given !== undefined;
  const forget = kept ? () => undefined : registerExitCleanup(() => rmSync(path, { recursive: true, force: true }));
  return {
    path,
    remove: async () => {
      forget();
      if (!kept) await rm(path, { recursive: true, force: true });
    },
  };
}
