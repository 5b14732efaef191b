// Synapse in its official image, configured exactly like the local launch (the same
// homeserver.yaml template, see config.ts), with the container-specific differences
// applied on top: listen on all interfaces of the container, reach the harness's services
// through the host alias, keep state on a tmpfs.
//
// Relied on (element-hq/synapse docker/README.md and docker/start.py):
// - images are published as docker.io/matrixdotorg/synapse:vX.Y.Z (docker.yml tags the raw
//   git tag, e.g. v1.163.2);
// - in the default "run" mode start.py runs `python -m synapse.app.homeserver --config-path
//   $SYNAPSE_CONFIG_PATH` (default /data/homeserver.yaml), dropping to uid/gid 991 when
//   started as root (it does not chown anything in run mode, hence a world-readable config
//   and a world-writable tmpfs for state);
// - without `log_config` Synapse logs to stderr, which testcontainers collects;
// - the client listener serves /_matrix/client/versions once Synapse is ready.
import { parseDocument } from 'yaml';
import {
  CONTAINER_DATA_DIR,
  CONTAINER_PORT,
  CONTAINER_SERVER_NAME,
  HOST_ALIAS,
  type ContainerPorts,
  type ContainerSecrets,
  type ContainerSpec,
  identityServerFromContainer,
  sharedByEveryContainer,
} from '../../harness/launch/containers/container-spec.js';
import { containerServer } from '../../harness/launch/launchable.js';
import { serverFolder } from '../../harness/tool/server-folders.js';
import { renderSynapseConfig, synapseVariant, type SynapseVariant } from './config.js';
import { SYNAPSE_VERSION } from './local.js';

export const SYNAPSE_IMAGE = `matrixdotorg/synapse:v${SYNAPSE_VERSION}`;
const CONFIG_PATH = '/m3c-config/homeserver.yaml';

/** homeserver.yaml for the container: the local template, moved into the container's world. */
export function synapseContainerConfig(ports: ContainerPorts, secrets: ContainerSecrets, variant: SynapseVariant = {}): string {
  const local = renderSynapseConfig({
    // public_baseurl comes from this port: the one the harness (on the host) uses.
    port: ports.hostPort,
    serverName: CONTAINER_SERVER_NAME,
    workDir: CONTAINER_DATA_DIR,
    identityPort: ports.identityPort,
    smtpPort: ports.smtpPort,
    registrationSharedSecret: secrets.registrationSharedSecret,
    macaroonSecretKey: secrets.macaroonSecretKey,
    formSecret: secrets.formSecret,
    variant,
  });
  const document = parseDocument(local);
  // Inside the container: listen on the container's port, on its own interfaces (Docker
  // publishes it to the host's 127.0.0.1 only).
  document.setIn(['listeners', 0, 'port'], CONTAINER_PORT);
  document.setIn(['listeners', 0, 'bind_addresses'], ['0.0.0.0']);
  // The harness's services are on the host, reached through the tunnel's alias.
  document.setIn(['email', 'smtp_host'], HOST_ALIAS);
  document.setIn(['account_threepid_delegates', 'msisdn'], `http://${identityServerFromContainer(ports)}`);
  if (document.errors.length > 0) throw new Error(`container homeserver.yaml: ${document.errors.map((e) => e.message).join('; ')}`);
  return document.toString();
}

export function synapseContainerSpec(ports: ContainerPorts, secrets: ContainerSecrets, variant: SynapseVariant = {}): ContainerSpec {
  return {
    kind: 'docker:synapse',
    server: 'synapse',
    version: SYNAPSE_VERSION,
    image: SYNAPSE_IMAGE,
    env: {
      SYNAPSE_CONFIG_PATH: CONFIG_PATH,
      PYTHONUNBUFFERED: '1',
    },
    files: [{ path: CONFIG_PATH, content: synapseContainerConfig(ports, secrets, variant), mode: 0o644 }],
    ...sharedByEveryContainer(ports),
    startupTimeoutMs: 180_000,
    hostPortsToExpose: [ports.identityPort, ports.smtpPort],
    registrationSharedSecret: secrets.registrationSharedSecret,
    openRegistration: 'enable_registration + enable_registration_without_verification (from the template)',
    validation: { email: 'smtp', msisdn: 'identity-service' },
  };
}

/** --launch docker:synapse: the synapse profiles select the variants as for the local launch. */
export const DOCKER_SYNAPSE = containerServer({
  name: 'docker:synapse',
  server: 'synapse',
  folder: serverFolder('synapse'),
  spec: (ports, secrets, profile) => synapseContainerSpec(ports, secrets, synapseVariant(profile)),
});
