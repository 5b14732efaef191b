// POST /account/3pid/email/requestToken: "The homeserver must check that the given email
// address is not already associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { canonicalScenarios } from './common/canonical.js';
import { completingScenarios, mailedLinkScenarios } from './common/completing.js';
import { sendAttemptScenarios } from './common/send-attempt.js';
import { bindingScenarios } from './common/binding.js';
import { badInputScenarios } from './common/bad-input.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { deniedScenario } from './common/denied.js';
import { httpConventionScenarios } from './common/http-conventions.js';
import { idServerIgnoredScenario, idServerScenarios } from './common/id-server.js';
import { EMAIL } from './common/media.js';
import { privacyScenarios } from './common/privacy.js';
import { rateLimitScenarios } from './common/rate-limit.js';
import { relayScenarios } from './common/relay.js';
import { sendingScenarios } from './common/sending.js';
import { threepidScenarios } from './common/threepid.js';

const ENDPOINT = '3pid-email';

export default suite(ENDPOINT, [
  ...sendingScenarios(ENDPOINT, EMAIL, 'unbound'),
  ...sendAttemptScenarios(ENDPOINT, EMAIL, 'unbound'),
  deniedScenario(ENDPOINT, EMAIL),
  inUseScenario(ENDPOINT, EMAIL),
  inUseSessionUnusableScenario(ENDPOINT, EMAIL),
  ...threepidScenarios(ENDPOINT, EMAIL),
  ...canonicalScenarios(ENDPOINT, EMAIL, 'in-use'),
  ...bindingScenarios(ENDPOINT, EMAIL),
  ...completingScenarios(ENDPOINT, EMAIL, 'unbound'),
  ...mailedLinkScenarios(ENDPOINT, EMAIL, 'unbound'),
  ...relayScenarios(ENDPOINT, EMAIL, 'unbound'),
  ...idServerScenarios(ENDPOINT, 'unbound'),
  ...badInputScenarios(ENDPOINT, EMAIL, 'unbound'),
  ...idServerIgnoredScenario(ENDPOINT, EMAIL, 'unbound'),
  ...httpConventionScenarios(ENDPOINT, EMAIL, 'unbound'),
  ...privacyScenarios(ENDPOINT, EMAIL),
  ...rateLimitScenarios(ENDPOINT, EMAIL),
]);
