// What a registry entry (servers/index.ts) is: one server the harness can launch, as a local
// process or in a container, configured to match the profile it is tested with.
import type { Profile } from '../model/profile.js';
import { UsageError } from '../tool/usage-error.js';
import type { ContainerPorts, ContainerSecrets, ContainerSpec } from './containers/container-spec.js';
import { launchContainer } from './containers/run-container.js';
import type { LaunchedHomeserver } from './launched-homeserver.js';

export interface LaunchOptions {
  identityPort: number;
  smtpPort: number;
  log?: (line: string) => void;
  /** A release other than the pinned one (`--launch synapse@1.120.0`), where the entry takes versions. */
  version?: string;
}

export interface LaunchableServer<Name extends string = string> {
  /** As --launch names it: synapse, docker:synapse. */
  name: Name;
  /**
   * The server family: what a profile's `server` must say to configure it, and the name of
   * its profile (and built-in expectations) when none is named.
   */
  server: string;
  /** The server's folder: its launcher, config template, profiles/ and expectations/. */
  folder: string;
  /** Launches it, configured as `profile` describes. */
  launch(options: LaunchOptions, profile: Profile): Promise<LaunchedHomeserver>;
  /** Present where any release can be launched by `name@VERSION`: what a release number looks like. */
  versions?: { pattern: RegExp; example: string };
}

/** A server in a container (a Docker engine needed), its specification built for the profile. */
export interface ContainerServer<Name extends string = string> extends LaunchableServer<Name> {
  spec(ports: ContainerPorts, secrets: ContainerSecrets, profile: Profile): ContainerSpec;
}

export function containerServer<Name extends string>(
  entry: Omit<ContainerServer<Name>, 'launch'>,
): ContainerServer<Name> {
  return {
    ...entry,
    launch: (options, profile) => launchContainer(entry.name, (ports, secrets) => entry.spec(ports, secrets, profile), options),
  };
}

/** Launches `server`, refusing a profile written for another server family. */
export async function launchServer(server: LaunchableServer, options: LaunchOptions, profile: Profile): Promise<LaunchedHomeserver> {
  if (profile.server !== undefined && profile.server !== server.server) {
    throw new UsageError(`profile ${profile.name} describes a ${profile.server} server; it cannot configure a launched ${server.name}`);
  }
  return server.launch(options, profile);
}
