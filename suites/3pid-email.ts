// POST /account/3pid/email/requestToken: "The homeserver must check that the given email
// address is not already associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { bindingScenarios } from './common/binding.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { canonicalScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { everyEndpointScenarios, successAndSending } from './common/every-endpoint.js';
import { EMAIL } from './common/media.js';
import { threepidScenarios } from './common/threepid.js';

const ENDPOINT = '3pid-email';

export default suite(ENDPOINT, [
  ...successAndSending(ENDPOINT, EMAIL, 'unbound'),
  deniedScenario(ENDPOINT, EMAIL),
  inUseScenario(ENDPOINT, EMAIL),
  inUseSessionUnusableScenario(ENDPOINT, EMAIL),
  ...threepidScenarios(ENDPOINT, EMAIL),
  ...canonicalScenarios(ENDPOINT, EMAIL, 'in-use'),
  ...bindingScenarios(ENDPOINT, EMAIL),
  ...everyEndpointScenarios(ENDPOINT, EMAIL, 'unbound'),
]);
