import type { Accounts } from '../target/accounts.js';
import type { Homeserver } from '../target/homeserver.js';
import type { Exchange } from '../http/exchange.js';
import type { IdentityView } from '../fakes/identity/identity-view.js';
import type { FreshIdentity } from '../model/identities.js';
import type { MailView } from '../fakes/mail/mail-view.js';
import type { Matcher } from '../model/matchers.js';
import type { Profile } from '../model/profile.js';
import type { SpecVersion } from '../model/spec-versions.js';
import type { Target } from './target.js';

/** Checks bound to the target's spec version; what they saw goes into the report. */
export interface Must {
  /** Every matcher must hold for the response. */
  match(exchange: Exchange, ...matchers: Array<Matcher | readonly Matcher[]>): void;
  /**
   * One of the answers the spec allows must be seen; returns its name and records it,
   * so the report says which.
   */
  matchOneOf(exchange: Exchange, alternatives: Record<string, readonly Matcher[]>): string;
}

/** What a scenario is handed: the target, its own views of the fakes, and fresh identities. */
export interface ScenarioContext {
  target: Target;
  spec: SpecVersion;
  profile: Profile;
  hs: Homeserver;
  /** The fake identity service as this scenario sees it: its own requests, sessions and faults. */
  is: IdentityView;
  /** The mail sink as this scenario sees it: the mailboxes of its own addresses. */
  mailbox: MailView;
  identity: FreshIdentity;
  accounts: Accounts;
  must: Must;
  /** Records something seen that the verdict does not rest on but a reader should know. */
  observe(note: string): void;
  /**
   * Ends the scenario as skipped: what it checks is not there on this server (an answer
   * without the optional field the promise is about, a flow the server need not offer).
   */
  notApplicable(reason: string): never;
  /** Another fresh identity, as much this scenario's own as `identity`. */
  newIdentity(): FreshIdentity;
  /**
   * An identity prepared once and lent to one scenario at a time (e.g. an address already
   * bound): this scenario holds it until it ends, so no other sees what it does with it.
   */
  pooledIdentity(key: string, prepare: (fresh: FreshIdentity) => Promise<void>): Promise<FreshIdentity>;
}
