import { clientPrefix, type SpecVersion } from './spec-versions.js';

/** The six requestToken endpoints this suite covers, keyed as in the results file. */
export const ENDPOINTS = {
  'register-email': { path: '/register/email/requestToken', medium: 'email' },
  'register-msisdn': { path: '/register/msisdn/requestToken', medium: 'msisdn' },
  'password-email': { path: '/account/password/email/requestToken', medium: 'email' },
  'password-msisdn': { path: '/account/password/msisdn/requestToken', medium: 'msisdn' },
  '3pid-email': { path: '/account/3pid/email/requestToken', medium: 'email' },
  '3pid-msisdn': { path: '/account/3pid/msisdn/requestToken', medium: 'msisdn' },
} as const;

export type EndpointKey = keyof typeof ENDPOINTS;
export type Medium = 'email' | 'msisdn';

export function isEndpointKey(value: string): value is EndpointKey {
  return Object.hasOwn(ENDPOINTS, value);
}

export function endpointPath(key: EndpointKey, spec: SpecVersion): string {
  return clientPrefix(spec) + ENDPOINTS[key].path;
}
