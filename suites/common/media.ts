// What differs between the email and the msisdn endpoints: the body and its address, the
// table of its fields (input-table.ts), how a "send" is observed, what the identity
// service says, and how an address gets bound. Everything else is shared, and the families
// ask the kit rather than which medium it is.
import type { Account, ThreepidCreds } from '../../harness/target/accounts.js';
import type { Medium } from '../../harness/model/endpoints.js';
import { UnexpectedSendError, type IdentityMark } from '../../harness/fakes/identity/fake-identity-service.js';
import { UnexpectedMailError } from '../../harness/fakes/mail/mail-sink.js';
import { withoutItsText } from '../../harness/fakes/mail/captured-mail.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import type { Capability } from '../../harness/model/profile.js';
import type { SpecVersion } from '../../harness/model/spec-versions.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import { EMAIL_FIELDS, MSISDN_FIELDS, type FieldRow } from './input-table.js';

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
  identityService: IdentityMark;
}

/** An error the identity service API lists for validate/{medium}/requestToken. */
export interface IdentityError {
  status: number;
  errcode: string;
  means: string;
}

const TERMS_NOT_SIGNED: IdentityError = { status: 403, errcode: 'M_TERMS_NOT_SIGNED', means: 'the user must agree to more terms' };

// Not addresses at all: account/3pid names its answer (bad input tries these and more: input-table.ts).
const NOT_AN_EMAIL = { email: 'not an email address' };
const NOT_A_PHONE_NUMBER = { phone_number: 'not a phone number' };

export interface MediumKit {
  medium: Medium;
  /** "email address" / "phone number", for titles. */
  noun: string;
  /** The noun with its article: "an email address" / "a phone number". */
  aNoun: string;
  /** "email" / "SMS message", for titles. */
  message: string;
  /** The message with its article: "an email" / "an SMS message". */
  aMessage: string;
  /** What the spec's own sentences call the message: "email" / "SMS". */
  specMessage: string;
  /** What a send_attempt is scoped to, in the spec's words: "email + client_secret pair". */
  sendAttemptScope: string;
  /** Since when the definition asks that a retry with the same send_attempt be answered with success (the email one, from r0.5.0). */
  retrySucceedsSince?: SpecVersion;
  /** The server validates this medium at all. */
  validates: Capability;
  /** The harness can see the validation messages the server sends. */
  sendsObservable: Capability;
  /** The profile names addresses of this medium that the server denies. */
  denies: Capability;
  /** The server does not support this medium. */
  unsupported: Capability;
  /** The server hands validation of this medium to the identity service. */
  delegated: Capability;
  /** The server "handles 3PID verification" itself: mails the link (email), or texts through the identity service it is configured with (msisdn). */
  ownVerification: Capability;
  /** The server may send the message itself, a link to follow (email by SMTP; an SMS goes through the identity service). */
  mailsOwnLink: boolean;
  /** A server may proxy validation to the id_server the request names (email; no server does for msisdn, so no profile could say so). */
  proxiedToNamedIdServer: boolean;
  /** The body fields that carry the address, in the order titles name them. */
  addressFields: readonly string[];
  /** Those fields, for the identity's address. */
  address(identity: FreshIdentity): Record<string, unknown>;
  /** The address as servers report it once canonicalised (GET /account/3pid, the identity service). */
  canonical(identity: FreshIdentity): string;
  canonicalForm: CanonicalForm;
  /** Every error its requestToken lists (400s and 403 M_TERMS_NOT_SIGNED), with what each means. */
  identityErrors: readonly IdentityError[];
  /** The identity service's code for an address it cannot take, which a homeserver that asks it may pass on. */
  identityInvalidAddress: 'M_INVALID_EMAIL' | 'M_INVALID_ADDRESS';
  /** Overrides that make the body's address not one (account/3pid answers these M_INVALID_PARAM). */
  notAnAddress: Record<string, unknown>;
  /** What the request body's definition says of each field, for bad input. */
  fields: readonly FieldRow[];
  body(identity: FreshIdentity, overrides?: Record<string, unknown>): Record<string, unknown>;
  deniedBody(identity: FreshIdentity): Record<string, unknown>;
  /** Notes where the identity's outboxes stand, before a request. */
  mark(context: Sends, identity: FreshIdentity): SendMark;
  /** Resolves once a validation message for the identity was sent after the mark. */
  waitForSend(context: Sends, identity: FreshIdentity, since: SendMark): Promise<void>;
  /** Rejects if a validation message for the identity is sent after the mark. */
  expectNoSend(context: Sends, identity: FreshIdentity, since: SendMark): Promise<void>;
  bind(context: Pick<ScenarioContext, 'accounts'>, identity: FreshIdentity): Promise<Account>;
  /** A session of the account's in which the identity's address is validated, not yet added. */
  validated(context: Pick<ScenarioContext, 'accounts'>, account: Account, identity: FreshIdentity): Promise<ThreepidCreds>;
  /**
   * The identity's address written other ways that the spec makes the same 3PID: `must`,
   * by the 3PID definition itself (an email's domain is lower case; a phone number is its
   * E.164 digits); `should`, by what implementations "are expected" to do (Unicode case
   * folding of the whole email address).
   */
  otherForms(identity: FreshIdentity): { must: AddressForm[]; should: AddressForm[] };
}

