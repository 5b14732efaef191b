// A homeserver URL says nothing about how the server is configured; the profile does.
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { builtInFile, builtInNames, builtInPattern } from '../tool/server-folders.js';

export const VALIDATION_ROUTES = ['smtp', 'identity-service', 'none'] as const;
export type ValidationRoute = (typeof VALIDATION_ROUTES)[number];

export interface Profile {
  name: string;
  description?: string;
  /** The server family, for reports (synapse, dendrite, conduwuit, …). */
  server?: string;
  email: { validation: ValidationRoute; denied?: { domain: string } };
  msisdn: { validation: ValidationRoute; denied?: { country: string; prefix: string } };
  /** Bound and unbound addresses answer alike (`request_token_inhibit_3pid_errors`). */
  privacy: boolean;
  /** requestToken is rate-limited at a low rate (a handful of requests), as by default. */
  rateLimited?: boolean;
  /** How the harness makes test accounts. */
  accounts: { method: 'shared-secret' | 'none' };
  /**
   * Identity servers the server trusts for `id_server`; `$fake` stands for the harness's fake
   * identity service. `tls`: the fake serves HTTPS (a server that proxies to `id_server`
   * speaks HTTPS to it).
   */
  identityServers: { trusted: string[]; tls?: boolean };
}

/** The harness's own fake identity service, in a profile's list of trusted servers. */
export const FAKE_IDENTITY_SERVER = '$fake';

/** A medium's part of a profile: how it is validated, and what of it the server denies. */
function mediumSchema(denied: { required: string[]; properties: Record<string, unknown> }) {
  return {
    type: 'object',
    required: ['validation'],
    additionalProperties: false,
    properties: {
      validation: { enum: VALIDATION_ROUTES },
      denied: { type: 'object', additionalProperties: false, ...denied },
    },
  };
}

const PROFILE_SCHEMA = {
  type: 'object',
  required: ['name', 'email', 'msisdn', 'privacy', 'accounts', 'identityServers'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    server: { type: 'string' },
    email: mediumSchema({
      required: ['domain'],
      properties: { domain: { type: 'string', minLength: 1 } },
    }),
    msisdn: mediumSchema({
      required: ['country', 'prefix'],
      properties: {
        country: { type: 'string', pattern: '^[A-Z]{2}$' },
        prefix: { type: 'string', pattern: '^[0-9]+$' },
      },
    }),
    privacy: { type: 'boolean' },
    rateLimited: { type: 'boolean' },
    accounts: {
      type: 'object',
      required: ['method'],
      additionalProperties: false,
      properties: { method: { enum: ['shared-secret', 'none'] } },
    },
    identityServers: {
      type: 'object',
      required: ['trusted'],
      additionalProperties: false,
      properties: { trusted: { type: 'array', items: { type: 'string' } }, tls: { type: 'boolean' } },
    },
  },
} as const;

const validateProfile = new Ajv2020({ allErrors: true }).compile<Profile>(PROFILE_SCHEMA);

export class ProfileError extends Error {}

/** A profile by name (`servers/<family>/profiles/NAME.json`) or by path to a JSON file. */
export function loadProfile(nameOrPath: string): Profile {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  const builtIn = `${nameOrPath}.json`;
  const file = looksLikePath ? nameOrPath : (builtInFile('profiles', builtIn) ?? builtInPattern('profiles', builtIn));
  if (!existsSync(file)) {
    const choices = looksLikePath ? '' : `; the built-in ones: ${builtInNames('profiles').join(', ')}`;
    throw new ProfileError(`profile ${nameOrPath}: no such ${looksLikePath ? 'file' : 'built-in profile'} (${file})${choices}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ProfileError(`profile ${file}: not JSON (${(error as Error).message.replace(/\s+/g, ' ')})`);
  }
  if (!validateProfile(data)) {
    const first = validateProfile.errors?.[0];
    throw new ProfileError(`profile ${file}: ${first?.instancePath || '(top)'} ${first?.message ?? 'is invalid'}`);
  }
  return data;
}

/**
 * What a scenario can ask of the target's configuration. Each capability states, in the
 * words a skip reason needs, what the profile must declare.
 */
export const CAPABILITIES = {
  'email-by-smtp': {
    needs: 'a profile whose email validation is by SMTP to the harness mail sink',
    holds: (p: Profile) => p.email.validation === 'smtp',
  },
  'email-observable': {
    needs: 'a profile whose email validation goes through the harness (mail sink or identity service)',
    holds: (p: Profile) => p.email.validation === 'smtp' || p.email.validation === 'identity-service',
  },
  'email-validation': {
    needs: 'a profile in which the server validates email addresses',
    holds: (p: Profile) => p.email.validation !== 'none',
  },
  'msisdn-validation': {
    needs: 'a profile in which the server validates phone numbers',
    holds: (p: Profile) => p.msisdn.validation !== 'none',
  },
  'denied-email': {
    needs: 'a profile that names an email domain the server denies',
    holds: (p: Profile) => p.email.denied !== undefined,
  },
  'denied-msisdn': {
    needs: 'a profile that names a phone number prefix the server denies',
    holds: (p: Profile) => p.msisdn.denied !== undefined,
  },
  accounts: {
    needs: 'a profile that says how to create accounts (accounts.method)',
    holds: (p: Profile) => p.accounts.method !== 'none',
  },
  'msisdn-by-identity-service': {
    needs: 'a profile whose phone number validation is delegated to the harness identity service',
    holds: (p: Profile) => p.msisdn.validation === 'identity-service',
  },
  'no-email-validation': {
    needs: 'a profile in which the server does not support email addresses',
    holds: (p: Profile) => p.email.validation === 'none',
  },
  'no-msisdn-validation': {
    needs: 'a profile in which the server does not support phone numbers',
    holds: (p: Profile) => p.msisdn.validation === 'none',
  },
  'reveals-bound-addresses': {
    needs: 'a profile without privacy mode (privacy: false)',
    holds: (p: Profile) => !p.privacy,
  },
  'email-via-id-server': {
    needs: 'a profile whose server proxies email validation to the identity server named in id_server, trusting the harness one ($fake)',
    holds: (p: Profile) => p.email.validation === 'identity-service' && p.identityServers.trusted.includes(FAKE_IDENTITY_SERVER),
  },
  'privacy-mode': {
    needs: 'a profile in privacy mode (privacy: true)',
    holds: (p: Profile) => p.privacy,
  },
  'rate-limited': {
    needs: 'a profile whose server rate-limits requestToken at a low rate (rateLimited: true)',
    holds: (p: Profile) => p.rateLimited === true,
  },
} as const satisfies Record<string, { needs: string; holds: (p: Profile) => boolean }>;

export type Capability = keyof typeof CAPABILITIES;
