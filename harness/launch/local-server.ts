// What the launchers of locally installed servers (Synapse, Dendrite) have in common: the
// environment a server runs in, and one skeleton (install, configure in the work folder,
// start, wait for /versions) that each fills with its own install and configuration.

import { randomBytes } from 'node:crypto';

import { freePort, spawnManaged, waitForHttp, type ManagedProcess } from './child-process.js';
import type { EnsureOptions } from './install.js';
import type { LaunchedHomeserver } from './launched-homeserver.js';
import { launchInWorkDir, stderrLog, type Launched, type Log, type Stoppable, type WorkDirOptions } from './lifecycle.js';

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

export interface LocalServerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** What prepare() started for the server (its database): stopped after the server, whatever happens. */
  alongside?: readonly Stoppable[];
}

export interface StartLocalServerOptions extends WorkDirOptions {
  /** As log lines name the server: "Synapse". */
  name: string;
  version: string;
  /** Client port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** The server's stdout and stderr, in the work folder. */
  logFileName: string;
  /** How long the server may take to answer /versions. */
  readyTimeoutMs: number;
  log: Log;
  /** Writes the server's configuration into `workDir` and says how to run it. */
  prepare(context: { workDir: string; port: number }): Promise<LocalServerCommand>;
}

export type LocalServer = Launched;

/** Starts a server process in its work folder and waits until it answers /_matrix/client/versions. */
export async function startLocalServer(options: StartLocalServerOptions): Promise<LocalServer> {
  const { name, log } = options;
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const { running: _, ...launched } = await launchInWorkDir<ManagedProcess>({
    name,
    url,
    workDir: options.workDir,
    keepWorkDir: options.keepWorkDir,
    tempPrefix: `m3c-${name.toLowerCase()}-`,
    logFileName: options.logFileName,
    log,
    start: async ({ workDir, logFile }) => {
      const launch = await options.prepare({ workDir, port });
      const stopAlongside = async () => {
        for (const started of launch.alongside ?? []) await started.stop();
      };
      log(`starting ${name} ${options.version} at ${url} (work dir ${workDir})`);
      let server: ManagedProcess;
      try {
        server = spawnManaged(launch.command, launch.args, { cwd: workDir, env: launch.env, logFile });
      } catch (error) {
        await stopAlongside();
        throw error;
      }
      if (!launch.alongside?.length) return server;
      return {
        ...server,
        stop: async (stopOptions) => {
          try {
            return await server.stop(stopOptions);
          } finally {
            await stopAlongside();
          }
        },
      };
    },
    ready: (server) => waitForHttp(`${url}/_matrix/client/versions`, { timeoutMs: options.readyTimeoutMs, process: server }),
  });
  return launched;
}

/** What every local launcher takes besides its own server's settings. */
export interface LocalLaunchOptions extends WorkDirOptions, EnsureOptions {
  /** Client port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** The harness's fake identity service on 127.0.0.1. */
  identityPort: number;
  /** The harness's SMTP sink on 127.0.0.1, where the server sends mail. */
  smtpPort?: number;
  /** How long the server may take to answer /versions. Default: the server's own. */
  startTimeoutMs?: number;
}

/** One locally installed server, as its launcher needs to know it. */
export interface LocalServerDefinition<Name extends string, Install extends { version: string }, Options extends LocalLaunchOptions> {
  /** The server family, as the launched server is named: "synapse". */
  server: Name;
  /** As log lines name the server: "Synapse". */
  displayName: string;
  serverName: string;
  /** The server's stdout and stderr, in the work folder. */
  logFileName: string;
  /** How long the server may take to answer /versions unless told otherwise. */
  readyTimeoutMs: number;
  /** Makes sure the server is installed (cached between runs). */
  install(options: EnsureOptions & { log: Log }): Promise<Install>;
  /** Writes the configuration into `workDir` and says how to run the server. */
  prepare(context: {
    workDir: string;
    port: number;
    install: Install;
    registrationSharedSecret: string;
    options: Options;
  }): Promise<LocalServerCommand>;
}

/** The launcher of a locally installed server: install, configure, start, wait for /versions. */
export function localLauncher<Name extends string, Install extends { version: string }, Options extends LocalLaunchOptions>(
  definition: LocalServerDefinition<Name, Install, Options>,
): (options: Options) => Promise<LaunchedHomeserver<Name>> {
  return async (options) => {
    const log = options.log ?? stderrLog(definition.server);
    const install = await definition.install({ version: options.version, cacheDir: options.cacheDir, log });
    const registrationSharedSecret = randomSecret();
    const server = await startLocalServer({
      name: definition.displayName,
      version: install.version,
      workDir: options.workDir,
      keepWorkDir: options.keepWorkDir,
      port: options.port,
      logFileName: definition.logFileName,
      readyTimeoutMs: options.startTimeoutMs ?? definition.readyTimeoutMs,
      log,
      prepare: (context) => definition.prepare({ ...context, install, registrationSharedSecret, options }),
    });
    return { name: definition.server, version: install.version, serverName: definition.serverName, registrationSharedSecret, ...server };
  };
}
