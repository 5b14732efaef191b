// Dendrite v0.13.8 (github.com/matrix-org/dendrite, Apache-2.0), built with `go install` into
// a cached folder and launched on loopback with SQLite. Never github.com/element-hq/dendrite:
// that fork is AGPL.
//
// The config is what `generate-config -ci` writes, edited (see renderDendriteConfig).
// What matters for this suite, read from the v0.13.8 sources:
//   - Only /register/email/requestToken and /account/3pid/email/requestToken exist (r0 and v3);
//     the password and msisdn ones fall through to the router's 404 M_UNRECOGNIZED.
//   - The email endpoints proxy to the identity server named in the request's `id_server`:
//     POST https://<id_server>/_matrix/identity/api/v1/validate/email/requestToken, form-encoded,
//     after checking `id_server` against global.trusted_third_party_id_servers by exact string.
//     The client is setup/base.CreateClient: gomatrixserverlib's fclient with federation-style
//     name resolution (an IP literal with a port is used as is) and
//     WithSkipVerify(federation_api.disable_tls_validation), so that one setting makes it accept
//     the fake identity service's self-signed certificate. With global.disable_federation the
//     client gets a transport that fails every request, so federation must stay "enabled";
//     with no rooms and no key perspectives Dendrite still calls nobody.
//   - Dendrite sends no mail itself (there is no SMTP code in it): smtpPort is unused.

import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';

import { defaultCacheDir, installAtomically, runLogged, type EnsureOptions } from '../../harness/launch/install.js';
import { stderrLog } from '../../harness/launch/lifecycle.js';
import type { LaunchableServer } from '../../harness/launch/launchable.js';
import { serverFolder } from '../../harness/tool/server-folders.js';
import {
  localLauncher,
  PROXY_VARIABLES,
  scrubbedEnvironment,
  type LocalLaunchOptions,
} from '../../harness/launch/local-server.js';

export const DENDRITE_VERSION = '0.13.8';
/** The Apache-2.0 module. Its successor, github.com/element-hq/dendrite, is AGPL: never use it. */
export const DENDRITE_MODULE = 'github.com/matrix-org/dendrite';
export const DENDRITE_COMMANDS = ['dendrite', 'generate-keys', 'generate-config', 'create-account'] as const;
export type DendriteCommand = (typeof DENDRITE_COMMANDS)[number];

const execFileAsync = promisify(execFile);
const logToStderr = stderrLog('dendrite');

// =============================================================================================
// Installation

export interface EnsureDendriteOptions extends EnsureOptions {
  /** At most 0.13.8, the last Apache-2.0 release. Default 0.13.8. */
  version?: string;
  /** The Go toolchain. Default `go` on PATH. */
  go?: string;
}

export interface DendriteInstall {
  /** Holds the four commands (DENDRITE_COMMANDS). */
  binDir: string;
  version: string;
}

/**
 * Makes sure the Dendrite commands of `version` are built, building them if needed (about two
 * minutes on a cold machine, far less with Go's module and build caches warm). They are built
 * into a temporary folder that is renamed into place when complete, so an interrupted build is
 * never mistaken for a usable one. Go's own caches (GOPATH, GOMODCACHE, GOCACHE) stay where the
 * environment puts them, so CI can keep them between runs.
 */
export async function ensureDendrite(options: EnsureDendriteOptions = {}): Promise<DendriteInstall> {
  const version = checkedVersion(options.version ?? DENDRITE_VERSION);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const log = options.log ?? logToStderr;
  const root = join(cacheDir, `dendrite-${version}`);
  const binDir = join(root, 'bin');

  const installLog = join(root, 'install.log');
  const go = options.go ?? 'go';
  const packages = DENDRITE_COMMANDS.map((command) => `${DENDRITE_MODULE}/cmd/${command}@v${version}`);
  await installAtomically({
    dir: binDir,
    isUsable: (dir) => isUsableInstall(dir, version),
    unusableNote: `${binDir} exists but is incomplete or not Dendrite ${version}; rebuilding it`,
    installLog,
    build: async (partial) => {
      await mkdir(partial, { recursive: true });
      log(`building Dendrite ${version} into ${binDir} with go install (minutes the first time; log: ${installLog})`);
      try {
        await runLogged(go, ['install', ...packages], {
          logFile: installLog,
          log,
          activity: 'building',
          env: {
            ...process.env,
            // Pure-Go SQLite; no C toolchain needed.
            CGO_ENABLED: '0',
            GOBIN: partial,
          },
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /could not start/.test(String(error))) {
          throw new Error(`Dendrite is built with Go, and ${go} was not found; install Go ≥ 1.21 or pass its path`, {
            cause: error,
          });
        }
        throw error;
      }
    },
    unusableBuildMessage: (partial) =>
      `go install finished but ${partial} does not hold working Dendrite ${version} commands; see ${installLog}`,
    doneNote: `Dendrite ${version} built`,
    log,
  });
  return { binDir, version };
}

/** Versions of the Apache-2.0 module only: 0.13.8 was its last release. */
function checkedVersion(version: string): string {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`Dendrite version must look like 0.13.8, got ${JSON.stringify(version)}`);
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  if (major !== 0 || minor > 13 || (minor === 13 && patch > 8)) {
    throw new Error(
      `Dendrite ${version} is not an Apache-2.0 release of ${DENDRITE_MODULE} (the last one is 0.13.8; ` +
        'later Dendrite is AGPL and not used by this suite)',
    );
  }
  return `${major}.${minor}.${patch}`;
}