/** The address's canonical form, by the appendix "3PID Types", and what tries it. */
export interface CanonicalForm {
  /** The statement giving it (spec/statements.yaml). */
  statement: string;
  /** The spec's words for it, of the address GET /account/3pid lists. */
  says: string;
  /** How otherForms().must writes the address instead, after "written" in titles. */
  otherwise: string;
  /** What the form is, where a title should say: " (E.164 digits, no '+')". */
  gloss: string;
  /** The reference homeserver's faults that keep an address as written: compared and stored so, and listed so. */
  keptAsWritten: string;
  listedAsWritten: string;
}

/** One other way of writing an address. */
export interface AddressForm {
  /** How it differs, for observations: "the domain in upper case". */
  label: string;
  /** What replaces the address fields in the body. */
  overrides: Record<string, unknown>;
  /** The same, as an identity's fields: the identity then binds the address so spelled. */
  spelling: Partial<Pick<FreshIdentity, 'email' | 'msisdn'>>;
  /** ASCII only: a mail to it lands in the same mailbox as one to the canonical address. */
  ascii: boolean;
}

/**
 * A well-formed request for the identity's address: send_attempt 1, and the identity server
 * the run names, where the server may proxy to it (or must be given one, before r0.6.0).
 */
function requestBody(kit: MediumKit, identity: FreshIdentity, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_secret: identity.clientSecret,
    ...kit.address(identity),
    send_attempt: 1,
    ...(kit.proxiedToNamedIdServer && identity.idServer),
    ...identity.requiredIdServer,
    ...overrides,
  };
}

