// Every homeserver the harness can launch, configured to match the profile it is tested with.
import type { Launchable } from '../cli/config.js';
import { UsageError } from '../cli/config.js';
import type { Profile } from '../model/profile.js';
import { launchContainer } from './containers/launch.js';
import { isContainerKind, serverOf, type ContainerKind } from './containers/types.js';
import { launchDendrite } from './dendrite.js';
import type { LaunchedHomeserver } from './launched-homeserver.js';
import { launchSynapse } from './synapse.js';

export interface LaunchOptions {
  identityPort: number;
  smtpPort: number;
  log?: (line: string) => void;
}

type Launcher = (options: LaunchOptions, profile: Profile) => Promise<LaunchedHomeserver>;

/** A server in a container (a Docker engine needed); docker:synapse takes synapse's profile variants. */
const inContainer =
  (kind: ContainerKind): Launcher =>
  (options, profile) =>
    launchContainer(kind, {
      ...options,
      ...(kind === 'docker:synapse' && { variant: { inhibit3pidErrors: profile.privacy, defaultRateLimits: profile.rateLimited === true } }),
    });

const LAUNCHERS: Record<Launchable, Launcher> = {
  // One template serves the synapse profiles; the profile picks the variant.
  synapse: (options, profile) =>
    launchSynapse({ ...options, variant: { inhibit3pidErrors: profile.privacy, defaultRateLimits: profile.rateLimited === true } }),
  dendrite: (options) => launchDendrite(options),
  'docker:synapse': inContainer('docker:synapse'),
  'docker:dendrite': inContainer('docker:dendrite'),
  'docker:conduwuit': inContainer('docker:conduwuit'),
  'docker:continuwuity': inContainer('docker:continuwuity'),
  'docker:tuwunel': inContainer('docker:tuwunel'),
};

/** The profile (and built-in expectations) of a launched server when none is named: docker:X is configured like X. */
export function defaultProfileName(name: Launchable): string {
  return isContainerKind(name) ? serverOf(name) : name;
}

export function launchHomeserver(name: Launchable, options: LaunchOptions, profile: Profile): Promise<LaunchedHomeserver> {
  const server = isContainerKind(name) ? serverOf(name) : name;
  if (profile.server !== undefined && profile.server !== server) {
    throw new UsageError(`profile ${profile.name} describes a ${profile.server} server; it cannot configure a launched ${name}`);
  }
  return LAUNCHERS[name](options, profile);
}
