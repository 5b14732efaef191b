// The fake identity service's validation flow: requestToken, submitToken, getValidated3pid,
// bind and unbind, over both APIs, with JSON and form bodies, and the errors wrong input gets.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';
import { call, fresh, V1, V2 } from './support.js';

const is = new FakeIdentityService();
let token: string;

beforeAll(async () => {
  await is.start();
  token = is.issueAccessToken();
});
afterAll(() => is.stop());
beforeEach(() => is.reset());

describe('requestToken', () => {
  it.each([
    ['v1', V1, undefined],
    ['v2', V2, 'token'],
  ])('starts an email session on %s and "sends" its token', async (_api, base, auth) => {
    const { clientSecret, email } = fresh();
    const answer = await call(is, 'POST', `${base}/validate/email/requestToken`, {
      json: { client_secret: clientSecret, email, send_attempt: 1 },
      bearer: auth && token,
    });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({ sid: expect.stringMatching(/^[0-9a-zA-Z.=_-]{1,255}$/) });
    const sid: string = answer.json.sid;
    expect(is.sent).toEqual([expect.objectContaining({ sid, medium: 'email', address: email, sendAttempt: 1 })]);
    expect(is.tokenFor(sid)).toBe(is.sent[0]!.token);
    expect(is.submitUrlFor(sid)).toBe(`${is.url}${base}/validate/email/submitToken?sid=${sid}&client_secret=${clientSecret}&token=${is.tokenFor(sid)}`);
  });

  it.each([
    ['v1', V1, undefined],
    ['v2', V2, 'token'],
  ])('starts an msisdn session on %s with the number reduced to digits', async (_api, base, auth) => {
    const { clientSecret } = fresh();
    const answer = await call(is, 'POST', `${base}/validate/msisdn/requestToken`, {
      json: { client_secret: clientSecret, country: 'GB', phone_number: '+44 (7700) 900-123', send_attempt: 1 },
      bearer: auth && token,
    });

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ sid: expect.any(String) });
    const session = is.session(answer.json.sid);
    expect(session).toMatchObject({ medium: 'msisdn', address: '447700900123', country: 'GB', requestedAddress: '+44 (7700) 900-123' });
    expect(session?.token).toMatch(/^\d{6}$/);
  });

  it('adds msisdn, intl_fmt and success to the msisdn answer only when asked to', async () => {
    const extras = new FakeIdentityService({ msisdnResponseExtras: true });
    await extras.start();
    try {
      const answer = await call(extras, 'POST', `${V1}/validate/msisdn/requestToken`, {
        json: { client_secret: 'extras', country: 'GB', phone_number: '447700900999', send_attempt: 1 },
      });
      expect(answer.json).toEqual({ sid: expect.any(String), msisdn: '447700900999', intl_fmt: '+447700900999', success: true });
    } finally {
      await extras.stop();
    }
  });

  it('accepts a form body with send_attempt as a string, as Dendrite sends it, and records both forms', async () => {
    const { clientSecret, email } = fresh();
    const answer = await call(is, 'POST', `${V1}/validate/email/requestToken`, {
      form: { client_secret: clientSecret, email, send_attempt: '1', next_link: 'https://client.example/done' },
    });

    expect(answer.status).toBe(200);
    const [recorded] = is.requestsTo('/validate/email/requestToken');
    expect(recorded).toMatchObject({
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      body: { client_secret: clientSecret, email, send_attempt: '1', next_link: 'https://client.example/done' },
      responseStatus: 200,
    });
    expect(recorded?.rawBody).toContain('send_attempt=1');
    expect(is.session(answer.json.sid)?.nextLink).toBe('https://client.example/done');
  });

  it('treats a repeated send_attempt as a retry and a higher one as a resend, both in the same session', async () => {
    const { clientSecret, email } = fresh();
    const request = (sendAttempt: number, secret = clientSecret) =>
      call(is, 'POST', `${V1}/validate/email/requestToken`, { json: { client_secret: secret, email, send_attempt: sendAttempt } });

    const first = (await request(1)).json.sid;
    expect((await request(1)).json.sid).toBe(first);
    expect(is.sent).toHaveLength(1);

    expect((await request(2)).json.sid).toBe(first);
    expect(is.sent.map((s) => s.sendAttempt)).toEqual([1, 2]);
    expect((await request(1)).json.sid).toBe(first);
    expect(is.sent).toHaveLength(2);

    const other = (await request(1, `${clientSecret}-other`)).json.sid;
    expect(other).not.toBe(first);
    expect(is.sent).toHaveLength(3);
  });

  it('scopes send_attempt to the case-folded address', async () => {
    const { clientSecret } = fresh();
    const request = (email: string) =>
      call(is, 'POST', `${V1}/validate/email/requestToken`, { json: { client_secret: clientSecret, email, send_attempt: 1 } });
    const sid = (await request('Strauß@Example.COM')).json.sid;
    expect((await request('strauss@example.com')).json.sid).toBe(sid);
    expect(is.session(sid)?.address).toBe('strauss@example.com');
  });

  describe('on the v2 API, authentication', () => {
    const body = () => {
      const { clientSecret, email } = fresh();
      return { client_secret: clientSecret, email, send_attempt: 1 };
    };

    it('refuses a request without a token with 401 M_UNAUTHORIZED, and still records it', async () => {
      const answer = await call(is, 'POST', `${V2}/validate/email/requestToken`, { json: body() });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ errcode: 'M_UNAUTHORIZED', error: expect.any(String) });
      expect(is.requestsTo('/validate/email/requestToken')).toMatchObject([{ responseStatus: 401 }]);
      expect(is.sent).toHaveLength(0);
    });

    it('refuses a token it did not issue', async () => {
      const answer = await call(is, 'POST', `${V2}/validate/email/requestToken`, { json: body(), bearer: 'made-up' });
      expect(answer.status).toBe(401);
    });

    it('accepts the token /account/register issued, in the header or the query', async () => {
      const registered = await call(is, 'POST', `${V2}/account/register`, {
        json: { access_token: 'openid', token_type: 'Bearer', matrix_server_name: 'hs.example', expires_in: 3600 },
      });
      expect(registered.status).toBe(200);
      const issued: string = registered.json.token;

      expect((await call(is, 'POST', `${V2}/validate/email/requestToken`, { json: body(), bearer: issued })).status).toBe(200);
      const byQuery = await call(is, 'POST', `${V2}/validate/email/requestToken?access_token=${issued}`, { json: body() });
      expect(byQuery.status).toBe(200);
      expect((await call(is, 'GET', `${V2}/account`, { bearer: issued })).json).toEqual({ user_id: '@openid-user:hs.example' });
    });

    it('does not ask for a token on the v1 API', async () => {
      expect((await call(is, 'POST', `${V1}/validate/email/requestToken`, { json: body() })).status).toBe(200);
    });

    it('can be switched off', async () => {
      const open = new FakeIdentityService({ requireAccessToken: false });
      await open.start();
      try {
        expect((await call(open, 'POST', `${V2}/validate/email/requestToken`, { json: body() })).status).toBe(200);
      } finally {
        await open.stop();
      }
    });
  });

  describe('refuses wrong input as the spec says', () => {
    const valid = { client_secret: 'good-secret', email: 'ok@example.org', send_attempt: 1 };
    const msisdn = { client_secret: 'good-secret', country: 'GB', phone_number: '447700900001', send_attempt: 1 };

    it.each([
      ['no email', '/validate/email/requestToken', { ...valid, email: undefined }, 'M_MISSING_PARAMS'],
      ['an empty body', '/validate/email/requestToken', {}, 'M_MISSING_PARAMS'],
      ['no phone_number or country', '/validate/msisdn/requestToken', { client_secret: 'x', send_attempt: 1 }, 'M_MISSING_PARAMS'],
      ['send_attempt as a JSON string', '/validate/email/requestToken', { ...valid, send_attempt: '1' }, 'M_INVALID_PARAM'],
      ['send_attempt as a fraction', '/validate/email/requestToken', { ...valid, send_attempt: 1.5 }, 'M_INVALID_PARAM'],
      ['email as a number', '/validate/email/requestToken', { ...valid, email: 42 }, 'M_INVALID_PARAM'],
      ['a client_secret with a space', '/validate/email/requestToken', { ...valid, client_secret: 'not ok' }, 'M_INVALID_PARAM'],
      ['an empty client_secret', '/validate/email/requestToken', { ...valid, client_secret: '' }, 'M_INVALID_PARAM'],
      ['a 256-character client_secret', '/validate/email/requestToken', { ...valid, client_secret: 'a'.repeat(256) }, 'M_INVALID_PARAM'],
      ['a next_link that is no URI', '/validate/email/requestToken', { ...valid, next_link: 'not a uri' }, 'M_INVALID_PARAM'],
      ['an email without @', '/validate/email/requestToken', { ...valid, email: 'nobody.example.org' }, 'M_INVALID_EMAIL'],
      ['an email with a real name', '/validate/email/requestToken', { ...valid, email: 'Bob <bob@example.org>' }, 'M_INVALID_EMAIL'],
      ['a mailto: email', '/validate/email/requestToken', { ...valid, email: 'mailto:bob@example.org' }, 'M_INVALID_EMAIL'],
      ['letters in the phone number', '/validate/msisdn/requestToken', { ...msisdn, phone_number: '07700 CALL ME' }, 'M_INVALID_ADDRESS'],
      ['a 16-digit phone number', '/validate/msisdn/requestToken', { ...msisdn, phone_number: '1234567890123456' }, 'M_INVALID_ADDRESS'],
    ])('%s → 400 %s', async (_case, path, json, errcode) => {
      const answer = await call(is, 'POST', `${V1}${path}`, { json });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ errcode, error: expect.any(String) });
      expect(is.sent).toHaveLength(0);
    });

    it('names every missing parameter at once', async () => {
      const answer = await call(is, 'POST', `${V1}/validate/msisdn/requestToken`, { json: { send_attempt: 1 } });
      expect(answer.json.error).toMatch(/client_secret, country, phone_number/);
    });

    it.each([
      ['text that is not JSON', '{"client_secret":', 'application/json'],
      ['JSON that is not an object', '[1, 2]', 'application/json'],
      ['not JSON and not labelled', 'client_secret=abc', undefined],
    ])('%s → 400 M_NOT_JSON, recorded with an undefined or raw body', async (_case, raw, contentType) => {
      const answer = await call(is, 'POST', `${V1}/validate/email/requestToken`, { raw, contentType });
      expect(answer.status).toBe(400);
      expect(answer.json.errcode).toBe('M_NOT_JSON');
      expect(is.requests[0]?.rawBody).toBe(raw);
    });

    it('refuses a body over the cap with 413 M_TOO_LARGE', async () => {
      const answer = await call(is, 'POST', `${V1}/validate/email/requestToken`, {
        json: { ...valid, padding: 'x'.repeat(70 * 1024) },
      });
      expect(answer.status).toBe(413);
      expect(answer.json.errcode).toBe('M_TOO_LARGE');
      expect(is.requests[0]?.rawBody.length).toBe(64 * 1024);
      // The connection survives: the rest of the body was drained, not cut.
      expect((await call(is, 'GET', V1)).status).toBe(200);
    });
  });
});

