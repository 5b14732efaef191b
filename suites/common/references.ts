// Where in the spec each promise is made. Every scenario cites one of these.
import { endpointPath, type EndpointKey, type Medium } from '../../harness/model/endpoints.js';
import { noted, ref, release, type SpecRef } from '../../harness/model/spec-refs.js';
import { clientPrefix, type SpecVersion } from '../../harness/model/spec-versions.js';

// The release whose text the sections below were read in. Deliberately not the newest in the
// registry: adding a release must not make these claim text nobody has re-read in it.
const READ_IN: SpecVersion = 'v1.19';

const cs = (...sections: string[]) => ref(READ_IN, 'Client-Server API', ...sections);
const identityService = (...sections: string[]) => ref(READ_IN, 'Identity Service API', ...sections);

/** The endpoint's own section, optionally narrowed to a response or a field. */
export function endpointRef(endpoint: EndpointKey, part?: string): SpecRef {
  return cs(`POST ${endpointPath(endpoint, READ_IN)}`, ...(part ? [part] : []));
}

const definition = (medium: Medium) => `request_${medium}_validation`;
const commonErrorCodes = cs('API Standards', '"Common error codes"');
const identityRequestToken = (medium: Medium) => `validate/${medium}/requestToken`;

export const REF = {
  standardError: cs('API Standards', '"Standard error response"'),
  /** M_NOT_JSON and M_BAD_JSON are "Common error codes"; M_MISSING_PARAM and M_INVALID_PARAM are under "Other error codes". */
  commonErrors: noted(cs('API Standards', '"Common error codes" and "Other error codes"'), 'M_NOT_JSON, M_BAD_JSON, M_MISSING_PARAM, M_INVALID_PARAM'),
  jsonObjectBody: noted(cs('API Standards'), '"a request body containing a (potentially empty) JSON object"'),
  unrecognized: noted(commonErrorCodes, `M_UNRECOGNIZED: 405 for a wrong method, since ${release('v1.6')}`),
  cors: noted(cs('"Web Browser Clients"'), 'OPTIONS and CORS headers'),
  rateLimiting: cs('API Standards', '"Rate limiting"'),
  clientSecret: (medium: Medium) => noted(cs(`${definition(medium)}: client_secret`), '[0-9a-zA-Z.=_-], 1 to 255 characters'),
  sendAttempt: (medium: Medium) => cs(`${definition(medium)}: send_attempt`),
  emailField: cs(`${definition('email')}: email`),
  emailFormat: noted(cs(`${definition('email')}: email`), `format: email since ${release('v1.14')}`),
  emailAddressForm: noted(ref(READ_IN, 'Appendices', '3PID Types', 'E-Mail'), '"must not contain other text such as real name, angle brackets or a mailto: prefix"'),
  nextLink: (medium: Medium) => cs(`${definition(medium)}: next_link`),
  /** The endpoint's 400: "Part of the request was invalid" (register), "the request was invalid" (password, account/3pid). */
  invalidRequest: (endpoint: EndpointKey) => noted(endpointRef(endpoint, '400 response'), 'the request was invalid'),
  /** "This parameter is ignored when the homeserver handles 3PID verification." */
  idServerIgnored: (medium: Medium) => noted(cs(`${definition(medium)}: id_server`), `ignored when the homeserver handles 3PID verification, since ${release('r0.6.0')}`),
  contentTypeOptional: noted(cs('API Standards'), 'Content-Type application/json "is not required"'),
  utf8: noted(cs('API Standards'), '"All JSON data, in requests or responses, must be encoded using UTF-8"'),
  phoneNumber: cs(`${definition('msisdn')}: country (ISO 3166-1 alpha-2) and phone_number`),
  /** account/password's option: "The server may instead send an email to the given address…". */
  passwordOption: (endpoint: EndpointKey) =>
    endpointRef(endpoint, 'description ("M_THREEPID_NOT_FOUND may be returned … The server may instead send an email to the given address")'),
  recommendation: (endpoint: EndpointKey) =>
    noted(
      endpointRef(endpoint, '400 response'),
      'the recommendation that a server able to send messages answer 200 instead, so that nobody learns which addresses have accounts',
    ),
  /** The r0.4.0 sentence that has the homeserver hand validation to an identity service. */
  proxies: (endpoint: EndpointKey, medium: Medium) =>
    noted(ref('r0.4.0', 'Client-Server API', `POST ${endpointPath(endpoint, 'r0.4.0')}`), `"Proxies the identity server API ${identityRequestToken(medium)}"`),
  identityRequestBody: (medium: Medium) => noted(identityService(`POST /_matrix/identity/v2/${identityRequestToken(medium)}`), 'request body'),
  identityErrors: (medium: Medium) => noted(identityService(`POST /_matrix/identity/v2/${identityRequestToken(medium)}`), '400 and 403 responses'),
  identityAuthentication: noted(identityService('Authentication'), `the v2 API takes an access token; the v1 API was removed in ${release('v1.1')}`),
  identityNextLink: (medium: Medium) => identityService(`${identityRequestToken(medium)}: next_link`),
  idServerRequired: noted(ref('r0.4.0', 'registration.yaml'), `id_server required until ${release('r0.6.0')}`),
  loginByThreepid: noted(cs('Legacy login ("Login", m.id.thirdparty)'), '"In the case that the homeserver does not know about the supplied 3PID, the homeserver must respond with 403 Forbidden"'),
  registerWithThreepid: (medium: Medium) =>
    noted(cs(`POST ${clientPrefix(READ_IN)}/register`, 'User-Interactive Authentication API', medium === 'email' ? 'Email-based (identity / homeserver)' : 'Phone number/MSISDN-based (identity / homeserver)'), 'threepid_creds'),
  passwordChange: noted(cs(`POST ${clientPrefix(READ_IN)}/account/password`), 'user-interactive auth by m.login.email.identity / m.login.msisdn'),
  /** Appendices, "3PID Types": the canonical address of each medium. */
  threepidTypes: (medium: Medium) => ref(READ_IN, 'Appendices', '3PID Types', medium === 'email' ? 'E-Mail' : 'PSTN Phone numbers'),
  threepidList: cs(`GET ${clientPrefix(READ_IN)}/account/3pid`, '200 response, Third-party identifier'),
  threepidAddOnly: cs(`POST ${clientPrefix(READ_IN)}/account/3pid/add`),
  submitUrl: cs('RequestTokenResponse: submit_url'),
  validationTokenFormat: identityService('Establishing associations', 'Format of a validation token'),
  identitySubmitToken: (medium: Medium) => identityService(`POST /_matrix/identity/v2/validate/${medium}/submitToken`),
  identitySubmitTokenLink: (medium: Medium) => noted(identityService(`GET /_matrix/identity/v2/validate/${medium}/submitToken`), '3XX response'),
  threepidAdd: cs(`POST ${clientPrefix(READ_IN)}/account/3pid/add and GET ${clientPrefix(READ_IN)}/account/3pid`),
} as const;
