// What a scenario reads of the fake after a request of its own: the requests and messages
// since a mark, and that no message goes out during a quiet window.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeIdentityService, UnexpectedSendError } from '../../harness/fakes/identity/fake-identity-service.js';
import { call, fresh, V1 } from './support.js';

const is = new FakeIdentityService();
beforeAll(() => is.start());
afterAll(() => is.stop());
beforeEach(() => is.reset());

function requestToken(email: string, clientSecret: string, sendAttempt = 1) {
  return call(is, 'POST', `${V1}/validate/email/requestToken`, { json: { client_secret: clientSecret, email, send_attempt: sendAttempt } });
}

describe('marks', () => {
  it('requestsTo and sentTo with a mark see only what came after it', async () => {
    const { clientSecret, email } = fresh();
    await requestToken(email, clientSecret);
    const mark = is.mark();
    expect(is.requestsTo('/validate/email/requestToken', mark)).toEqual([]);
    expect(is.sentTo('email', email, mark)).toEqual([]);

    await requestToken(email, clientSecret, 2);
    expect(is.requestsTo('/validate/email/requestToken', mark).map((r) => r.body)).toEqual([{ client_secret: clientSecret, email, send_attempt: 2 }]);
    expect(is.sentTo('email', email, mark).map((t) => t.sendAttempt)).toEqual([2]);
    // Without a mark, everything; and another address's messages are not this one's.
    expect(is.sentTo('email', email).map((t) => t.sendAttempt)).toEqual([1, 2]);
    expect(is.sentTo('email', fresh().email)).toEqual([]);
  });

  it('a mark taken before reset() still counts from where it was', async () => {
    const { clientSecret, email } = fresh();
    await requestToken(email, clientSecret);
    await requestToken(email, clientSecret, 2);
    const mark = is.mark();
    is.reset();
    await requestToken(email, clientSecret);
    expect(is.requestsTo('/validate/email/requestToken', mark)).toHaveLength(1);
    expect(is.sentTo('email', email, mark)).toHaveLength(1);
  });
});

describe('expectQuiet', () => {
  it('resolves when no message goes to the address during the window, after waiting it out', async () => {
    const started = Date.now();
    await requestToken(fresh().email, fresh().clientSecret);
    await expect(is.expectQuiet('email', fresh().email, { forMs: 80 })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('a retry with the same send_attempt sends nothing, so stays quiet', async () => {
    const { clientSecret, email } = fresh();
    await requestToken(email, clientSecret);
    const mark = is.mark();
    await requestToken(email, clientSecret);
    await expect(is.expectQuiet('email', email, { forMs: 20, since: mark })).resolves.toBeUndefined();
  });

  it('rejects as soon as a message goes to the address, carrying it', async () => {
    const { clientSecret, email } = fresh();
    const quiet = is.expectQuiet('email', email, { forMs: 5_000 }).catch((e: unknown) => e);
    const started = Date.now();
    await requestToken(email, clientSecret);
    const error = await quiet;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(UnexpectedSendError);
    expect((error as UnexpectedSendError).sent).toEqual([expect.objectContaining({ medium: 'email', address: email, sendAttempt: 1 })]);
  });

  it('with a mark, rejects at once for a message sent before the call but after the mark', async () => {
    const { clientSecret, email } = fresh();
    const mark = is.mark();
    await requestToken(email, clientSecret);
    await expect(is.expectQuiet('email', email, { forMs: 5_000, since: mark })).rejects.toBeInstanceOf(UnexpectedSendError);
    // Without a mark, only messages sent during the window count.
    await expect(is.expectQuiet('email', email, { forMs: 20 })).resolves.toBeUndefined();
  });

  it('refuses to vouch for a service that is not running, or stops during the window', async () => {
    const stopped = new FakeIdentityService();
    await expect(stopped.expectQuiet('email', 'a@example.test', { forMs: 10 })).rejects.toThrow(/not running/);
    await stopped.start();
    const quiet = stopped.expectQuiet('email', 'a@example.test', { forMs: 5_000 });
    await stopped.stop();
    await expect(quiet).rejects.toThrow(/stopped/);
  });
});
