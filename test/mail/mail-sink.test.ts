import { describe, expect, test } from 'vitest';
import { MailSink, MailSinkNotRunningError, MailWaitTimeoutError, UnexpectedMailError } from '../../harness/fakes/mail/mail-sink.js';
import { plainMail, sendMail } from './send-mail.js';
import { synapseShapedValidationMail } from './synapse-shaped-mail.js';

// Short waits keep the suite fast; they only have to outlast a loopback round trip.
const SHORT_MS = 150;

// Each test gets its own sink on its own port, so the tests can run concurrently: smtp-server
// holds every new connection for 100 ms (its "early talker" check), which adds up run serially.
const it = test.extend<{ sink: MailSink }>({
  sink: async ({}, use) => {
    const sink = new MailSink();
    await sink.start();
    await use(sink);
    await sink.stop();
  },
});

describe.concurrent('capturing a Synapse-shaped validation mail', () => {
  it('decodes the base64 parts and extracts link, token, sid and client_secret', async ({ sink }) => {
    const mail = synapseShapedValidationMail({ to: 'alice@example.org' });
    await sendMail(sink.port, { envelope: { from: 'noreply@hs.test', to: ['alice@example.org'] }, raw: mail.raw });

    const [captured] = sink.mailbox('alice@example.org');
    expect(captured).toBeDefined();
    if (captured === undefined) return;
    // The token is only in the base64 bodies: finding it proves the sink decoded them.
    expect(captured.raw).toContain('Content-Transfer-Encoding: base64');
    expect(captured.raw).not.toContain(mail.token);
    expect(captured.html).toContain('&amp;client_secret=');
    expect(captured.text).toContain(mail.link);

    expect(captured.validationLink).toBe(mail.link);
    expect(captured.token).toBe(mail.token);
    expect(captured.sid).toBe(mail.sid);
    expect(captured.clientSecret).toBe(mail.clientSecret);
    // The logo link is there too, but only once each despite appearing in both parts.
    expect(captured.links).toEqual([mail.link, 'https://matrix.org/images/matrix-logo.png']);

    expect(captured.envelopeFrom).toBe('noreply@hs.test');
    expect(captured.envelopeTo).toEqual(['alice@example.org']);
    expect(captured.from).toBe('noreply@hs.test');
    expect(captured.to).toEqual(['alice@example.org']);
    expect(captured.subject).toBe('[Conformance] Validate your email');
    expect(captured.authUser).toBeUndefined();
  });

  it('handles the add_threepid and password_reset link shapes too', async ({ sink }) => {
    const addThreepid = synapseShapedValidationMail({ to: 'a@x.test', path: '/_matrix/client/unstable/add_threepid/email/submit_token', token: 't1' });
    const reset = synapseShapedValidationMail({ to: 'b@x.test', path: '/_synapse/client/password_reset/email/submit_token', token: 't2' });
    await sendMail(sink.port, { envelope: { from: 'noreply@hs.test', to: ['a@x.test'] }, raw: addThreepid.raw });
    await sendMail(sink.port, { envelope: { from: 'noreply@hs.test', to: ['b@x.test'] }, raw: reset.raw });
    expect(sink.mailbox('a@x.test')[0]?.validationLink).toBe(addThreepid.link);
    expect(sink.mailbox('b@x.test')[0]?.token).toBe('t2');
  });

  it('leaves validationLink and its parts undefined when the mail has no link', async ({ sink }) => {
    await sendMail(sink.port, plainMail('carol@example.org', 'Just words'));
    const mail = await sink.waitFor('carol@example.org', { timeoutMs: SHORT_MS });
    expect(mail.links).toEqual([]);
    expect(mail.validationLink).toBeUndefined();
    expect(mail.token).toBeUndefined();
    expect(mail.sid).toBeUndefined();
    expect(mail.clientSecret).toBeUndefined();
    expect(mail.html).toBeUndefined();
  });

  it('hands out frozen mails and copies of its lists', async ({ sink }) => {
    await sendMail(sink.port, plainMail('dave@example.org', 'Frozen'));
    const [mail] = sink.messages;
    expect(Object.isFrozen(mail)).toBe(true);
    expect(Object.isFrozen(mail?.envelopeTo)).toBe(true);
    (sink.messages as unknown as unknown[]).length = 0;
    expect(sink.messages).toHaveLength(1);
  });
});

