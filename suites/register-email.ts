// POST /register/email/requestToken: "The homeserver must check that the given email address
// is not already associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { canonicalScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { everyEndpointScenarios, successAndSending } from './common/every-endpoint.js';
import { EMAIL } from './common/media.js';
import { validatedRegistrationScenario } from './common/registration.js';

const ENDPOINT = 'register-email';

export default suite(ENDPOINT, [
  ...successAndSending(ENDPOINT, EMAIL, 'unbound'),
  deniedScenario(ENDPOINT, EMAIL),
  inUseScenario(ENDPOINT, EMAIL),
  inUseSessionUnusableScenario(ENDPOINT, EMAIL),
  validatedRegistrationScenario(ENDPOINT, EMAIL),
  ...canonicalScenarios(ENDPOINT, EMAIL, 'in-use'),
  ...everyEndpointScenarios(ENDPOINT, EMAIL, 'unbound'),
]);
