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
 * Country calling codes for the countries whose numbers the suite uses. A national number is
 * written internationally by dropping its trunk prefix 0 and putting the calling code in front
 * (07700900001 in GB is 447700900001), as a real identity service canonicalises it.
 */
const CALLING_CODES: Readonly<Record<string, string>> = {
  GB: '44', US: '1', CA: '1', DE: '49', FR: '33', IE: '353', NL: '31', AU: '61', NZ: '64',
};

/**
 * The MSISDN, as digits without a leading '+'. A number given with '+' is international
 * already; a national one is placed with `country` where the fake knows its calling code,
 * and otherwise kept as its digits. (A small stand-in for a numbering plan: enough for the
 * numbers the suite sends, and for a homeserver that binds what the service reports.)
 */
export function canonicalMsisdn(phoneNumber: string, country?: string): string {
  const international = phoneNumber.trim().startsWith('+');
  const digits = phoneNumber.replace(PHONE_PUNCTUATION, '');
  if (!/^\d+$/.test(digits) || digits.length < 3 || digits.length > MAX_E164_DIGITS) {
    throw new MatrixError(400, 'M_INVALID_ADDRESS', 'The phone number is not valid');
  }
  const code = country ? CALLING_CODES[country.toUpperCase()] : undefined;
  if (international || code === undefined) return digits;
  // A trunk prefix marks a national number; otherwise a number already starting with the
  // calling code is taken as written internationally without its '+', as libphonenumber does.
  if (digits.startsWith('0')) return code + digits.slice(1);
  return digits.startsWith(code) ? digits : code + digits;
}