describe.concurrent('mailboxes', () => {
  it('match addresses case-insensitively and store envelope recipients lower-cased', async ({ sink }) => {
    await sendMail(sink.port, plainMail('Alice.Smith@Example.ORG', 'Case'));
    expect(sink.mailbox('alice.smith@example.org')).toHaveLength(1);
    expect(sink.mailbox('ALICE.SMITH@EXAMPLE.ORG')).toHaveLength(1);
    expect(sink.mailbox(' alice.smith@example.org ')).toHaveLength(1);
    expect(sink.messages[0]?.envelopeTo).toEqual(['alice.smith@example.org']);
    // The header keeps the local part as written (nodemailer itself lower-cases the domain).
    expect(sink.messages[0]?.to).toEqual(['Alice.Smith@example.org']);
    expect(sink.mailbox('alice.smith@example.com')).toHaveLength(0);
  });

  it('file one mail with two recipients under both, and nowhere else', async ({ sink }) => {
    await sendMail(sink.port, plainMail(['one@example.org', 'two@example.org'], 'Both'));
    expect(sink.messages).toHaveLength(1);
    expect(sink.mailbox('one@example.org')[0]?.subject).toBe('Both');
    expect(sink.mailbox('two@example.org')[0]?.subject).toBe('Both');
    expect(sink.mailbox('three@example.org')).toEqual([]);
    await expect(sink.waitFor('two@example.org', { timeoutMs: SHORT_MS })).resolves.toMatchObject({ envelopeTo: ['one@example.org', 'two@example.org'] });
  });

  it('go by the envelope, not the To header', async ({ sink }) => {
    await sendMail(sink.port, { ...plainMail('header@example.org', 'Bcc-like'), envelope: { from: 'noreply@hs.test', to: ['envelope@example.org'] } });
    expect(sink.mailbox('envelope@example.org')).toHaveLength(1);
    expect(sink.mailbox('header@example.org')).toHaveLength(0);
  });

  it('are emptied by clear()', async ({ sink }) => {
    await sendMail(sink.port, plainMail('erin@example.org', 'Gone'));
    sink.clear();
    expect(sink.messages).toEqual([]);
    expect(sink.mailbox('erin@example.org')).toEqual([]);
  });
});

