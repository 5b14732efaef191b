// POST /account/password/msisdn/requestToken: "The homeserver must check that the given phone
// number is associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { canonicalScenarios } from './common/canonical.js';
import { completingScenarios } from './common/completing.js';
import { sendAttemptScenarios } from './common/send-attempt.js';
import { badInputScenarios } from './common/bad-input.js';
import { notFoundSessionUnusableScenario, unboundPasswordScenario, unknownAddressLoginScenario } from './common/bound-addresses.js';
import { passwordResetScenarios } from './common/password-reset.js';
import { deniedPasswordScenario } from './common/denied.js';
import { idServerIgnoredScenario } from './common/id-server.js';
import { httpConventionScenarios } from './common/http-conventions.js';
import { MSISDN } from './common/media.js';
import { privacyScenarios } from './common/privacy.js';
import { rateLimitScenarios } from './common/rate-limit.js';
import { relayScenarios } from './common/relay.js';
import { sendingScenarios } from './common/sending.js';

const ENDPOINT = 'password-msisdn';

export default suite(ENDPOINT, [
  ...sendingScenarios(ENDPOINT, MSISDN, 'bound'),
  ...sendAttemptScenarios(ENDPOINT, MSISDN, 'bound'),
  unboundPasswordScenario(ENDPOINT, MSISDN),
  notFoundSessionUnusableScenario(ENDPOINT, MSISDN),
  unknownAddressLoginScenario(ENDPOINT, MSISDN),
  ...passwordResetScenarios(ENDPOINT, MSISDN),
  deniedPasswordScenario(ENDPOINT, MSISDN),
  ...canonicalScenarios(ENDPOINT, MSISDN, 'password'),
  ...completingScenarios(ENDPOINT, MSISDN, 'bound'),
  ...relayScenarios(ENDPOINT, MSISDN, 'bound'),
  ...badInputScenarios(ENDPOINT, MSISDN, 'bound'),
  ...idServerIgnoredScenario(ENDPOINT, MSISDN, 'bound'),
  ...httpConventionScenarios(ENDPOINT, MSISDN, 'bound'),
  ...privacyScenarios(ENDPOINT, MSISDN),
  ...rateLimitScenarios(ENDPOINT, MSISDN),
]);
