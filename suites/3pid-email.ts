// POST /account/3pid/email/requestToken: "The homeserver must check that the given email
// address is not already associated with an account on this homeserver."
import { endpointSuite } from './common/every-endpoint.js';
import { EMAIL } from './common/media.js';
import { ACCOUNT_3PID } from './common/purposes.js';

export default endpointSuite('3pid-email', EMAIL, ACCOUNT_3PID);
