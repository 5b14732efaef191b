// The reference homeserver's named faults. Each breaks exactly one behaviour, so a self-test
// can show that the scenarios about that behaviour fail against it (and pass without it).

export const FAULTS = {
  // The 200 answer of the requestToken endpoints
  'success-500': 'where a requestToken would answer 200, it answers 500 M_UNKNOWN instead',
  'success-bad-sid': 'the 200 answer carries a sid with characters outside [0-9a-zA-Z.=_-]',
  'success-no-json-content-type': 'the 200 answer is JSON labelled Content-Type: text/plain',
  'success-bad-submit-url': 'the 200 answer (email too) carries submit_url "not a uri"',
  // The validation message (the server's own mail, or the identity service's, asked for by the server)
  'nothing-sent': 'requestTokens answer 200 but send nothing: no mail, and the identity service is never asked (the sid is the server\'s own)',
  'mail-no-link': 'the validation mail gives the token in words, with no link in it',
  'same-attempt-resends': 'the same send_attempt again sends another message (the identity service is given a higher one)',
  'higher-attempt-no-resend': 'a higher send_attempt answers 200 but sends no new message (the identity service is given the first one)',
  'lower-attempt-resends': 'a lower send_attempt than the last one sends another message (the identity service is given a higher one)',
  'send-attempt-unscoped': "send_attempt is compared with the medium's latest session, whatever its address and client_secret: a first request for a new pair sends nothing",
  // Addresses the server refuses, binds, or does not know
  'denied-allowed': 'denied addresses get the normal 200 flow',
  'denied-wrong-errcode': 'denied addresses answer 403 M_FORBIDDEN instead of M_THREEPID_DENIED',
  'in-use-500': 'register/3pid for a bound address answer 500 M_UNKNOWN (privacy mode or not)',
  'in-use-wrong-errcode': 'register/3pid for a bound address answer 400 M_UNKNOWN (privacy mode or not)',
  'password-unbound-in-use': 'password reset for an unbound address answers 400 M_THREEPID_IN_USE (privacy mode or not)',
  'password-bound-not-found': 'password reset for a bound address answers 400 M_THREEPID_NOT_FOUND',
  'medium-not-supported-wrong': 'with noEmail (noMsisdn), 3pid-email (3pid-msisdn) answers 400 M_UNKNOWN instead of M_THREEPID_MEDIUM_NOT_SUPPORTED',
  'add-binds-nothing': 'POST /account/3pid/add answers 200 for a validated address but binds nothing',
  'add-steals-bound-address': "POST /account/3pid/add moves an address already added to another user's account to the caller's",
  // Canonical addresses (appendix "3PID Types") and GET /account/3pid
  'case-sensitive-addresses': 'email addresses are compared, stored and listed as written: no lower-casing, no case folding',
  'msisdn-as-typed': "phone numbers are compared, stored and listed as their digits as written (07700900123 is not 447700900123)",
  'msisdn-listed-with-plus': "GET /account/3pid lists phone numbers with a leading '+'",
  'threepids-without-timestamps': 'GET /account/3pid lists medium and address only, without validated_at and added_at',
  // Completing validation: submit_url and the mailed link
  'submit-url-refuses-token': 'the submit_url answers 400 M_TOKEN_INCORRECT even to the right token',
  'submit-url-wrong-token-200': 'the submit_url answers 200 {"success": true} to any token, and validates the session',
  'token-too-long': 'the mailed validation link carries a token of 256 characters (which no longer validates the session)',
  'next-link-ignored': 'the mailed validation link answers 200 with a page, never redirecting to next_link',
  // Bad input to the requestToken endpoints (body, parameters, addresses)
  'bad-input-500': 'every bad-input case of a requestToken answers 500 M_UNKNOWN',
  'bad-input-accepted': 'every bad-input case of a requestToken answers 200 with a sid (nothing is sent)',
  // Error bodies and the HTTP layer, on every route
  'not-implemented': 'the requestToken endpoints answer 404 M_UNRECOGNIZED, as where they are not implemented',
  'error-body-not-standard': 'error bodies are JSON with errcode but no error',
  'error-body-plain-text': 'error bodies are text/plain "ERRCODE: message"',
  'options-runs-logic': 'OPTIONS on a POST route runs the endpoint (a requestToken sends its mail) and answers as it does',
  'options-404': 'OPTIONS answers 404 M_UNRECOGNIZED',
  'no-cors': 'no response carries CORS headers',
  'wrong-method-404': 'a wrong method on a known path answers 404 M_UNRECOGNIZED instead of 405',
  'wrong-method-no-errcode': 'a wrong method on a known path answers 405 with a body lacking errcode',
  // The relays to the identity service: msisdn delegation, and the email proxy to id_server
  'relay-drops-next-link': 'requestTokens reach the IS without next_link',
  'relay-own-sid': 'a relayed requestToken answers a sid of the server\'s own, not the one the IS gave',
  'relay-error-500-plain': 'any IS failure (its 4xx errors and timeouts included) comes back as 500 text/plain',
  'relay-hang': 'no timeout on IS calls: when the IS hangs, the server never answers',
  // The email proxy to id_server (`emailVia: 'id-server'`)
  'id-server-trusts-anyone': 'any id_server is proxied to, trusted or not (one that cannot be reached then answers 502 M_UNKNOWN)',
  'id-server-missing-500': 'an email requestToken without id_server answers 500 M_UNKNOWN',
  // Privacy mode (`privacy: true`)
  'privacy-leak': 'privacy mode is ignored: bound (and, for password reset, unbound) addresses get their open 400 errors',
  'privacy-timing-leak': 'in privacy mode, requests for a bound address answer 400 ms later',
  // Rate limiting (`rateLimit`)
  'rate-limit-no-retry': 'a 429 carries neither Retry-After nor retry_after_ms',
  'rate-limit-wrong-errcode': 'a 429 carries errcode M_UNKNOWN instead of M_LIMIT_EXCEEDED',
  'rate-limit-400': 'a rate-limited request answers 400 M_LIMIT_EXCEEDED instead of 429',
  // Finer bad-input faults, for scenarios about one kind of input
  'client-secret-unchecked': 'a client_secret outside [0-9a-zA-Z.=_-]{1,255} is accepted: 200 with a sid, nothing sent',
  'email-unchecked': 'an email that is not an address is accepted: 200 with a sid, nothing sent',
} as const satisfies Record<string, string>;

export type Fault = keyof typeof FAULTS;

export const ALL_FAULTS = Object.keys(FAULTS) as Fault[];

export function isFault(value: string): value is Fault {
  return Object.hasOwn(FAULTS, value);
}
