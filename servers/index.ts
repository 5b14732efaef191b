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
import { PALPO } from './palpo/local.js';
import { DOCKER_SYNAPSE } from './synapse/container.js';
import { SYNAPSE } from './synapse/local.js';

export const SERVERS = [
  SYNAPSE,
  DENDRITE,
  PALPO,
  DOCKER_SYNAPSE,
  DOCKER_DENDRITE,
  DOCKER_CONDUWUIT,
  DOCKER_CONTINUWUITY,
  DOCKER_TUWUNEL,
] as const satisfies readonly LaunchableServer[];

type BaseName = (typeof SERVERS)[number]['name'];

/** As --launch names a server: its registry name, or `name@VERSION` where the entry takes versions. */
export type Launchable = BaseName | `${BaseName}@${string}`;

export const LAUNCHABLE: readonly BaseName[] = SERVERS.map((server) => server.name);

/** The entries that launch any release by `name@VERSION`. */
export const VERSIONED: readonly BaseName[] = SERVERS.filter((server) => 'versions' in server).map((server) => server.name);

/** A --launch name split into the entry it starts with and the release after `@`, if any. */
function entryOf(name: string): { base: string; server: LaunchableServer | undefined; version: string | undefined } {
  const at = name.indexOf('@');
  const base = at === -1 ? name : name.slice(0, at);
  return { base, server: SERVERS.find((entry) => entry.name === base), version: at === -1 ? undefined : name.slice(at + 1) };
}

/** The registry entry and the release a --launch name asks for; undefined when it names none. */
export function parseLaunchable(name: string): { server: LaunchableServer; version?: string } | undefined {
  const { server, version } = entryOf(name);
  if (!server) return undefined;
  if (version === undefined) return { server };
  return server.versions?.pattern.test(version) ? { server, version } : undefined;
}

export function isLaunchable(name: string): name is Launchable {
  return parseLaunchable(name) !== undefined;
}

/** Why a --launch name is refused, in words for the one-line error. */
export function whyNotLaunchable(name: string): string {
  const { base, server } = entryOf(name);
  if (!server) {
    const versioned = SERVERS.flatMap((entry) => (entry.versions ? [`${entry.name}@${entry.versions.example}`] : []));
    return `"${name}" cannot be launched (choose ${[...LAUNCHABLE, ...versioned].join(', ')})`;
  }
  if (!server.versions) return `"${name}": ${base} is launched at its pinned release only`;
  return `"${name}": not a ${base} release number (e.g. ${base}@${server.versions.example})`;
}

export function launchableServer(name: Launchable): LaunchableServer {
  return parseLaunchable(name)!.server;
}

/** The profile (and built-in expectations) of a launched server when none is named: its family's. */
export function defaultProfileName(name: Launchable): string {
  return launchableServer(name).server;
}

export function launchHomeserver(name: Launchable, options: LaunchOptions, profile: Profile): Promise<LaunchedHomeserver> {
  const { server, version } = parseLaunchable(name)!;
  return launchServer(server, { ...options, ...(version && { version }) }, profile);
}
