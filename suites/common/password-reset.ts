// What account/password/*/requestToken is for: a validated session of an address bound to an
// account resets that account's password through POST /account/password, and nothing less
// does. The password login before and after shows what the reset did.
import { isRateLimited, statusAndErrcode } from '../../harness/http/exchange.js';
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { matrixError, requestTokenSuccess, status } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { noted, refs } from '../../harness/model/spec-refs.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { askFor, expectRefused, requireThreepidStage, sessionCreds } from './sessions.js';
import { boundSubject } from './subjects.js';

/**
 * A login with the password a reset replaced. The spec files at hand name no answer for a
 * wrong password (login.yaml is not among them), so any refusal will do; which one is recorded.
 */
const OLD_PASSWORD_REFUSED = {
  'the old password is refused: 403 M_FORBIDDEN': matrixError(403, 'M_FORBIDDEN'),
  'the old password is refused with another 4xx standard error': matrixError('any 4xx'),
};

export function passwordResetScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  return family('password reset', [
    {
      name: 'reset-changes-password',
      title: `A validated session for ${kit.aNoun} bound to an account resets its password: POST /account/password with the session answers 200, the new password logs in and the old one does not`,
      level: 'should',
      statements: ['F4', 'F5', 'B11'],
      says: 'Homeservers should use 3PIDs added through this endpoint for password resets',
      specRef: refs(
        noted(REF.threepidAddOnly, 'description ("Homeservers should use 3PIDs added through this endpoint for password resets")'),
        endpointRef(endpoint, 'description ("should be used to request validation tokens when authenticating for the /account/password endpoint")'),
      ),
      since: 'r0.6.0',
      needs: [kit.validates, kit.sendsObservable, 'accounts'],
      failsUnder: ['password-change-ignored', 'old-password-kept'],
      async run(context) {
        const { account, requested, creds } = await resetRequested(context, endpoint, kit);
        await context.accounts.validation.complete(requested, 'validating the password-reset session');
        const newPassword = context.newIdentity().password;
        context.must.match(await context.accounts.auth.changePassword(kit.medium, creds, newPassword), status(200));
        context.must.match(await context.accounts.auth.login(account.userId, newPassword), status(200));
        const oldLogin = await context.accounts.auth.login(account.userId, account.password);
        if (isRateLimited(oldLogin)) context.notApplicable(`the login with the old password was rate-limited (${statusAndErrcode(oldLogin)}), which says nothing of the reset`);
        context.must.matchOneOf(oldLogin, OLD_PASSWORD_REFUSED);
      },
    },
    {
      name: 'unvalidated-session-refused',
      title: `A session for ${kit.aNoun} bound to an account that was never validated resets nothing: POST /account/password with it is refused and the old password still logs in`,
      level: 'must',
      statements: ['F9', 'F5'],
      says: 'uses the User-Interactive Authentication API to ensure the user changing the password is actually the owner of the account',
      specRef: REF.passwordChange,
      since: 'r0.6.0',
      needs: [kit.validates, kit.sendsObservable, 'accounts'],
      failsUnder: ['password-unvalidated-accepted'],
      async run(context) {
        const { account, creds } = await resetRequested(context, endpoint, kit);
        expectRefused(context, await context.accounts.auth.changePassword(kit.medium, creds, context.newIdentity().password), 'the password reset with the unvalidated session');
        context.must.match(await context.accounts.auth.login(account.userId, account.password), status(200));
      },
    },
  ]);
}

/** An account with the address bound, and a password-reset session for it started (not yet validated). */
async function resetRequested(context: ScenarioContext, endpoint: EndpointKey, kit: MediumKit) {
  await requireThreepidStage(context, 'password', kit);
  const { account, identity } = await boundSubject(context, kit);
  const requested = await askFor(context, endpoint, kit, identity);
  context.must.match(requested.answer, requestTokenSuccess());
  return { account, requested, creds: sessionCreds(requested, identity) };
}
