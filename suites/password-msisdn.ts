// POST /account/password/msisdn/requestToken: "The homeserver must check that the given phone
// number is associated with an account on this homeserver."
import { endpointSuite } from './common/every-endpoint.js';
import { MSISDN } from './common/media.js';
import { PASSWORD } from './common/purposes.js';

export default endpointSuite('password-msisdn', MSISDN, PASSWORD);
