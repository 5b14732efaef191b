import type { FreshIdentity } from '../../harness/identities.js';

/** A well-formed requestToken body for an email address. */
export function emailBody(identity: FreshIdentity, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { client_secret: identity.clientSecret, email: identity.email, send_attempt: 1, ...overrides };
}

/** The same body without one of its fields. */
export function without(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _removed, ...rest } = body;
  return rest;
}