export const EMAIL: MediumKit = {
  medium: 'email',
  noun: 'email address',
  aNoun: 'an email address',
  message: 'email',
  aMessage: 'an email',
  specMessage: 'email',
  sendAttemptScope: 'email + client_secret pair',
  retrySucceedsSince: 'r0.5.0',
  validates: 'email-validation',
  sendsObservable: 'email-observable',
  denies: 'denied-email',
  unsupported: 'no-email-validation',
  delegated: 'email-via-id-server',
  ownVerification: 'email-by-smtp',
  mailsOwnLink: true,
  proxiedToNamedIdServer: true,
  addressFields: ['email'],
  address: (identity) => ({ email: identity.email }),
  canonical: (identity) => identity.email,
  canonicalForm: {
    statement: 'D1',
    says: 'The `address` is the raw email address in `user@domain` form with the domain in lowercase',
    otherwise: 'with its domain in upper case',
    gloss: '',
    keptAsWritten: 'case-sensitive-addresses',
    listedAsWritten: 'case-sensitive-addresses',
  },
  identityInvalidAddress: 'M_INVALID_EMAIL',
  identityErrors: [
    { status: 400, errcode: 'M_INVALID_EMAIL', means: 'the email address provided was invalid' },
    { status: 400, errcode: 'M_EMAIL_SEND_ERROR', means: 'the validation email could not be sent' },
    TERMS_NOT_SIGNED,
  ],
  notAnAddress: NOT_AN_EMAIL,
  fields: EMAIL_FIELDS,
  body: (identity, overrides) => requestBody(EMAIL, identity, overrides),
  deniedBody: (identity) => EMAIL.body(identity, { email: identity.deniedEmail }),
  mark: (context, identity) => ({ mails: context.mailbox.mailbox(identity.email).length, identityService: context.is.mark() }),
  async waitForSend(context, identity, since) {
    if (context.profile.email.validation === 'identity-service') return expectSent(context, 'email', identity.email, since);
    const mail = await context.mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS, count: since.mails + 1 });
    if (!mail.validationLink) throw new Error(`the mail to ${identity.email} carries no validation link (${withoutItsText(mail)})`);
  },
  async expectNoSend(context, identity, since) {
    if (context.profile.email.validation === 'identity-service') return expectNotSent(context, 'email', identity.email, since);
    try {
      await context.mailbox.expectQuiet(identity.email, { forMs: QUIET_WINDOW_MS, alreadySeen: since.mails });
    } catch (error) {
      if (error instanceof UnexpectedMailError) throw new Error(`a further mail went to ${identity.email}: "${error.mail.subject}"`);
      throw error;
    }
  },
  bind: ({ accounts }, identity) => accounts.withBoundEmail(identity),
  validated: ({ accounts }, account, identity) => accounts.validatedEmail(account, identity),
  otherForms(identity) {
    const [local, domain] = splitEmail(identity.email);
    const email = (address: string) => ({ overrides: { email: address }, spelling: { email: address } });
    // "Strauß@Example.com must be considered to be strauss@example.com": where the local part
    // has an "ss", its sharp-s spellings (ß, and the capital ẞ) name the same address.
    const sharp = local.includes('ss')
      ? [
          { label: 'ß for ss in the local part', ...email(`${local.replace('ss', 'ß')}@${domain}`), ascii: false },
          { label: 'all in upper case, with ẞ for SS', ...email(`${local.toUpperCase().replace('SS', 'ẞ')}@${domain.toUpperCase()}`), ascii: false },
        ]
      : [];
    return {
      must: [{ label: 'the domain in upper case', ...email(`${local}@${domain.toUpperCase()}`), ascii: true }],
      should: [{ label: 'the local part in upper case', ...email(`${local.toUpperCase()}@${domain}`), ascii: true }, ...sharp],
    };
  },
};

function splitEmail(email: string): [string, string] {
  const at = email.lastIndexOf('@');
  return [email.slice(0, at), email.slice(at + 1)];
}

/**
 * Where the server delegates validation to the identity service, a "send" is the service
 * mailing or texting a token: its outbox shows one per accepted request with a new
 * send_attempt. The service is called within the homeserver's request, so by the time the
 * homeserver has answered, the send has happened or never will.
 */
async function expectSent(context: Sends, medium: Medium, address: string, since: SendMark): Promise<void> {
  if (context.is.sentTo(medium, address, since.identityService).length === 0) {
    const seen = context.is.sent.map((t) => `${t.address} (attempt ${t.sendAttempt})`).join(', ') || 'none';
    throw new Error(`nothing went to ${address} through the identity service; it sent to: ${seen}`);
  }
}

/** Waits the window out all the same, for a server that sends after it has answered. */
async function expectNotSent(context: Sends, medium: Medium, address: string, since: SendMark): Promise<void> {
  try {
    await context.is.expectQuiet(medium, address, { forMs: QUIET_WINDOW_MS, since: since.identityService });
  } catch (error) {
    if (error instanceof UnexpectedSendError) {
      throw new Error(`a further message went to ${address} (send_attempt ${error.sent.map((t) => t.sendAttempt).join(', ')})`);
    }
    throw error;
  }
}

