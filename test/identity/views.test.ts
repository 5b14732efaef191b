// Two scenarios side by side, each with its own view of one fake: each sees its own requests,
// sessions and messages, and only its own requests meet the faults it injects.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';
import { IdentityView } from '../../harness/fakes/identity/identity-view.js';
import { call, fresh, V1, V2 } from './support.js';

const is = new FakeIdentityService({ requireAccessToken: false });
beforeAll(() => is.start());
afterAll(() => is.stop());

const EMAIL_TOKEN = '/validate/email/requestToken';

function viewOf(identity: { clientSecret: string; email: string }): IdentityView {
  const view = new IdentityView(is);
  view.claim({ clientSecrets: [identity.clientSecret], addresses: [identity.email] });
  return view;
}

function requestToken(identity: { clientSecret: string; email: string }, overrides: Record<string, unknown> = {}) {
  return call(is, 'POST', `${V1}${EMAIL_TOKEN}`, { json: { client_secret: identity.clientSecret, email: identity.email, send_attempt: 1, ...overrides } });
}

describe('a view', () => {
  it('sees the requests, sessions and messages of its own identities, not another view\'s', async () => {
    const [alice, bob] = [fresh(), fresh()];
    const [aliceView, bobView] = [viewOf(alice), viewOf(bob)];
    const mark = aliceView.mark();
    await requestToken(alice);
    await requestToken(bob);
    expect(aliceView.requestsTo(EMAIL_TOKEN, mark).map((r) => (r.body as { email: string }).email)).toEqual([alice.email]);
    expect(bobView.requestsTo(EMAIL_TOKEN, mark).map((r) => (r.body as { email: string }).email)).toEqual([bob.email]);
    expect(aliceView.sessions.map((s) => s.address)).toEqual([alice.email]);
    expect(aliceView.sent.map((t) => t.address)).toEqual([alice.email]);
    expect(bobView.session(aliceView.sessions[0]!.sid)).toBeUndefined();
  });

  it('owns a request by its client secret or one derived from it, its address, its session or its access token', async () => {
    const alice = fresh();
    const view = viewOf(alice);
    const token = view.issueAccessToken();
    const mark = view.mark();
    // The same secret with another address, the address with another secret, a derived secret.
    await requestToken({ clientSecret: alice.clientSecret, email: fresh().email });
    await requestToken({ clientSecret: fresh().clientSecret, email: alice.email.toUpperCase() });
    await requestToken({ clientSecret: `${alice.clientSecret}.again`, email: fresh().email });
    // A submission names only the session; a v2 call may carry only the access token.
    const sid = view.sessions[0]!.sid;
    await call(is, 'GET', `${V1}/validate/email/submitToken?${new URLSearchParams({ sid, client_secret: 'not-given', token: 'wrong' })}`);
    await call(is, 'GET', `${V2}/account`, { bearer: token });
    // A stranger's request, and one whose secret merely starts like alice's.
    await requestToken(fresh());
    await requestToken({ clientSecret: `${alice.clientSecret}x`, email: fresh().email });
    expect(view.requestsTo('', mark).map((r) => r.path)).toEqual([
      `${V1}${EMAIL_TOKEN}`,
      `${V1}${EMAIL_TOKEN}`,
      `${V1}${EMAIL_TOKEN}`,
      `${V1}/validate/email/submitToken`,
      `${V2}/account`,
    ]);
  });

  it('injects faults that only its own requests meet', async () => {
    const [alice, bob] = [fresh(), fresh()];
    const aliceView = viewOf(alice);
    aliceView.inject({ path: EMAIL_TOKEN, fault: { kind: 'matrix-error', status: 400, errcode: 'M_INVALID_EMAIL' }, times: 1 });
    // Bob's request comes first, and does not use up alice's fault.
    expect((await requestToken(bob)).status).toBe(200);
    expect((await requestToken(alice)).json).toMatchObject({ errcode: 'M_INVALID_EMAIL' });
    expect((await requestToken(alice)).status).toBe(200);
  });
});
