// Runs a container specification with testcontainers: the only module here that talks to
// Docker. testcontainers is an optional dependency, loaded on first use, so the CLI starts
// (and --help works) without it, and a machine without it or without Docker only learns so
// when it asks for a container.
//
// What testcontainers provides (node.testcontainers.org: containers, wait strategies,
// networking): GenericContainer with environment, tmpfs, content copied in before start,
// published ports and an HTTP wait strategy; TestContainers.exposeHostPorts, which makes host
// ports reachable from containers as host.testcontainers.internal (an SSH reverse tunnel
// through its sshd side container, added to the container's /etc/hosts); and Ryuk, its
// reaper container, which removes everything a run started if the run dies without stop().
import { createWriteStream, existsSync } from 'node:fs';
import { UsageError } from '../../tool/usage-error.js';
import { freePort, tailFile } from '../child-process.js';
import type { LaunchedHomeserver } from '../launched-homeserver.js';
import { launchInWorkDir, type Log } from '../lifecycle.js';
import { randomSecrets, type ContainerPorts, type ContainerSecrets, type ContainerSpec } from './container-spec.js';

type Testcontainers = typeof import('testcontainers');

/** testcontainers, or what is missing in words that follow "needs": one line. */
async function loadTestcontainers(): Promise<Testcontainers | { missing: string }> {
  try {
    return await import('testcontainers');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && message(error).includes("'testcontainers'")) {
      return { missing: 'the optional package testcontainers, which is not installed (npm install testcontainers)' };
    }
    return { missing: `the package testcontainers, which cannot be loaded (${message(error).replace(/\s+/g, ' ')})` };
  }
}

export interface DockerStatus {
  available: boolean;
  /** Why not, in words for a skip message or an error. */
  reason?: string;
  /** Where the engine was found, when it was. */
  runtime?: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the machine says about an engine, for the reason when none answers. */
function engineHint(env: NodeJS.ProcessEnv): string {
  if (env.DOCKER_HOST) return `DOCKER_HOST=${env.DOCKER_HOST} does not answer`;
  if (existsSync('/var/run/docker.sock')) return 'the engine socket /var/run/docker.sock does not answer';
  return 'no engine socket at /var/run/docker.sock and DOCKER_HOST is not set';
}

/**
 * Whether a Docker engine answers, asked the way testcontainers will ask (its strategies:
 * TESTCONTAINERS_HOST_OVERRIDE and ~/.testcontainers.properties, DOCKER_HOST, the default
 * socket, the rootless socket), within `timeoutMs`.
 */
export async function dockerAvailable(timeoutMs = 5_000, env: NodeJS.ProcessEnv = process.env): Promise<DockerStatus> {
  const tc = await loadTestcontainers();
  if ('missing' in tc) return { available: false, reason: `asking an engine needs ${tc.missing}` };
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    const client = await Promise.race([tc.getContainerRuntimeClient(), deadline]);
    const info = client.info.containerRuntime;
    return { available: true, runtime: `${info.host} (${info.operatingSystem}, API ${info.serverVersion})` };
  } catch (error) {
    return { available: false, reason: `no Docker engine: ${engineHint(env)} (testcontainers: ${message(error)})` };
  } finally {
    clearTimeout(timer);
  }
}

export interface LaunchContainerOptions {
  identityPort: number;
  smtpPort: number;
  /** Host port for the client API, on 127.0.0.1. Default: a free one. */
  hostPort?: number;
  secrets?: ContainerSecrets;
  /** Keep the container log after stop(). Default false. */
  keepLog?: boolean;
  log?: Log;
}

/** A server's container, from the ports and secrets of one launch. */
export type ContainerSpecBuilder = (ports: ContainerPorts, secrets: ContainerSecrets) => ContainerSpec;

/**
 * A running homeserver container: what the local launchers hand back (name is the server
 * family: synapse, dendrite, conduwuit, continuwuity, tuwunel; logFile holds the container's
 * output), except that the shared secret exists only where the server offers Synapse-style
 * registration.
 */
export interface LaunchedContainer extends Omit<LaunchedHomeserver, 'registrationSharedSecret'> {
  kind: string;
  image: string;
  registrationSharedSecret?: string;
  /** What `id_server` must say for the server in the container to reach the fake identity service. */
  identityServerName: string;
  containerId: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);
const LABEL = 'org.matrix-3pid-conformance.kind';

/**
 * The GenericContainer for a specification, not started (building one does not talk to
 * Docker). Its log goes to `logFile`.
 */
