// What the API standards promise for every endpoint: OPTIONS, CORS, 405 for a wrong method.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { endpointRecognised, header, jsonContentType, jsonObjectBody, matrixError, requestTokenSuccess, successStatus } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { refs } from '../../harness/model/spec-refs.js';
import type { MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

export function httpConventionScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  return family('HTTP conventions', [
    {
      name: 'endpoint-implemented',
      title: 'The endpoint is implemented: a well-formed request is not answered 404 or 405 M_UNRECOGNIZED',
      level: 'must',
      specRef: refs(endpointRef(endpoint), REF.unrecognized),
      since: 'r0.4.0',
      failsUnder: ['not-implemented'],
      // Whether or not the server supports the medium, the endpoint itself must answer.
      async run({ hs, identity, must, observe }) {
        const exchange = await hs.requestToken(endpoint, kit.body(identity));
        must.match(exchange, endpointRecognised(), jsonContentType(), jsonObjectBody());
        observe(`answered ${exchange.response?.status}`);
      },
    },
    {
      name: 'options-preflight',
      title: `An OPTIONS request is answered without performing the endpoint's logic (no ${kit.message} is sent)`,
      level: 'must',
      specRef: REF.cors,
      since: 'r0.4.0',
      needs: [kit.validates, kit.sendsObservable, ...bindingNeeds(kit, state)],
      failsUnder: ['options-runs-logic', 'options-404'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const sentAt = kit.mark(context, identity);
        const exchange = await context.hs.requestTokenRaw(endpoint, {
          method: 'OPTIONS',
          body: JSON.stringify(kit.body(identity)),
          headers: { origin: 'https://client.example.test', 'access-control-request-method': 'POST' },
        });
        context.must.match(exchange, successStatus());
        await kit.expectNoSend(context, identity, sentAt);
        // The same request as a POST does send: so the quiet above was the OPTIONS's doing.
        const postedAt = kit.mark(context, identity);
        context.must.match(await context.hs.requestToken(endpoint, kit.body(identity)), requestTokenSuccess());
        await kit.waitForSend(context, identity, postedAt);
      },
    },
    {
      name: 'cors-headers',
      title: 'Responses carry the recommended CORS header Access-Control-Allow-Origin: *',
      level: 'should',
      specRef: REF.cors,
      since: 'r0.4.0',
      needs: [kit.validates, ...bindingNeeds(kit, state)],
      failsUnder: ['no-cors'],
      async run(context) {
        const identity = await subject(context, kit, state);
        context.must.match(
          await context.hs.requestToken(endpoint, kit.body(identity)),
          requestTokenSuccess(),
          header('Access-Control-Allow-Origin', /^\*$/),
        );
      },
    },
    {
      name: 'wrong-method',
      title: 'A GET on the endpoint answers 405 M_UNRECOGNIZED',
      level: 'must',
      specRef: REF.unrecognized,
      since: 'v1.6',
      failsUnder: ['wrong-method-404', 'wrong-method-no-errcode'],
      async run({ hs, must }) {
        must.match(await hs.requestTokenRaw(endpoint, { method: 'GET' }), matrixError(405, 'M_UNRECOGNIZED'));
      },
    },
  ]);
}
