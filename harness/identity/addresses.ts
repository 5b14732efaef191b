// Turning the address a homeserver forwarded into the canonical 3PID address the fake stores
// and reports back (appendix "3PID Types"), or rejecting it as the identity-service spec says.

import { MatrixError } from './matrix-error.js';

/**
 * A deliberately small check: one `@`, something on each side, no whitespace, and none of the
 * decorations the appendix rules out (real name, angle brackets, `mailto:`). Stricter RFC 5322
 * parsing would make the fake reject addresses a real identity service accepts.
 */
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const MAX_EMAIL_LENGTH = 254;

export function canonicalEmail(email: string): string {
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email) || /^mailto:/i.test(email)) {
    throw new MatrixError(400, 'M_INVALID_EMAIL', 'The email address is not valid');
  }
  // The appendix asks for the domain in lower case and Unicode case folding overall
  // (Strauß@Example.com → strauss@example.com); upper-then-lower case approximates full folding.
  return email.toUpperCase().toLowerCase();
}

/** Separators people type in phone numbers; anything else that is not a digit is refused. */
const PHONE_PUNCTUATION = /[\s().\-+/]/g;
const MAX_E164_DIGITS = 15;

/**
 * Digits only, without a leading '+', as MSISDNs are written. `country` is not applied: the
 * fake has no numbering plan, so a national number stays national (07700900001 stays
 * 07700900001, where a real service would say 447700900001).
 */
export function canonicalMsisdn(phoneNumber: string): string {
  const digits = phoneNumber.replace(PHONE_PUNCTUATION, '');
  if (!/^\d+$/.test(digits) || digits.length < 3 || digits.length > MAX_E164_DIGITS) {
    throw new MatrixError(400, 'M_INVALID_ADDRESS', 'The phone number is not valid');
  }
  return digits;
}
