// Every homeserver the harness can launch, configured to match the profile it is tested with.
import type { Launchable } from '../config.js';
import { UsageError } from '../config.js';
import type { Profile } from '../profile.js';
import { launchDendrite } from './dendrite.js';
import type { LaunchedHomeserver } from './launched-homeserver.js';
import { launchSynapse } from './synapse.js';

export interface LaunchOptions {
  identityPort: number;
  smtpPort: number;
  log?: (line: string) => void;
}

type Launcher = (options: LaunchOptions, profile: Profile) => Promise<LaunchedHomeserver>;

const LAUNCHERS: Record<Launchable, Launcher> = {
  // One template serves the synapse profiles; the profile picks the variant.
  synapse: (options, profile) =>
    launchSynapse({ ...options, variant: { inhibit3pidErrors: profile.privacy, defaultRateLimits: profile.rateLimited === true } }),
  dendrite: (options) => launchDendrite(options),
};

export function launchHomeserver(name: Launchable, options: LaunchOptions, profile: Profile): Promise<LaunchedHomeserver> {
  if (profile.server !== undefined && profile.server !== name) {
    throw new UsageError(`profile ${profile.name} describes a ${profile.server} server; it cannot configure a launched ${name}`);
  }
  return LAUNCHERS[name](options, profile);
}