describe.concurrent('waitFor', () => {
  it('resolves when the mail arrives, not before', async ({ sink }) => {
    let settled = false;
    const waiting = sink.waitFor('frank@example.org', { timeoutMs: 5_000 }).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    const started = Date.now();
    await sendMail(sink.port, plainMail('frank@example.org', 'Arrived'));
    const mail = await waiting;
    expect(mail.subject).toBe('Arrived');
    // Woken by the arrival itself, nowhere near the 5 s timeout.
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('resolves at once when the mail is already there', async ({ sink }) => {
    await sendMail(sink.port, plainMail('gina@example.org', 'Early'));
    await expect(sink.waitFor('GINA@example.org', { timeoutMs: 0 })).resolves.toMatchObject({ subject: 'Early' });
  });

  it('rejects after the timeout, naming the address, the timeout and what did arrive', async ({ sink }) => {
    await sendMail(sink.port, plainMail('someone-else@example.org', 'Misdirected'));
    const started = Date.now();
    const error = await sink.waitFor('hank@example.org', { timeoutMs: SHORT_MS }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_MS - 5);
    expect(error).toBeInstanceOf(MailWaitTimeoutError);
    expect(error).toMatchObject({ address: 'hank@example.org', timeoutMs: SHORT_MS });
    const message = (error as Error).message;
    expect(message).toContain('hank@example.org');
    expect(message).toContain(`${SHORT_MS} ms`);
    expect(message).toContain('someone-else@example.org');
    expect(message).toContain('"Misdirected"');
  });

  it('says so when nothing at all arrived', async ({ sink }) => {
    await expect(sink.waitFor('ivy@example.org', { timeoutMs: 20 })).rejects.toThrow(/no mail at all/);
  });

  it('waits for count mails and resolves with the newest', async ({ sink }) => {
    await sendMail(sink.port, plainMail('jack@example.org', 'First'));
    await expect(sink.waitFor('jack@example.org', { count: 2, timeoutMs: SHORT_MS })).rejects.toThrow(/wanted 2 mails.*holds 1/);

    const waiting = sink.waitFor('jack@example.org', { count: 2, timeoutMs: 5_000 });
    await sendMail(sink.port, plainMail('jack@example.org', 'Second'));
    await expect(waiting).resolves.toMatchObject({ subject: 'Second' });
    await expect(sink.waitFor('jack@example.org', { count: 1 })).resolves.toMatchObject({ subject: 'Second' });
  });

  it('ignores mails received at or before `after`', async ({ sink }) => {
    await sendMail(sink.port, plainMail('kate@example.org', 'Old'));
    const old = sink.mailbox('kate@example.org')[0];
    if (old === undefined) throw new Error('first mail not captured');

    // `after` equal to the old mail's own timestamp must not match it again.
    await expect(sink.waitFor('kate@example.org', { after: old.receivedAt, timeoutMs: SHORT_MS })).rejects.toThrow(/received after/);

    const waiting = sink.waitFor('kate@example.org', { after: old.receivedAt, timeoutMs: 5_000 });
    await sendMail(sink.port, plainMail('kate@example.org', 'New'));
    await expect(waiting).resolves.toMatchObject({ subject: 'New' });
  });

  it('combines count and after: counts only the mails after the mark', async ({ sink }) => {
    await sendMail(sink.port, plainMail('leo@example.org', 'Before 1'));
    await sendMail(sink.port, plainMail('leo@example.org', 'Before 2'));
    const mark = sink.mailbox('leo@example.org')[1]?.receivedAt ?? Number.NaN;
    await expect(sink.waitFor('leo@example.org', { after: mark, count: 1, timeoutMs: 30 })).rejects.toBeInstanceOf(MailWaitTimeoutError);
    await sendMail(sink.port, plainMail('leo@example.org', 'After 1'));
    await expect(sink.waitFor('leo@example.org', { after: mark, count: 2, timeoutMs: 30 })).rejects.toBeInstanceOf(MailWaitTimeoutError);
    await sendMail(sink.port, plainMail('leo@example.org', 'After 2'));
    await expect(sink.waitFor('leo@example.org', { after: mark, count: 2, timeoutMs: 30 })).resolves.toMatchObject({ subject: 'After 2' });
  });

  it('rejects nonsense options instead of waiting forever or never', async ({ sink }) => {
    await expect(sink.waitFor('x@example.org', { count: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(sink.waitFor('x@example.org', { count: 1.5 })).rejects.toBeInstanceOf(RangeError);
    await expect(sink.waitFor('x@example.org', { timeoutMs: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(sink.waitFor('x@example.org', { timeoutMs: Number.POSITIVE_INFINITY })).rejects.toBeInstanceOf(RangeError);
  });

  it('rejects pending waits when the sink stops, and new waits on a stopped sink', async ({ sink }) => {
    const waiting = sink.waitFor('mia@example.org', { timeoutMs: 5_000 });
    await sink.stop();
    await expect(waiting).rejects.toBeInstanceOf(MailSinkNotRunningError);
    await expect(sink.waitFor('mia@example.org', { timeoutMs: 5_000 })).rejects.toThrow(/not running/);
  });
});

describe.concurrent('expectQuiet', () => {
  it('passes when nothing arrives for the address during the window', async ({ sink }) => {
    const started = Date.now();
    await sendMail(sink.port, plainMail('other@example.org', 'Not for nora'));
    await expect(sink.expectQuiet('nora@example.org', { forMs: 80 })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('fails as soon as a mail to the address arrives, carrying the mail', async ({ sink }) => {
    // Caught up front: the rejection lands while sendMail is still awaiting its reply.
    const quiet = sink.expectQuiet('owen@example.org', { forMs: 5_000 }).catch((e: unknown) => e);
    const started = Date.now();
    await sendMail(sink.port, plainMail('OWEN@example.org', 'Should not exist'));
    const error = await quiet;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(UnexpectedMailError);
    expect((error as UnexpectedMailError).mail.subject).toBe('Should not exist');
    expect((error as Error).message).toMatch(/Expected no mail to owen@example.org.*"Should not exist"/);
  });

  it('with `after`, fails at once for a mail that came before the call but after the mark', async ({ sink }) => {
    const mark = Date.now() - 1;
    await sendMail(sink.port, plainMail('pia@example.org', 'Already here'));
    await expect(sink.expectQuiet('pia@example.org', { forMs: 5_000, after: mark })).rejects.toBeInstanceOf(UnexpectedMailError);
    // Without `after`, only mail arriving during the window counts.
    await expect(sink.expectQuiet('pia@example.org', { forMs: 20 })).resolves.toBeUndefined();
  });

  it('with `alreadySeen`, fails at once for a mail beyond the count, however close in time', async ({ sink }) => {
    await sendMail(sink.port, plainMail('rita@example.org', 'First'));
    const seen = sink.mailbox('rita@example.org').length;
    await expect(sink.expectQuiet('rita@example.org', { forMs: 20, alreadySeen: seen })).resolves.toBeUndefined();
    await sendMail(sink.port, plainMail('rita@example.org', 'Second'));
    const error = await sink.expectQuiet('rita@example.org', { forMs: 5_000, alreadySeen: seen }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedMailError);
    expect((error as UnexpectedMailError).mail.subject).toBe('Second');
    expect((error as Error).message).toMatch(/beyond the first 1/);
  });

  it('refuses an `alreadySeen` that is not a count', async ({ sink }) => {
    await expect(sink.expectQuiet('sam@example.org', { forMs: 10, alreadySeen: -1 })).rejects.toBeInstanceOf(RangeError);
  });

  it('refuses to vouch for a stopped sink', async ({ sink }) => {
    await sink.stop();
    await expect(sink.expectQuiet('quinn@example.org', { forMs: 10 })).rejects.toBeInstanceOf(MailSinkNotRunningError);
  });
});