export const MSISDN: MediumKit = {
  medium: 'msisdn',
  noun: 'phone number',
  aNoun: 'a phone number',
  message: 'SMS message',
  aMessage: 'an SMS message',
  specMessage: 'SMS',
  sendAttemptScope: 'country + phone_number + client_secret triple',
  validates: 'msisdn-validation',
  sendsObservable: 'msisdn-by-identity-service',
  denies: 'denied-msisdn',
  unsupported: 'no-msisdn-validation',
  delegated: 'msisdn-by-identity-service',
  ownVerification: 'msisdn-by-identity-service',
  mailsOwnLink: false,
  proxiedToNamedIdServer: false,
  addressFields: ['country', 'phone_number'],
  address: (identity) => ({ ...identity.msisdn }),
  canonical: (identity) => identity.msisdnCanonical,
  canonicalForm: {
    statement: 'D4',
    says: "Note that MSISDNs do not include a leading '+'",
    otherwise: "internationally with '+'",
    gloss: " (E.164 digits, no '+')",
    keptAsWritten: 'msisdn-as-typed',
    listedAsWritten: 'msisdn-listed-with-plus',
  },
  identityInvalidAddress: 'M_INVALID_ADDRESS',
  identityErrors: [
    { status: 400, errcode: 'M_INVALID_ADDRESS', means: 'the phone number provided was invalid' },
    { status: 400, errcode: 'M_SEND_ERROR', means: 'the validation SMS could not be sent' },
    { status: 400, errcode: 'M_DESTINATION_REJECTED', means: 'the identity server cannot deliver an SMS to the country or region' },
    TERMS_NOT_SIGNED,
  ],
  notAnAddress: NOT_A_PHONE_NUMBER,
  fields: MSISDN_FIELDS,
  body: (identity, overrides) => requestBody(MSISDN, identity, overrides),
  deniedBody: (identity) => MSISDN.body(identity, { ...identity.deniedMsisdn }),
  mark: (context) => ({ mails: 0, identityService: context.is.mark() }),
  waitForSend: (context, identity, since) => expectSent(context, 'msisdn', MSISDN.canonical(identity), since),
  expectNoSend: (context, identity, since) => expectNotSent(context, 'msisdn', MSISDN.canonical(identity), since),
  bind: ({ accounts }, identity) => accounts.withBoundMsisdn(identity),
  validated: ({ accounts }, account, identity) => accounts.validatedMsisdn(account, identity),
  otherForms(identity) {
    // The identity's number is national (07700900xxx, GB): the same MSISDN written
    // internationally, with the '+' the canonical form leaves out. (Not with spaces: the spec
    // says nothing of how phone_number may be written, so a server may refuse them.)
    const e164 = identity.msisdnCanonical;
    const phone = (phoneNumber: string) => {
      const msisdn = { ...identity.msisdn, phone_number: phoneNumber };
      return { overrides: msisdn, spelling: { msisdn } };
    };
    return {
      must: [
        { label: "in international form, with '+'", ...phone(`+${e164}`), ascii: true },
      ],
      should: [],
    };
  },
};

/**
 * An identity to ask a kit which spellings it has (otherForms) while the catalogue is built,
 * before any scenario runs; its email's local part has an "ss", so the sharp-s forms show.
 */
export const SPELLING_SAMPLE: FreshIdentity = {
  clientSecret: 'sample',
  email: 'sample.strasse@example.test',
  deniedEmail: undefined,
  msisdn: { country: 'GB', phone_number: '07700900000' },
  msisdnCanonical: '447700900000',
  deniedMsisdn: undefined,
  localpart: 'sample',
  password: 'sample',
};

/** A title that opens with the noun: "An email address …", "A phone number …". */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
