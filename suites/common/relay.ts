// Where the homeserver delegates phone numbers to an identity service (r0.4.0: it "proxies
// the identity service API validate/msisdn/requestToken"): what it forwards, and how it
// passes the service's failures on to the client.
import type { EndpointKey } from '../../harness/endpoints.js';
import type { Fault } from '../../harness/identity/fake-identity-service.js';
import { endpointRecognised, jsonContentType, matchesSchema, matrixError, status, type Matcher } from '../../harness/matchers.js';
import type { ScenarioDraft } from '../../harness/scenario.js';
import { describeError } from './bad-input.js';
import { MSISDN } from './media.js';
import { endpointRef, REF } from './references.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

const PROXY_REF = 'r0.4.0 Client-Server API, POST /_matrix/client/r0/register/msisdn/requestToken ("Proxies the identity server API validate/msisdn/requestToken")';
const REQUEST_TOKEN = '/validate/msisdn/requestToken';
// Synapse waits 60 s for an identity service; leave room for that and the answer.
const HUNG_SERVICE_DEADLINE_MS = 80_000;

/** Any error status, in the standard error shape. */
function anyStandardError(): Matcher[] {
  const errorStatus: Matcher = {
    expectation: 'an error status (4xx or 5xx)',
    mismatch: (ex) => (ex.response!.status >= 400 ? undefined : `status was ${ex.response!.status}`),
  };
  return [errorStatus, endpointRecognised(), jsonContentType(), matchesSchema('error')];
}

export function relayScenarios(endpoint: EndpointKey, state: AddressState): ScenarioDraft[] {
  const needs = [MSISDN.validates, 'msisdn-by-identity-service', ...bindingNeeds(MSISDN, state)] as const;
  const withFault = (name: string, title: string, level: 'must' | 'should', fault: Fault, expected: Matcher[], timeoutMs?: number): ScenarioDraft => ({
    name,
    title,
    level,
    specRef: `${PROXY_REF}; ${REF.standardError}`,
    since: 'r0.4.0',
    needs,
    ...(timeoutMs && { slow: true }),
    async run(context) {
      const identity = await subject(context, MSISDN, state);
      context.is.inject({ path: REQUEST_TOKEN, fault, times: 1 });
      const sentAt = Date.now();
      const exchange = await context.hs.http.send({
        method: 'POST',
        path: context.hs.path(endpoint),
        json: MSISDN.body(identity),
        ...(timeoutMs && { timeoutMs }),
      });
      context.must.match(exchange, expected);
      // Only an answer to a failure the server actually met says anything about its relay.
      if (!context.is.requestsTo(REQUEST_TOKEN).some((r) => r.receivedAt >= sentAt)) {
        throw new Error('the request never reached the identity service, so the server did not relay its failure');
      }
      context.observe(describeError(exchange));
    },
  });
  return [
    {
      name: 'relay-forwards-request',
      title: 'The identity service receives the client_secret, country, phone_number, send_attempt and next_link the client sent',
      level: 'must',
      specRef: `${PROXY_REF}; v1.19 Identity Service API, POST /_matrix/identity/v2/validate/msisdn/requestToken (request body)`,
      since: 'r0.4.0',
      needs,
      async run(context) {
        const identity = await subject(context, MSISDN, state);
        const nextLink = 'https://client.example.test/validated';
        const sentAt = Date.now();
        context.must.match(await context.hs.requestToken(endpoint, MSISDN.body(identity, { next_link: nextLink })), status(200));
        const forwarded = context.is.requestsTo(REQUEST_TOKEN).filter((r) => r.receivedAt >= sentAt);
        const body = forwarded.at(-1)?.body as Record<string, unknown> | undefined;
        const expected = { client_secret: identity.clientSecret, ...identity.msisdn, send_attempt: 1, next_link: nextLink };
        const wrong = Object.entries(expected).filter(([key, value]) => String(body?.[key]) !== String(value));
        if (!body || wrong.length) {
          throw new Error(
            `the identity service received ${forwarded.length ? JSON.stringify(body) : 'nothing'}; expected ${JSON.stringify(expected)}` +
              (wrong.length ? ` (wrong or missing: ${wrong.map(([k]) => k).join(', ')})` : ''),
          );
        }
        context.observe(`forwarded as ${forwarded.at(-1)!.contentType ?? 'no content type'} to ${forwarded.at(-1)!.path}`);
      },
    },
    withFault(
      'relay-identity-service-refuses',
      'When the identity service refuses the number (400 M_INVALID_ADDRESS), the client gets a 4xx standard error',
      'must',
      { kind: 'matrix-error', status: 400, errcode: 'M_INVALID_ADDRESS', error: 'That is not a phone number we can text' },
      matrixError('any 4xx'),
    ),
    withFault(
      'relay-identity-service-fails',
      'When the identity service answers 500, the client gets a standard error response',
      'must',
      { kind: 'status', status: 500, body: 'Internal Server Error' },
      anyStandardError(),
    ),
    withFault(
      'relay-identity-service-hangs',
      'When the identity service never answers, the client still gets a standard error response',
      'should',
      { kind: 'hang' },
      anyStandardError(),
      HUNG_SERVICE_DEADLINE_MS,
    ),
  ];
}