describe('submitToken and getValidated3pid', () => {
  async function startSession(medium: 'email' | 'msisdn' = 'email', extra: Record<string, unknown> = {}) {
    const { clientSecret, email } = fresh();
    const body =
      medium === 'email'
        ? { client_secret: clientSecret, email, send_attempt: 1, ...extra }
        : { client_secret: clientSecret, country: 'GB', phone_number: '447700900555', send_attempt: 1, ...extra };
    const answer = await call(is, 'POST', `${V1}/validate/${medium}/requestToken`, { json: body });
    const sid: string = answer.json.sid;
    return { sid, clientSecret, token: is.tokenFor(sid)! };
  }

  it('validates a session by POST, after which getValidated3pid reports it', async () => {
    const { sid, clientSecret, token: sent } = await startSession();
    const query = `sid=${sid}&client_secret=${clientSecret}`;

    const before = await call(is, 'GET', `${V1}/3pid/getValidated3pid?${query}`);
    expect(before.status).toBe(400);
    expect(before.json.errcode).toBe('M_SESSION_NOT_VALIDATED');

    const submitted = await call(is, 'POST', `${V1}/validate/email/submitToken`, { json: { sid, client_secret: clientSecret, token: sent } });
    expect(submitted.status).toBe(200);
    expect(submitted.json).toEqual({ success: true });

    const after = await call(is, 'GET', `${V1}/3pid/getValidated3pid?${query}`);
    expect(after.status).toBe(200);
    expect(after.json).toEqual({ medium: 'email', address: is.session(sid)?.address, validated_at: expect.any(Number) });
  });

  it('validates by GET on the mailed link, without a token even on v2', async () => {
    const { clientSecret, email } = fresh();
    const { json } = await call(is, 'POST', `${V2}/validate/email/requestToken`, {
      json: { client_secret: clientSecret, email, send_attempt: 1 },
      bearer: token,
    });
    const link = new URL(is.submitUrlFor(json.sid)!);
    expect(link.pathname).toBe(`${V2}/validate/email/submitToken`);

    const answer = await call(is, 'GET', link.pathname + link.search);
    expect(answer.status).toBe(200);
    expect(is.session(json.sid)?.validatedAt).toEqual(expect.any(Number));
  });

  it('validates msisdn sessions by form body and by query', async () => {
    const byForm = await startSession('msisdn');
    const form = await call(is, 'POST', `${V1}/validate/msisdn/submitToken`, {
      form: { sid: byForm.sid, client_secret: byForm.clientSecret, token: byForm.token },
    });
    expect(form.json).toEqual({ success: true });

    const byQuery = await startSession('msisdn');
    const query = new URLSearchParams({ sid: byQuery.sid, client_secret: byQuery.clientSecret, token: byQuery.token });
    const answer = await call(is, 'POST', `${V1}/validate/msisdn/submitToken?${query}`, { json: {} });
    expect(answer.json).toEqual({ success: true });
  });

  it('sends a GET with a next_link on to it', async () => {
    const { sid } = await startSession('email', { next_link: 'https://client.example/welcome' });
    const link = new URL(is.submitUrlFor(sid)!);
    const answer = await call(is, 'GET', link.pathname + link.search);
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('https://client.example/welcome');
  });

  it.each([
    ['a wrong token', (s: Session) => ({ ...s, token: `${s.token}x` }), 400, 'M_TOKEN_INCORRECT'],
    ['a wrong client_secret', (s: Session) => ({ ...s, clientSecret: 'someone-else' }), 404, 'M_NO_VALID_SESSION'],
    ['an unknown sid', (s: Session) => ({ ...s, sid: 'nope' }), 404, 'M_NO_VALID_SESSION'],
    ['a malformed client_secret', (s: Session) => ({ ...s, clientSecret: 'bad secret' }), 400, 'M_INVALID_PARAM'],
  ])('refuses %s', async (_case, spoil, status, errcode) => {
    const wrong = spoil(await startSession());
    const answer = await call(is, 'POST', `${V1}/validate/email/submitToken`, {
      json: { sid: wrong.sid, client_secret: wrong.clientSecret, token: wrong.token },
    });
    expect(answer.status).toBe(status);
    expect(answer.json.errcode).toBe(errcode);
  });

  it('refuses a session of the other medium', async () => {
    const { sid, clientSecret, token: sent } = await startSession('msisdn');
    const answer = await call(is, 'POST', `${V1}/validate/email/submitToken`, { json: { sid, client_secret: clientSecret, token: sent } });
    expect(answer.status).toBe(404);
  });

  it('refuses missing parameters', async () => {
    const answer = await call(is, 'GET', `${V1}/3pid/getValidated3pid?sid=abc`);
    expect(answer.status).toBe(400);
    expect(answer.json.errcode).toBe('M_MISSING_PARAMS');
  });

  it('answers M_SESSION_EXPIRED for an expired session', async () => {
    const { sid, clientSecret, token: sent } = await startSession();
    expect(is.expireSession(sid)).toBe(true);
    const submitted = await call(is, 'POST', `${V1}/validate/email/submitToken`, { json: { sid, client_secret: clientSecret, token: sent } });
    expect(submitted.status).toBe(400);
    expect(submitted.json.errcode).toBe('M_SESSION_EXPIRED');
  });
});

