// POST /account/password/email/requestToken: "The homeserver must check that the given email
// address is associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { notFoundSessionUnusableScenario, unboundPasswordScenario, unknownAddressLoginScenario } from './common/bound-addresses.js';
import { canonicalScenarios } from './common/canonical.js';
import { deniedPasswordScenario } from './common/denied.js';
import { everyEndpointScenarios, successAndSending } from './common/every-endpoint.js';
import { EMAIL } from './common/media.js';
import { passwordResetScenarios } from './common/password-reset.js';

const ENDPOINT = 'password-email';

export default suite(ENDPOINT, [
  ...successAndSending(ENDPOINT, EMAIL, 'bound'),
  unboundPasswordScenario(ENDPOINT, EMAIL),
  notFoundSessionUnusableScenario(ENDPOINT, EMAIL),
  unknownAddressLoginScenario(ENDPOINT, EMAIL),
  ...passwordResetScenarios(ENDPOINT, EMAIL),
  deniedPasswordScenario(ENDPOINT, EMAIL),
  ...canonicalScenarios(ENDPOINT, EMAIL, 'password'),
  ...everyEndpointScenarios(ENDPOINT, EMAIL, 'bound'),
]);
