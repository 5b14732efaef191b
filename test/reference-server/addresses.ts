// Checking and canonicalising the addresses the requestToken endpoints are given, so that
// denied, bound and session lookups compare like with like.

// RFC 5321's Mailbox (what `format: email` names), simplified: a dot-atom local part and a
// domain of dot-separated labels, either allowed beyond ASCII as RFC 6531 does. No quoted
// local parts or address literals; and nothing else around the address, which the
// Appendices forbid: "It must not contain other text such as real name, angle brackets or a
// mailto: prefix" (a colon and angle brackets are not in atext).
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uffff-]+";
const LABEL = '[A-Za-z0-9\\u0080-\\uffff](?:[A-Za-z0-9\\u0080-\\uffff-]*[A-Za-z0-9\\u0080-\\uffff])?';
const EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})*$`);
const MAX_EMAIL_LENGTH = 254;

/**
 * The address case-folded, or undefined when it is not an email address. The appendix has the
 * domain lower-cased and the whole address Unicode case-folded ("Strauß@Example.com must be
 * considered to be strauss@example.com"). Lower, upper, lower again comes close to full case
 * folding: ß → SS → ss, ẞ → ß → SS → ss, ς → Σ → σ. `caseSensitive` (fault
 * `case-sensitive-addresses`) keeps the address as written.
 */
export function canonicalEmail(email: string, caseSensitive = false): string | undefined {
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) return undefined;
  return caseSensitive ? email : email.toLowerCase().toUpperCase().toLowerCase();
}

/** Fault `email-other-text-allowed`: the address inside `Name <address>`, `<address>` or `mailto:address`. */
export function withoutOtherText(email: string): string {
  const bracketed = /<([^<>]*)>\s*$/.exec(email);
  return (bracketed ? bracketed[1]! : email).trim().replace(/^mailto:/i, '');
}

export function emailDomain(canonical: string): string {
  return canonical.slice(canonical.indexOf('@') + 1);
}

export const COUNTRY = /^[A-Z]{2}$/;

/** Calling codes for the countries a national number may be given in; a `+` number needs none. */
const CALLING_CODES: Readonly<Record<string, string>> = {
  GB: '44', IE: '353', US: '1', CA: '1', FR: '33', DE: '49', NL: '31', BE: '32', ES: '34', IT: '39', AU: '61', NZ: '64',
};

/** What people type between digits. */
const PHONE_PUNCTUATION = /[\s().\-/]/g;

/**
 * The E.164 digits without `+` (`GB`, `07700 900123` → `447700900123`; `+1 202…` → `1202…`),
 * or undefined when the number is not one. A national number loses one leading trunk `0`
 * and gains the country's calling code; countries outside the small table above can only be
 * given numbers in `+` form. `asTyped` (fault `msisdn-as-typed`) keeps the digits as written.
 */
export function canonicalMsisdn(country: string, phoneNumber: string, asTyped = false): string | undefined {
  const compact = phoneNumber.replace(PHONE_PUNCTUATION, '');
  // Fault `msisdn-as-typed`: the digits as written, national or not, are the address.
  if (asTyped) return /^\+?\d{5,15}$/.test(compact) ? compact.replace('+', '') : undefined;
  const international = compact.startsWith('+');
  const digits = international ? compact.slice(1) : compact;
  if (!/^\d+$/.test(digits)) return undefined;
  let canonical = digits;
  if (!international) {
    const code = CALLING_CODES[country];
    if (code === undefined) return undefined;
    canonical = code + digits.replace(/^0/, '');
  }
  return canonical.length >= 5 && canonical.length <= 15 ? canonical : undefined;
}