export async function containerFor(spec: ContainerSpec, logFile: string) {
  const tc = await import('testcontainers');
  // testcontainers publishes ports on every host interface; a server with open
  // registration belongs on loopback only, so the binding gets a host IP.
  class LoopbackContainer extends tc.GenericContainer {
    publishOnLoopback(containerPort: number, hostPort: number): this {
      this.withExposedPorts({ container: containerPort, host: hostPort });
      this.hostConfig.PortBindings = {
        ...this.hostConfig.PortBindings,
        [`${containerPort}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }],
      };
      return this;
    }
  }
  const container = new LoopbackContainer(spec.image)
    .withEnvironment(spec.env)
    .withTmpFs(spec.tmpfs)
    .publishOnLoopback(spec.exposedPort, spec.hostPort)
    .withWaitStrategy(tc.Wait.forHttp(spec.readyPath, spec.exposedPort).forStatusCode(200))
    .withStartupTimeout(spec.startupTimeoutMs)
    .withLabels({ [LABEL]: spec.kind })
    .withLogConsumer((stream) => {
      // A log that cannot be written must not take the run down with it.
      const file = createWriteStream(logFile, { flags: 'a' }).on('error', () => undefined);
      stream.on('error', () => undefined).pipe(file);
    });
  if (spec.files.length > 0) {
    container.withCopyContentToContainer(spec.files.map((f) => ({ content: f.content, target: f.path, mode: f.mode })));
  }
  if (spec.entrypoint) container.withEntrypoint(spec.entrypoint);
  if (spec.command) container.withCommand(spec.command);
  return container;
}

/** Starts the container `kind` (as --launch names it) that `build` describes, and waits until it is ready. */
export async function launchContainer(kind: string, build: ContainerSpecBuilder, options: LaunchContainerOptions): Promise<LaunchedContainer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[${kind}] ${line}\n`));
  // The caller's setup, not a fault of the run: reported like a bad option (exit code 2).
  const tc = await loadTestcontainers();
  if ('missing' in tc) throw new UsageError(`--launch ${kind} needs ${tc.missing}`);
  const docker = await dockerAvailable();
  if (!docker.available) throw new UsageError(`--launch ${kind} needs a Docker engine: ${docker.reason}`);
  const client = await tc.getContainerRuntimeClient();
  if (!LOOPBACK_HOSTS.has(client.info.containerRuntime.host)) {
    throw new UsageError(
      `--launch ${kind} needs a Docker engine on this machine (the server is configured with http://127.0.0.1:PORT); ` +
        `the engine is at ${client.info.containerRuntime.host}`,
    );
  }

  const hostPort = options.hostPort ?? (await freePort());
  const spec = build({ identityPort: options.identityPort, smtpPort: options.smtpPort, hostPort }, options.secrets ?? randomSecrets());
  const launched = await launchInWorkDir({
    name: `${spec.server} ${spec.version}`,
    url: spec.url,
    keepWorkDir: options.keepLog ?? false,
    tempPrefix: 'm3c-container-',
    logFileName: 'container.log',
    log,
    start: async ({ logFile }) => {
      try {
        if (spec.hostPortsToExpose.length > 0) {
          log(`exposing host ports ${spec.hostPortsToExpose.join(', ')} to containers as host.testcontainers.internal`);
          await tc.TestContainers.exposeHostPorts(...spec.hostPortsToExpose);
        }
        log(`starting ${spec.image} at ${spec.url} (pulled first if missing; log ${logFile})`);
        // Started means ready: the container's wait strategy polls spec.readyPath.
        const running = await (await containerFor(spec, logFile)).start();
        return { id: running.getId(), stop: () => running.stop({ timeout: 10_000 }) };
      } catch (error) {
        const tail = tailFile(logFile, 30);
        throw new Error(`${kind} (${spec.image}) did not become ready: ${message(error)}${tail ? `\nlast lines of its log:\n${tail}` : ''}`);
      }
    },
    ready: async () => undefined,
  });
  return {
    kind,
    name: spec.server,
    version: spec.version,
    image: spec.image,
    url: launched.url,
    serverName: spec.serverName,
    identityServerName: spec.identityServerName,
    ...(spec.registrationSharedSecret !== undefined && { registrationSharedSecret: spec.registrationSharedSecret }),
    logFile: launched.logFile,
    workDir: launched.workDir,
    containerId: launched.running.id,
    stop: launched.stop,
  };
}
