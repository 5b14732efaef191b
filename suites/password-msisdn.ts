// POST /account/password/msisdn/requestToken: "The homeserver must check that the given phone
// number is associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { notFoundSessionUnusableScenario, unboundPasswordScenario, unknownAddressLoginScenario } from './common/bound-addresses.js';
import { canonicalScenarios } from './common/canonical.js';
import { deniedPasswordScenario } from './common/denied.js';
import { everyEndpointScenarios, successAndSending } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { passwordResetScenarios } from './common/password-reset.js';

const ENDPOINT = 'password-msisdn';

export default suite(ENDPOINT, [
  ...successAndSending(ENDPOINT, MSISDN, 'bound'),
  unboundPasswordScenario(ENDPOINT, MSISDN),
  notFoundSessionUnusableScenario(ENDPOINT, MSISDN),
  unknownAddressLoginScenario(ENDPOINT, MSISDN),
  ...passwordResetScenarios(ENDPOINT, MSISDN),
  deniedPasswordScenario(ENDPOINT, MSISDN),
  ...canonicalScenarios(ENDPOINT, MSISDN, 'password'),
  ...everyEndpointScenarios(ENDPOINT, MSISDN, 'bound'),
]);
