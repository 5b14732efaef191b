// The address a scenario asks about: one nobody has, or one bound to an account first.
import type { FreshIdentity } from '../../harness/model/identities.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { MediumKit } from './media.js';

/** Unbound for register and 3pid (which must refuse bound ones); bound for password reset. */
export type AddressState = 'unbound' | 'bound';

/**
 * Makes the identity's address be in `state` and returns the identity to ask with. After
 * binding it carries a new client_secret: the binding's own session must not be mistaken
 * for a retry of the request under test.
 */
export async function subject(
  context: Pick<ScenarioContext, 'accounts' | 'identity'>,
  kit: MediumKit,
  state: AddressState,
): Promise<FreshIdentity> {
  if (state === 'unbound') return context.identity;
  await kit.bind(context, context.identity);
  return { ...context.identity, clientSecret: `${context.identity.clientSecret}.again` };
}

// One bound address per server and medium, bound by the first scenario that needs it and
// reused by the rest: scenarios that only need *some* bound address then cost one binding.
const sharedBound = new Map<string, Promise<FreshIdentity>>();

/** A bound address shared by the scenarios of this run, asked about with a new client_secret. */
export async function sharedBoundSubject(
  context: Pick<ScenarioContext, 'accounts' | 'identity' | 'target'>,
  kit: MediumKit,
): Promise<FreshIdentity> {
  const key = `${context.target.url} ${kit.medium}`;
  if (!sharedBound.has(key)) {
    const identity = context.identity;
    sharedBound.set(key, kit.bind(context, identity).then(() => identity));
  }
  const bound = await sharedBound.get(key)!;
  return { ...bound, clientSecret: context.identity.clientSecret };
}

/** What binding needs from the profile, on top of the medium's own needs. */
export function bindingNeeds(kit: MediumKit, state: AddressState) {
  return state === 'bound' ? ([kit.sendsObservable, 'accounts'] as const) : ([] as const);
}
