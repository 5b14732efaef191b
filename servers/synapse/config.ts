// Synapse's configuration: homeserver.yaml (beside this module) filled in for one launch,
// local or in a container, and the variants the synapse profiles select.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

import type { Profile } from '../../harness/model/profile.js';
import { serverFolder } from '../../harness/tool/server-folders.js';
import { fillPlaceholders } from '../../harness/launch/config-template.js';

export { fillPlaceholders } from '../../harness/launch/config-template.js';

export const SYNAPSE_CONFIG_TEMPLATE = join(serverFolder('synapse'), 'homeserver.yaml');

/** What a profile can change in the template: one template serves all the synapse profiles. */
export interface SynapseVariant {
  /** request_token_inhibit_3pid_errors: hide whether an address is bound. Default false. */
  inhibit3pidErrors?: boolean;
  /** Keep Synapse's own rate limits instead of the template's raised ones. Default false. */
  defaultRateLimits?: boolean;
}

/** The variant a profile describes, for the local launch and the container alike. */
export function synapseVariant(profile: Profile): SynapseVariant {
  return { inhibit3pidErrors: profile.privacy, defaultRateLimits: profile.rateLimited === true };
}

export interface SynapseConfigSettings {
  port: number;
  serverName: string;
  workDir: string;
  identityPort: number;
  smtpPort: number;
  registrationSharedSecret: string;
  macaroonSecretKey: string;
  formSecret: string;
  variant?: SynapseVariant;
}

/** The homeserver.yaml text for these settings. */
export function renderSynapseConfig(
  settings: SynapseConfigSettings,
  template: string = readFileSync(SYNAPSE_CONFIG_TEMPLATE, 'utf8'),
): string {
  const filled = fillPlaceholders(template, {
    server_name: settings.serverName,
    public_baseurl: `http://127.0.0.1:${settings.port}/`,
    port: settings.port,
    database_path: join(settings.workDir, 'homeserver.db'),
    media_store_path: join(settings.workDir, 'media_store'),
    signing_key_path: join(settings.workDir, 'signing.key'),
    macaroon_secret_key: settings.macaroonSecretKey,
    form_secret: settings.formSecret,
    registration_shared_secret: settings.registrationSharedSecret,
    identity_url: `http://127.0.0.1:${settings.identityPort}`,
    smtp_port: settings.smtpPort,
    request_token_inhibit_3pid_errors: settings.variant?.inhibit3pidErrors ?? false,
  });

  // Parsing also proves that the filled template is valid YAML.
  const document = parseDocument(filled);
  if (document.errors.length > 0) {
    throw new Error(`homeserver.yaml does not parse: ${document.errors.map((e) => e.message).join('; ')}`);
  }
  if (!settings.variant?.defaultRateLimits) return filled;
  for (const key of Object.keys(document.toJS() as Record<string, unknown>)) {
    if (key.startsWith('rc_')) document.delete(key);
  }
  return document.toString();
}
