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
      title: 'The endpoint is implemented: a well-formed request is not answered 404 or 405 M_UNRECOGNIZED, and its answer is a JSON object',
      // Nothing in the spec obliges a server to implement a given endpoint (or medium): the
      // level is M_UNRECOGNIZED's own "is expected to".
      level: 'should',
      says: 'M_UNRECOGNIZED: … This is expected to be returned with a 404 HTTP status code if the endpoint is not implemented',
      statements: ['C7b', 'C5', 'C2'],
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
      says: 'The server MUST NOT perform any logic defined for the endpoints when approached with an OPTIONS request.',
      statements: ['C11'],
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
      says: 'When a client approaches the server with a request, the server should respond with the CORS headers for that route.',
      statements: ['C12'],
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
      level: 'should',
      says: 'M_UNRECOGNIZED: … is expected to be returned with … a 405 HTTP status code if the endpoint is implemented, but the incorrect HTTP method is used',
      statements: ['C7a', 'C1'],
      specRef: REF.unrecognized,
      since: 'v1.6',
      failsUnder: ['wrong-method-404', 'wrong-method-no-errcode'],
      async run({ hs, must }) {
        must.match(await hs.requestTokenRaw(endpoint, { method: 'GET' }), matrixError(405, 'M_UNRECOGNIZED'));
      },
    },
  ]);
}
