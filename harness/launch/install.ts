// Installing a server into the cache it is launched from: one atomic install that an
// interrupted run never leaves half-done, and the logged commands that build it.

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { processIsAlive, spawnManaged, tailFile, type SpawnManagedOptions } from './child-process.js';
import type { Log } from './lifecycle.js';

/** What every install takes besides its own server's tools. */
export interface EnsureOptions {
  version?: string;
  /** Where the installs live. Default `${XDG_CACHE_HOME:-$HOME/.cache}/matrix-3pid-conformance`. */
  cacheDir?: string;
  log?: Log;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'matrix-3pid-conformance');
}

export interface AtomicInstallOptions {
  /** Where the install lives. */
  dir: string;
  isUsable(dir: string): Promise<boolean>;
  /** Logged when `dir` exists but is not usable, before it is rebuilt. */
  unusableNote: string;
  /** Emptied before the build. */
  installLog: string;
  /** Builds the install into `partial`, which does not exist yet. */
  build(partial: string): Promise<void>;
  /** The message when `build` succeeded but left `partial` unusable. */
  unusableBuildMessage(partial: string): string;
  /** Logged with the time taken once the install is in place: "Synapse 1.2.3 installed". */
  doneNote: string;
  log: Log;
}

/**
 * Makes sure `dir` holds a usable install, building it if needed. The build goes into a
 * temporary sibling that is renamed into place when complete, so an interrupted build is never
 * mistaken for a usable one.
 */
export async function installAtomically(options: AtomicInstallOptions): Promise<void> {
  const { dir, log } = options;
  if (await options.isUsable(dir)) return;

  await mkdir(dirname(dir), { recursive: true });
  removeAbandonedBuilds(dir);
  if (existsSync(dir)) {
    log(options.unusableNote);
    // Out of the way in one step, so no reader ever sees a half-deleted install.
    const doomed = `${dir}.broken-${process.pid}`;
    await rename(dir, doomed);
    await rm(doomed, { recursive: true, force: true });
  }

  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await writeFile(options.installLog, '');
  const started = Date.now();
  try {
    await options.build(partial);
    if (!(await options.isUsable(partial))) throw new Error(options.unusableBuildMessage(partial));
    try {
      await rename(partial, dir);
    } catch (error) {
      // Another run finished first; use its install if it works.
      if (!(await options.isUsable(dir))) throw error;
      await rm(partial, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  log(`${options.doneNote} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Builds left next to `dir` by runs that died mid-install (their pid is no longer running). */
function removeAbandonedBuilds(dir: string): void {
  const name = basename(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${name}\\.(?:partial|broken)-(\\d+)$`);
  for (const entry of readdirSync(dirname(dir))) {
    const match = pattern.exec(entry);
    if (match && !processIsAlive(Number(match[1]))) {
      rmSync(join(dirname(dir), entry), { recursive: true, force: true });
    }
  }
}

export interface RunLoggedOptions {
  logFile: string;
  log: Log;
  env?: NodeJS.ProcessEnv;
  /** What the progress lines say is going on: "working", "building". */
  activity: string;
  /** Run as this user, where this process may (PostgreSQL's tools refuse root). */
  user?: SpawnManagedOptions['user'];
}

/** Runs a command to completion with its output appended to `logFile`. */
export async function runLogged(command: string, args: string[], options: RunLoggedOptions): Promise<void> {
  const { logFile, log } = options;
  await writeFile(logFile, `\n$ ${command} ${args.join(' ')}\n`, { flag: 'a' });
  // Managed, so that an interrupted run does not leave the installer (pip, the Go compiler)
  // running.
  const child = spawnManaged(command, args, { logFile, env: options.env, ...(options.user && { user: options.user }) });
  const started = Date.now();
  const progress = setInterval(() => {
    log(`  still ${options.activity} (${Math.round((Date.now() - started) / 1000)} s)`);
  }, 30_000);
  try {
    const exit = await child.exited;
    await child.stop();
    if (exit.code !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (${exit.signal ?? `code ${exit.code}`}); ` +
          `end of ${logFile}:\n${tailFile(logFile, 20)}`,
      );
    }
  } finally {
    clearInterval(progress);
  }
}
