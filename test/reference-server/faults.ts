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
  'same-attempt-refused': 'an email requestToken repeating a send_attempt already seen answers 400 M_INVALID_PARAM',
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
  'in-use-validates': 'register/3pid never check whether an address is bound: a bound one gets the normal validation (privacy mode or not), and /account/3pid/add and /register take it from its owner',
  'not-found-resets': 'password reset for an unbound address gets the normal validation (privacy mode or not), and POST /account/password with its session answers 200',
  // Password reset (POST /account/password) and login
  'password-change-ignored': 'POST /account/password with a validated session answers 200 but changes no password',
  'password-unvalidated-accepted': 'a 3PID stage of user-interactive auth accepts a session that was started but never validated',
  'old-password-kept': 'a password change adds the new password and keeps the old one working',
  'register-stage-refused': 'POST /register refuses a validated 3PID stage with 401 M_UNAUTHORIZED, as if it were not validated',
  'login-unknown-threepid-400': 'POST /login by a 3PID no account has answers 400 M_UNKNOWN instead of 403',
  'add-steals-bound-address': "POST /account/3pid/add moves an address already added to another user's account to the caller's",
  // Canonical addresses (appendix "3PID Types") and GET /account/3pid
  'case-sensitive-addresses': 'email addresses are compared, stored and listed as written: no lower-casing, no case folding',
  'msisdn-as-typed': "phone numbers are compared, stored and listed as their digits as written (07700900123 is not 447700900123)",
  'msisdn-listed-with-plus': "GET /account/3pid lists phone numbers with a leading '+'",
  'threepids-without-timestamps': 'GET /account/3pid lists medium and address only, without validated_at and added_at',
  // Completing validation: submit_url and the mailed link
  'submit-url-refuses-token': 'the submit_url answers 400 M_TOKEN_INCORRECT even to the right token',
  'submit-url-redirects': 'the submit_url answers the right token with a 302 to the request\'s next_link instead of {"success": true}',
  'submit-url-wrong-token-200': 'the submit_url answers 200 {"success": true} to any token, and validates the session',
  'token-too-long': 'the mailed validation link carries a token of 256 characters (which no longer validates the session)',
  'next-link-ignored': 'the mailed validation link answers 200 with a page, never redirecting to next_link',
  // Bad input to the requestToken endpoints (body, parameters, addresses)
  'bad-input-500': 'every bad-input case of a requestToken answers 500 M_UNKNOWN',
  'bad-input-accepted': 'every bad-input case of a requestToken answers 200 with a sid (nothing is sent)',
  'bad-input-401': 'every bad-input case of a requestToken answers 401 M_MISSING_TOKEN, as if the endpoint wanted an access token',
  'bad-input-wrong-errcode': 'every bad-input case of a requestToken answers 400 M_UNKNOWN instead of the errcode for the case',
  'no-content-type-refused': 'a requestToken body without a Content-Type header answers 400 M_NOT_JSON',
  // Error bodies and the HTTP layer, on every route
  'not-implemented': 'the requestToken endpoints answer 404 M_UNRECOGNIZED, as where they are not implemented',
  'error-body-not-standard': 'error bodies are JSON with errcode but no error',
  'error-body-plain-text': 'error bodies are text/plain "ERRCODE: message"',
  'options-runs-logic': 'OPTIONS on a POST route runs the endpoint (a requestToken sends its mail) and answers as it does',
  'options-404': 'OPTIONS answers 404 M_UNRECOGNIZED',
  'no-cors': 'no response carries CORS headers',
  'cors-partial': 'responses carry Access-Control-Allow-Origin only, no -Allow-Methods or -Allow-Headers',
  'cors-not-on-errors': 'error responses carry no CORS headers (others do)',
  'responses-not-utf8': 'error bodies are encoded in ISO-8859-1 (labelled charset=iso-8859-1), their message ending in "é"',
  'wrong-method-404': 'a wrong method on a known path answers 404 M_UNRECOGNIZED instead of 405',
  'wrong-method-no-errcode': 'a wrong method on a known path answers 405 with a body lacking errcode',
  // The relays to the identity service: msisdn delegation, and the email proxy to id_server
  'relay-drops-next-link': 'requestTokens reach the IS without next_link',
  'relay-own-client-secret': 'a relayed requestToken reaches the IS with a client_secret of the server\'s own, not the client\'s',
  'relay-error-500-plain': 'any IS failure (its 4xx errors and timeouts included) comes back as 500 text/plain',
  'relay-hang': 'no timeout on IS calls: when the IS hangs, the server never answers',
  // The email proxy to id_server (`emailVia: 'id-server'`)
  'id-server-trusts-anyone': 'any id_server is proxied to, trusted or not (one that cannot be reached then answers 502 M_UNKNOWN)',
  'id-server-v1-api': 'on the v3 paths too, email is proxied to id_server through the identity service\'s v1 API (removed in v1.1), form-encoded, without the id_access_token',
  'id-server-missing-500': 'an email requestToken without id_server answers 500 M_UNKNOWN',
  'id-server-missing-refused': 'an email requestToken without id_server, on the v3 paths, answers 400 M_SERVER_NOT_TRUSTED instead of validating the address itself',
  // id_server where the server validates itself (mail by SMTP, msisdn by its configured service)
  'id-server-followed': 'a requestToken naming an id_server is proxied to it (over HTTPS) instead of being validated as the server validates the rest',
  // Privacy mode (`privacy: true`)
  'privacy-leak': 'privacy mode is ignored: bound (and, for password reset, unbound) addresses get their open 400 errors',
  'privacy-timing-leak': 'in privacy mode, requests for a bound address answer 400 ms later',
  // Rate limiting (`rateLimit`)
  'rate-limit-no-retry': 'a 429 carries neither Retry-After nor retry_after_ms',
  'rate-limit-wrong-errcode': 'a 429 carries errcode M_UNKNOWN instead of M_LIMIT_EXCEEDED',
  // Finer bad-input faults, for scenarios about one kind of input
  'client-secret-unchecked': 'a client_secret outside [0-9a-zA-Z.=_-]{1,255} is accepted: 200 with a sid, nothing sent',
  'email-unchecked': 'an email that is not an address is accepted: 200 with a sid, nothing sent',
  'email-other-text-allowed': 'an email with other text around the address (Name <address>, <address>, mailto:address) is taken as the address inside',
  'client-secret-non-ascii-allowed': 'a client_secret may hold letters and digits beyond ASCII (\\p{L}, \\p{N}): 200 with a sid, nothing sent',
  'client-secret-boundary-off-by-one': 'a client_secret of 255 characters is refused (400 M_INVALID_PARAM), as by a check for fewer than 255',
  'next-link-unchecked': 'a next_link that is not a URI is accepted: 200 with a sid, nothing sent',
} as const satisfies Record<string, string>;

export type Fault = keyof typeof FAULTS;

export const ALL_FAULTS = Object.keys(FAULTS) as Fault[];

export function isFault(value: string): value is Fault {
  return Object.hasOwn(FAULTS, value);
}
