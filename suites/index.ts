import type { Suite } from '../harness/scenario.js';
import registerEmail from './register-email.js';

/** Every suite the CLI runs, in report order. */
export const SUITES: readonly Suite[] = [registerEmail];
