// Following what a requestToken set off, as the address's owner would: the links mailed to
// the address (and the confirmation form some servers put behind a link), the identity
// service's session, and the answer's submit_url. Binding, password reset and the checks that
// a session must stay unusable all validate the same way, so they share this.
import type { Homeserver } from './homeserver.js';
import { jsonOf, type Exchange } from '../http/exchange.js';
import { HttpClient } from '../http/client.js';
import { ScenarioFailure } from '../model/matchers.js';
import type { IdentityView } from '../fakes/identity/identity-view.js';
import type { MailView } from '../fakes/mail/mail-view.js';
import type { SecretBook } from '../http/redaction.js';
import type { Medium } from '../model/endpoints.js';
import { decodeHtmlEntities } from '../fakes/mail/validation-link.js';

/** A requestToken as asked, with where the address's mailbox stood before it. */
export interface TokenRequested {
  medium: Medium;
  /** The email address, or the canonical msisdn. */
  address: string;
  clientSecret: string;
  answer: Exchange;
  /** The mailbox's length before the request (0 for msisdn). */
  mailsBefore: number;
}

/** One thing followed, and how its server answered. */
export interface Followed {
  what: string;
  exchange: Exchange;
}

// Mails can go out after the answer (a server hiding which addresses are bound sends late).
const LATE_MAIL_MS = 2_000;
const MAIL_WAIT_MS = 15_000;

export class Validation {
  constructor(
    private readonly hs: Homeserver,
    private readonly mail: Pick<MailView, 'mailbox' | 'waitFor' | 'expectQuiet'>,
    private readonly is: Pick<IdentityView, 'sessions' | 'url' | 'certificatePem'>,
    private readonly secrets: Pick<SecretBook, 'learn'> = { learn: () => {} },
  ) {}

  /** Where the identity's mailbox stands now, for a TokenRequested made next. */
  mailsNow(medium: Medium, address: string): number {
    return medium === 'email' ? this.mail.mailbox(address).length : 0;
  }

  /**
   * Follows everything that arrived for the request, whatever it was meant for, and says
   * what: a scenario about a session that must stay unusable follows all of it, then tries
   * the session.
   */
  async followAll(requested: TokenRequested): Promise<Followed[]> {
    if (requested.medium === 'email') {
      // Waiting out a quiet window: a mail sent late must still be followed.
      await this.mail.expectQuiet(requested.address, { forMs: LATE_MAIL_MS, alreadySeen: requested.mailsBefore }).catch(() => {});
    }
    return this.followWhatCame(requested);
  }

  private async followWhatCame(requested: TokenRequested): Promise<Followed[]> {
    return [...(await this.followMails(requested)), ...(await this.followIdentityService(requested))];
  }

  /**
   * Completes validation of the request's session as its owner would, and fails where there
   * is nothing to complete it with or what was followed refused.
   */
  async complete(requested: TokenRequested, step: string): Promise<void> {
    if (requested.medium === 'email' && !this.identityServiceSession(requested)) {
      await this.mail.waitFor(requested.address, { timeoutMs: MAIL_WAIT_MS, count: requested.mailsBefore + 1 });
    }
    // The session's own message is there (or never will be): no quiet window to wait out.
    const followed = await this.followWhatCame(requested);
    if (followed.length === 0) {
      throw new ScenarioFailure(`${step}: nothing arrived to validate ${requested.address} with (no mail with a link, no identity-service session)`, requested.answer);
    }
    const refused = followed.find(({ exchange }) => !isSuccess(exchange));
    if (refused) throw new ScenarioFailure(`${step}: ${refused.what} did not succeed`, refused.exchange);
  }

  /** Each validation link mailed since the request; a confirmation form behind one is submitted. */
  private async followMails(requested: TokenRequested): Promise<Followed[]> {
    if (requested.medium !== 'email') return [];
    const mails = this.mail.mailbox(requested.address).slice(requested.mailsBefore);
    const followed: Followed[] = [];
    for (const mail of mails) {
      if (!mail.validationLink) continue;
      this.secrets.learn(mail.token, 'validation token');
      const opened = await this.hs.http.get(mail.validationLink);
      followed.push({ what: 'opening the mailed link', exchange: opened });
      const form = isSuccess(opened) ? confirmationForm(opened.response?.body ?? '', mail.validationLink) : undefined;
      if (form) {
        // Synapse's password-reset link shows a page whose form confirms the reset.
        const confirmed = await this.hs.http.send({
          method: 'POST',
          path: form.action,
          body: new URLSearchParams(form.fields).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        followed.push({ what: 'submitting the confirmation form behind the mailed link', exchange: confirmed });
      }
    }
    return followed;
  }

  /**
   * The identity service's session for the client_secret, where the server asked it: its
   * email link opened, or its texted token submitted to the answer's submit_url (else to it).
   */
  private async followIdentityService(requested: TokenRequested): Promise<Followed[]> {
    const session = this.identityServiceSession(requested);
    if (!session) return [];
    this.secrets.learn(session.token, 'validation token');
    const answer = jsonOf(requested.answer) as { sid?: unknown; submit_url?: unknown } | undefined;
    const client = new HttpClient({ baseUrl: this.is.url, timeoutMs: 10_000, maxBodyBytes: 65_536, ...(this.is.certificatePem && { ca: this.is.certificatePem }) });
    try {
      if (requested.medium === 'email') {
        return [{ what: "opening the identity service's link", exchange: await client.get(session.submitUrl) }];
      }
      const body = { sid: typeof answer?.sid === 'string' ? answer.sid : session.sid, client_secret: requested.clientSecret, token: session.token };
      if (typeof answer?.submit_url === 'string') {
        return [{ what: 'submitting the texted token to submit_url', exchange: await this.hs.http.post(answer.submit_url, body) }];
      }
      return [{ what: 'submitting the texted token to the identity service', exchange: await client.post(session.submitUrl, { ...body, sid: session.sid }) }];
    } finally {
      await client.close();
    }
  }

  private identityServiceSession(requested: TokenRequested) {
    return this.is.sessions.find((s) => s.clientSecret === requested.clientSecret && s.medium === requested.medium);
  }
}

function isSuccess(exchange: Exchange): boolean {
  const status = exchange.response?.status ?? 0;
  return status >= 200 && status < 400;
}

/** A page's POST form, with its hidden fields, its action resolved against the page's URL. */
export function confirmationForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form || !/\bmethod\s*=\s*["']?post/i.test(form[1]!)) return undefined;
  const action = attribute(form[1]!, 'action');
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const name = attribute(input[1]!, 'name');
    if (name !== undefined && attribute(input[1]!, 'type')?.toLowerCase() !== 'submit') fields[name] = attribute(input[1]!, 'value') ?? '';
  }
  return { action: new URL(action ?? '', pageUrl).toString(), fields };
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value === undefined ? undefined : decodeHtmlEntities(value);
}
