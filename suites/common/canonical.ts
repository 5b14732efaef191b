// An address is one 3PID however it is written (appendix "3PID Types"): an email's domain is
// lower case and the whole address Unicode case-folded ("Strauß@Example.com must be
// considered to be strauss@example.com"); a phone number is its E.164 digits, without '+'.
// So another spelling of a bound address is that bound address, to every endpoint.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { jsonOf } from '../../harness/http/exchange.js';
import type { CapturedMail } from '../../harness/fakes/mail/captured-mail.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import { matrixError, requestTokenSuccess, type Matcher } from '../../harness/model/matchers.js';
import type { FamilyScenario, Level, ScenarioDraft } from '../../harness/model/scenario.js';
import { family } from '../../harness/model/scenario.js';
import { refs } from '../../harness/model/spec-refs.js';
import type { SpecVersion } from '../../harness/model/spec-versions.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import { capitalised, QUIET_WINDOW_MS, SPELLING_SAMPLE, type AddressForm, type MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { requestAndWaitForSend } from './sends.js';

/** The two strengths of "the same address", as the appendix words them. `what` follows "written" in titles. */
interface Strength {
  suffix: string;
  level: Level;
  since: SpecVersion;
  says: string;
  forms: (kit: MediumKit, identity: FreshIdentity) => AddressForm[];
  what: (kit: MediumKit) => string;
  /** The statement the spelling rests on (spec/statements.yaml). */
  statement: (kit: MediumKit) => string;
}

const STRENGTHS: readonly Strength[] = [
  {
    suffix: 'other-form',
    level: 'must',
    since: 'r0.4.0',
    says: 'This must be a canonical form of the identifier',
    forms: (kit, identity) => kit.otherForms(identity).must,
    what: (kit) => kit.canonicalForm.otherwise,
    statement: (kit) => kit.canonicalForm.statement,
  },
  {
    // Case folding came in v1.1 (changelog: "some identifiers must be case folded prior to processing", MSC2265).
    suffix: 'case-folded',
    level: 'should',
    since: 'v1.1',
    says: 'implementations are expected to apply the unicode case-folding algorithm',
    forms: (kit, identity) => kit.otherForms(identity).should,
    what: () => 'with its local part in upper case, or with ß/ẞ for ss',
    statement: () => 'D1b',
  },
];

/** Where an email's local part has an "ss", so that its sharp-s spellings can be tried. */
function foldable(context: Pick<ScenarioContext, 'identity' | 'mailbox' | 'is'>, kit: MediumKit): FreshIdentity {
  if (kit.medium !== 'email') return context.identity;
  const identity = { ...context.identity, email: context.identity.email.replace('@', '.strasse@') };
  claimForms(context, kit, identity, []);
  return identity;
}

/** The scenario's address (foldable) bound to an account: the address every other spelling is tried against. */
async function boundFoldable(context: ScenarioContext, kit: MediumKit): Promise<FreshIdentity> {
  const identity = foldable(context, kit);
  await kit.bind(context, identity);
  return identity;
}

/** The other spellings' mailboxes are the scenario's too: a server may write to one of them. */
function claimForms(context: Pick<ScenarioContext, 'mailbox' | 'is'>, kit: MediumKit, identity: FreshIdentity, forms: readonly AddressForm[]): void {
  if (kit.medium !== 'email') return;
  const emails = [identity.email, ...forms.map((form) => String(form.overrides['email']))];
  context.mailbox.claim(emails);
  context.is.claim({ addresses: emails });
}

const IN_USE_400 = '400 M_THREEPID_IN_USE';
const IN_USE = {
  [IN_USE_400]: matrixError(400, 'M_THREEPID_IN_USE'),
  '200, the owner is messaged instead (recommended)': requestTokenSuccess(),
} as const satisfies Record<string, readonly Matcher[]>;

/** Register and account/3pid: another spelling of an address in use is in use. */
export function inUseSpellingScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  return canonicalScenarios(kit, (strength) => inUseDraft(endpoint, kit, strength));
}

/** account/password: another spelling of a bound address is that bound address. */
export function boundSpellingScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  return canonicalScenarios(kit, (strength) => passwordDraft(endpoint, kit, strength));
}

/** One scenario for each strength the medium has other spellings for. */
function canonicalScenarios(kit: MediumKit, draft: (strength: Strength) => ScenarioDraft): FamilyScenario[] {
  return family('canonical addresses', STRENGTHS.filter((strength) => strength.forms(kit, SPELLING_SAMPLE).length > 0).map(draft));
}

/** What both purposes' drafts of a strength share: its level and words, the appendix, the needs and the fault; the endpoint adds its statement and section. */
function strengthHeader(endpoint: EndpointKey, kit: MediumKit, strength: Strength, endpointStatement: string, endpointPart: string) {
  return {
    level: strength.level,
    says: strength.says,
    statements: [strength.statement(kit), endpointStatement],
    specRef: refs(REF.threepidTypes(kit.medium), endpointRef(endpoint, endpointPart)),
    since: strength.since,
    needs: [kit.validates, kit.sendsObservable, 'accounts'],
    failsUnder: [kit.canonicalForm.keptAsWritten],
  } as const;
}

