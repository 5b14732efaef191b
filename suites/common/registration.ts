// What register/*/requestToken is for: a validated session completes the 3PID stage of
// POST /register's user-interactive auth, where the server offers that stage as a flow.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { fieldSatisfies, requestTokenSuccess, status } from '../../harness/model/matchers.js';
import type { FamilyScenario } from '../../harness/model/scenario.js';
import { THREEPID_STAGE } from '../../harness/target/threepid-auth.js';
import { capitalised, type MediumKit } from './media.js';
import { REF } from './references.js';
import { askFor, requireThreepidStage, sessionCreds } from './sessions.js';

export function validatedRegistrationScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  const stage = THREEPID_STAGE[kit.medium];
  return {
    family: 'success and sending',
    name: 'validated-session-registers',
    title: `${capitalised(kit.aNoun)} validated through this endpoint completes the ${stage} stage: POST /register with its threepid_creds registers the user, where the server offers that stage as a flow of its own`,
    level: 'must',
    statements: ['F6', 'F10'],
    says: 'If the client has completed all stages of a flow, the homeserver performs the API call and returns the result as normal',
    specRef: REF.registerWithThreepid(kit.medium),
    since: 'r0.6.0',
    needs: [kit.validates, kit.sendsObservable],
    failsUnder: ['register-stage-refused'],
    async run(context) {
      await requireThreepidStage(context, 'register', kit);
      const requested = await askFor(context, endpoint, kit, context.identity);
      context.must.match(requested.answer, requestTokenSuccess());
      await context.accounts.validation.complete(requested, 'validating the registration session');
      const registered = await context.accounts.auth.register(kit.medium, sessionCreds(requested, context.identity), context.identity);
      context.must.match(registered, status(200), fieldSatisfies('user_id', 'a user ID', (id) => typeof id === 'string' && id.startsWith('@')));
    },
  };
}
