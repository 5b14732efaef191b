// The address a scenario asks about: one nobody has, or one bound to an account first.
import type { FreshIdentity } from '../../harness/model/identities.js';
import type { Account } from '../../harness/target/accounts.js';
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
  return (await boundSubject(context, kit)).identity;
}

/** The identity's address bound to a new account, and the identity to ask about it with. */
export async function boundSubject(
  context: Pick<ScenarioContext, 'accounts' | 'identity'>,
  kit: MediumKit,
): Promise<{ account: Account; identity: FreshIdentity }> {
  const account = await kit.bind(context, context.identity);
  return { account, identity: { ...context.identity, clientSecret: `${context.identity.clientSecret}.again` } };
}

/**
 * A bound address from the run's pool, asked about with this scenario's client_secret: the
 * scenarios that only need *some* bound address then share a few bindings, each holding one
 * for as long as it runs.
 */
export async function pooledBoundSubject(
  context: Pick<ScenarioContext, 'accounts' | 'identity' | 'pooledIdentity'>,
  kit: MediumKit,
): Promise<FreshIdentity> {
  const bound = await context.pooledIdentity(`bound ${kit.medium}`, async (fresh) => {
    await kit.bind(context, fresh);
  });
  return { ...bound, clientSecret: context.identity.clientSecret };
}

/** What binding needs from the profile, on top of the medium's own needs. */
export function bindingNeeds(kit: MediumKit, state: AddressState) {
  return state === 'bound' ? ([kit.sendsObservable, 'accounts'] as const) : ([] as const);
}
