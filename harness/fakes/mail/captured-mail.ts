// What the sink keeps of each mail: the envelope as the homeserver's SMTP client gave it, the
// decoded content (homeservers send multipart mails with base64 bodies, so the raw text is
// useless to search), and the validation link already picked apart for the scenarios.

import type { AddressObject, EmailAddress } from 'mailparser';
import type { ReceivedMessage } from './smtp-listener.js';
import { extractLinks, findValidationLink, readValidationParams } from './validation-link.js';

export interface CapturedMail {
  /** Lower-cased MAIL FROM address; '' for the null sender. */
  envelopeFrom: string;
  /** Lower-cased RCPT TO addresses: who the mail was actually delivered to. */
  envelopeTo: string[];
  /** The SMTP AUTH user name, if the sender authenticated. */
  authUser: string | undefined;
  /** Address (no display name) in the From header. */
  from: string | undefined;
  /** Addresses (no display names) in the To header, as written. */
  to: string[];
  subject: string;
  /** The decoded text part ('' if there is none and no HTML to derive it from). */
  text: string;
  /** The decoded HTML part, undefined if the mail has none. */
  html: string | undefined;
  /** Every http(s) URL in text and HTML, de-duplicated, HTML entities decoded. */
  links: string[];
  /** The first link with a `token` (or `sid` and `client_secret`) query parameter. */
  validationLink: string | undefined;
  token: string | undefined;
  sid: string | undefined;
  clientSecret: string | undefined;
  /** Date.now() when the end of DATA was received. */
  receivedAt: number;
  raw: string;
}

export async function parseCapturedMail(message: ReceivedMessage): Promise<CapturedMail> {
  // Loaded with the first mail, not at start: it is a tenth of a second of a short run's start.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(message.raw, { skipTextToHtml: true, skipImageLinks: true });
  const text = parsed.text ?? '';
  const html = parsed.html === false ? undefined : parsed.html;
  const links = extractLinks(text, html);
  const validationLink = findValidationLink(links);
  return freezeMail({
    envelopeFrom: message.envelopeFrom,
    envelopeTo: [...message.envelopeTo],
    authUser: message.authUser,
    from: addressesIn(parsed.from)[0],
    to: addressesIn(parsed.to),
    subject: parsed.subject ?? '',
    text,
    html,
    links,
    validationLink,
    ...readValidationParams(validationLink),
    receivedAt: message.receivedAt,
    raw: message.raw.toString('utf8'),
  });
}

/** One line per mail, for error messages that must say what the sink did receive. */
export function describeMail(mail: CapturedMail): string {
  const link = mail.validationLink === undefined ? 'no validation link' : `link ${mail.validationLink}`;
  return `${new Date(mail.receivedAt).toISOString()} to ${mail.envelopeTo.join(', ')} from ${mail.envelopeFrom || '<>'} ${JSON.stringify(mail.subject)} (${link})`;
}

function addressesIn(header: AddressObject | AddressObject[] | undefined): string[] {
  if (header === undefined) return [];
  const objects = Array.isArray(header) ? header : [header];
  return objects.flatMap((object) => object.value.flatMap(flattenGroup));
}

// `To: team: a@x, b@x;` parses as one group entry holding the real addresses.
function flattenGroup(entry: EmailAddress): string[] {
  if (entry.group !== undefined) return entry.group.flatMap(flattenGroup);
  return entry.address ? [entry.address] : [];
}

// Scenarios share captured mails through the sink; freezing stops one from editing what
// another will read. One level down is enough: the only nested values are string arrays.
function freezeMail(mail: CapturedMail): CapturedMail {
  for (const field of Object.values(mail)) {
    if (typeof field === 'object' && field !== null) Object.freeze(field);
  }
  return Object.freeze(mail);
}

/**
 * A mail as a failure reason names it: its subject and size, not its text, which may give
 * the validation code in words that no redaction rule can tell from prose.
 */
export function withoutItsText(mail: Pick<CapturedMail, 'subject' | 'text'>): string {
  return `subject ${JSON.stringify(mail.subject)}, ${mail.text.length} characters of text, left out of the report as it may hold the validation code`;
}
