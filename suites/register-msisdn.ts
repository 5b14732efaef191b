// POST /register/msisdn/requestToken: "The homeserver must check that the given phone number
// is not already associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { canonicalScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { everyEndpointScenarios, successAndSending } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { validatedRegistrationScenario } from './common/registration.js';

const ENDPOINT = 'register-msisdn';

export default suite(ENDPOINT, [
  ...successAndSending(ENDPOINT, MSISDN, 'unbound'),
  deniedScenario(ENDPOINT, MSISDN),
  inUseScenario(ENDPOINT, MSISDN),
  inUseSessionUnusableScenario(ENDPOINT, MSISDN),
  validatedRegistrationScenario(ENDPOINT, MSISDN),
  ...canonicalScenarios(ENDPOINT, MSISDN, 'in-use'),
  ...everyEndpointScenarios(ENDPOINT, MSISDN, 'unbound'),
]);
