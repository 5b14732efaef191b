// Bad input to a requestToken endpoint: every case must be refused with a client error in
// the standard error shape, never accepted and never a server error.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { RawRequest } from '../../harness/target/homeserver.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import { jsonOf, type Exchange } from '../../harness/http/exchange.js';
import { matrixError } from '../../harness/model/matchers.js';
import { family, type FamilyScenario, type ScenarioDraft } from '../../harness/model/scenario.js';
import { refs, type SpecRef } from '../../harness/model/spec-refs.js';
import type { SpecVersion } from '../../harness/model/spec-versions.js';
import type { MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { bindingNeeds, pooledBoundSubject, type AddressState } from './subjects.js';

interface Case {
  name: string;
  title: string;
  specRef: SpecRef;
  since?: SpecVersion;
  /** Faults that break this kind of input alone, besides the family's own (see badInputScenarios). */
  failsUnder?: readonly string[];
  /** The case replaces or removes the address, so whether it is bound cannot matter. */
  replacesAddress?: boolean;
  /** The JSON body to send, or a raw request where the body must not be JSON at all. */
  send(identity: FreshIdentity): { json: unknown } | { raw: RawRequest };
}

function without(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _removed, ...rest } = body;
  return rest;
}

function casesFor(endpoint: EndpointKey, kit: MediumKit): Case[] {
  const body = (identity: FreshIdentity, overrides?: Record<string, unknown>) => kit.body(identity, overrides);
  const requestBody = refs(endpointRef(endpoint, 'request body'), REF.commonErrors);
  return [
    ...kit.required.map((field) => ({
      replacesAddress: kit.addressFields.includes(field),
      name: `missing-${field.replaceAll('_', '-')}`,
      title: `A request without the required ${field} is refused with a 4xx standard error`,
      specRef: requestBody,
      send: (identity: FreshIdentity) => ({ json: without(body(identity), field) }),
    })),
    ...Object.entries(kit.wrongTypes).map(([field, value]) => ({
      replacesAddress: kit.addressFields.includes(field),
      name: `wrong-type-${field.replaceAll('_', '-')}`,
      title: `A request whose ${field} has the wrong type (${JSON.stringify(value)}) is refused with a 4xx standard error`,
      specRef: requestBody,
      send: (identity: FreshIdentity) => ({ json: body(identity, { [field]: value }) }),
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
      specRef: refs(REF.jsonObjectBody, REF.commonErrors),
      send: (identity) => ({ json: [body(identity)] }),
    },
    {
      name: 'client-secret-bad-characters',
      failsUnder: ['client-secret-unchecked'],
      title: 'A client_secret with characters outside [0-9a-zA-Z.=_-] is refused with a 4xx standard error',
      specRef: REF.clientSecret(kit.medium),
      send: (identity) => ({ json: body(identity, { client_secret: 'not/a secret!' }) }),
    },
    {
      name: 'client-secret-empty',
      failsUnder: ['client-secret-unchecked'],
      title: 'An empty client_secret is refused with a 4xx standard error',
      specRef: REF.clientSecret(kit.medium),
      send: (identity) => ({ json: body(identity, { client_secret: '' }) }),
    },
    {
      name: 'client-secret-too-long',
      failsUnder: ['client-secret-unchecked'],
      title: 'A client_secret longer than 255 characters is refused with a 4xx standard error',
      specRef: REF.clientSecret(kit.medium),
      send: (identity) => ({ json: body(identity, { client_secret: 'a'.repeat(256) }) }),
    },
    // An address that is not one. (account/3pid says more since v1.13: see threepid.ts.)
    ...kit.malformed.map(({ overrides, ...malformed }): Case => ({
      ...malformed,
      replacesAddress: true,
      send: (identity) => ({ json: body(identity, overrides) }),
    })),
  ];
}

/**
 * `state` is the address the endpoint expects. For password reset that is a bound one: with
 * an unbound address, M_THREEPID_NOT_FOUND would be a right answer too, and a server that
 * never checks the input would pass.
 */
export function badInputScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  return family(
    'bad input',
    casesFor(endpoint, kit).map((c): ScenarioDraft => ({
    name: c.name,
    title: c.title,
    level: 'must',
    specRef: c.specRef,
    since: c.since ?? 'r0.4.0',
    // Bad input is refused whatever the server supports, so these need nothing of the profile
    // beyond what binding an address takes.
    needs: c.replacesAddress ? [] : bindingNeeds(kit, state),
    failsUnder: ['bad-input-500', 'bad-input-accepted', 'error-body-not-standard', 'error-body-plain-text', ...(c.failsUnder ?? [])],
    async run(context) {
      const { hs, must, observe } = context;
      const identity = state === 'bound' && !c.replacesAddress ? await pooledBoundSubject(context, kit) : context.identity;
      const request = c.send(identity);
      const exchange =
        'json' in request ? await hs.requestToken(endpoint, request.json) : await hs.requestTokenRaw(endpoint, request.raw);
      must.match(exchange, matrixError('any 4xx'));
      observe(describeError(exchange));
    },
    })),
  );
}

export function describeError(exchange: Exchange): string {
  const errcode = (jsonOf(exchange) as { errcode?: unknown } | undefined)?.errcode;
  return `${exchange.response?.status} ${String(errcode)}`;
}
