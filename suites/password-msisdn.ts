// POST /account/password/msisdn/requestToken: "The homeserver must check that the given phone
// number is associated with an account on this homeserver."
import { notFoundSessionUnusableScenario, unboundPasswordScenario, unknownAddressLoginScenario } from './common/bound-addresses.js';
import { boundSpellingScenarios } from './common/canonical.js';
import { deniedPasswordScenario } from './common/denied.js';
import { endpointSuite } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { passwordResetScenarios } from './common/password-reset.js';

export default endpointSuite('password-msisdn', MSISDN, 'bound', [
  unboundPasswordScenario,
  notFoundSessionUnusableScenario,
  unknownAddressLoginScenario,
  passwordResetScenarios,
  deniedPasswordScenario,
  boundSpellingScenarios,
]);
