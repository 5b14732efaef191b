// Bad input to a requestToken endpoint: every case must be refused with a client error in
// the standard error shape, never accepted and never a server error.
import type { EndpointKey } from '../../harness/endpoints.js';
import type { FreshIdentity } from '../../harness/identities.js';
import { jsonOf } from '../../harness/http/exchange.js';
import { matrixError } from '../../harness/matchers.js';
import type { Capability } from '../../harness/profile.js';
import type { ScenarioDraft } from '../../harness/scenario.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { RawRequest } from '../../harness/homeserver.js';
import type { SpecVersion } from '../../harness/spec-versions.js';
import { without } from './bodies.js';
import { endpointRef, REF } from './references.js';

export interface BadInputOptions {
  endpoint: EndpointKey;
  /** A body the endpoint would accept. */
  validBody(identity: FreshIdentity): Record<string, unknown>;
  /** The fields the spec marks required. */
  required: readonly string[];
  /** For each field, a value of the wrong JSON type. */
  wrongTypes: Readonly<Record<string, unknown>>;
  needs: readonly Capability[];
}

function recordErrcode(context: Pick<ScenarioContext, 'observe'>, exchange: Parameters<typeof jsonOf>[0]): void {
  const errcode = (jsonOf(exchange) as { errcode?: unknown } | undefined)?.errcode;
  context.observe(`${exchange.response?.status} ${String(errcode)}`);
}

interface Case {
  name: string;
  title: string;
  specRef: string;
  since?: SpecVersion;
  /** The JSON body to send, or a raw request where the body must not be JSON at all. */
  send(identity: FreshIdentity): { json: unknown } | { raw: RawRequest };
}

export function badInputScenarios(options: BadInputOptions): ScenarioDraft[] {
  const { endpoint, validBody } = options;
  const cases: Case[] = [
    ...options.required.map((field) => ({
      name: `missing-${field.replaceAll('_', '-')}`,
      title: `A request without the required ${field} is refused with a 4xx standard error`,
      specRef: `${endpointRef(endpoint, 'request body')}; ${REF.commonErrors}`,
      send: (identity: FreshIdentity) => ({ json: without(validBody(identity), field) }),
    })),
    ...Object.entries(options.wrongTypes).map(([field, value]) => ({
      name: `wrong-type-${field.replaceAll('_', '-')}`,
      title: `A request whose ${field} has the wrong type (${JSON.stringify(value)}) is refused with a 4xx standard error`,
      specRef: `${endpointRef(endpoint, 'request body')}; ${REF.commonErrors}`,
      send: (identity: FreshIdentity) => ({ json: { ...validBody(identity), [field]: value } }),
    })),
    {
      name: 'not-json',
      title: 'A request body that is not JSON is refused with a 4xx standard error',
      specRef: REF.commonErrors,
      send: () => ({ raw: { body: '{"client_secret": "abc", this is not JSON', headers: { 'content-type': 'application/json' } } }),
    },
    {
      name: 'not-object',
      title: 'A JSON body that is not an object is refused with a 4xx standard error',
      specRef: `${CS_STANDARDS}; ${REF.commonErrors}`,
      send: (identity) => ({ json: [validBody(identity)] }),
    },
    {
      name: 'client-secret-bad-characters',
      title: 'A client_secret with characters outside [0-9a-zA-Z.=_-] is refused with a 4xx standard error',
      specRef: REF.clientSecret,
      send: (identity) => ({ json: { ...validBody(identity), client_secret: 'not/a secret!' } }),
    },
    {
      name: 'client-secret-empty',
      title: 'An empty client_secret is refused with a 4xx standard error',
      specRef: REF.clientSecret,
      send: (identity) => ({ json: { ...validBody(identity), client_secret: '' } }),
    },
    {
      name: 'client-secret-too-long',
      title: 'A client_secret longer than 255 characters is refused with a 4xx standard error',
      specRef: REF.clientSecret,
      send: (identity) => ({ json: { ...validBody(identity), client_secret: 'a'.repeat(256) } }),
    },
  ];
  return cases.map((c) => ({
    name: c.name,
    title: c.title,
    level: 'must',
    specRef: c.specRef,
    since: c.since ?? 'r0.4.0',
    needs: options.needs,
    async run({ hs, identity, must, observe }) {
      const request = c.send(identity);
      const exchange =
        'json' in request ? await hs.requestToken(endpoint, request.json) : await hs.requestTokenRaw(endpoint, request.raw);
      must.match(exchange, matrixError('any 4xx'));
      recordErrcode({ observe }, exchange);
    },
  }));
}

const CS_STANDARDS = 'v1.19 Client-Server API, API Standards ("a request body containing a (potentially empty) JSON object")';
