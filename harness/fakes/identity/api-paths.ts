// Where the identity-service APIs live. The fake serves both: the legacy v1 API (removed from
// the spec in v1.1 but still what Synapse and Dendrite call) and v2.

export type ApiVersion = 'v1' | 'v2';

export const API_BASES: Readonly<Record<ApiVersion, string>> = {
  v1: '/_matrix/identity/api/v1',
  v2: '/_matrix/identity/v2',
};

/** `GET /_matrix/identity/versions` sits outside both bases. */
export const VERSIONS_PATH = '/_matrix/identity/versions';
