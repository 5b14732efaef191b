// What only account/3pid/*/requestToken promises: the v1.13 error codes, and that a
// validated address can then be added to the account.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { matrixError } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { noted, release } from '../../harness/model/spec-refs.js';
import { clientPrefix } from '../../harness/model/spec-versions.js';
import { capitalised, type MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';

export function threepidScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  return family('account/3pid', [
    {
      name: 'medium-not-supported',
      title: `A homeserver that does not support adding ${kit.noun}s answers 400 M_THREEPID_MEDIUM_NOT_SUPPORTED`,
      level: 'must',
      says: `M_THREEPID_MEDIUM_NOT_SUPPORTED: The homeserver does not support adding ${kit.noun}s.`,
      statements: ['B13'],
      specRef: noted(endpointRef(endpoint, '400 response, M_THREEPID_MEDIUM_NOT_SUPPORTED'), `since ${release('v1.13')}`),
      since: 'v1.13',
      needs: [kit.unsupported],
      failsUnder: ['medium-not-supported-wrong'],
      async run({ hs, identity, must }) {
        must.match(await hs.requestToken(endpoint, kit.body(identity)), matrixError(400, 'M_THREEPID_MEDIUM_NOT_SUPPORTED'));
      },
    },
    {
      name: 'invalid-address',
      title: `${capitalised(kit.aNoun)} that is not valid answers 400 M_INVALID_PARAM`,
      level: 'must',
      says: `M_INVALID_PARAM: The ${kit.noun} given was not valid.`,
      statements: ['B14'],
      specRef: noted(endpointRef(endpoint, '400 response, M_INVALID_PARAM'), `since ${release('v1.13')}`),
      since: 'v1.13',
      needs: [kit.validates],
      failsUnder: ['bad-input-500', 'bad-input-accepted'],
      async run({ hs, identity, must }) {
        must.match(await hs.requestToken(endpoint, kit.body(identity, kit.notAnAddress)), matrixError(400, 'M_INVALID_PARAM'));
      },
    },
    {
      name: 'validated-address-binds',
      title: `Once validated, the ${kit.noun} is added to the account by POST /account/3pid/add and listed by GET /account/3pid`,
      level: 'must',
      says: 'Adds contact information to the user\'s account. Homeservers should use 3PIDs added through this endpoint for password resets instead of relying on the identity server.',
      statements: ['F1', 'B3', 'E5'],
      specRef: REF.threepidAdd,
      since: 'r0.6.0',
      needs: [kit.validates, kit.sendsObservable, 'accounts'],
      failsUnder: ['add-binds-nothing'],
      async run(context) {
        const account = await kit.bind(context, context.identity);
        const address = kit.canonical(context.identity);
        const listed = await context.accounts.threepids(account);
        if (!listed.some((t) => t.medium === kit.medium && t.address === address)) {
          throw new Error(
            `GET ${clientPrefix(context.spec)}/account/3pid does not list ${kit.medium} ${address}; it lists ${JSON.stringify(listed)}`,
          );
        }
      },
    },
  ]);
}
