// POST /account/3pid/email/requestToken: "The homeserver must check that the given email
// address is not already associated with an account on this homeserver."
import { bindingScenarios } from './common/binding.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { inUseSpellingScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { endpointSuite } from './common/every-endpoint.js';
import { EMAIL } from './common/media.js';
import { threepidScenarios } from './common/threepid.js';

export default endpointSuite('3pid-email', EMAIL, 'unbound', [
  deniedScenario,
  inUseScenario,
  inUseSessionUnusableScenario,
  threepidScenarios,
  inUseSpellingScenarios,
  bindingScenarios,
]);
