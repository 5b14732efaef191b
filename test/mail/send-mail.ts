// Sends through nodemailer over real loopback SMTP, one connection per mail, the way a
// homeserver's mailer does, so the self-tests exercise the sink's actual server.

import { createTransport, type SendMailOptions, type SentMessageInfo } from 'nodemailer';

export async function sendMail(port: number, message: SendMailOptions, auth?: { user: string; pass: string }): Promise<SentMessageInfo> {
  const transport = createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    ...(auth === undefined ? {} : { auth }),
  });
  try {
    return await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

/** A plain single-part mail, for tests that care about delivery rather than content. */
export function plainMail(to: string | string[], subject: string, text = 'No links in here.'): SendMailOptions {
  return { from: 'noreply@hs.test', to, subject, text };
}
