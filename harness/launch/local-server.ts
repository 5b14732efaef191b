// What the launchers of locally installed servers (Synapse, Dendrite) have in common: the
// cache they install into, the atomic install, and the lifecycle of a launch, so that every
// launcher cleans up the same way on every path.

import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import {
  freePort,
  processIsAlive,
  registerExitCleanup,
  spawnManaged,
  tailFile,
  waitForHttp,
} from './child-process.js';
import type { LaunchedHomeserver } from './launched-homeserver.js';

export type Log = (line: string) => void;

/** Progress on stderr, marked with the server it is about. */
export function stderrLog(server: string): Log {
  return (line) => process.stderr.write(`[${server}] ${line}\n`);
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'matrix-3pid-conformance');
}

// =============================================================================================
// Installation

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
}

/** Runs a command to completion with its output appended to `logFile`. */
export async function runLogged(command: string, args: string[], options: RunLoggedOptions): Promise<void> {
  const { logFile, log } = options;
  await writeFile(logFile, `\n$ ${command} ${args.join(' ')}\n`, { flag: 'a' });
  // Managed, so that an interrupted run does not leave the installer (pip, the Go compiler)
  // running.
  const child = spawnManaged(command, args, { logFile, env: options.env });
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

// =============================================================================================
// Launching

// Proxy settings must not route a server's loopback traffic (to the harness's fake services)
// elsewhere.
export const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy'] as const;

/** This process's environment without the named variables, matched in any case. */
export function scrubbedEnvironment(names: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (names.includes(name.toLowerCase())) delete env[name];
  }
  return env;
}

export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** What every local launcher takes besides its own server's settings. */
export interface LocalLaunchOptions {
  /** Client port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Default: a new temporary folder. */
  workDir?: string;
  /** Keep the work folder after stop(). Default false for a temporary folder, true for a given one. */
  keepWorkDir?: boolean;
  version?: string;
  cacheDir?: string;
  log?: Log;
}

export interface LocalServerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface StartLocalServerOptions extends Pick<LocalLaunchOptions, 'port' | 'workDir' | 'keepWorkDir'> {
  /** As log lines name the server: "Synapse". */
  name: string;
  version: string;
  /** The server's stdout and stderr, in the work folder. */
  logFileName: string;
  /** How long the server may take to answer /versions. */
  readyTimeoutMs: number;
  log: Log;
  /** Writes the server's configuration into `workDir` and says how to run it. */
  prepare(context: { workDir: string; port: number }): Promise<LocalServerCommand>;
}

export type LocalServer = Pick<LaunchedHomeserver, 'url' | 'logFile' | 'workDir' | 'stop'>;

/**
 * Starts a server in its work folder and waits until it answers /_matrix/client/versions.
 * A failure on the way stops the server and removes the folder (unless kept); so does the
 * returned stop(), which is idempotent. A folder not kept is also removed if this process
 * ends first.
 */
export async function startLocalServer(options: StartLocalServerOptions): Promise<LocalServer> {
  const { name, log } = options;
  const workDir = await openWorkDir(options.workDir, options.keepWorkDir, `m3c-${name.toLowerCase()}-`);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(workDir.path, options.logFileName);

  let launch: LocalServerCommand;
  try {
    launch = await options.prepare({ workDir: workDir.path, port });
  } catch (error) {
    await workDir.remove();
    throw error;
  }

  log(`starting ${name} ${options.version} at ${url} (work dir ${workDir.path})`);
  const started = Date.now();
  const server = spawnManaged(launch.command, launch.args, { cwd: workDir.path, env: launch.env, logFile });

  const stop = async () => {
    await server.stop();
    await workDir.remove();
  };

  try {
    await waitForHttp(`${url}/_matrix/client/versions`, { timeoutMs: options.readyTimeoutMs, process: server });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  log(`${name} ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  let stopped: Promise<void> | undefined;
  return { url, logFile, workDir: workDir.path, stop: () => (stopped ??= stop()) };
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
