// Where the homeserver delegates validation to an identity service: what it forwards (r0.4.0:
// it "proxies the Identity Service API validate/{email,msisdn}/requestToken"; r0.5.0: the
// request "should be proxied" to id_server; from r0.6.0 it may use "a service it has control
// over", and nothing is said of what it sends there), and how it passes the service's
// failures on to the client (any error, a standard error response, in every release).
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { Fault, RecordedRequest } from '../../harness/fakes/identity/fake-identity-service.js';
import { jsonOf, statusAndErrcode } from '../../harness/http/exchange.js';
import { endpointRecognised, jsonContentType, matchesSchema, status, type Matcher } from '../../harness/model/matchers.js';
import { family, type FamilyScenario, type ScenarioDraft } from '../../harness/model/scenario.js';
import { refs } from '../../harness/model/spec-refs.js';
import type { MediumKit } from './media.js';
import { REF } from './references.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

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

export function relayScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  const needs = [kit.validates, kit.delegated, ...bindingNeeds(kit, state)] as const;
  const requestTokenPath = `/validate/${kit.medium}/requestToken`;
  const proxySection = REF.proxies(endpoint, kit.medium);
  const withFault = (name: string, title: string, fault: Fault, expected: Matcher[], timeoutMs?: number): ScenarioDraft => ({
    name,
    title,
    level: 'must',
    says: 'Any errors which occur at the Matrix API level MUST return a "standard error response"',
    statements: ['B17', 'C1'],
    specRef: refs(proxySection, REF.standardError),
    since: 'r0.4.0',
    needs,
    ...(timeoutMs && { slow: "waits out the server's identity-service timeout" }),
    failsUnder: ['relay-error-500-plain'],
    async run(context) {
      const identity = await subject(context, kit, state);
      context.is.inject({ path: requestTokenPath, fault, times: 1 });
      const mark = context.is.mark();
      const exchange = await context.hs.http.send({
        method: 'POST',
        path: context.hs.path(endpoint),
        json: kit.body(identity),
        ...(timeoutMs && { timeoutMs }),
      });
      context.must.match(exchange, expected);
      // Only an answer to a failure the server actually met says anything about its relay.
      if (context.is.requestsTo(requestTokenPath, mark).length === 0) {
        throw new Error('the request never reached the identity service, so the server did not relay its failure');
      }
      context.observe(statusAndErrcode(exchange));
    },
  });
  return family('identity-service relay', [
    {
      name: 'relay-forwards-request',
      title: `The identity service receives the client_secret, ${kit.addressFields.join(', ')} and send_attempt the client sent (until r0.6.0, when the homeserver proxies the request)`,
      level: 'must',
      says: `Proxies the Identity Service API validate/${kit.medium}/requestToken`,
      statements: ['B16', 'E1'],
      specRef: refs(proxySection, REF.identityRequestBody(kit.medium)),
      since: 'r0.4.0',
      until: 'r0.5.0',
      needs,
      failsUnder: ['relay-own-client-secret'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const mark = context.is.mark();
        const answer = await context.hs.requestToken(endpoint, kit.body(identity));
        context.must.match(answer, status(200));
        const forwarded = context.is.requestsTo(requestTokenPath, mark).at(-1);
        expectForwarded(forwarded, { client_secret: identity.clientSecret, ...kit.address(identity), send_attempt: 1 });
        // No release says the client's sid is the identity service's; which it was is worth knowing.
        const session = context.is.sessions.find((s) => s.clientSecret === identity.clientSecret && s.medium === kit.medium);
        const sid = (jsonOf(answer) as { sid?: unknown } | undefined)?.sid;
        context.observe(session && sid === session.sid ? "the client got the identity service's sid" : "the client got a sid of the homeserver's own");
        context.observe(`${forwarded!.method} ${forwarded!.path} as ${forwarded!.contentType ?? 'no content type'}`);
      },
    },
    {
      name: 'relay-forwards-next-link',
      title: 'The identity service receives the next_link the client sent, so that it can redirect the user there',
      level: 'should',
      says: 'Optional. When the validation is completed, the identity server will redirect the user to this URL.',
      statements: ['A8'],
      specRef: refs(proxySection, REF.identityNextLink(kit.medium)),
      since: 'r0.4.0',
      needs,
      failsUnder: ['relay-drops-next-link'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const nextLink = 'https://client.example.test/validated';
        const mark = context.is.mark();
        context.must.match(await context.hs.requestToken(endpoint, kit.body(identity, { next_link: nextLink })), status(200));
        const forwarded = context.is.requestsTo(requestTokenPath, mark).at(-1);
        expectForwarded(forwarded, { next_link: nextLink });
      },
    },
    {
      name: 'relay-identity-service-refuses',
      title: `When the identity service answers one of the errors its API lists (${kit.identityErrors.map((e) => e.errcode).join(', ')}), the client gets a standard error response`,
      level: 'must',
      says: 'Any errors which occur at the Matrix API level MUST return a "standard error response"',
      statements: ['B17', 'C1', 'E3'],
      specRef: refs(proxySection, REF.identityErrors(kit.medium), REF.standardError),
      since: 'r0.4.0',
      needs,
      failsUnder: ['relay-error-500-plain'],
      async run(context) {
        // One request each, with its own address: the first refusal must not colour the next.
        for (const error of kit.identityErrors) {
          const identity = await subject({ ...context, identity: context.newIdentity() }, kit, state);
          context.is.inject({ path: requestTokenPath, fault: { kind: 'matrix-error', status: error.status, errcode: error.errcode, error: `Refused: ${error.means}` }, times: 1 });
          const mark = context.is.mark();
          const exchange = await context.hs.requestToken(endpoint, kit.body(identity));
          if (context.is.requestsTo(requestTokenPath, mark).length === 0) {
            throw new Error(`the request never reached the identity service, so the server did not relay its ${error.errcode}`);
          }
          context.must.match(exchange, anyStandardError());
          context.observe(`${error.status} ${error.errcode} came back as ${statusAndErrcode(exchange)}`);
        }
      },
    },
    withFault(
      'relay-identity-service-fails',
      'When the identity service answers 500, the client gets a standard error response',
      { kind: 'status', status: 500, body: 'Internal Server Error' },
      anyStandardError(),
    ),
    withFault(
      'relay-identity-service-hangs',
      'When the identity service never answers, the client still gets a standard error response',
      { kind: 'hang' },
      anyStandardError(),
      HUNG_SERVICE_DEADLINE_MS,
    ),
  ]);
}

/** Form-encoded bodies carry numbers as strings, so values are compared as text. */
function expectForwarded(request: RecordedRequest | undefined, expected: Record<string, unknown>): void {
  const body = request?.body as Record<string, unknown> | undefined;
  const wrong = Object.entries(expected).filter(([key, value]) => String(body?.[key]) !== String(value));
  if (!request || wrong.length) {
    throw new Error(
      `the identity service received ${request ? JSON.stringify(body) : 'nothing'}; expected ${JSON.stringify(expected)}` +
        (wrong.length ? ` (wrong or missing: ${wrong.map(([k]) => k).join(', ')})` : ''),
    );
  }
}
