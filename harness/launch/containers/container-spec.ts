// What a container launch is made of, as plain data: the image, its environment and files,
// the port it serves on, and how the suite reaches it. Built by pure functions (one per
// server, in servers/<family>/container.ts), run by run-container.ts, the only module that
// talks to Docker.

import { randomBytes } from 'node:crypto';
import type { ValidationRoute } from '../../model/profile.js';

/**
 * The name under which a container reaches the host. testcontainers puts it in the
 * container's /etc/hosts when host ports were exposed with `TestContainers.exposeHostPorts`
 * (an SSH reverse tunnel through its sshd side container), so the harness's services can
 * stay on the host's loopback interface.
 */
export const HOST_ALIAS = 'host.testcontainers.internal';

/** Every image here serves the client API on 8008 inside the container. */
export const CONTAINER_PORT = 8008;

/** The server name of every launched container; nothing federates, so it never leaves. */
export const CONTAINER_SERVER_NAME = 'localhost';

export interface ContainerPorts {
  /** The harness's fake identity service on the host. */
  identityPort: number;
  /** The harness's SMTP sink on the host. */
  smtpPort: number;
  /**
   * The host port the container's client port is published on (on 127.0.0.1). Fixed before
   * start, because the servers put their public URL into the links they mail.
   */
  hostPort: number;
}

export interface ContainerSecrets {
  registrationSharedSecret: string;
  macaroonSecretKey: string;
  formSecret: string;
}

export function randomSecrets(): ContainerSecrets {
  const secret = () => randomBytes(24).toString('base64url');
  return { registrationSharedSecret: secret(), macaroonSecretKey: secret(), formSecret: secret() };
}

export interface ContainerFile {
  /** Absolute path inside the container. */
  path: string;
  content: string;
  /** Octal permission bits (e.g. 0o644). */
  mode: number;
}

export interface ContainerSpec {
  /** As --launch names it: docker:synapse. */
  kind: string;
  /** The server family, as reports name it (synapse, dendrite, …). */
  server: string;
  /** The server's version, as pinned by the image tag. */
  version: string;
  /** A fully pinned image reference (repository and tag). */
  image: string;
  env: Record<string, string>;
  files: ContainerFile[];
  /** tmpfs mounts (path → mount options): the server's state, gone with the container. */
  tmpfs: Record<string, string>;
  /** Replaces the image's entrypoint, where the image's own does not fit. */
  entrypoint?: string[];
  /** Replaces the image's command. */
  command?: string[];
  /** The client-API port inside the container. */
  exposedPort: number;
  /** Where the harness reaches it: http://127.0.0.1:hostPort. */
  hostPort: number;
  url: string;
  /** Polled until it answers 200. */
  readyPath: string;
  startupTimeoutMs: number;
  /** Host ports the container calls back into (identity service, mail sink). */
  hostPortsToExpose: number[];
  serverName: string;
  /**
   * The harness's identity service as the server in the container reaches it, i.e. what a
   * request's `id_server` must name for a server that proxies to it (Dendrite): the fake
   * identity service's own name (127.0.0.1:PORT) means the container itself there.
   */
  identityServerName: string;
  /** For `/_synapse/admin/v1/register`, where the server offers it. */
  registrationSharedSecret?: string;
  /** How registration is opened (for reports and tests). */
  openRegistration: string;
  /** How the server validates addresses in this configuration (what its profiles must say). */
  validation: { email: ValidationRoute; msisdn: ValidationRoute };
}

/** Where a container keeps its state: a tmpfs, gone with the container. */
export const CONTAINER_DATA_DIR = '/m3c-data';

/** The harness's identity service as a server in a container reaches it: host and port, as id_server names it. */
export function identityServerFromContainer(ports: ContainerPorts): string {
  return `${HOST_ALIAS}:${ports.identityPort}`;
}

/**
 * What every container shares: the client API on CONTAINER_PORT, published on the host's
 * 127.0.0.1:hostPort, ready once /versions answers, under the one server name, with its state
 * in CONTAINER_DATA_DIR on a tmpfs (world-writable, because images drop to their own user),
 * and the harness's identity service reached through the host alias.
 */
export function sharedByEveryContainer(
  ports: ContainerPorts,
): Pick<ContainerSpec, 'exposedPort' | 'hostPort' | 'url' | 'readyPath' | 'serverName' | 'tmpfs' | 'identityServerName'> {
  return {
    tmpfs: { [CONTAINER_DATA_DIR]: 'rw,mode=1777' },
    exposedPort: CONTAINER_PORT,
    hostPort: ports.hostPort,
    url: `http://127.0.0.1:${ports.hostPort}`,
    readyPath: '/_matrix/client/versions',
    serverName: CONTAINER_SERVER_NAME,
    identityServerName: identityServerFromContainer(ports),
  };
}

