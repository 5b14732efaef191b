// POST /account/3pid/msisdn/requestToken: "The homeserver must check that the given phone
// number is not already associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { canonicalScenarios } from './common/canonical.js';
import { completingScenarios } from './common/completing.js';
import { sendAttemptScenarios } from './common/send-attempt.js';
import { bindingScenarios } from './common/binding.js';
import { badInputScenarios } from './common/bad-input.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { deniedScenario } from './common/denied.js';
import { idServerIgnoredScenario } from './common/id-server.js';
import { httpConventionScenarios } from './common/http-conventions.js';
import { MSISDN } from './common/media.js';
import { privacyScenarios } from './common/privacy.js';
import { rateLimitScenarios } from './common/rate-limit.js';
import { relayScenarios } from './common/relay.js';
import { sendingScenarios } from './common/sending.js';
import { threepidScenarios } from './common/threepid.js';

const ENDPOINT = '3pid-msisdn';

export default suite(ENDPOINT, [
  ...sendingScenarios(ENDPOINT, MSISDN, 'unbound'),
  ...sendAttemptScenarios(ENDPOINT, MSISDN, 'unbound'),
  deniedScenario(ENDPOINT, MSISDN),
  inUseScenario(ENDPOINT, MSISDN),
  inUseSessionUnusableScenario(ENDPOINT, MSISDN),
  ...threepidScenarios(ENDPOINT, MSISDN),
  ...canonicalScenarios(ENDPOINT, MSISDN, 'in-use'),
  ...bindingScenarios(ENDPOINT, MSISDN),
  ...completingScenarios(ENDPOINT, MSISDN, 'unbound'),
  ...relayScenarios(ENDPOINT, MSISDN, 'unbound'),
  ...badInputScenarios(ENDPOINT, MSISDN, 'unbound'),
  ...idServerIgnoredScenario(ENDPOINT, MSISDN, 'unbound'),
  ...httpConventionScenarios(ENDPOINT, MSISDN, 'unbound'),
  ...privacyScenarios(ENDPOINT, MSISDN),
  ...rateLimitScenarios(ENDPOINT, MSISDN),
]);
