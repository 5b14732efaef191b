// POST /account/3pid/msisdn/requestToken: "The homeserver must check that the given phone
// number is not already associated with an account on this homeserver."
import { bindingScenarios } from './common/binding.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { inUseSpellingScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { endpointSuite } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { threepidScenarios } from './common/threepid.js';

export default endpointSuite('3pid-msisdn', MSISDN, 'unbound', [
  deniedScenario,
  inUseScenario,
  inUseSessionUnusableScenario,
  threepidScenarios,
  inUseSpellingScenarios,
  bindingScenarios,
]);
