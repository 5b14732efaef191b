// id_server. The founding spec's proxy path (r0.4.0): the homeserver passes email validation
// to the identity server named in id_server, and refuses one it does not trust. And from
// r0.6.0, where the homeserver validates itself, the parameter "is ignored".
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { matrixError, requestTokenSuccess } from '../../harness/model/matchers.js';
import { atLeast } from '../../harness/model/spec-versions.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { release, refs } from '../../harness/model/spec-refs.js';
import { EMAIL, type MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

// A name no test server trusts: .test is reserved, and nothing listens there.
const UNTRUSTED = 'identity.untrusted.test:8090';

export function idServerScenarios(endpoint: EndpointKey, state: AddressState): FamilyScenario[] {
  const needs = [EMAIL.validates, EMAIL.delegated, ...bindingNeeds(EMAIL, state)] as const;
  const requestTokenPath = `/validate/${EMAIL.medium}/requestToken`;
  const notTrusted = endpointRef(endpoint, '400 response, M_SERVER_NOT_TRUSTED');
  return family('id_server proxy', [
    {
      name: 'id-server-untrusted',
      title: 'An id_server the homeserver does not trust answers 400 M_SERVER_NOT_TRUSTED',
      level: 'must',
      statements: ['B8', 'B9'],
      says: 'M_SERVER_NOT_TRUSTED : The `id_server` parameter refers to an identity server that is not trusted by this homeserver.',
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
      name: 'id-server-missing',
      title: `Without an id_server to proxy to, the request answers 400 M_SERVER_NOT_TRUSTED (before ${release('r0.6.0')}, when id_server was required, M_MISSING_PARAM too)`,
      level: 'must',
      specRef: refs(notTrusted, REF.idServerRequired),
      since: 'r0.4.0',
      needs,
      failsUnder: ['id-server-missing-500'],
      async run(context) {
        const identity = await subject(context, EMAIL, state);
        const { id_server: _server, id_access_token: _token, ...body } = EMAIL.body(identity);
        const mark = context.is.mark();
        context.must.matchOneOf(await context.hs.requestToken(endpoint, body), {
          '400 M_SERVER_NOT_TRUSTED': matrixError(400, 'M_SERVER_NOT_TRUSTED'),
          ...(!atLeast(context.spec, 'r0.6.0') && { '400 M_MISSING_PARAM': matrixError(400, 'M_MISSING_PARAM') }),
        });
        const reached = context.is.requestsTo(requestTokenPath, mark).length;
        if (reached) throw new Error(`the identity service was called ${reached} time(s) though the request named none`);
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
  const ownValidation = kit.medium === 'email' ? 'email-by-smtp' : 'msisdn-by-identity-service';
  return family('id_server proxy', [
    {
      name: 'id-server-ignored',
      title: `Where the server validates ${kit.noun}s itself, an id_server in the request is ignored: it succeeds, and the ${kit.message} goes out as without it`,
      level: 'must',
      statements: ['A9b'],
      says: 'This parameter is ignored when the homeserver handles 3PID verification.',
      specRef: REF.idServerIgnored(kit.medium),
      since: 'r0.6.0',
      needs: [kit.validates, ownValidation, ...bindingNeeds(kit, state)],
      failsUnder: ['id-server-followed'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const sentAt = kit.mark(context, identity);
        // id_access_token goes with id_server ("Required if an id_server is supplied").
        const body = kit.body(identity, { id_server: UNTRUSTED, id_access_token: 'm3c-unused-token' });
        context.must.match(await context.hs.requestToken(endpoint, body), requestTokenSuccess());
        await kit.waitForSend(context, identity, sentAt);
      },
    },
  ]);
}
