// Where in the spec each promise is made. Every scenario cites one of these.
import { ENDPOINTS, type EndpointKey, type Medium } from '../../harness/model/endpoints.js';

const CS = 'v1.19 Client-Server API';

/** The endpoint's own section, optionally narrowed to a response or a field. */
export function endpointRef(endpoint: EndpointKey, part?: string): string {
  return `${CS}, POST /_matrix/client/v3${ENDPOINTS[endpoint].path}${part ? `, ${part}` : ''}`;
}

const definition = (medium: Medium) => `request_${medium}_validation`;

export const REF = {
  standardError: `${CS}, API Standards, "Standard error response"`,
  commonErrors: `${CS}, API Standards, "Common error codes" (M_NOT_JSON, M_BAD_JSON, M_MISSING_PARAM, M_INVALID_PARAM)`,
  jsonObjectBody: `${CS}, API Standards ("a request body containing a (potentially empty) JSON object")`,
  unrecognized: `${CS}, API Standards, "Common error codes" (M_UNRECOGNIZED: 405 for a wrong method, since v1.6)`,
  cors: `${CS}, "Web Browser Clients" (OPTIONS and CORS headers)`,
  rateLimiting: `${CS}, API Standards, "Rate limiting"`,
  clientSecret: (medium: Medium) => `${CS}, ${definition(medium)}: client_secret ([0-9a-zA-Z.=_-], 1 to 255 characters)`,
  sendAttempt: (medium: Medium) => `${CS}, ${definition(medium)}: send_attempt`,
  emailFormat: `${CS}, request_email_validation: email (format: email since v1.14)`,
  phoneNumber: `${CS}, request_msisdn_validation: country (ISO 3166-1 alpha-2) and phone_number`,
  recommendation: (endpoint: EndpointKey) =>
    `${endpointRef(endpoint, '400 response')} (the recommendation that a server able to send messages answer 200 instead, so that nobody learns which addresses have accounts)`,
} as const;
