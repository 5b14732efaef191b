// POST /register/email/requestToken: "The homeserver must check that the given email address
// is not already associated with an account on this homeserver."
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { inUseSpellingScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { endpointSuite } from './common/every-endpoint.js';
import { EMAIL } from './common/media.js';
import { validatedRegistrationScenario } from './common/registration.js';

export default endpointSuite('register-email', EMAIL, 'unbound', [
  deniedScenario,
  inUseScenario,
  inUseSessionUnusableScenario,
  validatedRegistrationScenario,
  inUseSpellingScenarios,
]);
