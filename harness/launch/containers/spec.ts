// One entry point for the pure container specifications: kind and ports in, everything
// Docker needs to know out. No Docker here, so every specification is unit-testable.
import { randomBytes } from 'node:crypto';
import { conduwuitContainerSpec, isConduwuitKind } from './conduwuit.js';
import { dendriteContainerSpec } from './dendrite.js';
import { synapseContainerSpec } from './synapse.js';
import type { ContainerKind, ContainerPorts, ContainerSecrets, ContainerSpec, ContainerVariant } from './types.js';

export { CONTAINER_KINDS, HOST_ALIAS, isContainerKind, serverOf } from './types.js';
export type { ContainerKind, ContainerPorts, ContainerSecrets, ContainerSpec, ContainerVariant } from './types.js';

export function randomSecrets(): ContainerSecrets {
  const secret = () => randomBytes(24).toString('base64url');
  return { registrationSharedSecret: secret(), macaroonSecretKey: secret(), formSecret: secret() };
}

/** `variant` applies to docker:synapse (its privacy and rate-limited profiles); the others have none. */
export function containerSpec(
  kind: ContainerKind,
  ports: ContainerPorts,
  secrets: ContainerSecrets = randomSecrets(),
  variant: ContainerVariant = {},
): ContainerSpec {
  if (kind === 'docker:synapse') return synapseContainerSpec(ports, secrets, variant);
  if (variant.inhibit3pidErrors || variant.defaultRateLimits) throw new Error(`${kind} has no configuration variants`);
  if (kind === 'docker:dendrite') return dendriteContainerSpec(ports, secrets);
  if (isConduwuitKind(kind)) return conduwuitContainerSpec(kind, ports, secrets);
  const never: never = kind;
  throw new Error(`no container specification for ${String(never)}`);
}
