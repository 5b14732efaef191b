// id_server: the identity server a request names. Required until r0.6.0, and where the
// homeserver proxies email validation, the server it proxies to, which it must trust; from
// r0.6.0 optional, the homeserver "should validate the email itself", and where it handles
// verification itself the parameter "is ignored".
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { matrixError, requestTokenSuccess } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { refs } from '../../harness/model/spec-refs.js';
import { EMAIL, type MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { requestAndWaitForSend } from './sends.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

// A name no test server trusts: .test is reserved, and nothing listens there.
const UNTRUSTED = 'identity.untrusted.test:8090';
const IDENTITY_V2 = '/_matrix/identity/v2/';

export function idServerScenarios(endpoint: EndpointKey, state: AddressState): FamilyScenario[] {
  const needs = [EMAIL.validates, EMAIL.delegated, ...bindingNeeds(EMAIL, state)] as const;
  const notTrusted = endpointRef(endpoint, '400 response, M_SERVER_NOT_TRUSTED');
  const requestTokenPath = `/validate/${EMAIL.medium}/requestToken`;
  const withoutIdServer = (body: Record<string, unknown>) => {
    const { id_server: _server, id_access_token: _token, ...rest } = body;
    return rest;
  };
  return family('id_server proxy', [
    {
      name: 'id-server-untrusted',
      title: 'An id_server the homeserver does not trust answers 400 M_SERVER_NOT_TRUSTED',
      level: 'must',
      says: 'M_SERVER_NOT_TRUSTED: The id_server parameter refers to an identity server that is not trusted by this homeserver',
      statements: ['B8', 'B9'],
      specRef: notTrusted,
      since: 'r0.4.0',
      needs,
      failsUnder: ['id-server-trusts-anyone'],
      async run(context) {
        const identity = await subject(context, EMAIL, state);
        const exchange = await context.hs.requestToken(endpoint, EMAIL.body(identity, { id_server: UNTRUSTED }));
        context.must.match(exchange, matrixError(400, 'M_SERVER_NOT_TRUSTED'));
      },
    },
    {
      name: 'id-server-v2-api',
      title: 'The request is proxied to the identity server named in id_server through its v2 API, which the identity server accepts (v1.1 removed the v1 API)',
      level: 'must',
      says: 'The v1 identity service API has been removed in favour of the v2 API; most endpoints in the Identity Service API require authentication',
      statements: ['E2'],
      specRef: refs(REF.identityRequestBody(EMAIL.medium), REF.identityAuthentication),
      since: 'v1.1',
      needs,
      failsUnder: ['id-server-v1-api'],
      async run(context) {
        const identity = await subject(context, EMAIL, state);
        const mark = context.is.mark();
        context.must.match(await context.hs.requestToken(endpoint, EMAIL.body(identity)), requestTokenSuccess());
        const calls = context.is.requestsTo(requestTokenPath, mark);
        context.observe(calls.map((call) => `${call.method} ${call.path} answered ${call.responseStatus}`).join('; ') || 'no call');
        const accepted = calls.find((call) => call.path.startsWith(IDENTITY_V2) && call.responseStatus === 200);
        if (!accepted) {
          throw new Error(`the identity server accepted no v2 ${requestTokenPath} for the request (calls: ${calls.map((c) => `${c.path} → ${c.responseStatus}`).join(', ') || 'none'})`);
        }
      },
    },
    {
      name: 'id-server-required',
      title: 'Where the homeserver proxies email validation, a request without id_server (required until r0.6.0) is refused with a 4xx standard error',
      level: 'must',
      says: 'required: [client_secret, email, send_attempt, id_server]',
      statements: ['A9a'],
      specRef: REF.idServerRequired,
      since: 'r0.4.0',
      until: 'r0.5.0',
      // A homeserver that validates addresses itself ignores id_server (r0.5.0), so may do without it.
      needs,
      failsUnder: ['bad-input-accepted', 'bad-input-500'],
      async run(context) {
        const identity = await subject(context, EMAIL, state);
        context.must.match(await context.hs.requestToken(endpoint, withoutIdServer(EMAIL.body(identity))), matrixError('any 4xx'));
      },
    },
    {
      name: 'id-server-missing',
      title: 'Without an id_server, a homeserver that proxies email validation validates the address itself or through a service it controls (200), as it should since r0.6.0',
      level: 'should',
      says: 'The homeserver should validate the email itself, either by sending a validation email itself or by using a service it has control over.',
      statements: ['A9b'],
      specRef: endpointRef(endpoint, 'description'),
      since: 'r0.6.0',
      needs,
      failsUnder: ['id-server-missing-500', 'id-server-missing-refused'],
      async run(context) {
        const identity = await subject(context, EMAIL, state);
        context.must.matchOneOf(await context.hs.requestToken(endpoint, withoutIdServer(EMAIL.body(identity))), {
          '200, validated without an identity server named': requestTokenSuccess(),
        });
      },
    },
  ]);
}

/**
 * "This parameter is ignored when the homeserver handles 3PID verification" (since r0.6.0):
 * where the server mails the link itself, or texts through the identity service it is
 * configured with, a request naming some other identity server is validated as any other.
 * No server proxies msisdn to the id_server named, so its M_SERVER_NOT_TRUSTED has no
 * scenario: no profile could say so.
 */
export function idServerIgnoredScenario(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  return family('id_server proxy', [
    {
      name: 'id-server-ignored',
      title: `Where the server validates ${kit.noun}s itself, an id_server in the request is ignored: it succeeds, and the ${kit.message} goes out as without it`,
      level: 'must',
      statements: ['A9b'],
      says: 'This parameter is ignored when the homeserver handles 3PID verification.',
      specRef: REF.idServerIgnored(kit.medium),
      since: 'r0.6.0',
      needs: [kit.validates, kit.ownVerification, ...bindingNeeds(kit, state)],
      failsUnder: ['id-server-followed'],
      async run(context) {
        const identity = await subject(context, kit, state);
        // id_access_token goes with id_server ("Required if an id_server is supplied").
        await requestAndWaitForSend(context, endpoint, kit, identity, { id_server: UNTRUSTED, id_access_token: 'm3c-unused-token' });
      },
    },
  ]);
}
