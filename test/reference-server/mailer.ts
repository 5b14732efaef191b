// The mails the server sends, over real SMTP to 127.0.0.1:smtpPort (the harness's mail sink).

import { createTransport, type Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const FROM = 'Reference homeserver <noreply@reference.test>';

/**
 * One pooled SMTP connection, reused from mail to mail: a new connection per mail costs the
 * sink's greeting delay (about 100 ms) each time, which the self-tests would pay dozens of times.
 */
export class Mailer {
  private readonly transport: Transporter;

  constructor(smtpPort: number) {
    this.transport = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: FROM, ...mail });
  }

  close(): void {
    this.transport.close();
  }
}

export function validationMail(to: string, link: string): Mail {
  const escaped = link.replaceAll('&', '&amp;');
  return {
    to,
    subject: 'Validate your email address',
    text: `To validate this email address, follow this link:\n\n${link}\n\nIf you did not ask for this, ignore this mail.\n`,
    html: `<p>To validate this email address, <a href="${escaped}">follow this link</a>.</p><p>If you did not ask for this, ignore this mail.</p>`,
  };
}

/** Fault `mail-no-link`: the token is there, but nothing a reader could follow. */
export function linklessValidationMail(to: string, token: string): Mail {
  return {
    to,
    subject: 'Validate your email address',
    text: `Your validation code is ${token}.\n`,
    html: `<p>Your validation code is <b>${token}</b>.</p>`,
  };
}

/** Privacy mode: tells the owner of a bound address that someone asked to use it again. */
export function ownerNoticeMail(to: string): Mail {
  const text = 'Someone asked to use this email address for a new account or login, but it is already in use on this server. If this was you, sign in or reset your password instead; otherwise ignore this mail.';
  return { to, subject: 'Your email address is already in use', text: `${text}\n`, html: `<p>${text}</p>` };
}