/** Register and account/3pid: another spelling of a bound address answers as the bound address does. */
function inUseDraft(endpoint: EndpointKey, kit: MediumKit, strength: Strength): ScenarioDraft {
  return {
    name: `${strength.suffix}-in-use`,
    title: `${capitalised(kit.aNoun)} already associated with an account, written ${strength.what(kit)}, is in use too: 400 M_THREEPID_IN_USE, or 200 with no validation message sent`,
    ...strengthHeader(endpoint, kit, strength, 'B6', '400 response, M_THREEPID_IN_USE'),
    async run(context) {
      const identity = await boundFoldable(context, kit);
      const forms = strength.forms(kit, identity);
      claimForms(context, kit, identity, forms);
      const since = { ...kit.mark(context, identity), at: Date.now() };
      const secret = (n: number) => `${identity.clientSecret}.form${n}`;
      const bound = context.must.matchOneOf(await context.hs.requestToken(endpoint, kit.body({ ...identity, clientSecret: secret(0) })), IN_USE);
      const asked: Asked = { sids: new Set(), clientSecrets: new Set() };
      let decoys = bound !== IN_USE_400;
      for (const [index, form] of forms.entries()) {
        // Either answer the spec allows for an address in use will do, whichever the bound
        // spelling got: what may not happen is a real session for another spelling.
        const answer = await context.hs.requestToken(endpoint, kit.body({ ...identity, clientSecret: secret(index + 1) }, form.overrides));
        const seen = context.must.matchOneOf(answer, IN_USE);
        context.observe(`${form.label}: ${seen}${seen === bound ? ', as the address as bound' : `, where the address as bound got ${bound}`}`);
        decoys ||= seen !== IN_USE_400;
        asked.clientSecrets.add(secret(index + 1));
        const sid = (jsonOf(answer) as { sid?: unknown } | undefined)?.sid;
        if (typeof sid === 'string') asked.sids.add(sid);
      }
      // A 200 for an address in use is a decoy, whatever the spelling: not a real session the
      // server validates by message.
      if (decoys) await expectNoValidationSent(context, kit, identity, forms, since, asked);
    },
  };
}

/** account/password: another spelling of a bound address is that bound address: 200, and a message to it. */
function passwordDraft(endpoint: EndpointKey, kit: MediumKit, strength: Strength): ScenarioDraft {
  return {
    name: `${strength.suffix}-bound`,
    title: `${capitalised(kit.aNoun)} associated with an account, written ${strength.what(kit)}, answers 200 and a validation message is sent, as for that address`,
    ...strengthHeader(endpoint, kit, strength, 'B11', 'description ("must check that the given address is associated with an account")'),
    async run(context) {
      const identity = await boundFoldable(context, kit);
      // A mail to a non-ASCII spelling would land in a mailbox of its own; those are left to register and 3pid.
      const forms = strength.forms(kit, identity).filter((form) => form.ascii);
      claimForms(context, kit, identity, forms);
      for (const [index, form] of forms.entries()) {
        const asked = { ...identity, clientSecret: `${identity.clientSecret}.form${index}` };
        await requestAndWaitForSend(context, endpoint, kit, asked, form.overrides);
        context.observe(`${form.label}: 200, and a validation message went to the bound address`);
      }
    },
  };
}

/** The sids answered and client_secrets sent for the other spellings. */
interface Asked {
  sids: Set<string>;
  clientSecrets: Set<string>;
}

/**
 * Nothing that would validate one of the other spellings' sessions went out since the mark:
 * nothing sent through the identity service for the address, and no mail with a validation
 * link naming one of their sids or client_secrets (or a bare token, which could be theirs).
 * A notice to the owner is fine, even one linking to a password reset of its own. Waits out
 * the quiet window first, for a server that sends after answering.
 */
async function expectNoValidationSent(
  context: ScenarioContext,
  kit: MediumKit,
  identity: FreshIdentity,
  forms: readonly AddressForm[],
  since: ReturnType<MediumKit['mark']> & { at: number },
  asked: Asked,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
  const viaIdentityService = context.is.sentTo(kit.medium, kit.canonical(identity), since.identityService);
  if (viaIdentityService.length > 0) {
    throw new Error(`the identity service was asked to send a validation token to ${kit.canonical(identity)}: another spelling of a bound address started a real session`);
  }
  if (!kit.mailsOwnLink || context.profile.email.validation !== 'smtp') return;
  const mailboxes = new Set([identity.email, ...forms.map((form) => String(form.overrides['email']))].map((a) => a.toLowerCase()));
  const theirs = (mail: CapturedMail) =>
    mail.validationLink !== undefined &&
    ((mail.sid !== undefined && asked.sids.has(mail.sid)) ||
      (mail.clientSecret !== undefined && asked.clientSecrets.has(mail.clientSecret)) ||
      (mail.sid === undefined && mail.clientSecret === undefined));
  for (const address of mailboxes) {
    const linked = context.mailbox.mailbox(address).filter((mail) => mail.receivedAt >= since.at && theirs(mail));
    if (linked.length > 0) {
      throw new Error(`a validation link for another spelling's session was mailed to ${address} ("${linked[0]!.subject}"): another spelling of a bound address started a real session`);
    }
  }
}

