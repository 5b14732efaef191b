import type { EndpointKey } from '../../harness/model/endpoints.js';
import { matrixError, requestTokenSuccess } from '../../harness/model/matchers.js';
import type { FamilyScenario } from '../../harness/model/scenario.js';
import { refs } from '../../harness/model/spec-refs.js';
import { capitalised, type MediumKit } from './media.js';
import { endpointRef } from './references.js';

export function deniedScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'denied addresses',
    name: 'denied',
    title: `${capitalised(kit.aNoun)} the homeserver does not permit answers 403 M_THREEPID_DENIED`,
    level: 'must',
    says: '403: The homeserver does not permit the address to be bound (M_THREEPID_DENIED)',
    statements: ['B10', 'C1'],
    specRef: endpointRef(endpoint, '403 response'),
    since: 'r0.4.0',
    needs: [kit.validates, kit.denies],
    failsUnder: ['denied-allowed', 'denied-wrong-errcode'],
    async run({ hs, identity, must }) {
      must.match(await hs.requestToken(endpoint, kit.deniedBody(identity)), matrixError(403, 'M_THREEPID_DENIED'));
    },
  };
}

/**
 * Password reset for a denied address: such an address cannot be bound either, so besides
 * 403 M_THREEPID_DENIED the answers the spec allows for an unbound address are right too.
 */
export function deniedPasswordScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'denied addresses',
    name: 'denied',
    title: `${capitalised(kit.aNoun)} the homeserver does not permit answers 403 M_THREEPID_DENIED (or, as it is bound to no account, what the spec allows for that)`,
    level: 'must',
    says: '403: The homeserver does not permit the address to be bound (M_THREEPID_DENIED); M_THREEPID_NOT_FOUND may be returned',
    statements: ['B10', 'B12'],
    specRef: refs(endpointRef(endpoint, '403 response'), endpointRef(endpoint, 'description (M_THREEPID_NOT_FOUND)')),
    since: 'r0.4.0',
    needs: [kit.validates, kit.denies],
    failsUnder: ['denied-wrong-errcode'],
    async run({ hs, identity, must }) {
      must.matchOneOf(await hs.requestToken(endpoint, kit.deniedBody(identity)), {
        '403 M_THREEPID_DENIED': matrixError(403, 'M_THREEPID_DENIED'),
        '400 M_THREEPID_NOT_FOUND': matrixError(400, 'M_THREEPID_NOT_FOUND'),
        '200, the address is messaged instead': requestTokenSuccess(),
      });
    },
  };
}
