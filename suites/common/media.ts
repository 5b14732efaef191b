// What differs between the email and the msisdn endpoints: the body, the required fields,
// how a "send" is observed, and how an address gets bound. Everything else is shared.
import type { Account } from '../../harness/target/accounts.js';
import type { Medium } from '../../harness/model/endpoints.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import type { Capability } from '../../harness/model/profile.js';
import type { ScenarioContext } from '../../harness/runner/context.js';

const MAIL_WAIT_MS = 15_000;
/** How long to watch before concluding that no (further) message was sent. */
export const QUIET_WINDOW_MS = 2_000;

type Sends = Pick<ScenarioContext, 'mailbox' | 'is' | 'profile'>;

/**
 * Where the outboxes stood before a request: what came after it is the request's doing.
 * Counts, not clock readings: a fast server sends within the millisecond it was asked in.
 */
export interface SendMark {
  mails: number;
  texts: number;
}

export interface MediumKit {
  medium: Medium;
  /** "email address" / "phone number", for titles. */
  noun: string;
  /** The noun with its article: "an email address" / "a phone number". */
  aNoun: string;
  /** "email" / "SMS message", for titles. */
  message: string;
  /** The server validates this medium at all. */
  validates: Capability;
  /** The harness can see the validation messages the server sends. */
  sendsObservable: Capability;
  /** The profile names addresses of this medium that the server denies. */
  denies: Capability;
  /** The server does not support this medium. */
  unsupported: Capability;
  body(identity: FreshIdentity, overrides?: Record<string, unknown>): Record<string, unknown>;
  deniedBody(identity: FreshIdentity): Record<string, unknown>;
  required: readonly string[];
  wrongTypes: Readonly<Record<string, unknown>>;
  /** Notes where the identity's outboxes stand, before a request. */
  mark(context: Sends, identity: FreshIdentity): SendMark;
  /** Resolves once a validation message for the identity was sent after the mark. */
  waitForSend(context: Sends, identity: FreshIdentity, since: SendMark): Promise<void>;
  /** Rejects if a validation message for the identity is sent after the mark. */
  expectNoSend(context: Sends, identity: FreshIdentity, since: SendMark): Promise<void>;
  bind(context: Pick<ScenarioContext, 'accounts'>, identity: FreshIdentity): Promise<Account>;
}

export const EMAIL: MediumKit = {
  medium: 'email',
  noun: 'email address',
  aNoun: 'an email address',
  message: 'email',
  validates: 'email-validation',
  sendsObservable: 'email-observable',
  denies: 'denied-email',
  unsupported: 'no-email-validation',
  body: (identity, overrides = {}) => ({
    client_secret: identity.clientSecret,
    email: identity.email,
    send_attempt: 1,
    ...identity.idServer,
    ...overrides,
  }),
  deniedBody: (identity) => EMAIL.body(identity, { email: identity.deniedEmail }),
  required: ['client_secret', 'email', 'send_attempt'],
  wrongTypes: { client_secret: 12345, email: 12345, send_attempt: '1' },
  mark: (context, identity) => ({ mails: context.mailbox.mailbox(identity.email).length, texts: context.is.sent.length }),
  async waitForSend(context, identity, since) {
    if (context.profile.email.validation === 'identity-service') return expectSent(context, 'email', identity.email, since);
    const mail = await context.mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS, count: since.mails + 1 });
    if (!mail.validationLink) throw new Error(`the mail to ${identity.email} carries no validation link:\n${mail.text}`);
  },
  async expectNoSend(context, identity, since) {
    if (context.profile.email.validation === 'identity-service') return expectNotSent(context, 'email', identity.email, since);
    await quietWindow();
    const mails = context.mailbox.mailbox(identity.email).slice(since.mails);
    if (mails.length) throw new Error(`a further mail went to ${identity.email}: "${mails[0]!.subject}"`);
  },
  bind: ({ accounts }, identity) => accounts.withBoundEmail(identity),
};

/**
 * Where the server delegates validation to the identity service, a "send" is the service
 * mailing or texting a token: its outbox shows one per accepted request with a new
 * send_attempt. The service is called within the homeserver's request, so by the time the
 * homeserver has answered, the send has happened or never will.
 */
function sentSince({ is }: Sends, medium: Medium, address: string, since: SendMark) {
  return is.sent.slice(since.texts).filter((t) => t.medium === medium && t.address === address);
}

/** Long enough for a server that sends after it has answered. */
function quietWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
}

async function expectSent(context: Sends, medium: Medium, address: string, since: SendMark): Promise<void> {
  if (sentSince(context, medium, address, since).length === 0) {
    const seen = context.is.sent.map((t) => `${t.address} (attempt ${t.sendAttempt})`).join(', ') || 'none';
    throw new Error(`nothing went to ${address} through the identity service; it sent to: ${seen}`);
  }
}

async function expectNotSent(context: Sends, medium: Medium, address: string, since: SendMark): Promise<void> {
  await quietWindow();
  const sent = sentSince(context, medium, address, since);
  if (sent.length) {
    throw new Error(`a further message went to ${address} (send_attempt ${sent.map((t) => t.sendAttempt).join(', ')})`);
  }
}

export const MSISDN: MediumKit = {
  medium: 'msisdn',
  noun: 'phone number',
  aNoun: 'a phone number',
  message: 'SMS message',
  validates: 'msisdn-validation',
  sendsObservable: 'msisdn-by-identity-service',
  denies: 'denied-msisdn',
  unsupported: 'no-msisdn-validation',
  body: (identity, overrides = {}) => ({
    client_secret: identity.clientSecret,
    ...identity.msisdn,
    send_attempt: 1,
    ...overrides,
  }),
  deniedBody: (identity) => MSISDN.body(identity, { ...identity.deniedMsisdn }),
  required: ['client_secret', 'country', 'phone_number', 'send_attempt'],
  wrongTypes: { client_secret: 12345, country: 44, phone_number: 7700900123, send_attempt: '1' },
  mark: (context) => ({ mails: 0, texts: context.is.sent.length }),
  waitForSend: (context, identity, since) => expectSent(context, 'msisdn', identity.msisdnCanonical, since),
  expectNoSend: (context, identity, since) => expectNotSent(context, 'msisdn', identity.msisdnCanonical, since),
  bind: ({ accounts }, identity) => accounts.withBoundMsisdn(identity),
};

/** A title that opens with the noun: "An email address …", "A phone number …". */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