async function isUsableInstall(binDir: string, version: string): Promise<boolean> {
  for (const command of DENDRITE_COMMANDS) {
    try {
      accessSync(join(binDir, command), fsConstants.X_OK);
    } catch {
      return false;
    }
  }
  try {
    const { stdout } = await execFileAsync(join(binDir, 'dendrite'), ['--version'], { timeout: 30_000 });
    return stdout.trim() === version;
  } catch {
    return false;
  }
}

// =============================================================================================
// Configuration

export interface DendriteConfigSettings {
  /** Where the SQLite files, media and key live; `generate-config -dir` was given the same. */
  workDir: string;
  /** The fake identity service (HTTPS on 127.0.0.1); trusted as exactly `127.0.0.1:PORT`. */
  identityPort: number;
  registrationSharedSecret: string;
}

/** The `id_server` value Dendrite trusts: an IP literal with port, resolved like a federation name. */
export function trustedIdentityServer(identityPort: number): string {
  return `127.0.0.1:${identityPort}`;
}

/**
 * The dendrite.yaml text: `generated` is the output of
 * `generate-config -ci -dir <workDir> -server localhost`, edited here. Every key set must
 * already be in `generated`, so that a key Dendrite renamed fails here instead of being ignored.
 */
export function renderDendriteConfig(generated: string, settings: DendriteConfigSettings): string {
  if (!isAbsolute(settings.workDir)) throw new Error(`workDir must be absolute, got ${settings.workDir}`);
  const document = parseDocument(generated);
  if (document.errors.length > 0) {
    throw new Error(`generate-config output does not parse: ${document.errors.map((e) => e.message).join('; ')}`);
  }
  const set = (path: string[], value: unknown): void => {
    if (!document.hasIn(path)) throw new Error(`generate-config output has no ${path.join('.')}`);
    document.setIn(path, document.createNode(value));
  };

  set(['global', 'server_name'], DENDRITE_SERVER_NAME);
  set(['global', 'private_key'], join(settings.workDir, 'matrix_key.pem'));
  // The default is matrix.org and vector.im. Matched against id_server by exact string.
  set(['global', 'trusted_third_party_id_servers'], [trustedIdentityServer(settings.identityPort)]);
  // Must stay false: it would also give the identity-server client a transport that fails
  // every request (setup/base.CreateClient).
  set(['global', 'disable_federation'], false);
  // Nothing that calls out: no phone-home, no metrics or error reporting, no outbound presence.
  set(['global', 'report_stats', 'enabled'], false);
  set(['global', 'report_stats', 'endpoint'], '');
  set(['global', 'metrics', 'enabled'], false);
  set(['global', 'sentry', 'enabled'], false);
  set(['global', 'dns_cache', 'enabled'], false);
  set(['global', 'presence', 'enable_outbound'], false);
  set(['global', 'jetstream', 'in_memory'], true);
  set(['global', 'jetstream', 'addresses'], []);
  set(['global', 'jetstream', 'storage_path'], settings.workDir);
  set(['tracing', 'enabled'], false);
  // Also what the identity-server client uses: accept the fake's self-signed certificate.
  set(['federation_api', 'disable_tls_validation'], true);
  set(['federation_api', 'key_perspectives'], []);
  set(['federation_api', 'prefer_direct_fetch'], false);
  // -ci's secret is the well-known "complement".
  set(['client_api', 'registration_shared_secret'], settings.registrationSharedSecret);
  // The requestToken handlers do not look at these; /register does.
  set(['client_api', 'registration_disabled'], false);
  set(['client_api', 'enable_registration_captcha'], false);
  set(['client_api', 'rate_limiting', 'enabled'], false);
  // -ci turns on experimental MSCs; a server as shipped has none.
  set(['mscs', 'mscs'], []);
  // Dendrite always logs info and above to stdout/stderr (which the launcher writes to a
  // file); -ci adds trace-level logging on top. No extra hooks: no trace, no second copy.
  set(['logging'], []);

  const text = document.toString();
  assertLocalStorage(document, settings.workDir);
  return text;
}

