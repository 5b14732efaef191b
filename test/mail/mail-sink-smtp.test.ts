import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MailSink } from '../../harness/fakes/mail/mail-sink.js';
import { plainMail, sendMail } from './send-mail.js';
import { SmtpDialogue } from './smtp-dialogue.js';

const sinks: MailSink[] = [];

function newSink(options?: ConstructorParameters<typeof MailSink>[0]): MailSink {
  const sink = new MailSink(options);
  sinks.push(sink);
  return sink;
}

afterEach(async () => {
  await Promise.all(sinks.splice(0).map((sink) => sink.stop()));
});

/** Runs one SMTP transaction up to and including DATA's body, without a SIZE declaration. */
async function deliverRaw(port: number, to: string, body: string | Buffer): Promise<number> {
  const { dialogue } = await SmtpDialogue.open(port);
  try {
    expect((await dialogue.command('EHLO client.test')).code).toBe(250);
    expect((await dialogue.command('MAIL FROM:<noreply@hs.test>')).code).toBe(250);
    expect((await dialogue.command(`RCPT TO:<${to}>`)).code).toBe(250);
    expect((await dialogue.command('DATA')).code).toBe(354);
    const reply = await dialogue.sendBody(body);
    await dialogue.command('QUIT');
    return reply.code;
  } finally {
    await dialogue.close();
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('SMTP dialogue', () => {
  it('does not offer STARTTLS, advertises its size cap, and accepts mail without AUTH', async () => {
    const sink = newSink({ maxMessageBytes: 4096 });
    await sink.start();
    const { dialogue, greeting } = await SmtpDialogue.open(sink.port);
    try {
      expect(greeting.code).toBe(220);
      const ehlo = await dialogue.command('EHLO client.test');
      expect(ehlo.lines.join('\n')).not.toMatch(/STARTTLS/);
      expect(ehlo.lines.join('\n')).toMatch(/SIZE 4096/);
      expect((await dialogue.command('STARTTLS')).code).toBeGreaterThanOrEqual(500);
      await dialogue.command('QUIT');
    } finally {
      await dialogue.close();
    }
    expect(await deliverRaw(sink.port, 'noauth@example.org', 'Subject: hi\r\n\r\nhello')).toBe(250);
    expect(sink.mailbox('noauth@example.org')[0]?.subject).toBe('hi');
  });

  it('accepts any AUTH credentials and records the user name', async () => {
    const sink = newSink();
    await sink.start();
    await sendMail(sink.port, plainMail('auth@example.org', 'With auth'), { user: 'synapse', pass: 'whatever' });
    expect(sink.mailbox('auth@example.org')[0]?.authUser).toBe('synapse');
  });

  it('listens on 127.0.0.1', async () => {
    const sink = newSink();
    await sink.start();
    expect(sink.host).toBe('127.0.0.1');
    expect(await canConnect(sink.port)).toBe(true);
  });
});

describe('size cap', () => {
  it('refuses an oversize mail declared with SIZE at MAIL FROM, capturing nothing', async () => {
    const sink = newSink({ maxMessageBytes: 2048 });
    await sink.start();
    const sending = sendMail(sink.port, plainMail('big@example.org', 'Too big', 'x'.repeat(10_000)));
    await expect(sending).rejects.toMatchObject({ responseCode: 552 });
    expect(sink.messages).toEqual([]);
  });

  it('refuses an oversize mail sent without SIZE after DATA, and says so when a wait times out', async () => {
    const sink = newSink({ maxMessageBytes: 2048 });
    await sink.start();
    const body = `Subject: big\r\n\r\n${'0123456789abcdef\r\n'.repeat(1_000)}`;
    expect(await deliverRaw(sink.port, 'big@example.org', body)).toBe(552);
    expect(sink.messages).toEqual([]);
    expect(sink.refused).toHaveLength(1);
    expect(sink.refused[0]).toMatchObject({ envelopeTo: ['big@example.org'] });
    await expect(sink.waitFor('big@example.org', { timeoutMs: 20 })).rejects.toThrow(/refused 1 delivery.*big@example\.org.*exceed the limit of 2048/s);

    // A message right at the limit still gets through, on the same sink.
    const fits = `Subject: fits\r\n\r\n${'y'.repeat(2048 - 'Subject: fits\r\n\r\n'.length - 2)}`;
    expect(await deliverRaw(sink.port, 'big@example.org', fits)).toBe(250);
    expect(sink.mailbox('big@example.org')[0]?.subject).toBe('fits');
  });
});

describe('robustness', () => {
  it('keeps working after a malformed message', async () => {
    const sink = newSink();
    await sink.start();
    const junk = Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a, ...Buffer.from('Content-Type: multipart/mixed; boundary="never"\r\n\r\n--nope\r\n=?broken')]);
    const code = await deliverRaw(sink.port, 'junk@example.org', junk);
    // mailparser is lenient, so junk is captured rather than refused; either way the sink answers.
    expect([250, 554]).toContain(code);
    await sendMail(sink.port, plainMail('after-junk@example.org', 'Still alive'));
    await expect(sink.waitFor('after-junk@example.org', { timeoutMs: 1_000 })).resolves.toMatchObject({ subject: 'Still alive' });
  });

  it('captures a mail with the null sender', async () => {
    const sink = newSink();
    await sink.start();
    const { dialogue } = await SmtpDialogue.open(sink.port);
    try {
      await dialogue.command('EHLO client.test');
      expect((await dialogue.command('MAIL FROM:<>')).code).toBe(250);
      await dialogue.command('RCPT TO:<bounce@example.org>');
      await dialogue.command('DATA');
      expect((await dialogue.sendBody('Subject: bounce\r\n\r\n.leading dot survives')).code).toBe(250);
    } finally {
      await dialogue.close();
    }
    const mail = sink.mailbox('bounce@example.org')[0];
    expect(mail?.envelopeFrom).toBe('');
    expect(mail?.text.trim()).toBe('.leading dot survives');
  });
});

