// What the API standards promise for every endpoint: OPTIONS, CORS, 405 for a wrong method,
// JSON bodies with or without a Content-Type, UTF-8 answers.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { corsHeaders, endpointRecognised, jsonContentType, jsonObjectBody, matrixError, requestTokenSuccess, successStatus, utf8Encoded } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { refs } from '../../harness/model/spec-refs.js';
import type { MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { requestAndWaitForSend } from './sends.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

/** The origin of a browser client, as its requests carry it. */
const ORIGIN = 'https://client.example.test';

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
        await requestAndWaitForSend(context, endpoint, kit, identity);
      },
    },
    {
      name: 'cors-headers',
      title: 'A 200 answer carries CORS headers that let a browser client make the request: Access-Control-Allow-Origin * (or its Origin), -Allow-Methods with POST and OPTIONS, -Allow-Headers with Content-Type and Authorization',
      level: 'should',
      says: 'When a client approaches the server with a request, the server should respond with the CORS headers for that route.',
      statements: ['C12'],
      specRef: REF.cors,
      since: 'r0.4.0',
      needs: [kit.validates, ...bindingNeeds(kit, state)],
      failsUnder: ['no-cors', 'cors-partial'],
      async run(context) {
        const identity = await subject(context, kit, state);
        context.must.match(await context.hs.requestToken(endpoint, kit.body(identity), { origin: ORIGIN }), requestTokenSuccess(), corsHeaders());
      },
    },
    {
      name: 'cors-headers-on-error',
      title: 'An error answer carries the same CORS headers, so that a browser client can read the error',
      level: 'should',
      statements: ['C12'],
      says: 'supply Cross-Origin Resource Sharing (CORS) headers on all requests',
      specRef: REF.cors,
      since: 'r0.4.0',
      failsUnder: ['no-cors', 'cors-partial', 'cors-not-on-errors'],
      async run({ hs, must }) {
        // A body with nothing in it is refused by every server, whatever it supports.
        must.match(await hs.requestToken(endpoint, {}, { origin: ORIGIN }), matrixError(400), corsHeaders());
      },
    },
    {
      name: 'cors-preflight',
      title: 'A CORS preflight (OPTIONS with Origin, Access-Control-Request-Method POST and -Request-Headers Content-Type, Authorization) is answered 2xx with those CORS headers',
      level: 'should',
      statements: ['C12', 'C11'],
      says: 'the homeserver should respond to pre-flight requests and supply Cross-Origin Resource Sharing (CORS) headers',
      specRef: REF.cors,
      since: 'r0.4.0',
      failsUnder: ['no-cors', 'cors-partial', 'options-404'],
      async run({ hs, must }) {
        const exchange = await hs.requestTokenRaw(endpoint, {
          method: 'OPTIONS',
          headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
        });
        must.match(exchange, successStatus(), corsHeaders());
      },
    },
    {
      name: 'json-without-content-type',
      title: 'A JSON body sent without a Content-Type header is accepted as one with application/json',
      level: 'must',
      statements: ['C3'],
      says: 'Clients should supply a `Content-Type` header of `application/json` for all requests with JSON bodies, but this is not required.',
      specRef: REF.contentTypeOptional,
      since: 'r0.4.0',
      needs: [kit.validates, ...bindingNeeds(kit, state)],
      failsUnder: ['no-content-type-refused'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const exchange = await context.hs.requestTokenRaw(endpoint, { json: kit.body(identity), contentType: false });
        context.must.match(exchange, requestTokenSuccess());
      },
    },
    {
      name: 'responses-utf8',
      title: 'JSON answers are encoded in UTF-8 (an error answer to a request with non-ASCII text, and any charset it names)',
      level: 'must',
      statements: ['C4'],
      says: 'All JSON data, in requests or responses, must be encoded using UTF-8.',
      specRef: REF.utf8,
      since: 'r0.4.0',
      failsUnder: ['responses-not-utf8'],
      async run({ hs, must }) {
        // Non-ASCII in, so that a server which echoes what it refuses has some to encode.
        must.match(await hs.requestToken(endpoint, { client_secret: 'm3c-é-🔑' }), matrixError(400), utf8Encoded());
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
