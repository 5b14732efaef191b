// The families every requestToken endpoint is made of, whatever its medium and purpose. An
// endpoint's suite (suites/*.ts) names its purpose (purposes.ts), whose own families go
// between success and sending and the rest, in the catalogue's order.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { suite, type FamilyScenario, type Suite } from '../../harness/model/scenario.js';
import { badInputScenarios } from './bad-input.js';
import { completingScenarios, mailedLinkScenarios } from './completing.js';
import { httpConventionScenarios } from './http-conventions.js';
import { idServerIgnoredScenario, idServerScenarios } from './id-server.js';
import type { MediumKit } from './media.js';
import { privacyScenarios } from './privacy.js';
import { rateLimitScenarios } from './rate-limit.js';
import { relayScenarios } from './relay.js';
import { sendAttemptScenarios } from './send-attempt.js';
import { sendingScenarios } from './sending.js';
import type { Purpose } from './purposes.js';
import type { AddressState } from './subjects.js';

/** The endpoint's suite: what every endpoint promises, with its purpose's own families in their place. */
export function endpointSuite(endpoint: EndpointKey, kit: MediumKit, { state, own }: Purpose): Suite {
  return suite(endpoint, [
    ...successAndSending(endpoint, kit, state),
    ...own.flatMap((scenarios) => scenarios(endpoint, kit)),
    ...everyEndpointScenarios(endpoint, kit, state),
  ]);
}

/** The 200, the message it stands for, and send_attempt. */
function successAndSending(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  return [...sendingScenarios(endpoint, kit, state), ...sendAttemptScenarios(endpoint, kit, state)];
}

/** Completing validation, the identity service and id_server, bad input, HTTP conventions, privacy and rate limiting. */
function everyEndpointScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  return [
    ...completingScenarios(endpoint, kit, state),
    ...(kit.mailsOwnLink ? mailedLinkScenarios(endpoint, kit, state) : []),
    ...relayScenarios(endpoint, kit, state),
    ...(kit.proxiedToNamedIdServer ? idServerScenarios(endpoint, state) : []),
    ...badInputScenarios(endpoint, kit, state),
    ...idServerIgnoredScenario(endpoint, kit, state),
    ...httpConventionScenarios(endpoint, kit, state),
    ...privacyScenarios(endpoint, kit),
    ...rateLimitScenarios(endpoint, kit),
  ];
}
