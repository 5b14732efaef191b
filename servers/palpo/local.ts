// Palpo 0.0.2 (crates.io `palpo`, Apache-2.0, Rust), built with `cargo install --locked` into a
// cached folder and launched on loopback with a private PostgreSQL cluster in the work folder.
// What matters for this suite, read from the 0.0.2 sources (src/, and palpo-core 0.0.2):
//   - The config is TOML, read from $PALPO_CONFIG (absolute, or it is searched for up the
//     tree), then every PALPO_* variable is merged over it; there are no command-line flags.
//   - main() loads a .env from the working folder or any parent (dotenvy): the work folder
//     holds an empty one, so that no stray .env up the tree is read, and the environment
//     handed to Palpo carries no PALPO_* variable but the config's path.
//   - It runs its own migrations on start (PostgreSQL 15 or later: UNIQUE NULLS NOT DISTINCT)
//     and prints "Listening on" before it binds, so readiness is /versions answering.
//   - It sends no mail and calls no identity service: smtpPort and identityPort are unused.

import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { fillPlaceholders } from '../../harness/launch/config-template.js';
import { defaultCacheDir, installAtomically, runLogged, type EnsureOptions } from '../../harness/launch/install.js';
import type { LaunchableServer } from '../../harness/launch/launchable.js';
import { stderrLog } from '../../harness/launch/lifecycle.js';
import { localLauncher, PROXY_VARIABLES, scrubbedEnvironment, type LocalLaunchOptions } from '../../harness/launch/local-server.js';
import { postgresBinDir, startPrivatePostgres } from '../../harness/launch/postgres.js';
import { serverFolder } from '../../harness/tool/server-folders.js';

export const PALPO_VERSION = '0.0.2';
export const PALPO_SERVER_NAME = 'localhost';
const PALPO_CONFIG_TEMPLATE = join(serverFolder('palpo'), 'palpo.toml');
const logToStderr = stderrLog('palpo');

export interface PalpoInstall {
  binary: string;
  version: string;
}

/**
 * Makes sure palpo `version` is built, building it if needed (about 12 minutes on two cores
 * cold; cargo's registry and its downloads stay in CARGO_HOME for CI to keep).
 */
export async function ensurePalpo(options: EnsureOptions = {}): Promise<PalpoInstall> {
  const version = options.version ?? PALPO_VERSION;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const log = options.log ?? logToStderr;
  const root = join(cacheDir, `palpo-${version}`);
  const installLog = join(cacheDir, `palpo-${version}.install.log`);
  await installAtomically({
    dir: root,
    isUsable: async (dir) => installedVersion(dir) === version,
    unusableNote: `${root} holds no palpo ${version}; rebuilding it`,
    installLog,
    build: async (partial) => {
      log(`building Palpo ${version} with cargo into ${root} (about 12 minutes on two cores the first time; log: ${installLog})`);
      await runLogged('cargo', ['install', '--locked', '--root', partial, 'palpo', '--version', version], { logFile: installLog, log, activity: 'building' });
    },
    unusableBuildMessage: () => `cargo finished, but ${root} holds no palpo ${version}; see ${installLog}`,
    doneNote: `Palpo ${version} built`,
    log,
  });
  return { binary: join(root, 'bin', 'palpo'), version };
}

/** The version cargo recorded for the binary it installed, from its own ledger in the root. */
function installedVersion(root: string): string | undefined {
  const ledger = join(root, '.crates2.json');
  if (!existsSync(join(root, 'bin', 'palpo')) || !existsSync(ledger)) return undefined;
  const installs = (JSON.parse(readFileSync(ledger, 'utf8')) as { installs?: Record<string, unknown> }).installs ?? {};
  return Object.keys(installs).map((key) => /^palpo (\S+) /.exec(key)?.[1]).find(Boolean);
}

export function renderPalpoConfig(settings: { port: number; databaseUrl: string }, template = readFileSync(PALPO_CONFIG_TEMPLATE, 'utf8')): string {
  return fillPlaceholders(template, {
    server_name: PALPO_SERVER_NAME,
    listen_addr: `127.0.0.1:${settings.port}`,
    database_url: settings.databaseUrl,
  });
}

export const launchPalpo = localLauncher<'palpo', PalpoInstall, LocalLaunchOptions>({
  server: 'palpo',
  displayName: 'Palpo',
  serverName: PALPO_SERVER_NAME,
  logFileName: 'palpo.log',
  readyTimeoutMs: 120_000,
  install: (options) => {
    if (!postgresBinDir()) {
      throw new Error('Palpo needs PostgreSQL 15 or later: no initdb under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)');
    }
    return ensurePalpo(options);
  },
  prepare: async ({ workDir, port, install, options }) => {
    const database = await startPrivatePostgres({ workDir, database: 'palpo', log: options.log ?? logToStderr });
    try {
      const configFile = join(workDir, 'palpo.toml');
      await writeFile(configFile, renderPalpoConfig({ port, databaseUrl: database.url }));
      await writeFile(join(workDir, '.env'), '# Empty: stops dotenvy from reading a .env further up.\n');
      const env = scrubbedEnvironment(PROXY_VARIABLES);
      for (const name of Object.keys(env)) if (name.startsWith('PALPO_')) delete env[name];
      return { command: install.binary, args: [], env: { ...env, PALPO_CONFIG: configFile }, alongside: [database] };
    } catch (error) {
      await database.stop();
      throw error;
    }
  },
});

/** --launch palpo. */
export const PALPO: LaunchableServer<'palpo'> = {
  name: 'palpo',
  server: 'palpo',
  folder: serverFolder('palpo'),
  launch: (options) => launchPalpo(options),
};
