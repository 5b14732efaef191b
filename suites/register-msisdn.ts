// POST /register/msisdn/requestToken: "The homeserver must check that the given phone number
// is not already associated with an account on this homeserver."
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { inUseSpellingScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { endpointSuite } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { validatedRegistrationScenario } from './common/registration.js';

export default endpointSuite('register-msisdn', MSISDN, 'unbound', [
  deniedScenario,
  inUseScenario,
  inUseSessionUnusableScenario,
  validatedRegistrationScenario,
  inUseSpellingScenarios,
]);
