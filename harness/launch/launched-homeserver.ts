// What every launcher (Synapse, Dendrite, …) hands back: a running homeserver on loopback.

export interface LaunchedHomeserver<Name extends string = string> {
  /** The server family: 'synapse', 'dendrite', … */
  name: Name;
  version: string;
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  serverName: string;
  /** For `/_synapse/admin/v1/register` (Synapse's format; Dendrite and tuwunel speak it too), where the server offers it. */
  registrationSharedSecret?: string;
  /**
   * What `id_server` must say for this server to reach the fake identity service, where that
   * is not the fake's own 127.0.0.1:PORT (a server in a container reaches the host by name).
   */
  identityServerName?: string;
  /** The server's stdout and stderr. */
  logFile: string;
  workDir: string;
  /** Stops the server's whole process group, then removes the work folder unless kept. Idempotent. */
  stop(): Promise<void>;
}
