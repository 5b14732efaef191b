// The ways the self-tests configure the reference homeserver, each with the profile that
// describes it to the CLI. A scenario's failure cases run under the first setup it applies
// to, so the order puts the plainest setup first.
import { fileURLToPath } from 'node:url';
import { loadProfile, type Capability, type Profile } from '../../harness/model/profile.js';
import { inapplicability, type Scenario } from '../../harness/model/scenario.js';
import { newestAdvertised, type SpecVersion } from '../../harness/model/spec-versions.js';
import { ADVERTISED_VERSIONS, type ReferenceHomeserverOptions } from './reference-homeserver.js';

export interface Setup {
  name: string;
  /** A built-in profile's name or a profile file, as --profile takes it. */
  profile: string;
  /** identityPort, smtpPort and faults are the run's; trustedIdServers is always the fake's `127.0.0.1:PORT`. */
  server: Omit<ReferenceHomeserverOptions, 'identityPort' | 'smtpPort' | 'faults' | 'trustedIdServers'>;
  /** Only the scenarios that need this run under the setup: every other one would meet its refusals. */
  onlyNeeding?: Capability;
  /**
   * The spec release to test at (--spec), where not the newest the server advertises: the
   * scenarios of releases before r0.6.0 run on its r0 paths, where it keeps to their rules.
   */
  spec?: SpecVersion;
}

const profileFile = (name: string) => fileURLToPath(new URL(`./profiles/${name}.json`, import.meta.url));

// Short, so that the identity-service hang scenarios get their error in seconds.
const IDENTITY_TIMEOUT_MS = 2_000;

export const SETUPS: readonly Setup[] = (
  [
    { name: 'synapse', profile: 'synapse', server: {} },
    { name: 'privacy', profile: 'synapse-privacy', server: { privacy: true } },
    { name: 'rate-limited', profile: 'synapse-ratelimited', server: { rateLimit: { burst: 3 } }, onlyNeeding: 'rate-limited' },
    { name: 'no-email', profile: profileFile('no-email'), server: { noEmail: true } },
    // Email proxied to id_server over HTTPS, as Dendrite does; the profile has the fake serve TLS.
    { name: 'email-via-id-server', profile: profileFile('email-via-id-server'), server: { emailVia: 'id-server', identityTls: true } },
    { name: 'no-validation', profile: profileFile('no-validation'), server: { noEmail: true, noMsisdn: true } },
    // The founding releases' proxy: id_server required in every request, the request proxied to it.
    { name: 'r0.5.0-email-via-id-server', profile: profileFile('email-via-id-server'), server: { emailVia: 'id-server', identityTls: true }, spec: 'r0.5.0' },
  ] satisfies Setup[]
).map((setup) => ({ ...setup, server: { identityTimeoutMs: IDENTITY_TIMEOUT_MS, ...setup.server } }));

/** The spec release the CLI tests the reference homeserver at (it is given no --spec). */
export const REFERENCE_SPEC: SpecVersion = newestAdvertised(ADVERTISED_VERSIONS)!;

const profiles = new Map(SETUPS.map((setup) => [setup.name, loadProfile(setup.profile)]));

export function profileOf(setup: Setup): Profile {
  return profiles.get(setup.name)!;
}

export function appliesUnder(scenario: Scenario, setup: Setup): boolean {
  if (setup.onlyNeeding && !scenario.needs?.includes(setup.onlyNeeding)) return false;
  return inapplicability(scenario, setup.spec ?? REFERENCE_SPEC, profileOf(setup)) === undefined;
}

/** Where the scenario's failure cases run: the first setup it applies under. */
export function homeSetup(scenario: Scenario): Setup | undefined {
  return SETUPS.find((setup) => appliesUnder(scenario, setup));
}