type Session = { sid: string; clientSecret: string; token: string };

describe('bind and unbind', () => {
  async function validatedSession() {
    const { clientSecret, email } = fresh();
    const { json } = await call(is, 'POST', `${V1}/validate/email/requestToken`, { json: { client_secret: clientSecret, email, send_attempt: 1 } });
    const sid: string = json.sid;
    return { sid, clientSecret, email, validate: () => call(is, 'GET', new URL(is.submitUrlFor(sid)!).pathname + new URL(is.submitUrlFor(sid)!).search) };
  }

  it('binds a validated session and answers a signed-association-shaped object', async () => {
    const { sid, clientSecret, email, validate } = await validatedSession();
    await validate();

    const answer = await call(is, 'POST', `${V2}/3pid/bind`, { json: { sid, client_secret: clientSecret, mxid: '@alice:hs.example' }, bearer: token });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      address: email,
      medium: 'email',
      mxid: '@alice:hs.example',
      not_before: expect.any(Number),
      not_after: expect.any(Number),
      ts: expect.any(Number),
      signatures: { [is.serverName]: { 'ed25519:0': expect.stringMatching(/^[A-Za-z0-9+/]+$/) } },
    });
    expect(is.bindings).toEqual([expect.objectContaining({ sid, mxid: '@alice:hs.example', address: email })]);
  });

  it('refuses to bind a session not yet validated, or with a bad mxid', async () => {
    const { sid, clientSecret, validate } = await validatedSession();
    const bind = (mxid: string) => call(is, 'POST', `${V1}/3pid/bind`, { json: { sid, client_secret: clientSecret, mxid } });
    expect((await bind('@alice:hs.example')).json.errcode).toBe('M_SESSION_NOT_VALIDATED');
    await validate();
    expect((await bind('alice')).json.errcode).toBe('M_INVALID_PARAM');
  });

  it('unbinds with the session as proof, or with a server signature', async () => {
    const { sid, clientSecret, email, validate } = await validatedSession();
    await validate();
    await call(is, 'POST', `${V1}/3pid/bind`, { json: { sid, client_secret: clientSecret, mxid: '@alice:hs.example' } });
    const threepid = { medium: 'email', address: email };

    const unsigned = await call(is, 'POST', `${V2}/3pid/unbind`, { json: { mxid: '@alice:hs.example', threepid } });
    expect(unsigned.status).toBe(401);
    const wrongProof = await call(is, 'POST', `${V2}/3pid/unbind`, {
      json: { sid, client_secret: clientSecret, mxid: '@alice:hs.example', threepid: { medium: 'email', address: 'other@example.org' } },
    });
    expect(wrongProof.status).toBe(403);

    const signed = await call(is, 'POST', `${V2}/3pid/unbind`, {
      json: { mxid: '@alice:hs.example', threepid },
      headers: { authorization: 'X-Matrix origin="hs.example",key="ed25519:a",sig="c2ln"' },
    });
    expect(signed.status).toBe(200);
    expect(signed.json).toEqual({});
    expect(is.bindings).toEqual([]);

    const byProof = await call(is, 'POST', `${V1}/3pid/unbind`, { json: { sid, client_secret: clientSecret, mxid: '@alice:hs.example', threepid } });
    expect(byProof.json).toEqual({});
  });
});
