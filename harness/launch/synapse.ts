// Synapse, the reference homeserver, installed into a cached venv and launched on loopback
// with the configuration in fixtures/synapse/homeserver.yaml.

import type { LaunchedHomeserver as Launched } from './launched-homeserver.js';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';

import {
  freePort,
  processIsAlive,
  registerExitCleanup,
  spawnManaged,
  tailFile,
  waitForHttp,
} from './child-process.js';

export const SYNAPSE_VERSION = '1.163.2';

const execFileAsync = promisify(execFile);
type Log = (line: string) => void;
const logToStderr: Log = (line) => process.stderr.write(`[synapse] ${line}\n`);

// =============================================================================================
// Installation

export interface EnsureSynapseOptions {
  version?: string;
  /** Where the venvs live. Default `${XDG_CACHE_HOME:-$HOME/.cache}/matrix-3pid-conformance`. */
  cacheDir?: string;
  /** Python ≥ 3.10 to create the venv with. Default: the first suitable python3.x on PATH. */
  python?: string;
  log?: Log;
}

export interface SynapseInstall {
  /** The venv's interpreter; run Synapse as `python -m synapse.app.homeserver`. */
  python: string;
  version: string;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'matrix-3pid-conformance');
}

/**
 * Makes sure `matrix-synapse==version` is installed in its venv, installing it if needed
 * (minutes on a cold machine). The venv is built under a temporary name and renamed into
 * place when complete, so an interrupted install is never mistaken for a usable one.
 */
export function ensureSynapse(options: EnsureSynapseOptions = {}): Promise<SynapseInstall> {
  const version = options.version ?? SYNAPSE_VERSION;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  // Once per process: a run launches several instances, and the check costs a Python start.
  const key = `${cacheDir}\0${version}`;
  let install = installs.get(key);
  if (!install) {
    install = installSynapse(version, cacheDir, options);
    installs.set(key, install);
    install.catch(() => installs.delete(key));
  }
  return install;
}

const installs = new Map<string, Promise<SynapseInstall>>();

async function installSynapse(
  version: string,
  cacheDir: string,
  options: EnsureSynapseOptions,
): Promise<SynapseInstall> {
  const log = options.log ?? logToStderr;
  const venvDir = join(cacheDir, `synapse-${version}`);
  const python = venvPython(venvDir);

  if (await importsSynapse(python, version)) return { python, version };

  await mkdir(cacheDir, { recursive: true });
  removeAbandonedBuilds(cacheDir, version);
  if (existsSync(venvDir)) {
    log(`${venvDir} exists but cannot import synapse ${version}; rebuilding it`);
    // Out of the way in one step, so no reader ever sees a half-deleted venv.
    const doomed = `${venvDir}.broken-${process.pid}`;
    await rename(venvDir, doomed);
    await rm(doomed, { recursive: true, force: true });
  }

  const partial = `${venvDir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  const installLog = join(cacheDir, `synapse-${version}.install.log`);
  await writeFile(installLog, '');
  const started = Date.now();
  try {
    const basePython = options.python ?? (await findBasePython());
    log(`installing Synapse ${version} into ${venvDir} (takes minutes the first time; log: ${installLog})`);
    log(`creating a venv with ${basePython}`);
    await runLogged(basePython, ['-m', 'venv', partial], installLog, log);
    log(`pip install matrix-synapse==${version}`);
    await runLogged(
      venvPython(partial),
      ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', `matrix-synapse==${version}`],
      installLog,
      log,
    );
    if (!(await importsSynapse(venvPython(partial), version))) {
      throw new Error(`the new venv cannot import synapse ${version}; see ${installLog}`);
    }
    // The venv's console scripts keep the temporary path in their #! lines; the harness
    // only ever runs `python -m`, which does not care where the venv lives.
    try {
      await rename(partial, venvDir);
    } catch (error) {
      // Another run finished first; use its venv if it works.
      if (!(await importsSynapse(python, version))) throw error;
      await rm(partial, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  log(`Synapse ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return { python, version };
}

function venvPython(venvDir: string): string {
  return join(venvDir, 'bin', 'python');
}

