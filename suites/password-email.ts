// POST /account/password/email/requestToken: "The homeserver must check that the given email
// address is associated with an account on this homeserver."
import { endpointSuite } from './common/every-endpoint.js';
import { EMAIL } from './common/media.js';
import { PASSWORD } from './common/purposes.js';

export default endpointSuite('password-email', EMAIL, PASSWORD);