/** Every database is a SQLite file, and every path is under workDir. */
function assertLocalStorage(document: Document, workDir: string): void {
  const problems: string[] = [];
  const visit = (node: unknown, path: string[]): void => {
    if (isMap(node)) {
      for (const item of node.items) visit(item.value, [...path, String((item.key as { value?: unknown })?.value ?? item.key)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, String(index)]));
    } else {
      const key = path.at(-1);
      const value = (node as { value?: unknown } | null)?.value;
      if (typeof value !== 'string') return;
      if (key === 'connection_string' && value !== '' && !value.startsWith(`file:${workDir}/`)) {
        problems.push(`${path.join('.')} is ${value}`);
      }
      if ((/(^|_)path$/.test(key ?? '') || key === 'private_key') && value !== '' && value !== workDir && !value.startsWith(`${workDir}/`)) {
        problems.push(`${path.join('.')} is ${value}`);
      }
    }
  };
  visit(document.contents, []);
  if (problems.length > 0) throw new Error(`dendrite.yaml keeps state outside ${workDir}: ${problems.join('; ')}`);
}

/** The command line that starts Dendrite on 127.0.0.1:port (the default binds every interface). */
export function dendriteArguments(configFile: string, port: number): string[] {
  return [
    '--config',
    configFile,
    // The -ci config has open registration without captcha; Dendrite wants this flag too.
    '--really-enable-open-registration',
    '--http-bind-address',
    `127.0.0.1:${port}`,
  ];
}

// =============================================================================================
// Launching

export interface LaunchDendriteOptions extends LocalLaunchOptions {
  /** The harness's fake identity service, serving HTTPS on 127.0.0.1 (`tls: true`). */
  identityPort: number;
  /** Accepted for symmetry with Synapse and ignored: Dendrite sends no mail. */
  smtpPort?: number;
  /** How long Dendrite may take to answer /versions. Default 60 s. */
  startTimeoutMs?: number;
}

export const DENDRITE_SERVER_NAME = 'localhost';

// pprof and HTTP tracing are switched on by environment variables.
const STRIPPED_VARIABLES = [...PROXY_VARIABLES, 'pproflisten', 'dendrite_trace_http'];

export const launchDendrite = localLauncher<'dendrite', DendriteInstall, LaunchDendriteOptions>({
  server: 'dendrite',
  displayName: 'Dendrite',
  serverName: DENDRITE_SERVER_NAME,
  logFileName: 'dendrite.log',
  readyTimeoutMs: 60_000,
  install: ensureDendrite,
  prepare: async ({ workDir, port, install: { binDir }, registrationSharedSecret, options }) => {
    const env = scrubbedEnvironment(STRIPPED_VARIABLES);
    const configFile = join(workDir, 'dendrite.yaml');
    const run = (command: DendriteCommand, args: string[]) =>
      execFileAsync(join(binDir, command), args, { cwd: workDir, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    await run('generate-keys', ['--private-key', join(workDir, 'matrix_key.pem')]);
    const { stdout: generated } = await run('generate-config', ['-ci', '-dir', workDir, '-server', DENDRITE_SERVER_NAME]);
    await writeFile(
      configFile,
      renderDendriteConfig(generated, { workDir, identityPort: options.identityPort, registrationSharedSecret }),
    );
    return { command: join(binDir, 'dendrite'), args: dendriteArguments(configFile, port), env };
  },
});

/** --launch dendrite. */
export const DENDRITE: LaunchableServer<'dendrite'> = {
  name: 'dendrite',
  server: 'dendrite',
  folder: serverFolder('dendrite'),
  launch: (options) => launchDendrite(options),
};
