// A scenario's view of the mail sink reads only the mailboxes it claimed, and a wait that
// times out lists its own mail, not what other scenarios were sent meanwhile.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MailSink, MailWaitTimeoutError } from '../../harness/fakes/mail/mail-sink.js';
import { MailView } from '../../harness/fakes/mail/mail-view.js';
import { plainMail, sendMail } from './send-mail.js';

const sink = new MailSink();
beforeAll(() => sink.start());
afterAll(() => sink.stop());

describe('MailView', () => {
  test('reads its claimed mailboxes, whatever their case, and refuses any other', async () => {
    const view = new MailView(sink);
    view.claim(['Mine@View.Test']);
    await sendMail(sink.port, plainMail('mine@view.test', 'For me'));
    await sendMail(sink.port, plainMail('theirs@view.test', 'Not for me'));
    expect((await view.waitFor('mine@view.test')).subject).toBe('For me');
    expect(view.mailbox('MINE@view.test').map((m) => m.subject)).toEqual(['For me']);
    expect(() => view.mailbox('theirs@view.test')).toThrow(/not this scenario's/);
    expect(() => view.expectQuiet('theirs@view.test', { forMs: 10 })).toThrow(/not this scenario's/);
  });

  test('a wait that times out lists the mail to its own addresses only', async () => {
    const view = new MailView(sink);
    view.claim(['waiting@view.test', 'other-of-mine@view.test']);
    await sendMail(sink.port, plainMail('other-of-mine@view.test', 'Mine, elsewhere'));
    await sendMail(sink.port, plainMail('stranger@view.test', 'A stranger\'s'));
    const error = await view.waitFor('waiting@view.test', { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailWaitTimeoutError);
    expect((error as Error).message).toContain('Mine, elsewhere');
    expect((error as Error).message).not.toContain('A stranger');
  });
});
