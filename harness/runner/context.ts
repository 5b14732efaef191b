import type { Accounts } from '../target/accounts.js';
import type { Homeserver } from '../target/homeserver.js';
import type { Exchange } from '../http/exchange.js';
import type { FakeIdentityService } from '../fakes/identity/fake-identity-service.js';
import type { FreshIdentity } from '../model/identities.js';
import type { MailSink } from '../fakes/mail/mail-sink.js';
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

/** The fixtures a scenario can ask for by name. */
export interface ScenarioContext {
  target: Target;
  spec: SpecVersion;
  profile: Profile;
  hs: Homeserver;
  is: FakeIdentityService;
  mailbox: MailSink;
  identity: FreshIdentity;
  accounts: Accounts;
  must: Must;
  /** Records something seen that the verdict does not rest on but a reader should know. */
  observe(note: string): void;
}
