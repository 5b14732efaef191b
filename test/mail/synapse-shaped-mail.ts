// A validation mail built the way Synapse's (Python email.mime) output looks: multipart/alternative,
// each part utf-8 and base64-encoded, the link escaped with &amp; in the HTML. Built by hand
// rather than with nodemailer so the test controls every byte the sink has to decode.

export interface SynapseShapedMail {
  raw: string;
  link: string;
  token: string;
  sid: string;
  clientSecret: string;
}

export function synapseShapedValidationMail(options: {
  to: string;
  baseUrl?: string;
  path?: string;
  token?: string;
  sid?: string;
  clientSecret?: string;
  subject?: string;
}): SynapseShapedMail {
  const {
    to,
    baseUrl = 'http://127.0.0.1:8008',
    path = '/_matrix/client/unstable/registration/email/submit_token',
    token = 'hXcKzTqLbRvWmNpA',
    sid = 'PkDfGhJsLaQw',
    clientSecret = 'cs_3pid-conf.Secret=1',
    subject = '[Conformance] Validate your email',
  } = options;
  const query = `token=${encodeURIComponent(token)}&client_secret=${encodeURIComponent(clientSecret)}&sid=${encodeURIComponent(sid)}`;
  const link = `${baseUrl}${path}?${query}`;
  const text = [
    'Hello there,',
    '',
    'We have received a request to use this email address with a Matrix account.',
    'To validate it, please follow the link below:',
    '',
    link,
    '',
    "If this was not you, you can safely ignore this email. Thank you.",
    '',
  ].join('\n');
  const html = [
    '<!DOCTYPE html><html lang="en"><body>',
    // A non-validation link first: the sink must pick the one with a token, not the first one.
    '<img src="https://matrix.org/images/matrix-logo.png" alt="[matrix]"/>',
    '<p>Hello there,</p>',
    '<p>We have received a request to use this email address with a Matrix account. To validate it, please follow the link below:</p>',
    `<p><a href="${link.replaceAll('&', '&amp;')}">${link.replaceAll('&', '&amp;')}</a></p>`,
    '<p>If this was not you, you can safely ignore this email. Thank you.</p>',
    '</body></html>',
  ].join('\n');
  const boundary = '===============4412399283775431128==';
  const raw = [
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    'MIME-Version: 1.0',
    `Subject: ${subject}`,
    'From: Conformance homeserver <noreply@hs.test>',
    `To: ${to}`,
    'Date: Sat, 28 Nov 2026 09:20:00 +0000',
    'Message-ID: <176432040000.1234.5678@hs.test>',
    '',
    `--${boundary}`,
    ...base64Part('text/plain', text),
    `--${boundary}`,
    ...base64Part('text/html', html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { raw, link, token, sid, clientSecret };
}

function base64Part(contentType: string, body: string): string[] {
  const encoded = Buffer.from(body, 'utf8').toString('base64');
  return [
    `Content-Type: ${contentType}; charset="utf-8"`,
    'MIME-Version: 1.0',
    'Content-Transfer-Encoding: base64',
    '',
    ...(encoded.match(/.{1,76}/g) ?? []),
    '',
  ];
}
