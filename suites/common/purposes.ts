// What each purpose's endpoints promise beyond what every endpoint does, once for both media:
// the spec words the email and msisdn endpoints of one purpose alike, but for the medium.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { FamilyScenario } from '../../harness/model/scenario.js';
import { bindingScenarios } from './binding.js';
import { inUseScenario, inUseSessionUnusableScenario, notFoundSessionUnusableScenario, unboundPasswordScenario, unknownAddressLoginScenario } from './bound-addresses.js';
import { boundSpellingScenarios, inUseSpellingScenarios } from './canonical.js';
import { deniedPasswordScenario, deniedScenario } from './denied.js';
import type { MediumKit } from './media.js';
import { passwordResetScenarios } from './password-reset.js';
import { validatedRegistrationScenario } from './registration.js';
import type { AddressState } from './subjects.js';
import { threepidScenarios } from './threepid.js';

/** A family (or a single scenario) of what a purpose's endpoints promise, for the medium. */
export type OwnFamily = (endpoint: EndpointKey, kit: MediumKit) => FamilyScenario | FamilyScenario[];

/** A purpose's endpoints: the state of the address they are asked for, and the families only they have. */
export interface Purpose {
  state: AddressState;
  own: readonly OwnFamily[];
}

/** register/*: "The homeserver must check that the given … is not already associated with an account on this homeserver." */
export const REGISTER: Purpose = {
  state: 'unbound',
  own: [deniedScenario, inUseScenario, inUseSessionUnusableScenario, validatedRegistrationScenario, inUseSpellingScenarios],
};

/** account/password/*: "The homeserver must check that the given … is associated with an account on this homeserver." */
export const PASSWORD: Purpose = {
  state: 'bound',
  own: [unboundPasswordScenario, notFoundSessionUnusableScenario, unknownAddressLoginScenario, passwordResetScenarios, deniedPasswordScenario, boundSpellingScenarios],
};

/** account/3pid/*: "The homeserver must check that the given … is not already associated with an account on this homeserver." */
export const ACCOUNT_3PID: Purpose = {
  state: 'unbound',
  own: [deniedScenario, inUseScenario, inUseSessionUnusableScenario, threepidScenarios, inUseSpellingScenarios, bindingScenarios],
};
