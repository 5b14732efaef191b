// 200 with a RequestTokenResponse, the validation message it stands for, and send_attempt.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { jsonOf, type Exchange } from '../../harness/http/exchange.js';
import { requestTokenSuccess } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { noted } from '../../harness/model/spec-refs.js';
import type { MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { requestAndWaitForSend } from './sends.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';
import type { ScenarioContext } from '../../harness/runner/context.js';

export function sendingScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  const which = state === 'bound' ? `${kit.aNoun} associated with an account` : `${kit.aNoun} not yet in use`;
  const observable = [kit.validates, kit.sendsObservable, ...bindingNeeds(kit, state)] as const;
  const attemptRef = REF.sendAttempt(kit.medium);
  return family('success and sending', [
    {
      name: 'success',
      title: `A request for ${which} answers 200 with a RequestTokenResponse (a session ID)`,
      level: 'must',
      says: 'sid: The session ID. Session IDs are opaque strings that must consist entirely of the characters [0-9a-zA-Z.=_-]',
      statements: ['B1', 'B2', 'G1', 'G2', 'C2'],
      specRef: endpointRef(endpoint, '200 response, RequestTokenResponse'),
      since: 'r0.4.0',
      needs: [kit.validates, ...bindingNeeds(kit, state)],
      failsUnder: ['success-500', 'success-bad-sid', 'success-no-json-content-type', 'success-bad-submit-url'],
      async run(context) {
        const identity = await subject(context, kit, state);
        context.must.match(await context.hs.requestToken(endpoint, kit.body(identity)), requestTokenSuccess());
      },
    },
    {
      name: 'message-sent',
      title: `On 200, an ${kit.message} has been sent to the given ${kit.noun}`,
      level: 'must',
      says: 'the homeserver must send this token to the user',
      statements: ['B5'],
      specRef: endpointRef(endpoint, `200 response ("An ${kit.message} was sent")`),
      since: 'r0.4.0',
      needs: observable,
      failsUnder: ['nothing-sent'],
      async run(context) {
        await requestAndWaitForSend(context, endpoint, kit, await subject(context, kit, state));
      },
    },
    {
      name: 'same-send-attempt-no-resend',
      title: `The same client_secret, address and send_attempt again sends no further ${kit.message}`,
      level: 'must',
      says: `The server will only send an ${kit.specMessage} if the send_attempt is a number greater than the most recent one which it has seen`,
      statements: ['A7c'],
      specRef: noted(attemptRef, '"will only send … if the send_attempt is a number greater than the most recent one which it has seen"'),
      since: 'r0.4.0',
      needs: observable,
      failsUnder: ['same-attempt-resends'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const first = await requestAndWaitForSend(context, endpoint, kit, identity);
        const retriedAt = kit.mark(context, identity);
        const retry = await context.hs.requestToken(endpoint, kit.body(identity));
        await kit.expectNoSend(context, identity, retriedAt);
        // What the retry is answered is the email rule's business (below); for an SMS the spec says nothing.
        context.observe(`the retry was answered ${retry.response?.status ?? retry.error}${sameSid(first, retry) ? ' with the same sid' : ''}`);
      },
    },
    // Only the email definition asks for success on a retry, and only since r0.5.0.
    ...(kit.retrySucceedsSince
      ? [
          {
            name: 'same-send-attempt-success',
            title: 'The same client_secret, address and send_attempt again answers success',
            level: 'should' as const,
            says: 'If they do not, the server should respond with success but not resend the email.',
            statements: ['A7a'],
            specRef: noted(attemptRef, '"the server should respond with success but not resend the email"'),
            since: kit.retrySucceedsSince,
            needs: [kit.validates, ...bindingNeeds(kit, state)],
            failsUnder: ['same-attempt-refused'],
            async run(context: ScenarioContext) {
              const identity = await subject(context, kit, state);
              const first = await context.hs.requestToken(endpoint, kit.body(identity));
              context.must.match(first, requestTokenSuccess());
              const retry = await context.hs.requestToken(endpoint, kit.body(identity));
              context.must.match(retry, requestTokenSuccess());
              context.observe(sameSid(first, retry) ? 'the retry returned the same sid' : 'the retry returned a different sid');
            },
          },
        ]
      : []),
    {
      name: 'higher-send-attempt-resends',
      title: `A higher send_attempt for the same client_secret and address sends a new ${kit.message}`,
      level: 'must',
      says: `The client should increment this value if they desire a new ${kit.specMessage} (e.g. a reminder) to be sent.`,
      statements: ['A7b'],
      specRef: noted(attemptRef, `"The client should increment this value if they desire a new ${kit.message}"`),
      since: 'r0.4.0',
      needs: observable,
      failsUnder: ['higher-attempt-no-resend'],
      async run(context) {
        const identity = await subject(context, kit, state);
        await requestAndWaitForSend(context, endpoint, kit, identity);
        await requestAndWaitForSend(context, endpoint, kit, identity, { send_attempt: 2 });
      },
    },
  ]);
}

function sameSid(a: Exchange, b: Exchange): boolean {
  const sid = (exchange: Exchange) => (jsonOf(exchange) as { sid?: unknown } | undefined)?.sid;
  return sid(a) !== undefined && sid(a) === sid(b);
}
