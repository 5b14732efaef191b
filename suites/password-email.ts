// POST /account/password/email/requestToken: "The homeserver must check that the given email
// address is associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { canonicalScenarios } from './common/canonical.js';
import { completingScenarios, mailedLinkScenarios } from './common/completing.js';
import { sendAttemptScenarios } from './common/send-attempt.js';
import { badInputScenarios } from './common/bad-input.js';
import { notFoundSessionUnusableScenario, unboundPasswordScenario, unknownAddressLoginScenario } from './common/bound-addresses.js';
import { passwordResetScenarios } from './common/password-reset.js';
import { deniedPasswordScenario } from './common/denied.js';
import { httpConventionScenarios } from './common/http-conventions.js';
import { idServerIgnoredScenario, idServerScenarios } from './common/id-server.js';
import { EMAIL } from './common/media.js';
import { privacyScenarios } from './common/privacy.js';
import { rateLimitScenarios } from './common/rate-limit.js';
import { relayScenarios } from './common/relay.js';
import { sendingScenarios } from './common/sending.js';

const ENDPOINT = 'password-email';

export default suite(ENDPOINT, [
  ...sendingScenarios(ENDPOINT, EMAIL, 'bound'),
  ...sendAttemptScenarios(ENDPOINT, EMAIL, 'bound'),
  unboundPasswordScenario(ENDPOINT, EMAIL),
  notFoundSessionUnusableScenario(ENDPOINT, EMAIL),
  unknownAddressLoginScenario(ENDPOINT, EMAIL),
  ...passwordResetScenarios(ENDPOINT, EMAIL),
  deniedPasswordScenario(ENDPOINT, EMAIL),
  ...canonicalScenarios(ENDPOINT, EMAIL, 'password'),
  ...completingScenarios(ENDPOINT, EMAIL, 'bound'),
  ...mailedLinkScenarios(ENDPOINT, EMAIL, 'bound'),
  ...relayScenarios(ENDPOINT, EMAIL, 'bound'),
  ...idServerScenarios(ENDPOINT, 'bound'),
  ...badInputScenarios(ENDPOINT, EMAIL, 'bound'),
  ...idServerIgnoredScenario(ENDPOINT, EMAIL, 'bound'),
  ...httpConventionScenarios(ENDPOINT, EMAIL, 'bound'),
  ...privacyScenarios(ENDPOINT, EMAIL),
  ...rateLimitScenarios(ENDPOINT, EMAIL),
]);
