// What a container launch is made of, as plain data: the image, its environment and files,
// the port it serves on, and how the suite reaches it. Built by pure functions (one module
// per server family), run by launch.ts, which is the only module that talks to Docker.

export const CONTAINER_KINDS = ['docker:synapse', 'docker:dendrite', 'docker:conduwuit', 'docker:continuwuity', 'docker:tuwunel'] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

export function isContainerKind(value: string): value is ContainerKind {
  return (CONTAINER_KINDS as readonly string[]).includes(value);
}

/**
 * The server family a kind launches (`docker:tuwunel` → `tuwunel`): also the name of the
 * profile (fixtures/profiles/) and expectations (fixtures/expectations/) that describe it.
 */
export function serverOf(kind: ContainerKind): string {
  return kind.slice('docker:'.length);
}

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

/** Variants of one server's configuration, as profiles select them (see launchers.ts). */
export interface ContainerVariant {
  /** Synapse: request_token_inhibit_3pid_errors (the privacy profile). */
  inhibit3pidErrors?: boolean;
  /** Synapse: keep its own rate limits instead of the template's raised ones. */
  defaultRateLimits?: boolean;
}

export interface ContainerSecrets {
  registrationSharedSecret: string;
  macaroonSecretKey: string;
  formSecret: string;
}

export interface ContainerFile {
  /** Absolute path inside the container. */
  path: string;
  content: string;
  /** Octal permission bits (e.g. 0o644). */
  mode: number;
}

export type ValidationRoute = 'smtp' | 'identity-service' | 'none';

export interface ContainerSpec {
  kind: ContainerKind;
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
  /** How the server validates addresses in this configuration. */
  validation: { email: ValidationRoute; msisdn: ValidationRoute };
  /** The profile (fixtures/profiles/NAME.json) that describes this configuration. */
  profile: string;
}
