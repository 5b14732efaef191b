// The conduwuit family: conduwuit (archived), and its continuations continuwuity and tuwunel.
// All three are configured entirely by environment variables: the config file's keys in
// capitals after the server's prefix, nested sections joined with `__`
// (e.g. CONTINUWUITY_SMTP__CONNECTION_URI for [global.smtp] connection_uri).
//
// Relied on:
// - conduwuit v0.5.0-rc4 (girlbossceo/conduwuit: docs/configuration.md "Environment
//   variables"; src/core/config/mod.rs Config::load merges Env::prefixed("CONDUWUIT_")
//   .global().split("__"); conduwuit-example.toml; .github/workflows/ci.yml publishes
//   ghcr.io/girlbossceo/conduwuit:<git tag>-<commit sha>, the last release being v0.5.0-rc4
//   at d8311a5). It has no email or SMS support and no shared-secret registration.
// - continuwuity v26.7.3 (continuwuity/continuwuity: docs/deploying/docker.mdx, the
//   ghcr.io/continuwuity/continuwuity mirror of v-prefixed release tags in
//   .forgejo/regsync/regsync.yml; src/core/config/mod.rs merges the CONDUIT_, CONDUWUIT_ and
//   CONTINUWUITY_ prefixes; conduwuit-example.toml: [global.smtp] connection_uri and sender,
//   allow_announcements_check; force_disable_first_run_mode, the flag its Complement config
//   uses, because first-run mode refuses registration until a logged one-off token is used).
//   Mailed validation links are built on well_known.client (or the server name).
// - tuwunel v1.9.0 (matrix-construct/tuwunel: docs/deploying/docker.md,
//   .github/workflows/publish.yml pushes ghcr.io/matrix-construct/tuwunel:<git tag>;
//   ENV_PREFIXES CONDUIT_, CONDUWUIT_, TUWUNEL_; tuwunel-example.toml: registration_shared_secret
//   for Synapse-style /_synapse/admin/v1/register, [global.smtp] connection_uri and sender, and
//   sending mail requires well_known.client (src/api/client/account/3pid/email_token.rs)).
// - lettre's SmtpTransport::from_url (docs.rs/lettre): smtp://host:port without a `tls`
//   parameter is plain SMTP, matching the mail sink (which offers no STARTTLS).
// Shared by all three: allow_registration plus the explicit
// yes_i_am_very_very_sure_i_want_an_open_registration_server_prone_to_abuse opens
// registration without a token; trusted_servers (key notaries) defaults to matrix.org;
// allow_federation switches federation off; rocksdb_direct_io must be off on tmpfs.
import {
  CONTAINER_DATA_DIR,
  CONTAINER_PORT,
  CONTAINER_SERVER_NAME,
  HOST_ALIAS,
  type ContainerPorts,
  type ContainerSecrets,
  type ContainerSpec,
  sharedByEveryContainer,
} from '../../harness/launch/containers/container-spec.js';
import { containerServer } from '../../harness/launch/launchable.js';
import { serverFolder } from '../../harness/tool/server-folders.js';

export const MAIL_SENDER = 'Conformance homeserver <noreply@conformance.test>';

interface Family {
  /** As --launch names it. */
  kind: `docker:${string}`;
  server: string;
  version: string;
  image: string;
  prefix: string;
  /** Has [global.smtp]. */
  smtp: boolean;
  /** Has registration_shared_secret. */
  sharedSecret: boolean;
  /** The key of the periodic announcement/update fetch, where the server has one. */
  announcements?: string;
  /** Has first-run mode (registration closed until a logged token is used). */
  firstRunMode: boolean;
}

export const CONDUWUIT_FAMILY = {
  'docker:conduwuit': {
    kind: 'docker:conduwuit',
    server: 'conduwuit',
    version: '0.5.0-rc4',
    image: 'ghcr.io/girlbossceo/conduwuit:v0.5.0-rc4-d8311a5ff672fdc4729d956af5e3af8646b0670d',
    prefix: 'CONDUWUIT_',
    smtp: false,
    sharedSecret: false,
    announcements: 'ALLOW_CHECK_FOR_UPDATES',
    firstRunMode: false,
  },
  'docker:continuwuity': {
    kind: 'docker:continuwuity',
    server: 'continuwuity',
    version: '26.7.3',
    image: 'ghcr.io/continuwuity/continuwuity:v26.7.3',
    prefix: 'CONTINUWUITY_',
    smtp: true,
    sharedSecret: false,
    announcements: 'ALLOW_ANNOUNCEMENTS_CHECK',
    firstRunMode: true,
  },
  'docker:tuwunel': {
    kind: 'docker:tuwunel',
    server: 'tuwunel',
    version: '1.9.0',
    image: 'ghcr.io/matrix-construct/tuwunel:v1.9.0',
    prefix: 'TUWUNEL_',
    smtp: true,
    sharedSecret: true,
    // v1.9.0 has no announcement or update check.
    firstRunMode: false,
  },
} as const satisfies Record<string, Family>;

