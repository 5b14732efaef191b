// Injected faults: each kind, `times`, which rule applies, and that the request is recorded
// whatever the fault did to its answer.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';
import { call, fresh, V1, V2 } from './support.js';

const is = new FakeIdentityService();
beforeAll(() => is.start());
afterAll(() => is.stop());
beforeEach(() => is.reset());

const MSISDN = '/validate/msisdn/requestToken';
const EMAIL = '/validate/email/requestToken';

function requestMsisdnToken() {
  const { clientSecret } = fresh();
  return call(is, 'POST', `${V1}${MSISDN}`, { json: { client_secret: clientSecret, country: 'GB', phone_number: '447700900001', send_attempt: 1 } });
}

function requestEmailToken() {
  const { clientSecret, email } = fresh();
  return call(is, 'POST', `${V1}${EMAIL}`, { json: { client_secret: clientSecret, email, send_attempt: 1 } });
}

/** What a failed fetch says underneath undici's generic "fetch failed". */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; name?: string } }).cause;
  return cause?.code ?? cause?.name ?? String(error);
}

describe('fault kinds', () => {
  it('matrix-error answers the given status and errcode, and starts no session', async () => {
    is.inject({ path: MSISDN, fault: { kind: 'matrix-error', status: 400, errcode: 'M_INVALID_ADDRESS', error: 'No such number' } });
    const answer = await requestMsisdnToken();
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({ errcode: 'M_INVALID_ADDRESS', error: 'No such number' });
    expect(is.sent).toEqual([]);
  });

  it('matrix-error fills in an error message when none is given', async () => {
    is.inject({ fault: { kind: 'matrix-error', status: 400, errcode: 'M_INVALID_EMAIL' } });
    expect((await requestEmailToken()).json).toEqual({ errcode: 'M_INVALID_EMAIL', error: expect.any(String) });
  });

  it('status answers a bare status with the given body', async () => {
    is.inject({ fault: { kind: 'status', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' } });
    const answer = await requestEmailToken();
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toBe('text/html');
    expect(answer.text).toBe('<html>Bad Gateway</html>');
  });

  it('status without a body answers an empty 500', async () => {
    is.inject({ fault: { kind: 'status', status: 500 } });
    const answer = await requestEmailToken();
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('');
    expect(answer.headers.get('content-type')).toBeNull();
  });

  it('hang never answers; the client times out; the request is recorded', async () => {
    is.inject({ fault: { kind: 'hang' } });
    const started = Date.now();
    const failure = await call(is, 'POST', `${V1}${EMAIL}`, {
      json: { client_secret: 'hung', email: 'hung@example.org', send_attempt: 1 },
      signal: AbortSignal.timeout(150),
    }).catch((error: unknown) => error);

    expect((failure as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(is.requestsTo(EMAIL)).toMatchObject([{ body: { client_secret: 'hung' }, fault: { kind: 'hang' } }]);
    expect(is.requests[0]?.responseStatus).toBeUndefined();
  });

  it('reset drops the connection without an answer', async () => {
    is.inject({ fault: { kind: 'reset' } });
    const failure = await requestEmailToken().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError); // undici's "fetch failed"
    expect(causeOf(failure)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(is.requestsTo(EMAIL)).toMatchObject([{ fault: { kind: 'reset' } }]);
    expect(is.requests[0]?.responseStatus).toBeUndefined();
  });
});

describe('fault rules', () => {
  it('apply `times` times, then the fake answers normally again', async () => {
    is.inject({ path: EMAIL, times: 2, fault: { kind: 'status', status: 503 } });
    expect((await requestEmailToken()).status).toBe(503);
    expect(is.pendingFaults).toEqual([expect.objectContaining({ times: 1 })]);
    expect((await requestEmailToken()).status).toBe(503);
    expect(is.pendingFaults).toEqual([]);
    expect((await requestEmailToken()).status).toBe(200);
  });

  it('match paths by suffix across v1 and v2, or by regular expression', async () => {
    is.inject({ path: MSISDN, fault: { kind: 'status', status: 500 } });
    is.inject({ path: /\/account$/, fault: { kind: 'status', status: 418 } });
    expect((await requestEmailToken()).status).toBe(200);
    expect((await requestMsisdnToken()).status).toBe(500);
    expect((await call(is, 'POST', `${V2}${MSISDN}`, { json: {} })).status).toBe(500);
    expect((await call(is, 'GET', `${V2}/account`)).status).toBe(418);
    expect((await call(is, 'POST', `${V2}/account/register`, { json: {} })).status).toBe(400);
  });

  it('a global regular expression matches on every request, not every other one', async () => {
    is.inject({ path: /requestToken/g, fault: { kind: 'status', status: 500 } });
    expect((await requestEmailToken()).status).toBe(500);
    expect((await requestEmailToken()).status).toBe(500);
  });

  it('can be limited to a method', async () => {
    is.inject({ method: 'GET', fault: { kind: 'status', status: 500 } });
    expect((await requestEmailToken()).status).toBe(200);
    expect((await call(is, 'GET', V1)).status).toBe(500);
  });

  it('the first matching rule applies', async () => {
    is.inject({ path: EMAIL, times: 1, fault: { kind: 'matrix-error', status: 400, errcode: 'M_EMAIL_SEND_ERROR' } });
    is.inject({ fault: { kind: 'status', status: 500 } });
    expect((await requestEmailToken()).json.errcode).toBe('M_EMAIL_SEND_ERROR');
    expect((await requestEmailToken()).status).toBe(500);
  });

  it('clearFaults and reset remove every rule', async () => {
    is.inject({ fault: { kind: 'status', status: 500 } });
    is.clearFaults();
    expect((await requestEmailToken()).status).toBe(200);
    is.inject({ fault: { kind: 'status', status: 500 } });
    is.reset();
    expect((await requestEmailToken()).status).toBe(200);
  });

  it('refuses a rule that cannot be carried out', () => {
    expect(() => is.inject({ times: 0, fault: { kind: 'hang' } })).toThrow(RangeError);
    expect(() => is.inject({ fault: { kind: 'status', status: 99 } })).toThrow(RangeError);
  });
});

describe('recording', () => {
  it('records every request, faulted or not, in order, with what was answered', async () => {
    is.inject({ path: MSISDN, times: 1, fault: { kind: 'matrix-error', status: 400, errcode: 'M_INVALID_ADDRESS' } });
    await requestMsisdnToken();
    await requestEmailToken();
    await call(is, 'GET', `${V1}/nowhere?x=1&y=two`, { headers: { 'x-trace': 'abc' } });

    expect(is.requests.map((r) => [r.method, r.path, r.responseStatus, r.fault?.kind])).toEqual([
      ['POST', `${V1}${MSISDN}`, 400, 'matrix-error'],
      ['POST', `${V1}${EMAIL}`, 200, undefined],
      ['GET', `${V1}/nowhere`, 404, undefined],
    ]);
    const [faulted] = is.requestsTo(MSISDN);
    expect(faulted).toMatchObject({ contentType: 'application/json', body: { country: 'GB', phone_number: '447700900001', send_attempt: 1 } });
    expect(faulted?.receivedAt).toBeGreaterThan(0);
    expect(is.requests[2]).toMatchObject({ query: { x: '1', y: 'two' }, headers: { 'x-trace': 'abc' } });
  });

  it('waitForRequest resolves with a request still to come', async () => {
    const waiting = is.waitForRequest(EMAIL, 2_000);
    await requestEmailToken();
    expect((await waiting).path).toBe(`${V1}${EMAIL}`);
    await expect(is.waitForRequest('/never', 50)).rejects.toThrow(/within 50 ms/);
  });

  it('reset forgets requests and sessions', async () => {
    await requestEmailToken();
    is.reset();
    expect(is.requests).toEqual([]);
    expect(is.sessions).toEqual([]);
    expect(is.sent).toEqual([]);
  });
});

describe('stop()', () => {
  it('returns promptly with a hung connection, which the client then sees closed', async () => {
    const hanging = new FakeIdentityService();
    await hanging.start();
    hanging.inject({ fault: { kind: 'hang' } });
    const pending = call(hanging, 'GET', V2).catch((error: unknown) => error);
    await hanging.waitForRequest(V2);

    const started = Date.now();
    const outcome = await Promise.race([
      hanging.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(resolve, 1_000, 'still waiting after 1 s')),
    ]);
    expect(outcome).toBe('stopped');
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(TypeError);
    await hanging.stop(); // idempotent
    await expect(call(hanging, 'GET', V2)).rejects.toThrow();
  });
});
