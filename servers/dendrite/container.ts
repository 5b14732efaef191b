// Dendrite v0.13.8 (the Apache-2.0 release) in its monolith image.
//
// Relied on (matrix-org/dendrite at v0.13.8: Dockerfile, dendrite-sample.yaml,
// setup/config/*.go, cmd/dendrite/main.go, setup/flags.go, cmd/generate-keys):
// - the image docker.io/matrixdotorg/dendrite-monolith:v0.13.8 is Alpine with
//   /usr/bin/{dendrite,generate-keys,generate-config,create-account}; entrypoint dendrite;
// - a config file may leave out everything that has a default: loading applies the
//   defaults first (DefaultOpts{Generate: false, SingleDatabase: true}); with SQLite every
//   component needs its own `database.connection_string` (no global SQLite database);
// - defaults that matter for "nothing outbound" when not generated: no key perspectives,
//   report_stats off, metrics off; the trusted identity servers are replaced here;
// - open registration without a captcha is refused unless the process gets
//   --really-enable-open-registration (open_registration_without_verification_enabled is
//   not settable from YAML); `registration_shared_secret` enables Synapse-style
//   /_synapse/admin/v1/register;
// - flags: --config, --http-bind-address (default :8008); generate-keys --private-key.
// Dendrite proxies email validation to the identity server named in the request's id_server,
// over HTTPS, to names in trusted_third_party_id_servers; the fake identity service must then
// serve TLS on the identity port.
import { stringify } from 'yaml';
import {
  CONTAINER_DATA_DIR,
  CONTAINER_PORT,
  CONTAINER_SERVER_NAME,
  type ContainerPorts,
  type ContainerSecrets,
  type ContainerSpec,
  identityServerFromContainer,
  sharedByEveryContainer,
} from '../../harness/launch/containers/container-spec.js';

import { containerServer } from '../../harness/launch/launchable.js';
import { serverFolder } from '../../harness/tool/server-folders.js';
import { DENDRITE_VERSION } from './local.js';

export const DENDRITE_IMAGE = `matrixdotorg/dendrite-monolith:v${DENDRITE_VERSION}`;
const CONFIG_PATH = '/m3c-config/dendrite.yaml';
const KEY_PATH = `${CONTAINER_DATA_DIR}/matrix_key.pem`;

/** Every component with a database of its own (SQLite cannot share one). */
export const DENDRITE_DATABASE_SECTIONS = [
  ['federation_api', 'database'],
  ['key_server', 'database'],
  ['media_api', 'database'],
  ['mscs', 'database'],
  ['relay_api', 'database'],
  ['room_server', 'database'],
  ['sync_api', 'database'],
  ['user_api', 'account_database'],
] as const;

export function dendriteContainerConfig(ports: ContainerPorts, secrets: ContainerSecrets): string {
  const database = (name: string) => ({ connection_string: `file:${CONTAINER_DATA_DIR}/dendrite_${name}.db` });
  const config = {
    version: 2,
    global: {
      server_name: CONTAINER_SERVER_NAME,
      private_key: KEY_PATH,
      // Only the harness's fake identity service; the default (generated) list names public ones.
      trusted_third_party_id_servers: [identityServerFromContainer(ports)],
      // Links and discovery point at the address the harness uses.
      well_known_client_name: `http://127.0.0.1:${ports.hostPort}`,
      presence: { enable_inbound: false, enable_outbound: false },
      report_stats: { enabled: false },
      metrics: { enabled: false },
      server_notices: { enabled: false },
      jetstream: { in_memory: true, storage_path: `${CONTAINER_DATA_DIR}/jetstream`, addresses: [] },
    },
    client_api: {
      registration_disabled: false,
      registration_requires_token: false,
      registration_shared_secret: secrets.registrationSharedSecret,
      rate_limiting: { enabled: false },
    },
    federation_api: {
      database: database('federationapi'),
      // The identity-server calls go through the federation client; the fake identity
      // service has a self-signed certificate.
      disable_tls_validation: true,
      // No notary servers: never fetch keys from matrix.org.
      key_perspectives: [],
    },
    key_server: { database: database('keyserver') },
    media_api: { database: database('mediaapi'), base_path: `${CONTAINER_DATA_DIR}/media` },
    mscs: { database: database('mscs'), mscs: [] },
    relay_api: { database: database('relayapi') },
    room_server: { database: database('roomserver') },
    sync_api: { database: database('syncapi'), search: { enabled: false } },
    user_api: { account_database: database('userapi') },
    logging: [{ type: 'std', level: 'info' }],
  };
  return stringify(config);
}

export function dendriteContainerSpec(ports: ContainerPorts, secrets: ContainerSecrets): ContainerSpec {
  return {
    kind: 'docker:dendrite',
    server: 'dendrite',
    version: DENDRITE_VERSION,
    image: DENDRITE_IMAGE,
    env: {},
    files: [{ path: CONFIG_PATH, content: dendriteContainerConfig(ports, secrets), mode: 0o644 }],
    // The signing key is made at start, into the tmpfs; then Dendrite replaces the shell.
    entrypoint: ['/bin/sh', '-c'],
    command: [
      `/usr/bin/generate-keys --private-key ${KEY_PATH} && exec /usr/bin/dendrite --config ${CONFIG_PATH} ` +
        `--http-bind-address 0.0.0.0:${CONTAINER_PORT} --really-enable-open-registration`,
    ],
    ...sharedByEveryContainer(ports),
    startupTimeoutMs: 120_000,
    hostPortsToExpose: [ports.identityPort, ports.smtpPort],
    registrationSharedSecret: secrets.registrationSharedSecret,
    openRegistration: 'client_api.registration_disabled: false + --really-enable-open-registration',
    // v0.13.8 routes only the email requestToken endpoints (register, account/3pid).
    validation: { email: 'identity-service', msisdn: 'none' },
  };
}

/** --launch docker:dendrite. */
export const DOCKER_DENDRITE = containerServer({
  name: 'docker:dendrite',
  server: 'dendrite',
  folder: serverFolder('dendrite'),
  spec: (ports, secrets) => dendriteContainerSpec(ports, secrets),
});