async function importsSynapse(python: string, version: string): Promise<boolean> {
  if (!existsSync(python)) return false;
  try {
    const { stdout } = await execFileAsync(
      python,
      ['-c', 'import sys, synapse; sys.stdout.write(synapse.__version__)'],
      { timeout: 120_000 },
    );
    return stdout.trim() === version;
  } catch {
    return false;
  }
}

/** Builds left by runs that died mid-install (their pid is no longer running). */
function removeAbandonedBuilds(cacheDir: string, version: string): void {
  const pattern = new RegExp(`^synapse-${version.replace(/\./g, '\\.')}\\.(?:partial|broken)-(\\d+)$`);
  for (const entry of readdirSync(cacheDir)) {
    const match = pattern.exec(entry);
    if (match && !processIsAlive(Number(match[1]))) {
      rmSync(join(cacheDir, entry), { recursive: true, force: true });
    }
  }
}

const PYTHON_CANDIDATES = ['python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3'];

async function findBasePython(): Promise<string> {
  for (const candidate of PYTHON_CANDIDATES) {
    try {
      const { stdout } = await execFileAsync(candidate, [
        '-c',
        'import sys; print(int(sys.version_info >= (3, 10)))',
      ]);
      if (stdout.trim() === '1') return candidate;
    } catch {
      // not installed; try the next one
    }
  }
  throw new Error(`Synapse needs Python ≥ 3.10 with the venv module; none of ${PYTHON_CANDIDATES.join(', ')} qualifies`);
}

/** Runs a command to completion with its output appended to `logFile`. */
async function runLogged(command: string, args: string[], logFile: string, log: Log): Promise<void> {
  await writeFile(logFile, `\n$ ${command} ${args.join(' ')}\n`, { flag: 'a' });
  // Managed, so that an interrupted run does not leave pip running.
  const child = spawnManaged(command, args, { logFile });
  const started = Date.now();
  const progress = setInterval(() => {
    log(`  still working (${Math.round((Date.now() - started) / 1000)} s)`);
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
// Configuration

export const SYNAPSE_CONFIG_TEMPLATE = findPackageFile('fixtures/synapse/homeserver.yaml');

export interface SynapseVariant {
  /** request_token_inhibit_3pid_errors: hide whether an address is bound. Default false. */
  inhibit3pidErrors?: boolean;
  /** Keep Synapse's own rate limits instead of the template's raised ones. Default false. */
  defaultRateLimits?: boolean;
}

export interface SynapseConfigSettings {
  port: number;
  serverName: string;
  workDir: string;
  identityPort: number;
  smtpPort: number;
  registrationSharedSecret: string;
  macaroonSecretKey: string;
  formSecret: string;
  variant?: SynapseVariant;
}

/** The homeserver.yaml text for these settings. */
export function renderSynapseConfig(
  settings: SynapseConfigSettings,
  template: string = readFileSync(SYNAPSE_CONFIG_TEMPLATE, 'utf8'),
): string {
  const filled = fillPlaceholders(template, {
    server_name: settings.serverName,
    public_baseurl: `http://127.0.0.1:${settings.port}/`,
    port: settings.port,
    database_path: join(settings.workDir, 'homeserver.db'),
    media_store_path: join(settings.workDir, 'media_store'),
    signing_key_path: join(settings.workDir, 'signing.key'),
    macaroon_secret_key: settings.macaroonSecretKey,
    form_secret: settings.formSecret,
    registration_shared_secret: settings.registrationSharedSecret,
    identity_url: `http://127.0.0.1:${settings.identityPort}`,
    smtp_port: settings.smtpPort,
    request_token_inhibit_3pid_errors: settings.variant?.inhibit3pidErrors ?? false,
  });

  // Parsing also proves that the filled template is valid YAML.
  const document = parseDocument(filled);
  if (document.errors.length > 0) {
    throw new Error(`homeserver.yaml does not parse: ${document.errors.map((e) => e.message).join('; ')}`);
  }
  if (!settings.variant?.defaultRateLimits) return filled;
  for (const key of Object.keys(document.toJS() as Record<string, unknown>)) {
    if (key.startsWith('rc_')) document.delete(key);
  }
  return document.toString();
}

/**
 * Replaces every `{{name}}` with the value as a YAML scalar: strings JSON-quoted (always valid
 * YAML, whatever they contain), numbers and booleans as they are. Unknown or unused names are
 * errors, so the template and the code cannot drift apart silently.
 */
export function fillPlaceholders(
  template: string,
  values: Record<string, string | number | boolean>,
): string {
  const unused = new Set(Object.keys(values));
  const filled = template.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`template placeholder {{${name}}} has no value`);
    unused.delete(name);
    const value = values[name];
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  });
  if (unused.size > 0) throw new Error(`values not used by the template: ${[...unused].join(', ')}`);
  if (/\{\{|\}\}/.test(filled)) throw new Error('template has a malformed placeholder');
  return filled;
}

