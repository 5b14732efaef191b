// send_attempt below or beside the last one: "The server will only send an email if the
// send_attempt is a number greater than the most recent one which it has seen, scoped to that
// email + client_secret pair" (for msisdn, the country + phone_number + client_secret triple).
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import { matrixError, requestTokenSuccess } from '../../harness/model/matchers.js';
import { family, type FamilyScenario, type ScenarioDraft } from '../../harness/model/scenario.js';
import { noted } from '../../harness/model/spec-refs.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { MediumKit } from './media.js';
import { REF } from './references.js';
import { requestAndWaitForSend } from './sends.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

export function sendAttemptScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  const observable = [kit.validates, kit.sendsObservable, ...bindingNeeds(kit, state)] as const;
  const attemptRef = REF.sendAttempt(kit.medium);
  const says = `The server will only send an ${kit.specMessage} if the \`send_attempt\` is a number greater than the most recent one which it has seen`;
  const pair = kit.sendAttemptScope;
  /** Sends `attempt` (1 unless said) for `identity` and waits for its message. */
  const send = (context: ScenarioContext, identity: FreshIdentity, attempt = 1) => requestAndWaitForSend(context, endpoint, kit, identity, { send_attempt: attempt });
  /** The same send_attempt with one of the pair (or triple) changed: a new message, for send_attempt is scoped to all of it. */
  const scoped = (name: string, title: string, run: ScenarioDraft['run']): ScenarioDraft => ({
    name,
    title,
    level: 'must',
    says: `scoped to that ${pair}`,
    statements: ['A7c', 'B5'],
    specRef: noted(attemptRef, `"scoped to that ${pair}"`),
    since: 'r0.4.0',
    needs: observable,
    failsUnder: ['send-attempt-unscoped'],
    run,
  });
  return family('success and sending', [
    {
      name: 'lower-send-attempt-no-resend',
      title: `A lower send_attempt than the last one, for the same client_secret and address, sends no ${kit.message}`,
      level: 'must',
      says,
      statements: ['A7c'],
      specRef: noted(attemptRef, `"will only send … if the send_attempt is a number greater than the most recent one which it has seen, scoped to that ${pair}"`),
      since: 'r0.4.0',
      needs: observable,
      failsUnder: ['lower-attempt-resends'],
      async run(context) {
        const identity = await subject(context, kit, state);
        await send(context, identity, 2);
        const lowerAt = kit.mark(context, identity);
        // The spec says what is sent, not what is answered: a success or a standard error will do.
        context.must.matchOneOf(await context.hs.requestToken(endpoint, kit.body(identity, { send_attempt: 1 })), {
          '200 with a RequestTokenResponse': requestTokenSuccess(),
          'a 4xx standard error': matrixError('any 4xx'),
        });
        await kit.expectNoSend(context, identity, lowerAt);
      },
    },
    scoped(
      'send-attempt-scoped-to-client-secret',
      `The same send_attempt with another client_secret, for the same address, sends a new ${kit.message}: send_attempt is scoped to the ${pair}`,
      async (context) => {
        const identity = await subject(context, kit, state);
        await send(context, identity);
        await send(context, { ...identity, clientSecret: `${identity.clientSecret}.other` });
      },
    ),
    scoped(
      'send-attempt-scoped-to-address',
      `The same send_attempt and client_secret for another address sends ${kit.aMessage} to it: send_attempt is scoped to the ${pair}`,
      async (context) => {
        const identity = await subject(context, kit, state);
        const other = context.newIdentity();
        const otherAsked = await subject({ ...context, identity: other }, kit, state);
        await send(context, identity);
        await send(context, { ...otherAsked, clientSecret: identity.clientSecret });
      },
    ),
  ]);
}
