// Every server the harness can launch, one entry each, in the order --help lists them. Each
// entry lives in its server's folder (servers/<family>/: launcher, config template,
// profiles/, expectations/); the machinery they share is in harness/launch/.
import type { LaunchableServer, LaunchOptions } from '../harness/launch/launchable.js';
import { launchServer } from '../harness/launch/launchable.js';
import type { LaunchedHomeserver } from '../harness/launch/launched-homeserver.js';
import type { Profile } from '../harness/model/profile.js';
import { DOCKER_CONDUWUIT, DOCKER_CONTINUWUITY, DOCKER_TUWUNEL } from './conduwuit/container.js';
import { DOCKER_DENDRITE } from './dendrite/container.js';
import { DENDRITE } from './dendrite/local.js';
import { DOCKER_SYNAPSE } from './synapse/container.js';
import { SYNAPSE } from './synapse/local.js';

export const SERVERS = [
  SYNAPSE,
  DENDRITE,
  DOCKER_SYNAPSE,
  DOCKER_DENDRITE,
  DOCKER_CONDUWUIT,
  DOCKER_CONTINUWUITY,
  DOCKER_TUWUNEL,
] as const satisfies readonly LaunchableServer[];

export type Launchable = (typeof SERVERS)[number]['name'];

export const LAUNCHABLE: readonly Launchable[] = SERVERS.map((server) => server.name);

export function isLaunchable(name: string): name is Launchable {
  return (LAUNCHABLE as readonly string[]).includes(name);
}

export function launchableServer(name: Launchable): LaunchableServer {
  return SERVERS.find((server) => server.name === name)!;
}

/** The profile (and built-in expectations) of a launched server when none is named: its family's. */
export function defaultProfileName(name: Launchable): string {
  return launchableServer(name).server;
}

export function launchHomeserver(name: Launchable, options: LaunchOptions, profile: Profile): Promise<LaunchedHomeserver> {
  return launchServer(launchableServer(name), options, profile);
}