/** A file shipped with the package, found from both harness/ (source) and dist/harness/. */
function findPackageFile(relativePath: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, relativePath);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${relativePath} not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

// =============================================================================================
// Launching

export interface LaunchSynapseOptions {
  /** The harness's fake identity service (plain HTTP on 127.0.0.1): Synapse's msisdn delegate. */
  identityPort: number;
  /** The harness's SMTP sink on 127.0.0.1. */
  smtpPort: number;
  /** Client port on 127.0.0.1. Default: a free one. */
  port?: number;
  variant?: SynapseVariant;
  /** Default: a new temporary folder. */
  workDir?: string;
  /** Keep the work folder after stop(). Default false for a temporary folder, true for a given one. */
  keepWorkDir?: boolean;
  /** How long Synapse may take to answer /versions. Default 120 s. */
  startTimeoutMs?: number;
  version?: string;
  cacheDir?: string;
  log?: Log;
}

export type LaunchedHomeserver = Launched<'synapse'>;

export const SYNAPSE_SERVER_NAME = 'localhost';

// Proxy settings must not route loopback traffic (the msisdn delegate) elsewhere.
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy'];

export async function launchSynapse(options: LaunchSynapseOptions): Promise<LaunchedHomeserver> {
  const log = options.log ?? logToStderr;
  const { python, version } = await ensureSynapse({
    version: options.version,
    cacheDir: options.cacheDir,
    log,
  });

  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'm3c-synapse-')));
  await mkdir(workDir, { recursive: true });
  const keepWorkDir = options.keepWorkDir ?? !ownWorkDir;
  const forgetWorkDir = keepWorkDir
    ? () => undefined
    : registerExitCleanup(() => rmSync(workDir, { recursive: true, force: true }));
  const removeWorkDir = async () => {
    forgetWorkDir();
    if (!keepWorkDir) await rm(workDir, { recursive: true, force: true });
  };

  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const registrationSharedSecret = randomSecret();
  const configFile = join(workDir, 'homeserver.yaml');
  const logFile = join(workDir, 'homeserver.log');

  try {
    await writeFile(
      configFile,
      renderSynapseConfig({
        port,
        serverName: SYNAPSE_SERVER_NAME,
        workDir,
        identityPort: options.identityPort,
        smtpPort: options.smtpPort,
        registrationSharedSecret,
        macaroonSecretKey: randomSecret(),
        formSecret: randomSecret(),
        variant: options.variant,
      }),
    );
  } catch (error) {
    await removeWorkDir();
    throw error;
  }

  log(`starting Synapse ${version} at ${url} (work dir ${workDir})`);
  const started = Date.now();
  const server = spawnManaged(python, ['-m', 'synapse.app.homeserver', '-c', configFile], {
    cwd: workDir,
    env: synapseEnvironment(),
    logFile,
  });

  const stop = async () => {
    await server.stop();
    await removeWorkDir();
  };

  try {
    await waitForHttp(`${url}/_matrix/client/versions`, {
      timeoutMs: options.startTimeoutMs ?? 120_000,
      process: server,
    });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  log(`Synapse ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  let stopped: Promise<void> | undefined;
  return {
    name: 'synapse',
    version,
    url,
    serverName: SYNAPSE_SERVER_NAME,
    registrationSharedSecret,
    logFile,
    workDir,
    stop: () => (stopped ??= stop()),
  };
}

function synapseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
  for (const name of Object.keys(env)) {
    if (PROXY_VARIABLES.includes(name.toLowerCase())) delete env[name];
  }
  return env;
}

function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}
