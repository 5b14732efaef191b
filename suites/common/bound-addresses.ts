// What the server says about addresses that are, or are not, associated with an account.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { matrixError, requestTokenSuccess } from '../../harness/model/matchers.js';
import type { FamilyScenario } from '../../harness/model/scenario.js';
import { capitalised, type MediumKit } from './media.js';
import { endpointRef } from './references.js';
import { subject } from './subjects.js';

/** Register and account/3pid: the address must not already be associated with an account. */
export function inUseScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'bound and unbound addresses',
    name: 'in-use',
    title: `${capitalised(kit.aNoun)} already associated with an account answers 400 M_THREEPID_IN_USE, or 200 where the server messages the owner instead`,
    level: 'must',
    says: `The homeserver must check that the given ${kit.noun} is **not** already associated with an account on this homeserver.`,
    statements: ['B6', 'B7'],
    specRef: endpointRef(endpoint, '400 response, M_THREEPID_IN_USE'),
    since: 'r0.4.0',
    needs: [kit.validates, kit.sendsObservable, 'accounts'],
    failsUnder: ['in-use-500', 'in-use-wrong-errcode'],
    async run(context) {
      const identity = await subject(context, kit, 'bound');
      context.must.matchOneOf(await context.hs.requestToken(endpoint, kit.body(identity)), {
        '400 M_THREEPID_IN_USE': matrixError(400, 'M_THREEPID_IN_USE'),
        '200, the owner is messaged instead (recommended)': requestTokenSuccess(),
      });
    },
  };
}

/** account/password: the address must be associated; M_THREEPID_IN_USE may not be returned. */
export function unboundPasswordScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'bound and unbound addresses',
    name: 'not-found',
    title: `${capitalised(kit.aNoun)} associated with no account answers 400 M_THREEPID_NOT_FOUND, or 200 where the server messages the address instead, and never M_THREEPID_IN_USE`,
    level: 'must',
    says: 'M_THREEPID_NOT_FOUND may be returned if no account matching the given email address could be found. … M_THREEPID_IN_USE may not be returned.',
    statements: ['B11', 'B12'],
    specRef: endpointRef(endpoint, 'description ("M_THREEPID_NOT_FOUND may be returned … M_THREEPID_IN_USE may not be returned") and 400 response'),
    since: 'r0.4.0',
    needs: [kit.validates],
    failsUnder: ['password-unbound-in-use'],
    async run({ hs, identity, must }) {
      must.matchOneOf(await hs.requestToken(endpoint, kit.body(identity)), {
        '400 M_THREEPID_NOT_FOUND': matrixError(400, 'M_THREEPID_NOT_FOUND'),
        '200, the address is messaged instead': requestTokenSuccess(),
      });
    },
  };
}
