// What every launcher (Synapse, Dendrite, …) hands back: a running homeserver on loopback.

export interface LaunchedHomeserver<Name extends string = string> {
  /** The server family: 'synapse', 'dendrite', … */
  name: Name;
  version: string;
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  serverName: string;
  /** For `/_synapse/admin/v1/register` (Synapse's format; Dendrite speaks it too). */
  registrationSharedSecret: string;
  /** The server's stdout and stderr. */
  logFile: string;
  workDir: string;
  /** Stops the server's whole process group, then removes the work folder unless kept. Idempotent. */
  stop(): Promise<void>;
}
