// Reading a request body the way the Client-Server API's common error codes describe:
// not JSON → M_NOT_JSON, not an object → M_BAD_JSON, a required field absent →
// M_MISSING_PARAM, a field of the wrong type or shape → M_INVALID_PARAM.

import { canonicalEmail, canonicalMsisdn, COUNTRY, withoutOtherText } from './addresses.js';
import { BadInput } from './replies.js';

export type Medium = 'email' | 'msisdn';

/** `client_secret` and `sid`: `[0-9a-zA-Z.=_-]`, 1 to 255 characters. */
export const OPAQUE_ID = /^[0-9a-zA-Z.=_-]{1,255}$/;

/** An absolute URI (RFC 3986: a scheme, then the rest), which `format: uri` asks for; a relative reference is not one. */
export function isUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && URL.canParse(value);
}

export function parseJsonObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new BadInput('M_NOT_JSON', 'Content not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadInput('M_BAD_JSON', 'Content must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** The fields of a JSON object body, read with the checks the errors above name. */
export class Fields {
  constructor(readonly values: Record<string, unknown>) {}

  static of(raw: string): Fields {
    return new Fields(parseJsonObject(raw));
  }

  /** All at once, so the error names every missing field. */
  require(...names: string[]): this {
    const missing = names.filter((name) => this.values[name] === undefined);
    if (missing.length > 0) throw new BadInput('M_MISSING_PARAM', `Missing parameters: ${missing.join(', ')}`);
    return this;
  }

  string(name: string): string {
    this.require(name);
    const value = this.values[name];
    if (typeof value !== 'string') throw new BadInput('M_INVALID_PARAM', `Parameter '${name}' must be a string`);
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.values[name] === undefined ? undefined : this.string(name);
  }

  integer(name: string): number {
    this.require(name);
    const value = this.values[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new BadInput('M_INVALID_PARAM', `Parameter '${name}' must be an integer`);
    }
    return value;
  }
}

/** A requestToken body, checked, with its address in canonical form. */
export interface TokenRequest {
  medium: Medium;
  clientSecret: string;
  sendAttempt: number;
  nextLink: string | undefined;
  /** Canonical: the email case-folded, or the msisdn's E.164 digits. */
  address: string;
  /** The identity server the client names (`id_server`), if it names one. */
  idServer?: string;
  /** The client's access token at that identity server (`id_access_token`, since r0.6.0). */
  idAccessToken?: string;
  /** As sent: `email`, or `phone_number` with its `country`. */
  email?: string;
  phoneNumber?: string;
  country?: string;
}

export interface TokenRequestChecks {
  /** What a client_secret is checked against instead of OPAQUE_ID; null: not at all (the faults of input-faults.ts). */
  clientSecret?: RegExp | null;
  /** Take an email that is not an address as it is (fault `email-unchecked`). */
  emailUnchecked?: boolean;
  /** Take the address out of `Name <address>` or `mailto:address` (fault `email-other-text-allowed`). */
  emailOtherTextAllowed?: boolean;
  /** Take any string as next_link (fault `next-link-unchecked`). */
  nextLinkUnchecked?: boolean;
  /** Compare email addresses as written (fault `case-sensitive-addresses`). */
  caseSensitive?: boolean;
  /** Take a phone number's digits as written (fault `msisdn-as-typed`). */
  msisdnAsTyped?: boolean;
}

export function parseTokenRequest(medium: Medium, raw: string, checks: TokenRequestChecks = {}): TokenRequest {
  const fields = Fields.of(raw);
  fields.require('client_secret', ...(medium === 'email' ? ['email'] : ['country', 'phone_number']), 'send_attempt');
  const clientSecret = fields.string('client_secret');
  const sendAttempt = fields.integer('send_attempt');
  const nextLink = fields.optionalString('next_link');
  // Used only where email is proxied to id_server.
  const idServer = fields.optionalString('id_server');
  const idAccessToken = fields.optionalString('id_access_token');

  const secretPattern = checks.clientSecret === undefined ? OPAQUE_ID : checks.clientSecret;
  if (secretPattern !== null && !secretPattern.test(clientSecret)) {
    throw new BadInput('M_INVALID_PARAM', 'client_secret must be 1 to 255 characters of [0-9a-zA-Z.=_-]');
  }
  if (nextLink !== undefined && !isUri(nextLink) && !checks.nextLinkUnchecked) throw new BadInput('M_INVALID_PARAM', 'next_link must be a URI');
  const common = {
    medium,
    clientSecret,
    sendAttempt,
    nextLink,
    ...(idServer !== undefined && { idServer }),
    ...(idAccessToken !== undefined && { idAccessToken }),
  };

  if (medium === 'email') {
    const email = fields.string('email');
    const address = canonicalEmail(checks.emailOtherTextAllowed ? withoutOtherText(email) : email, checks.caseSensitive) ?? (checks.emailUnchecked ? email : undefined);
    if (address === undefined) throw new BadInput('M_INVALID_PARAM', 'email is not an email address');
    return { ...common, address, email };
  }
  const country = fields.string('country');
  const phoneNumber = fields.string('phone_number');
  if (!COUNTRY.test(country)) throw new BadInput('M_INVALID_PARAM', 'country must be an ISO 3166-1 alpha-2 code');
  const address = canonicalMsisdn(country, phoneNumber, checks.msisdnAsTyped);
  if (address === undefined) throw new BadInput('M_INVALID_PARAM', 'phone_number is not a phone number');
  return { ...common, address, phoneNumber, country };
}
