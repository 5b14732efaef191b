// POST /account/3pid/msisdn/requestToken: "The homeserver must check that the given phone
// number is not already associated with an account on this homeserver."
import { suite } from '../harness/model/scenario.js';
import { bindingScenarios } from './common/binding.js';
import { inUseScenario, inUseSessionUnusableScenario } from './common/bound-addresses.js';
import { canonicalScenarios } from './common/canonical.js';
import { deniedScenario } from './common/denied.js';
import { everyEndpointScenarios, successAndSending } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { threepidScenarios } from './common/threepid.js';

const ENDPOINT = '3pid-msisdn';

export default suite(ENDPOINT, [
  ...successAndSending(ENDPOINT, MSISDN, 'unbound'),
  deniedScenario(ENDPOINT, MSISDN),
  inUseScenario(ENDPOINT, MSISDN),
  inUseSessionUnusableScenario(ENDPOINT, MSISDN),
  ...threepidScenarios(ENDPOINT, MSISDN),
  ...canonicalScenarios(ENDPOINT, MSISDN, 'in-use'),
  ...bindingScenarios(ENDPOINT, MSISDN),
  ...everyEndpointScenarios(ENDPOINT, MSISDN, 'unbound'),
]);
