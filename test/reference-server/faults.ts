// The reference homeserver's named faults. Each breaks exactly one behaviour, so a self-test
// can show that the scenarios about that behaviour fail against it (and pass without it).

export const FAULTS = {
  // The 200 answer of the requestToken endpoints
  'success-500': 'where a requestToken would answer 200, it answers 500 M_UNKNOWN instead',
  'success-bad-sid': 'the 200 answer carries a sid with characters outside [0-9a-zA-Z.=_-]',
  'success-no-json-content-type': 'the 200 answer is JSON labelled Content-Type: text/plain',
  'success-bad-submit-url': 'the 200 answer (email too) carries submit_url "not a uri"',
  // The validation mail
  'no-mail': 'email requestTokens answer 200 but never send a mail',
  'mail-no-link': 'the validation mail gives the token in words, with no link in it',
  'same-attempt-resends': 'the same send_attempt again sends another mail',
  'higher-attempt-no-resend': 'a higher send_attempt answers 200 but sends no new mail',
  // Addresses the server refuses, binds, or does not know
  'denied-allowed': 'denied addresses get the normal 200 flow',
  'denied-wrong-errcode': 'denied addresses answer 403 M_FORBIDDEN instead of M_THREEPID_DENIED',
  'in-use-500': 'register/3pid for a bound address answer 500 M_UNKNOWN (privacy mode or not)',
  'in-use-wrong-errcode': 'register/3pid for a bound address answer 400 M_UNKNOWN (privacy mode or not)',
  'password-unbound-in-use': 'password reset for an unbound address answers 400 M_THREEPID_IN_USE (privacy mode or not)',
  'password-bound-not-found': 'password reset for a bound address answers 400 M_THREEPID_NOT_FOUND',
  'medium-not-supported-wrong': 'with noEmail, 3pid-email answers 400 M_UNKNOWN instead of M_THREEPID_MEDIUM_NOT_SUPPORTED',
  // Bad input to the requestToken endpoints (body, parameters, addresses)
  'bad-input-500': 'every bad-input case of a requestToken answers 500 M_UNKNOWN',
  'bad-input-accepted': 'every bad-input case of a requestToken answers 200 with a sid (nothing is sent)',
  // Error bodies and the HTTP layer, on every route
  'error-body-not-standard': 'error bodies are JSON with errcode but no error',
  'error-body-plain-text': 'error bodies are text/plain "ERRCODE: message"',
  'options-runs-logic': 'OPTIONS on a POST route runs the endpoint (a requestToken sends its mail) and answers as it does',
  'options-404': 'OPTIONS answers 404 M_UNRECOGNIZED',
  'no-cors': 'no response carries CORS headers',
  'wrong-method-404': 'a wrong method on a known path answers 404 M_UNRECOGNIZED instead of 405',
  'wrong-method-no-errcode': 'a wrong method on a known path answers 405 with a body lacking errcode',
  // The msisdn relay to the identity service
  'relay-drops-fields': 'msisdn requestTokens reach the IS without next_link and with send_attempt always 1',
  'relay-error-500-plain': 'any IS failure on the msisdn relay (its 4xx errors included) comes back as 500 text/plain',
  'relay-hang': 'no timeout on IS calls: when the IS hangs, the server never answers',
  // The email proxy to id_server (`emailVia: 'id-server'`)
  'id-server-trusts-anyone': 'any id_server is proxied to, trusted or not (one that cannot be reached then answers 502 M_UNKNOWN)',
  'id-server-missing-500': 'an email requestToken without id_server answers 500 M_UNKNOWN',
  'email-relay-drops-next-link': 'email requestTokens reach the id_server without next_link',
  'email-relay-error-500-plain': 'any id_server failure on the email proxy (its 4xx errors included) comes back as 500 text/plain',
  // Privacy mode (`privacy: true`)
  'privacy-leak': 'privacy mode is ignored: bound (and, for password reset, unbound) addresses get their open 400 errors',
  'privacy-timing-leak': 'in privacy mode, requests for a bound address answer 400 ms later',
  // Rate limiting (`rateLimit`)
  'rate-limit-no-retry': 'a 429 carries neither Retry-After nor retry_after_ms',
  'rate-limit-wrong-errcode': 'a 429 carries errcode M_UNKNOWN instead of M_LIMIT_EXCEEDED',
  'rate-limit-400': 'a rate-limited request answers 400 M_LIMIT_EXCEEDED instead of 429',
  // Finer bad-input faults, for scenarios about one kind of input
  'client-secret-unchecked': 'a client_secret outside [0-9a-zA-Z.=_-]{1,255} is accepted (the flow goes on)',
  'email-unchecked': 'an email that is not an address is accepted: 200 with a sid, no mail',
} as const satisfies Record<string, string>;

export type Fault = keyof typeof FAULTS;

export const ALL_FAULTS = Object.keys(FAULTS) as Fault[];

export function isFault(value: string): value is Fault {
  return Object.hasOwn(FAULTS, value);
}
