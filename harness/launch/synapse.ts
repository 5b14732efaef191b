// Synapse, the reference homeserver, installed into a cached venv and launched on loopback
// with the configuration in fixtures/synapse/homeserver.yaml.

import type { LaunchedHomeserver as Launched } from './launched-homeserver.js';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';

import {
  defaultCacheDir,
  installAtomically,
  PROXY_VARIABLES,
  randomSecret,
  runLogged,
  scrubbedEnvironment,
  startLocalServer,
  stderrLog,
  type LocalLaunchOptions,
  type Log,
} from './local-server.js';

export { defaultCacheDir } from './local-server.js';

export const SYNAPSE_VERSION = '1.163.2';

const execFileAsync = promisify(execFile);
const logToStderr = stderrLog('synapse');

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
  const installLog = join(cacheDir, `synapse-${version}.install.log`);
  await installAtomically({
    dir: venvDir,
    isUsable: (dir) => importsSynapse(venvPython(dir), version),
    unusableNote: `${venvDir} exists but cannot import synapse ${version}; rebuilding it`,
    installLog,
    // The venv's console scripts keep the temporary path in their #! lines; the harness
    // only ever runs `python -m`, which does not care where the venv lives.
    build: async (partial) => {
      const basePython = options.python ?? (await findBasePython());
      log(`installing Synapse ${version} into ${venvDir} (takes minutes the first time; log: ${installLog})`);
      log(`creating a venv with ${basePython}`);
      const logged = { logFile: installLog, log, activity: 'working' };
      await runLogged(basePython, ['-m', 'venv', partial], logged);
      log(`pip install matrix-synapse==${version}`);
      await runLogged(
        venvPython(partial),
        ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', `matrix-synapse==${version}`],
        logged,
      );
    },
    unusableBuildMessage: () => `the new venv cannot import synapse ${version}; see ${installLog}`,
    doneNote: `Synapse ${version} installed`,
    log,
  });
  return { python: venvPython(venvDir), version };
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

export interface LaunchSynapseOptions extends LocalLaunchOptions {
  /** The harness's fake identity service (plain HTTP on 127.0.0.1): Synapse's msisdn delegate. */
  identityPort: number;
  /** The harness's SMTP sink on 127.0.0.1. */
  smtpPort: number;
  variant?: SynapseVariant;
  /** How long Synapse may take to answer /versions. Default 120 s. */
  startTimeoutMs?: number;
}

export type LaunchedHomeserver = Launched<'synapse'>;

export const SYNAPSE_SERVER_NAME = 'localhost';

export async function launchSynapse(options: LaunchSynapseOptions): Promise<LaunchedHomeserver> {
  const log = options.log ?? logToStderr;
  const { python, version } = await ensureSynapse({
    version: options.version,
    cacheDir: options.cacheDir,
    log,
  });
  const registrationSharedSecret = randomSecret();
  const server = await startLocalServer({
    name: 'Synapse',
    version,
    workDir: options.workDir,
    keepWorkDir: options.keepWorkDir,
    port: options.port,
    logFileName: 'homeserver.log',
    readyTimeoutMs: options.startTimeoutMs ?? 120_000,
    log,
    prepare: async ({ workDir, port }) => {
      const configFile = join(workDir, 'homeserver.yaml');
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
      return {
        command: python,
        args: ['-m', 'synapse.app.homeserver', '-c', configFile],
        // Unbuffered, so that the log holds Synapse's last lines when it dies during start.
        env: { ...scrubbedEnvironment(PROXY_VARIABLES), PYTHONUNBUFFERED: '1' },
      };
    },
  });
  return { name: 'synapse', version, serverName: SYNAPSE_SERVER_NAME, registrationSharedSecret, ...server };
}