export type ConduwuitKind = keyof typeof CONDUWUIT_FAMILY;

/** The environment, keys without the prefix (config-file names in capitals). */
export function conduwuitSettings(family: Family, ports: ContainerPorts, secrets: ContainerSecrets): Record<string, string> {
  const settings: Record<string, string> = {
    SERVER_NAME: CONTAINER_SERVER_NAME,
    ADDRESS: '0.0.0.0',
    PORT: String(CONTAINER_PORT),
    DATABASE_PATH: CONTAINER_DATA_DIR,
    ROCKSDB_DIRECT_IO: 'false',
    // Open registration, by the explicit flag (no token: the suite registers freely).
    ALLOW_REGISTRATION: 'true',
    YES_I_AM_VERY_VERY_SURE_I_WANT_AN_OPEN_REGISTRATION_SERVER_PRONE_TO_ABUSE: 'true',
    // Nothing outbound: no key notaries, no federation (URL previews are off by default:
    // their allow-lists are empty).
    TRUSTED_SERVERS: '[]',
    ALLOW_FEDERATION: 'false',
    // Public URL for links in mails and for discovery: the address the harness uses.
    WELL_KNOWN__CLIENT: `http://127.0.0.1:${ports.hostPort}`,
    LOG: 'info',
    LOG_COLORS: 'false',
  };
  if (family.announcements) settings[family.announcements] = 'false';
  if (family.firstRunMode) settings.FORCE_DISABLE_FIRST_RUN_MODE = 'true';
  if (family.sharedSecret) settings.REGISTRATION_SHARED_SECRET = secrets.registrationSharedSecret;
  if (family.smtp) {
    settings.SMTP__CONNECTION_URI = `smtp://${HOST_ALIAS}:${ports.smtpPort}`;
    settings.SMTP__SENDER = MAIL_SENDER;
  }
  return settings;
}

export function conduwuitContainerSpec(kind: ConduwuitKind, ports: ContainerPorts, secrets: ContainerSecrets): ContainerSpec {
  const family: Family = CONDUWUIT_FAMILY[kind];
  const env = Object.fromEntries(
    Object.entries(conduwuitSettings(family, ports, secrets)).map(([key, value]) => [`${family.prefix}${key}`, value]),
  );
  return {
    kind,
    server: family.server,
    version: family.version,
    image: family.image,
    env,
    files: [],
    ...sharedByEveryContainer(ports),
    startupTimeoutMs: 120_000,
    hostPortsToExpose: family.smtp ? [ports.smtpPort] : [],
    ...(family.sharedSecret && { registrationSharedSecret: secrets.registrationSharedSecret }),
    openRegistration: `${family.prefix}ALLOW_REGISTRATION + ${family.prefix}YES_I_AM_VERY_VERY_SURE_I_WANT_AN_OPEN_REGISTRATION_SERVER_PRONE_TO_ABUSE`,
    validation: { email: family.smtp ? 'smtp' : 'none', msisdn: 'none' },
  };
}

function familyServer<Kind extends ConduwuitKind>(kind: Kind) {
  return containerServer({
    name: kind,
    server: CONDUWUIT_FAMILY[kind].server,
    folder: serverFolder('conduwuit'),
    spec: (ports, secrets) => conduwuitContainerSpec(kind, ports, secrets),
  });
}

/** --launch docker:conduwuit, docker:continuwuity, docker:tuwunel. */
export const DOCKER_CONDUWUIT = familyServer('docker:conduwuit');
export const DOCKER_CONTINUWUITY = familyServer('docker:continuwuity');
export const DOCKER_TUWUNEL = familyServer('docker:tuwunel');