describe('lifecycle', () => {
  it('will not hand out port 0 before an ephemeral sink has started', () => {
    expect(() => newSink().port).toThrow(/only known after start/);
    expect(() => new MailSink({ port: -1 })).toThrow(RangeError);
    expect(() => new MailSink({ maxMessageBytes: 0 })).toThrow(RangeError);
  });

  it('stop() is idempotent: before start, twice in a row, and concurrently', async () => {
    const sink = newSink();
    await sink.stop();
    await sink.start();
    await sink.start(); // also idempotent
    const port = sink.port;
    await Promise.all([sink.stop(), sink.stop()]);
    await sink.stop();
    expect(await canConnect(port)).toBe(false);
  });

  it('stops promptly even with a client connection left open, leaving no handles behind', async () => {
    const before = await countHandles();
    const sink = newSink();
    await sink.start();
    const { dialogue } = await SmtpDialogue.open(sink.port);
    await dialogue.command('EHLO lingering.test');
    const pending = sink.waitFor('never@example.org', { timeoutMs: 10_000 }).catch(() => undefined);
    const started = Date.now();
    await sink.stop();
    await pending;
    // smtp-server on its own would wait 30 s for the client to hang up.
    expect(Date.now() - started).toBeLessThan(1_000);
    await dialogue.close();
    const after = await countHandles();
    for (const kind of Object.keys(after) as Array<keyof typeof after>) expect(after[kind], kind).toBeLessThanOrEqual(before[kind]);
  });

  it('can be started again after stopping, on a fixed port', async () => {
    const first = newSink();
    await first.start();
    const port = first.port;
    await first.stop();
    const fixed = newSink({ port });
    await fixed.start();
    expect(fixed.port).toBe(port);
    await fixed.stop();
    await fixed.start();
    await sendMail(port, plainMail('again@example.org', 'Restarted'));
    expect(fixed.mailbox('again@example.org')).toHaveLength(1);
  });

  it('fails to start, with a clear error, when the port is taken', async () => {
    const holder = newSink();
    await holder.start();
    const rival = newSink({ port: holder.port });
    await expect(rival.start()).rejects.toThrow(new RegExp(`could not listen on 127\\.0\\.0\\.1:${holder.port}`));
    await rival.stop();
  });
});

/** Listening servers, sockets and timers alive in this worker, once closes in flight have landed. */
async function countHandles(): Promise<{ TCPServerWrap: number; TCPSocketWrap: number; Timeout: number }> {
  // A destroyed socket's handle goes away on a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  const counts = { TCPServerWrap: 0, TCPSocketWrap: 0, Timeout: 0 };
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind in counts) counts[kind as keyof typeof counts] += 1;
  }
  return counts;
}
