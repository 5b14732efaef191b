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
  commonErrors: noted(commonErrorCodes, 'M_NOT_JSON, M_BAD_JSON, M_MISSING_PARAM, M_INVALID_PARAM'),
  jsonObjectBody: noted(cs('API Standards'), '"a request body containing a (potentially empty) JSON object"'),
  unrecognized: noted(commonErrorCodes, `M_UNRECOGNIZED: 405 for a wrong method, since ${release('v1.6')}`),
  cors: noted(cs('"Web Browser Clients"'), 'OPTIONS and CORS headers'),
  rateLimiting: cs('API Standards', '"Rate limiting"'),
  clientSecret: (medium: Medium) => noted(cs(`${definition(medium)}: client_secret`), '[0-9a-zA-Z.=_-], 1 to 255 characters'),
  sendAttempt: (medium: Medium) => cs(`${definition(medium)}: send_attempt`),
  emailFormat: noted(cs(`${definition('email')}: email`), `format: email since ${release('v1.14')}`),
  phoneNumber: cs(`${definition('msisdn')}: country (ISO 3166-1 alpha-2) and phone_number`),
  recommendation: (endpoint: EndpointKey) =>
    noted(
      endpointRef(endpoint, '400 response'),
      'the recommendation that a server able to send messages answer 200 instead, so that nobody learns which addresses have accounts',
    ),
  /** The r0.4.0 sentence that has the homeserver hand validation to an identity service. */
  proxies: (endpoint: EndpointKey, medium: Medium) =>
    noted(ref('r0.4.0', 'Client-Server API', `POST ${endpointPath(endpoint, 'r0.4.0')}`), `"Proxies the identity server API ${identityRequestToken(medium)}"`),
  identityRequestBody: (medium: Medium) => noted(identityService(`POST /_matrix/identity/v2/${identityRequestToken(medium)}`), 'request body'),
  identityNextLink: (medium: Medium) => identityService(`${identityRequestToken(medium)}: next_link`),
  idServerRequired: noted(ref('r0.4.0', 'registration.yaml'), `id_server required until ${release('r0.6.0')}`),
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
