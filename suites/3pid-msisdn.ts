// POST /account/3pid/msisdn/requestToken: "The homeserver must check that the given phone
// number is not already associated with an account on this homeserver."
import { endpointSuite } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { ACCOUNT_3PID } from './common/purposes.js';

export default endpointSuite('3pid-msisdn', MSISDN, ACCOUNT_3PID);
