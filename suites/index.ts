import type { Suite } from '../harness/model/scenario.js';
import threepidEmail from './3pid-email.js';
import threepidMsisdn from './3pid-msisdn.js';
import passwordEmail from './password-email.js';
import passwordMsisdn from './password-msisdn.js';
import registerEmail from './register-email.js';
import registerMsisdn from './register-msisdn.js';

/** Every suite the CLI runs, in report order. */
export const SUITES: readonly Suite[] = [registerEmail, registerMsisdn, passwordEmail, passwordMsisdn, threepidEmail, threepidMsisdn];
