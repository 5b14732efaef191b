// Synapse, the reference homeserver, installed into a cached venv and launched on loopback
// with the configuration in homeserver.yaml beside this module (see config.ts).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { tailFile } from '../../harness/launch/child-process.js';
import { defaultCacheDir, installAtomically, runLogged, type EnsureOptions } from '../../harness/launch/install.js';
import { stderrLog, type Log } from '../../harness/launch/lifecycle.js';
import type { LaunchableServer } from '../../harness/launch/launchable.js';
import {
  localLauncher,
  PROXY_VARIABLES,
  randomSecret,
  scrubbedEnvironment,
  type LocalLaunchOptions,
} from '../../harness/launch/local-server.js';
import { serverFolder } from '../../harness/tool/server-folders.js';
import { UsageError } from '../../harness/tool/usage-error.js';
import { renderSynapseConfig, synapseVariant, type SynapseVariant } from './config.js';
import { heldBack, unlaunchable } from './releases.js';

export const SYNAPSE_VERSION = '1.163.2';

const execFileAsync = promisify(execFile);
const logToStderr = stderrLog('synapse');

// =============================================================================================
// Installation

export interface EnsureSynapseOptions extends EnsureOptions {
  /** Python ≥ 3.10 to create the venv with. Default: the first suitable python3.x on PATH. */
  python?: string;
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
  const refusal = unlaunchable(version);
  if (refusal) throw new UsageError(`synapse@${version} cannot be launched: ${refusal}`);
  const venvDir = join(cacheDir, `synapse-${version}`);
  const installLog = join(cacheDir, `synapse-${version}.install.log`);
  try {
    await installVenv(version, venvDir, installLog, options, log);
  } catch (error) {
    // A release asked for by name that will not install here is the caller's choice to fix:
    // one line, not a stack trace. The pinned release failing is the machine's problem.
    if (version === SYNAPSE_VERSION) throw error;
    throw new UsageError(`synapse@${version} cannot be used here: ${pipVerdict(installLog) ?? (error as Error).message.split('\n')[0]} (log: ${installLog})`);
  }
  return { python: venvPython(venvDir), version };
}

/** The line in pip's log that says why it gave up, e.g. "No matching distribution found for …". */
function pipVerdict(installLog: string): string | undefined {
  const errors = tailFile(installLog, 200)
    .split('\n')
    .filter((line) => /^ERROR: |Error: |error: /.test(line.trim()));
  return errors.at(-1)?.trim().replace(/^ERROR: /, '');
}

async function installVenv(version: string, venvDir: string, installLog: string, options: EnsureSynapseOptions, log: Log): Promise<void> {
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
      const held = heldBack(version);
      const constraints = join(partial, 'constraints.txt');
      await writeFile(constraints, held.map(({ constraint, why }) => `# ${why}\n${constraint}\n`).join(''));
      log(`pip install matrix-synapse==${version}${held.length ? ` (holding back ${held.map((h) => h.constraint).join(', ')})` : ''}`);
      await runLogged(
        venvPython(partial),
        ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '-c', constraints, `matrix-synapse==${version}`],
        logged,
      );
    },
    unusableBuildMessage: () => `the new venv cannot import synapse ${version}; see ${installLog}`,
    doneNote: `Synapse ${version} installed`,
    log,
  });
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

export const SYNAPSE_SERVER_NAME = 'localhost';

export const launchSynapse = localLauncher<'synapse', SynapseInstall, LaunchSynapseOptions>({
  server: 'synapse',
  displayName: 'Synapse',
  serverName: SYNAPSE_SERVER_NAME,
  logFileName: 'homeserver.log',
  readyTimeoutMs: 120_000,
  install: ensureSynapse,
  prepare: async ({ workDir, port, install, registrationSharedSecret, options }) => {
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
      command: install.python,
      args: ['-m', 'synapse.app.homeserver', '-c', configFile],
      // Unbuffered, so that the log holds Synapse's last lines when it dies during start.
      env: { ...scrubbedEnvironment(PROXY_VARIABLES), PYTHONUNBUFFERED: '1' },
    };
  },
});

/** --launch synapse: one template serves the synapse profiles; the profile picks the variant. */
export const SYNAPSE: LaunchableServer<'synapse'> = {
  name: 'synapse',
  server: 'synapse',
  folder: serverFolder('synapse'),
  launch: (options, profile) => launchSynapse({ ...options, variant: synapseVariant(profile) }),
  // Any release on PyPI that installs on this machine's Python, each in its own cached venv.
  versions: { pattern: /^\d+\.\d+\.\d+(rc\d+)?$/, example: '1.120.0' },
};
