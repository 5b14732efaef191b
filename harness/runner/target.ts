import type { Profile } from '../model/profile.js';
import type { SpecVersion } from '../model/spec-versions.js';

/** Everything the runner needs to know about the target; plain data. */
export interface Target {
  url: string;
  spec: SpecVersion;
  profile: Profile;
  identityPort: number;
  /** The fake identity service serves HTTPS (with its own self-signed certificate). */
  identityTls: boolean;
  /** `id_server` for the fake identity service, where the server reaches it by another name (containers). */
  identityServerName?: string;
  smtpPort: number;
  sharedSecret?: string;
  timeoutMs: number;
  maxBodyBytes: number;
  only?: string;
  quick: boolean;
}
