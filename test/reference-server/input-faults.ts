// The reference homeserver's faults in reading requestToken bodies: how each loosens the
// checks, and what a server with it answers where a conformant one refuses the input.
import { canonicalEmail } from './addresses.js';
import type { Fault } from './faults.js';
import { BadInput, MatrixError } from './replies.js';
import { isUri, OPAQUE_ID, type TokenRequest, type TokenRequestChecks } from './request-body.js';

type Has = (fault: Fault) => boolean;

export function tokenRequestChecks(has: Has): TokenRequestChecks {
  return {
    clientSecret: has('client-secret-unchecked')
      ? null
      : has('client-secret-non-ascii-allowed')
        ? /^[\p{L}\p{N}.=_-]{1,255}$/u
        : has('client-secret-boundary-off-by-one')
          ? /^[0-9a-zA-Z.=_-]{1,254}$/
          : undefined,
    emailUnchecked: has('email-unchecked'),
    emailOtherTextAllowed: has('email-other-text-allowed'),
    nextLinkUnchecked: has('next-link-unchecked'),
    caseSensitive: has('case-sensitive-addresses'),
    msisdnAsTyped: has('msisdn-as-typed'),
  };
}

/**
 * A request that a loosened check let through though a conformant server refuses it. The
 * faulty server answers it 200 with a sid and takes it no further: a secret, an address or a
 * next_link like these has nowhere to go (the identity service would refuse it in turn).
 */
export function letThrough(token: TokenRequest): boolean {
  return (
    !OPAQUE_ID.test(token.clientSecret) ||
    (token.medium === 'email' && canonicalEmail(token.address) === undefined) ||
    (token.nextLink !== undefined && !isUri(token.nextLink))
  );
}

/** What the faulty server answers instead of a conformant refusal of bad input, or undefined for that refusal. */
export function badInputAnswer(error: BadInput, has: Has): MatrixError | 'accepted' | undefined {
  if (has('bad-input-500')) return new MatrixError(500, 'M_UNKNOWN', 'Internal server error');
  if (has('bad-input-accepted')) return 'accepted';
  // As if the endpoint wanted an access token first: a refusal, but not of the input.
  if (has('bad-input-401')) return new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token');
  if (has('bad-input-wrong-errcode')) return new MatrixError(400, 'M_UNKNOWN', error.message);
  return undefined;
}
