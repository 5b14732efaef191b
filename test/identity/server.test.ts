// The fake as an HTTP(S) server: discovery endpoints, unknown paths and methods, accounts and
// terms, HTTPS with the generated certificate, and its life cycle.

import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';
import { call, trustingAgent, V1, V2 } from './support.js';

describe('over HTTP', () => {
  const is = new FakeIdentityService();
  beforeAll(() => is.start());
  afterAll(() => is.stop());
  beforeEach(() => is.reset());

  it('listens on loopback with an ephemeral port and names itself by it', () => {
    expect(is.port).toBeGreaterThan(0);
    expect(is.url).toBe(`http://127.0.0.1:${is.port}`);
    expect(is.serverName).toBe(`127.0.0.1:${is.port}`);
    expect(is.certificatePem).toBeUndefined();
  });

  it.each([V1, V2])('answers the status check at %s with {}', async (base) => {
    const answer = await call(is, 'GET', base);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({});
  });

  it('lists its spec versions', async () => {
    const answer = await call(is, 'GET', '/_matrix/identity/versions');
    expect(answer.json.versions).toContain('v1.1');
  });

  it.each([
    ['GET', `${V2}/nowhere`],
    ['POST', '/_matrix/client/v3/register/email/requestToken'],
    ['GET', `${V2}/account/register/extra`],
    ['GET', '/'],
  ])('answers %s %s with 404 M_UNRECOGNIZED', async (method, path) => {
    const answer = await call(is, method, path);
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ errcode: 'M_UNRECOGNIZED', error: expect.any(String) });
  });

  it.each([
    ['GET', `${V1}/validate/email/requestToken`, 'POST, OPTIONS'],
    ['PUT', `${V2}/validate/msisdn/submitToken`, 'GET, POST, OPTIONS'],
    ['DELETE', `${V2}/3pid/bind`, 'POST, OPTIONS'],
    ['POST', '/_matrix/identity/versions', 'GET, OPTIONS'],
  ])('answers %s on %s with 405 M_UNRECOGNIZED and Allow: %s', async (method, path, allow) => {
    const answer = await call(is, method, path);
    expect(answer.status).toBe(405);
    expect(answer.json.errcode).toBe('M_UNRECOGNIZED');
    expect(answer.headers.get('allow')).toBe(allow);
  });

  it('answers a CORS preflight, and puts CORS headers on every answer', async () => {
    const preflight = await call(is, 'OPTIONS', `${V2}/validate/email/requestToken`);
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect((await call(is, 'GET', `${V2}/nowhere`)).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('registers accounts, accepts terms, and logs out', async () => {
    const register = await call(is, 'POST', `${V2}/account/register`, { json: { access_token: 'o', matrix_server_name: 'hs.example' } });
    const token: string = register.json.token;

    expect((await call(is, 'GET', `${V2}/terms`)).json).toEqual({ policies: {} });
    expect((await call(is, 'POST', `${V2}/terms`, { json: { user_accepts: ['https://t.example/1'] } })).status).toBe(401);
    expect((await call(is, 'POST', `${V2}/terms`, { json: { user_accepts: 'one' }, bearer: token })).json.errcode).toBe('M_INVALID_PARAM');
    expect((await call(is, 'POST', `${V2}/terms`, { json: { user_accepts: ['https://t.example/1'] }, bearer: token })).json).toEqual({});

    expect((await call(is, 'GET', `${V2}/account`)).status).toBe(401);
    expect((await call(is, 'POST', `${V2}/account/logout`, { bearer: token })).json).toEqual({});
    expect((await call(is, 'GET', `${V2}/account`, { bearer: token })).status).toBe(401);
    const again = await call(is, 'POST', `${V2}/account/logout`, { bearer: token });
    expect(again.status).toBe(401);
    expect(again.json.errcode).toBe('M_UNKNOWN_TOKEN');
  });

  it('refuses an account registration that is not an OpenID token', async () => {
    const answer = await call(is, 'POST', `${V2}/account/register`, { json: { token_type: 'Bearer' } });
    expect(answer.status).toBe(400);
    expect(answer.json.errcode).toBe('M_MISSING_PARAMS');
  });
});

describe('over HTTPS', () => {
  const is = new FakeIdentityService({ tls: true });
  beforeAll(() => is.start());
  afterAll(() => is.stop());

  it('serves a certificate for 127.0.0.1 and localhost that a client can trust as its CA', async () => {
    expect(is.url).toBe(`https://127.0.0.1:${is.port}`);
    const certificate = new X509Certificate(is.certificatePem!);
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkHost('localhost')).toBe('localhost');

    const agent = trustingAgent(is);
    try {
      const answer = await call(is, 'POST', `${V1}/validate/email/requestToken`, {
        form: { client_secret: 'tls', email: 'tls@example.org', send_attempt: '1' },
        dispatcher: agent,
      });
      expect(answer.status).toBe(200);
      expect(is.requestsTo('/validate/email/requestToken')).toHaveLength(1);
    } finally {
      await agent.close();
    }
  });

  it('is refused by a client that does not trust it, and notes the failed handshake', async () => {
    const failure = await call(is, 'GET', V2).catch((error: unknown) => error);
    expect((failure as { cause?: { code?: string } }).cause?.code).toMatch(/SELF_SIGNED_CERT/);
    await expect.poll(() => is.tlsFailures.length).toBeGreaterThan(0);
  });

  it('shares one certificate between instances of a process', async () => {
    const other = new FakeIdentityService({ tls: true });
    await other.start();
    try {
      expect(other.certificatePem).toBe(is.certificatePem);
    } finally {
      await other.stop();
    }
  });

  it('resets connections under TLS too', async () => {
    const agent = trustingAgent(is);
    try {
      is.inject({ times: 1, fault: { kind: 'reset' } });
      await expect(call(is, 'GET', V2, { dispatcher: agent })).rejects.toThrow();
      expect((await call(is, 'GET', V2, { dispatcher: agent })).status).toBe(200);
    } finally {
      await agent.close();
    }
  });
});

describe('life cycle', () => {
  it('listens on the port it is given, and says clearly when that port is taken', async () => {
    const first = new FakeIdentityService();
    await first.start();
    const second = new FakeIdentityService({ port: first.port });
    try {
      await expect(second.start()).rejects.toThrow(`could not listen on 127.0.0.1:${first.port}`);
    } finally {
      await first.stop();
    }
    await second.start();
    expect(second.port).toBe(first.port);
    await second.stop();
  });

  it('refuses to start twice, and can start again after stop()', async () => {
    const is = new FakeIdentityService();
    await is.start();
    await expect(is.start()).rejects.toThrow(/already started/);
    await is.stop();
    await is.start();
    expect((await call(is, 'GET', V2)).status).toBe(200);
    await is.stop();
  });

  it('has no port before it starts, and stop() before start() is harmless', async () => {
    const is = new FakeIdentityService();
    expect(() => is.port).toThrow(/not started/);
    await is.stop();
  });
});
