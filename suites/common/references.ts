// Where in the spec each promise is made. Every scenario cites one of these.
import { ENDPOINTS, type EndpointKey } from '../../harness/endpoints.js';

const CS = 'v1.19 Client-Server API';

/** The endpoint's own section, optionally narrowed to a response or a field. */
export function endpointRef(endpoint: EndpointKey, part?: string): string {
  return `${CS}, POST /_matrix/client/v3${ENDPOINTS[endpoint].path}${part ? `, ${part}` : ''}`;
}

export const REF = {
  standardError: `${CS}, API Standards, "Standard error response"`,
  commonErrors: `${CS}, API Standards, "Common error codes" (M_NOT_JSON, M_BAD_JSON, M_MISSING_PARAM, M_INVALID_PARAM)`,
  unrecognized: `${CS}, API Standards, "Common error codes" (M_UNRECOGNIZED: 405 for a wrong method, since v1.6)`,
  cors: `${CS}, "Web Browser Clients" (OPTIONS and CORS headers)`,
  clientSecret: `${CS}, request_email_validation / request_msisdn_validation: client_secret ([0-9a-zA-Z.=_-], 1 to 255 characters)`,
  sendAttempt: `${CS}, request_email_validation: send_attempt`,
  emailFormat: `${CS}, request_email_validation: email (format: email since v1.14)`,
} as const;
