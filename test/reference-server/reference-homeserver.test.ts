// The reference homeserver, exercised through its HTTP API with the harness's own client,
// fake identity service, mail sink and account helper: as it is, it must give the answers
// the spec asks for; with each fault, the one behaviour the fault names must change.

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Accounts, type Account } from '../../harness/target/accounts.js';
import type { EndpointKey, Medium } from '../../harness/model/endpoints.js';
import { Homeserver } from '../../harness/target/homeserver.js';
import { HttpClient } from '../../harness/http/client.js';
import { jsonOf, type Exchange } from '../../harness/http/exchange.js';
import { freshIdentity, type FreshIdentity } from '../../harness/model/identities.js';
import { createSelfSignedCertificate } from '../../harness/fakes/identity/certificate.js';
import { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';
import { MailSink } from '../../harness/fakes/mail/mail-sink.js';
import { matrixError, mismatches, requestTokenSuccess, utf8Encoded, type Matcher } from '../../harness/model/matchers.js';
import { loadProfile } from '../../harness/model/profile.js';
import { FAULTS, type Fault, ReferenceHomeserver, type ReferenceHomeserverOptions } from './reference-homeserver.js';

const SID = /^[0-9a-zA-Z.=_-]{1,255}$/;
/** The server awaits its SMTP send before answering, so a short window is enough to see silence. */
const QUIET_MS = 150;
// Long enough for a first TLS handshake with the fake on a machine busy with other test files
// (at 200 ms, CI once saw a proxied request time out into a 502); the hang tests wait it out.
const IDENTITY_TIMEOUT_MS = 1_500;
const profile = loadProfile('synapse');

const is = new FakeIdentityService();
/** For emailVia 'id-server': HTTPS, as Dendrite needs; msisdn is delegated to it too. */
const tlsIs = new FakeIdentityService({ tls: true });
const mail = new MailSink();

type TargetOptions = Omit<ReferenceHomeserverOptions, 'identityPort' | 'smtpPort'>;

/** A reference homeserver with the harness's client and account helper pointed at it. */
class Target {
  server!: ReferenceHomeserver;
  http!: HttpClient;
  hs!: Homeserver;
  accounts!: Accounts;

  /** `options` may depend on the identity service (its name and certificate are known once it runs). */
  constructor(
    private readonly options: TargetOptions | ((identity: FakeIdentityService) => TargetOptions) = {},
    readonly identity = is,
  ) {}

  /** After the identity service and mail sink, whose ports the server needs. */
  async start(): Promise<void> {
    const options = typeof this.options === 'function' ? this.options(this.identity) : this.options;
    this.server = new ReferenceHomeserver({ identityPort: this.identity.port, smtpPort: mail.port, identityTimeoutMs: IDENTITY_TIMEOUT_MS, ...options });
    await this.server.start();
    this.http = client(this.server.url, 3_000);
    this.hs = new Homeserver(this.http, 'v1.19');
    this.accounts = new Accounts(this.hs, this.server.registrationSharedSecret, mail, this.identity);
  }

  async stop(): Promise<void> {
    await this.http?.close();
    await this.server?.stop();
  }
}

function client(baseUrl: string, timeoutMs: number): HttpClient {
  return new HttpClient({ baseUrl, timeoutMs, maxBodyBytes: 1 << 20 });
}

const main = new Target();
const privacy = new Target({ privacy: true });
const limited = new Target({ rateLimit: { burst: 2 } });
const noEmail = new Target({ noEmail: true });
const proxying = (identity: FakeIdentityService): TargetOptions => ({ emailVia: 'id-server', identityTls: true, trustedIdServers: [identity.serverName] });
/** Trusts the fake's certificate as its CA. */
const viaIdServer = new Target((identity) => ({ ...proxying(identity), identityCa: identity.certificatePem! }), tlsIs);
/** No CA given, as when the CLI runs the fake in another process: loopback goes unverified. */
const viaIdServerNoCa = new Target(proxying, tlsIs);
/** Trusts some other certificate, so the fake's must be refused. */
const viaIdServerWrongCa = new Target((identity) => ({ ...proxying(identity), identityCa: createSelfSignedCertificate().certPem }), tlsIs);
const targets = [main, privacy, limited, noEmail, viaIdServer, viaIdServerNoCa, viaIdServerWrongCa];

beforeAll(async () => {
  await Promise.all([is.start(), tlsIs.start(), mail.start()]);
  await Promise.all(targets.map((t) => t.start()));
});
afterAll(async () => {
  await Promise.all(targets.map((t) => t.stop()));
  await Promise.all([is.stop(), tlsIs.stop(), mail.stop()]);
});
afterEach(() => {
  for (const t of targets) t.server.setFaults([]);
  is.clearFaults();
  tlsIs.clearFaults();
});

// ---- helpers ----

const emailBody = (id: FreshIdentity, extra: object = {}) => ({ client_secret: id.clientSecret, email: id.email, send_attempt: 1, ...extra });
const msisdnBody = (id: FreshIdentity, extra: object = {}) => ({ client_secret: id.clientSecret, ...id.msisdn, send_attempt: 1, ...extra });
const bodyFor = (endpoint: EndpointKey, id: FreshIdentity, extra: object = {}) =>
  endpoint.endsWith('email') ? emailBody(id, extra) : msisdnBody(id, extra);

function json(exchange: Exchange): Record<string, any> {
  const body = jsonOf(exchange);
  expect(body, `a JSON body in ${exchange.response?.status} ${exchange.response?.body}`).toBeTypeOf('object');
  return body as Record<string, any>;
}

/** What came back, for a failed expectation to show (a 502's error says what the relay met). */
const answered = (exchange: Exchange) => `answered ${exchange.response?.status ?? exchange.error} ${exchange.response?.body ?? ''}`.slice(0, 500);

/** The harness's own verdict: [] when the answer keeps every promise. */
function verdict(exchange: Exchange, matchers: Matcher[]): string[] {
  return mismatches(exchange, matchers, { spec: 'v1.19' });
}

function expectError(exchange: Exchange, status: number, errcode: string): void {
  expect(verdict(exchange, matrixError(status, errcode)), answered(exchange)).toEqual([]);
}

function expectSuccess(exchange: Exchange): string {
  expect(verdict(exchange, requestTokenSuccess()), answered(exchange)).toEqual([]);
  return json(exchange)['sid'];
}

const fresh = () => freshIdentity(profile);
/** An identity whose requests name the TLS fake as id_server, as the harness's fixture makes them. */
const freshProxied = () => freshIdentity(profile, { id_server: tlsIs.serverName, id_access_token: tlsIs.issueAccessToken() });
/** An email body with the identity's id_server and id_access_token. */
const proxiedBody = (id: FreshIdentity, extra: object = {}) => emailBody(id, { ...id.idServer, ...extra });
/** What the TLS fake received on its email requestToken for this client_secret. */
const proxied = (id: FreshIdentity) => relayedTo(tlsIs, id, '/validate/email/requestToken');

/** What the fake identity service received for this client_secret. */
function relayed(id: FreshIdentity, suffix = '/validate/msisdn/requestToken'): Record<string, unknown>[] {
  return relayedTo(is, id, suffix);
}

function relayedTo(service: FakeIdentityService, id: FreshIdentity, suffix: string): Record<string, unknown>[] {
  return service
    .requestsTo(suffix)
    .map((request) => request.body as Record<string, unknown>)
    .filter((body) => body?.['client_secret'] === id.clientSecret);
}

/** The whole email flow on a target: requestToken, mail, link. Returns the mail. */
async function requestAndFollow(t: Target, endpoint: EndpointKey, id: FreshIdentity) {
  const since = Date.now();
  const sid = expectSuccess(await t.hs.requestToken(endpoint, emailBody(id)));
  const received = await mail.waitFor(id.email, { timeoutMs: 2_000, after: since });
  expect(received.validationLink).toBeDefined();
  expect(received.sid).toBe(sid);
  expect(received.html).toContain('href=');
  const followed = await t.http.get(received.validationLink!);
  expect(followed.response?.status).toBe(200);
  expect(followed.response?.headers['content-type']).toMatch(/^text\/html/);
  return { sid, received };
}

/** /account/3pid/add through password UIA; the status of the second request. */
async function addThreepid(t: Target, account: Account, sid: string, clientSecret: string): Promise<number | undefined> {
  const headers = { authorization: `Bearer ${account.accessToken}` };
  const first = await t.http.post('/_matrix/client/v3/account/3pid/add', { sid, client_secret: clientSecret }, headers);
  expect(first.response?.status).toBe(401);
  expect(json(first)).toEqual({ session: expect.any(String), flows: [{ stages: ['m.login.password'] }], params: {} });
  const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: account.userId }, password: account.password, session: json(first)['session'] };
  const second = await t.http.post('/_matrix/client/v3/account/3pid/add', { sid, client_secret: clientSecret, auth }, headers);
  return second.response?.status;
}

/** Two accounts on `main` with a validated session each for one email, which the first has already added. */
async function secondClaim() {
  const id = fresh();
  const first = await main.accounts.create(id);
  const second = await main.accounts.create({ ...fresh(), email: id.email });
  const firstSession = await main.accounts.validatedEmail(first, id);
  const secondSession = await main.accounts.validatedEmail(second, { ...id, clientSecret: `${id.clientSecret}.second` });
  await main.accounts.add(first, firstSession);
  return { id, second, secondSession };
}

// ---- the conformant server ----

describe('the HTTP layer', () => {
  test('GET /versions lists r0.6.1 and v1.1 to v1.15, with Server and CORS headers', async () => {
    const exchange = await main.http.get('/_matrix/client/versions');
    expect(exchange.response?.status).toBe(200);
    expect(json(exchange)).toEqual({ versions: expect.arrayContaining(['r0.6.1', 'v1.1', 'v1.15']), unstable_features: {} });
    expect(json(exchange)['versions']).toHaveLength(16);
    expect(exchange.response?.headers).toMatchObject({
      server: 'reference/1.0',
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
      'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
    });
  });

  test('OPTIONS on a requestToken answers 200 with CORS headers and sends nothing', async () => {
    const id = fresh();
    const since = Date.now();
    const exchange = await main.hs.requestTokenRaw('register-email', {
      method: 'OPTIONS',
      body: JSON.stringify(emailBody(id)),
      headers: { origin: 'https://client.example.test', 'access-control-request-method': 'POST' },
    });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.headers['access-control-allow-origin']).toBe('*');
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: since });
  });

  test('a wrong method on a known path answers 405 M_UNRECOGNIZED; an unknown path 404 M_UNRECOGNIZED, OPTIONS too', async () => {
    const wrong = await main.hs.requestTokenRaw('register-email', { method: 'GET' });
    expectError(wrong, 405, 'M_UNRECOGNIZED');
    expect(wrong.response?.headers['allow']).toBe('POST, OPTIONS');
    expectError(await main.http.get('/_matrix/client/v3/no/such/endpoint'), 404, 'M_UNRECOGNIZED');
    expectError(await main.http.send({ method: 'OPTIONS', path: '/_matrix/client/v3/no/such/endpoint' }), 404, 'M_UNRECOGNIZED');
  });

  test('a body over 1 MiB answers 413 M_TOO_LARGE', async () => {
    const exchange = await main.hs.requestTokenRaw('register-email', { body: JSON.stringify({ padding: 'x'.repeat(1 << 20) }), headers: { 'content-type': 'application/json' } });
    expectError(exchange, 413, 'M_TOO_LARGE');
  });
});

describe('accounts', () => {
  test('shared-secret registration refuses a wrong mac and a reused nonce', async () => {
    const nonce = json(await main.http.get('/_synapse/admin/v1/register'))['nonce'];
    const attempt = { nonce, username: 'refused', password: 'pw', admin: false, mac: '00'.repeat(20) };
    expectError(await main.http.post('/_synapse/admin/v1/register', attempt), 403, 'M_FORBIDDEN');
    expectError(await main.http.post('/_synapse/admin/v1/register', attempt), 400, 'M_UNKNOWN');
  });

  test('account endpoints need an access token', async () => {
    expectError(await main.http.get('/_matrix/client/v3/account/3pid'), 401, 'M_MISSING_TOKEN');
    expectError(await main.http.post('/_matrix/client/v3/account/3pid/add', { sid: 'a', client_secret: 'b' }, { authorization: 'Bearer nope' }), 401, 'M_UNKNOWN_TOKEN');
  });
});

describe('email requestTokens', () => {
  test.each(['register-email', '3pid-email'] as const)('%s answers 200 {sid} and mails a link that validates the session', async (endpoint) => {
    const { received } = await requestAndFollow(main, endpoint, fresh());
    expect(received.text).toContain(received.validationLink);
    expect(received.validationLink).toMatch(new RegExp(`^${main.server.url}/_matrix/client/v3/reference/submit_token\\?`));
  });

  test('the r0 path is served too', async () => {
    const id = fresh();
    expectSuccess(await main.http.post('/_matrix/client/r0/register/email/requestToken', emailBody(id)));
    await mail.waitFor(id.email, { timeoutMs: 2_000 });
  });

  test('a followed link validates the session, so /account/3pid/add binds the address (via Accounts.withBoundEmail)', async () => {
    const id = fresh();
    const account = await main.accounts.withBoundEmail(id);
    expect(await main.accounts.threepids(account)).toEqual([expect.objectContaining({ medium: 'email', address: id.email })]);
    expectError(await main.hs.requestToken('register-email', emailBody(id, { client_secret: `${id.clientSecret}.2` })), 400, 'M_THREEPID_IN_USE');
  });

  test('/account/3pid/add refuses a session that was never validated', async () => {
    const id = fresh();
    const account = await main.accounts.create(id);
    const sid = expectSuccess(await main.hs.requestToken('3pid-email', emailBody(id)));
    expect(await addThreepid(main, account, sid, id.clientSecret)).toBe(400);
  });

  test('the same send_attempt answers the same sid and sends no mail; a higher one the same sid and a new mail', async () => {
    const id = fresh();
    const first = expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    await mail.waitFor(id.email, { timeoutMs: 2_000 });
    const retriedAt = Date.now();
    expect(expectSuccess(await main.hs.requestToken('register-email', emailBody(id)))).toBe(first);
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: retriedAt });
    const resentAt = Date.now();
    expect(expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { send_attempt: 2 })))).toBe(first);
    await mail.waitFor(id.email, { timeoutMs: 2_000, after: resentAt });
  });
});

describe('canonical addresses and completing validation', () => {
  test('emails are case-folded (Strauß@Example.com is strauss@example.com) and msisdns are E.164 digits, in lookups and listings', async () => {
    const id = { ...fresh(), email: `m3c-${Date.now()}.strasse@example.test` };
    const account = await main.accounts.withBoundEmail(id);
    for (const email of [id.email.toUpperCase(), id.email.replace('ss', 'ß'), id.email.toUpperCase().replace('SS', 'ẞ')]) {
      expectError(await main.hs.requestToken('register-email', emailBody(id, { client_secret: 'other', email })), 400, 'M_THREEPID_IN_USE');
    }
    const phone = fresh();
    const phoneAccount = await main.accounts.withBoundMsisdn({ ...phone, msisdn: { country: 'GB', phone_number: `+${phone.msisdnCanonical}` } });
    expectError(await main.hs.requestToken('3pid-msisdn', msisdnBody(phone, { client_secret: 'other' })), 400, 'M_THREEPID_IN_USE');
    expect(await main.accounts.threepids(phoneAccount)).toEqual([{ medium: 'msisdn', address: phone.msisdnCanonical, validated_at: expect.any(Number), added_at: expect.any(Number) }]);
    expect((await main.accounts.threepids(account)).map((t) => t.address)).toEqual([id.email]);
  });

  test('a lower send_attempt sends nothing; another client_secret for the address is a new session that mails', async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { send_attempt: 2 })));
    const first = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { send_attempt: 1 })));
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: first.receivedAt });
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { client_secret: `${id.clientSecret}.other` })));
    await mail.waitFor(id.email, { timeoutMs: 2_000, after: first.receivedAt });
  });

  test('the email 200 carries a submit_url: a wrong token answers 400 M_TOKEN_INCORRECT, the mailed one {"success": true}', async () => {
    const id = fresh();
    const answer = json(await main.hs.requestToken('register-email', emailBody(id)));
    expect(answer['submit_url']).toBe(`${main.server.url}/_matrix/client/v3/reference/submit_token`);
    const received = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    const submit = (token: string) => main.hs.http.post(String(answer['submit_url']), { sid: answer['sid'], client_secret: id.clientSecret, token });
    expectError(await submit(`${received.token}x`), 400, 'M_TOKEN_INCORRECT');
    const right = await submit(received.token!);
    expect(right.response?.status).toBe(200);
    expect(json(right)).toEqual({ success: true });
  });

  test('with a next_link, the followed link redirects there (302 Location)', async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { next_link: 'https://client.example.test/next?x=1' })));
    const received = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    const followed = await main.hs.http.get(received.validationLink!);
    expect(followed.response?.status).toBe(302);
    expect(followed.response?.headers['location']).toBe('https://client.example.test/next?x=1');
  });

  test("/account/3pid/add refuses an address already added to another user's account", async () => {
    const { second, secondSession } = await secondClaim();
    expectError(await main.accounts.tryAdd(second, secondSession), 400, 'M_THREEPID_IN_USE');
  });
});

describe('msisdn requestTokens', () => {
  test.each(['register-msisdn', '3pid-msisdn'] as const)('%s relays to the IS and answers its sid with a submit_url', async (endpoint) => {
    const id = fresh();
    const exchange = await main.hs.requestToken(endpoint, msisdnBody(id, { next_link: 'https://client.example.test/done' }));
    const sid = expectSuccess(exchange);
    expect(relayed(id)).toEqual([
      { client_secret: id.clientSecret, country: 'GB', phone_number: id.msisdn.phone_number, send_attempt: 1, next_link: 'https://client.example.test/done' },
    ]);
    expect(is.session(sid)?.requestedAddress).toBe(id.msisdn.phone_number);
    expect(json(exchange)['submit_url']).toBe(`${main.server.url}/_matrix/client/v3/reference/msisdn/submit_token`);
  });

  test('submit_url forwards the token to the IS: a wrong one is refused with the IS error, the right one succeeds', async () => {
    const id = fresh();
    const { sid, submit_url } = json(await main.hs.requestToken('register-msisdn', msisdnBody(id)));
    expectError(await main.http.post(submit_url, { sid, client_secret: id.clientSecret, token: 'wrong' }), 400, 'M_TOKEN_INCORRECT');
    const right = await main.http.post(submit_url, { sid, client_secret: id.clientSecret, token: is.tokenFor(sid) });
    expect(json(right)).toEqual({ success: true });
    expect(relayed(id, '/validate/msisdn/submitToken')).toHaveLength(2);
  });
});

describe('denied addresses', () => {
  const all: EndpointKey[] = ['register-email', 'register-msisdn', 'password-email', 'password-msisdn', '3pid-email', '3pid-msisdn'];

  test.each(all)('%s answers 403 M_THREEPID_DENIED for a denied address', async (endpoint) => {
    const id = fresh();
    const denied = endpoint.endsWith('email') ? { email: id.deniedEmail } : id.deniedMsisdn;
    expectError(await main.hs.requestToken(endpoint, bodyFor(endpoint, id, denied)), 403, 'M_THREEPID_DENIED');
    expect(relayed(id)).toEqual([]);
  });

  test('the msisdn check is on the canonical form: a US national number is denied, a GB one starting 01 is not', async () => {
    const us = { country: 'US', phone_number: '(202) 555-0147' };
    expectError(await main.hs.requestToken('register-msisdn', msisdnBody(fresh(), us)), 403, 'M_THREEPID_DENIED');
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(fresh(), { country: 'GB', phone_number: '01632 960123' })));
  });

  test('the email check ignores case', async () => {
    const id = fresh();
    expectError(await main.hs.requestToken('register-email', emailBody(id, { email: id.deniedEmail!.toUpperCase() })), 403, 'M_THREEPID_DENIED');
  });
});

describe('bound and unbound addresses', () => {
  test('a bound email: register and 3pid answer 400 M_THREEPID_IN_USE, password reset mails a link', async () => {
    const id = fresh();
    await main.accounts.withBoundEmail(id);
    const again = emailBody(id, { client_secret: `${id.clientSecret}.again` });
    expectError(await main.hs.requestToken('register-email', again), 400, 'M_THREEPID_IN_USE');
    expectError(await main.hs.requestToken('3pid-email', again), 400, 'M_THREEPID_IN_USE');
    await requestAndFollow(main, 'password-email', { ...id, clientSecret: `${id.clientSecret}.reset` });
  });

  test('password reset for an unbound address answers 400 M_THREEPID_NOT_FOUND and sends nothing', async () => {
    const id = fresh();
    const since = Date.now();
    expectError(await main.hs.requestToken('password-email', emailBody(id)), 400, 'M_THREEPID_NOT_FOUND');
    expectError(await main.hs.requestToken('password-msisdn', msisdnBody(id)), 400, 'M_THREEPID_NOT_FOUND');
    expect(relayed(id)).toEqual([]);
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: since });
  });
});

describe('privacy mode', () => {
  test('a bound email: register and 3pid answer 200 and mail the owner a notice without a link', async () => {
    const id = fresh();
    await privacy.accounts.withBoundEmail(id);
    for (const endpoint of ['register-email', '3pid-email'] as const) {
      const since = Date.now();
      const body = emailBody(id, { client_secret: `${id.clientSecret}.${endpoint}` });
      expectSuccess(await privacy.hs.requestToken(endpoint, body));
      const notice = await mail.waitFor(id.email, { timeoutMs: 2_000, after: since });
      expect(notice.validationLink).toBeUndefined();
      expect(notice.subject).toMatch(/already in use/);
    }
  });

  test('a bound msisdn: register answers 200 with a submit_url and nothing goes to the IS', async () => {
    const id = fresh();
    await privacy.accounts.withBoundMsisdn(id);
    const again = { ...id, clientSecret: `${id.clientSecret}.again` };
    const exchange = await privacy.hs.requestToken('register-msisdn', msisdnBody(again));
    expectSuccess(exchange);
    expect(json(exchange)['submit_url']).toMatch(/^http:/);
    expect(relayed(again)).toEqual([]);
  });

  test('password reset for an unbound address answers 200 with a sid and sends nothing; a retry gets the same sid', async () => {
    const id = fresh();
    const since = Date.now();
    const sid = expectSuccess(await privacy.hs.requestToken('password-email', emailBody(id)));
    expect(expectSuccess(await privacy.hs.requestToken('password-email', emailBody(id)))).toBe(sid);
    expectSuccess(await privacy.hs.requestToken('password-msisdn', msisdnBody(id)));
    expect(relayed(id)).toEqual([]);
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: since });
  });

  test('unbound addresses go through the normal flow', async () => {
    await requestAndFollow(privacy, 'register-email', fresh());
  });
});

describe('rate limiting', () => {
  test('more than burst requests to one endpoint answer 429 M_LIMIT_EXCEEDED with Retry-After; other endpoints are apart', async () => {
    for (let i = 0; i < 2; i++) expectSuccess(await limited.hs.requestToken('register-msisdn', msisdnBody(fresh())));
    const refused = await limited.hs.requestToken('register-msisdn', msisdnBody(fresh()));
    expectError(refused, 429, 'M_LIMIT_EXCEEDED');
    expect(json(refused)['retry_after_ms']).toBeGreaterThan(0);
    expect(Number(refused.response?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectSuccess(await limited.hs.requestToken('3pid-msisdn', msisdnBody(fresh())));
  });
});

describe('no email validation (noEmail)', () => {
  test.each(['register-email', 'password-email', '3pid-email'] as const)('%s answers 400 M_THREEPID_MEDIUM_NOT_SUPPORTED', async (endpoint) => {
    expectError(await noEmail.hs.requestToken(endpoint, emailBody(fresh())), 400, 'M_THREEPID_MEDIUM_NOT_SUPPORTED');
  });

  test('msisdn validation still works', async () => {
    expectSuccess(await noEmail.hs.requestToken('register-msisdn', msisdnBody(fresh())));
  });
});

describe("email proxied to id_server (emailVia 'id-server')", () => {
  const V1_REQUEST_TOKEN = '/_matrix/identity/api/v1/validate/email/requestToken';
  const V2_REQUEST_TOKEN = '/_matrix/identity/v2/validate/email/requestToken';

  test.each(['register-email', '3pid-email'] as const)('%s POSTs the request as JSON to the v2 API over HTTPS with the id_access_token, answers its sid, and mails nothing itself', async (endpoint) => {
    const id = freshProxied();
    const since = Date.now();
    const sid = expectSuccess(await viaIdServer.hs.requestToken(endpoint, proxiedBody(id, { next_link: 'https://client.example.test/done' })));
    const [request] = tlsIs.requestsTo('/validate/email/requestToken').filter((r) => r.receivedAt >= since);
    expect(request).toMatchObject({ method: 'POST', path: V2_REQUEST_TOKEN, contentType: 'application/json', responseStatus: 200 });
    expect(request?.headers['authorization']).toBe(`Bearer ${id.idServer!.id_access_token}`);
    expect(proxied(id)).toEqual([{ client_secret: id.clientSecret, email: id.email, send_attempt: 1, next_link: 'https://client.example.test/done' }]);
    expect(tlsIs.session(sid)?.requestedAddress).toBe(id.email);
    expect(tlsIs.sent.filter((sent) => sent.sid === sid)).toHaveLength(1);
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: since });
  });

  test.each(['register-email', 'password-email', '3pid-email'] as const)('%s: an id_server not trusted answers 400 M_SERVER_NOT_TRUSTED, none at all on the r0 paths 400 M_MISSING_PARAM, and nothing reaches an identity server', async (endpoint) => {
    const id = freshProxied();
    const r0Path = viaIdServer.hs.path(endpoint).replace('/_matrix/client/v3/', '/_matrix/client/r0/');
    expectError(await viaIdServer.hs.http.post(r0Path, emailBody(id)), 400, 'M_MISSING_PARAM');
    for (const untrusted of ['identity.untrusted.test:8090', `localhost:${tlsIs.port}`, '']) {
      expectError(await viaIdServer.hs.requestToken(endpoint, proxiedBody(id, { id_server: untrusted })), 400, 'M_SERVER_NOT_TRUSTED');
    }
    expect(proxied(id)).toEqual([]);
  });

  test('without id_server, on the v3 paths, the server mails its own validation link (r0.6.0: it "should validate the email itself")', async () => {
    const id = freshProxied();
    const since = Date.now();
    expectSuccess(await viaIdServer.hs.requestToken('register-email', emailBody(id)));
    expect((await mail.waitFor(id.email, { timeoutMs: 2_000, after: since })).validationLink).toBeDefined();
    expect(proxied(id)).toEqual([]);
  });

  test('bad input is still refused first, and nothing is proxied', async () => {
    const id = freshProxied();
    expectError(await viaIdServer.hs.requestToken('register-email', proxiedBody(id, { email: 'not an email address' })), 400, 'M_INVALID_PARAM');
    expectError(await viaIdServer.hs.requestToken('register-email', proxiedBody(id, { id_server: 8090 })), 400, 'M_INVALID_PARAM');
    expect(proxied(id)).toEqual([]);
  });

  test('on the r0 paths, as r0.4.0 proxied, the request goes form-encoded to the v1 API', async () => {
    const id = freshProxied();
    const since = Date.now();
    const r0Path = viaIdServer.hs.path('register-email').replace('/_matrix/client/v3/', '/_matrix/client/r0/');
    expectSuccess(await viaIdServer.hs.http.post(r0Path, proxiedBody(id)));
    const [request] = tlsIs.requestsTo('/validate/email/requestToken').filter((r) => r.receivedAt >= since);
    expect(request).toMatchObject({ method: 'POST', path: V1_REQUEST_TOKEN, contentType: 'application/x-www-form-urlencoded' });
    expect(proxied(id)).toEqual([{ client_secret: id.clientSecret, email: id.email, send_attempt: '1' }]);
  });

  test('Accounts.withBoundEmail binds through the identity server: 3pid/add asks it for the validated session', async () => {
    const id = freshProxied();
    await viaIdServer.accounts.withBoundEmail(id);
    const asked = tlsIs.requestsTo('/3pid/getValidated3pid').filter((r) => r.query['client_secret'] === id.clientSecret);
    expect(asked.map((r) => [r.method, r.path, r.responseStatus])).toEqual([['GET', '/_matrix/identity/v2/3pid/getValidated3pid', 200]]);
  });

  test('/account/3pid/add refuses a session the identity server has not validated', async () => {
    const id = freshProxied();
    const account = await viaIdServer.accounts.create(id);
    const sid = expectSuccess(await viaIdServer.hs.requestToken('3pid-email', proxiedBody(id)));
    expect(await addThreepid(viaIdServer, account, sid, id.clientSecret)).toBe(400);
    expect(tlsIs.requestsTo('/3pid/getValidated3pid').at(-1)?.responseStatus).toBe(400);
  });

  test('password reset for an unbound address answers 400 M_THREEPID_NOT_FOUND and proxies nothing', async () => {
    const id = freshProxied();
    expectError(await viaIdServer.hs.requestToken('password-email', proxiedBody(id)), 400, 'M_THREEPID_NOT_FOUND');
    expect(proxied(id)).toEqual([]);
  });

  test("without a CA the fake's certificate goes unchecked on loopback; with another CA it is refused (502)", async () => {
    expectSuccess(await viaIdServerNoCa.hs.requestToken('register-email', proxiedBody(freshProxied())));
    const since = Date.now();
    const id = freshProxied();
    expectError(await viaIdServerWrongCa.hs.requestToken('register-email', proxiedBody(id)), 502, 'M_UNKNOWN');
    expect(proxied(id)).toEqual([]);
    // The fake hears of the refused handshake a moment after the client gave up on it.
    await expect.poll(() => tlsIs.tlsFailures.filter((failure) => failure.at >= since).length).toBeGreaterThan(0);
  });

  test('msisdn is delegated to the same fake over HTTPS (identityTls), submit_url included', async () => {
    const id = freshProxied();
    const { sid, submit_url } = json(await viaIdServer.hs.requestToken('register-msisdn', msisdnBody(id)));
    expect(relayedTo(tlsIs, id, '/validate/msisdn/requestToken')).toHaveLength(1);
    expect(json(await viaIdServer.http.post(submit_url, { sid, client_secret: id.clientSecret, token: tlsIs.tokenFor(sid) }))).toEqual({ success: true });
  });
});

// ---- what both ways to an identity service share ----

/** A target that hands requestTokens of one medium to an identity service, and how to make them. */
interface Relay {
  name: string;
  target: Target;
  service: FakeIdentityService;
  medium: Medium;
  newIdentity: () => FreshIdentity;
  body: (id: FreshIdentity, extra?: object) => object;
  bind: (accounts: Accounts, id: FreshIdentity) => Promise<Account>;
  /** As the account lists it. */
  address: (id: FreshIdentity) => string;
  /** The service's refusal of an address, which the server passes on as it is. */
  refusal: string;
}

const RELAYS: Relay[] = [
  { name: 'msisdn relayed to the IS', target: main, service: is, medium: 'msisdn', newIdentity: fresh, body: msisdnBody, refusal: 'M_INVALID_ADDRESS',
    bind: (accounts, id) => accounts.withBoundMsisdn(id), address: (id) => id.msisdnCanonical },
  { name: 'email proxied to id_server over HTTPS', target: viaIdServer, service: tlsIs, medium: 'email', newIdentity: freshProxied, body: proxiedBody, refusal: 'M_INVALID_EMAIL',
    bind: (accounts, id) => accounts.withBoundEmail(id), address: (id) => id.email },
];

describe.each(RELAYS)('$name', ({ target, service, medium, newIdentity, body, bind, address, refusal }) => {
  const path = `/validate/${medium}/requestToken`;
  const request = (flow: 'register' | 'password' | '3pid', id = newIdentity(), extra: object = {}) => target.hs.requestToken(`${flow}-${medium}`, body(id, extra));
  const received = (id: FreshIdentity) => relayedTo(service, id, path);

  test('every send_attempt goes to the identity service, which keeps the sid and sends only on a higher one', async () => {
    const id = newIdentity();
    const first = expectSuccess(await request('register', id));
    expect(expectSuccess(await request('register', id))).toBe(first);
    expect(expectSuccess(await request('register', id, { send_attempt: 2 }))).toBe(first);
    expect(received(id).map((relayedBody) => relayedBody['send_attempt'])).toEqual([1, 1, 2]);
    expect(service.sent.filter((sent) => sent.sid === first)).toHaveLength(2);
  });

  test('identity service errors: a 4xx Matrix error is relayed; a 5xx, a reset and a hang become 502 M_UNKNOWN', async () => {
    service.inject({ path, fault: { kind: 'matrix-error', status: 400, errcode: refusal }, times: 1 });
    expectError(await request('register'), 400, refusal);
    service.inject({ path, fault: { kind: 'status', status: 500, body: '<html>oops</html>' }, times: 1 });
    expectError(await request('3pid'), 502, 'M_UNKNOWN');
    service.inject({ path, fault: { kind: 'reset' }, times: 1 });
    expectError(await request('register'), 502, 'M_UNKNOWN');
    service.inject({ path, fault: { kind: 'hang' }, times: 1 });
    const hung = await request('register');
    expectError(hung, 502, 'M_UNKNOWN');
    expect(hung.durationMs).toBeGreaterThanOrEqual(IDENTITY_TIMEOUT_MS - 20);
  });

  test('a bound address: register and 3pid answer 400 M_THREEPID_IN_USE, password reset is relayed', async () => {
    const id = newIdentity();
    const account = await bind(target.accounts, id);
    expect(await target.accounts.threepids(account)).toEqual([expect.objectContaining({ medium, address: address(id) })]);
    const again = { ...id, clientSecret: `${id.clientSecret}.again` };
    expectError(await request('register', again), 400, 'M_THREEPID_IN_USE');
    expectError(await request('3pid', again), 400, 'M_THREEPID_IN_USE');
    expectSuccess(await request('password', again));
    expect(received(again)).toHaveLength(1);
  });
});

// ---- bad input ----

interface BadCase {
  name: string;
  errcode: string;
  request(endpoint: EndpointKey, id: FreshIdentity): { json: unknown } | { raw: string };
}

const without = (body: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== field));

const BAD_CASES: BadCase[] = [
  { name: 'not JSON', errcode: 'M_NOT_JSON', request: () => ({ raw: '{"client_secret": "abc", this is not JSON' }) },
  { name: 'an empty body', errcode: 'M_NOT_JSON', request: () => ({ raw: '' }) },
  { name: 'a JSON array', errcode: 'M_BAD_JSON', request: (e, id) => ({ json: [bodyFor(e, id)] }) },
  { name: 'a JSON string', errcode: 'M_BAD_JSON', request: () => ({ json: 'client_secret' }) },
  ...['client_secret', 'send_attempt', 'email', 'country', 'phone_number'].map((field) => ({
    name: `missing ${field}`,
    errcode: 'M_MISSING_PARAM',
    request: (e: EndpointKey, id: FreshIdentity) => ({ json: without(bodyFor(e, id), field) }),
  })),
  ...Object.entries({ client_secret: 12345, send_attempt: '1', email: 12345, country: 44, phone_number: 7700900123, next_link: true }).map(([field, value]) => ({
    name: `${field} of the wrong type`,
    errcode: 'M_INVALID_PARAM',
    request: (e: EndpointKey, id: FreshIdentity) => ({ json: bodyFor(e, id, { [field]: value }) }),
  })),
  { name: 'send_attempt not an integer', errcode: 'M_INVALID_PARAM', request: (e, id) => ({ json: bodyFor(e, id, { send_attempt: 1.5 }) }) },
  { name: 'client_secret with bad characters', errcode: 'M_INVALID_PARAM', request: (e, id) => ({ json: bodyFor(e, id, { client_secret: 'not/a secret!' }) }) },
  { name: 'client_secret empty', errcode: 'M_INVALID_PARAM', request: (e, id) => ({ json: bodyFor(e, id, { client_secret: '' }) }) },
  { name: 'client_secret too long', errcode: 'M_INVALID_PARAM', request: (e, id) => ({ json: bodyFor(e, id, { client_secret: 'a'.repeat(256) }) }) },
  { name: 'next_link not a URI', errcode: 'M_INVALID_PARAM', request: (e, id) => ({ json: bodyFor(e, id, { next_link: 'not a uri' }) }) },
];

const EMAIL_BAD_CASES: BadCase[] = ['not an email address', 'no-at-sign', '@example.test', 'local@', 'a@b@c'].map((email) => ({
  name: `email ${JSON.stringify(email)}`,
  errcode: 'M_INVALID_PARAM',
  request: (e, id) => ({ json: emailBody(id, { email }) }),
}));

const MSISDN_BAD_CASES: BadCase[] = [
  { country: 'gb', phone_number: '07700900123' },
  { country: 'GBR', phone_number: '07700900123' },
  { country: 'GB', phone_number: 'no digits' },
  { country: 'GB', phone_number: '' },
  { country: 'GB', phone_number: '0770090012a' },
].map((number) => ({ name: JSON.stringify(number), errcode: 'M_INVALID_PARAM', request: (e, id) => ({ json: msisdnBody(id, number) }) }));

function casesFor(endpoint: EndpointKey): BadCase[] {
  const email = endpoint.endsWith('email');
  const irrelevant = email ? ['country', 'phone_number'] : ['email'];
  const common = BAD_CASES.filter((c) => !irrelevant.some((field) => c.name.startsWith(`missing ${field}`) || c.name.startsWith(`${field} of`)));
  return [...common, ...(email ? EMAIL_BAD_CASES : MSISDN_BAD_CASES)];
}

async function sendBad(t: Target, endpoint: EndpointKey, c: BadCase, id = fresh()): Promise<Exchange> {
  const request = c.request(endpoint, id);
  return 'json' in request
    ? t.hs.requestToken(endpoint, request.json)
    : t.hs.requestTokenRaw(endpoint, { body: request.raw, headers: { 'content-type': 'application/json' } });
}

describe('bad input', () => {
  for (const endpoint of ['register-email', 'password-msisdn'] as const) {
    test.each(casesFor(endpoint).map((c) => [c.name, c] as const))(`${endpoint}: %s → 400`, async (_name, c) => {
      const id = fresh();
      expectError(await sendBad(main, endpoint, c, id), 400, c.errcode);
      expect(relayed(id)).toEqual([]);
    });
  }

  test('every endpoint checks its body', async () => {
    for (const endpoint of ['register-msisdn', 'password-email', '3pid-email', '3pid-msisdn'] as const) {
      for (const c of casesFor(endpoint)) expectError(await sendBad(main, endpoint, c), 400, c.errcode);
    }
  });

  test('id_server and id_access_token are accepted and ignored; a + number needs no known country', async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { id_server: 'id.example.test', id_access_token: 'abc' })));
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(fresh(), { country: 'ZZ', phone_number: '+44 7700 900123' })));
  });
});

// ---- password reset, registration and login through a 3PID session ----

/** A password-reset session for an address bound to a new account: the account, its creds and what was asked. */
async function resetSession(t: Target, id = fresh()) {
  const account = await t.accounts.withBoundEmail(id);
  const clientSecret = `${id.clientSecret}.reset`;
  const mailsBefore = mail.mailbox(id.email).length;
  const answer = await t.hs.requestToken('password-email', emailBody(id, { client_secret: clientSecret }));
  const creds = { sid: expectSuccess(answer), client_secret: clientSecret };
  return { account, creds, requested: { medium: 'email' as const, address: id.email, clientSecret, answer, mailsBefore } };
}

const status = (exchange: Exchange) => exchange.response?.status;

describe('password reset, registration and login', () => {
  test('a validated reset session changes the password: the new one logs in, the old one is refused', async () => {
    const { account, creds, requested } = await resetSession(main);
    await main.accounts.validation.complete(requested, 'validating');
    expect(status(await main.accounts.auth.changePassword('email', creds, 'new-password-1'))).toBe(200);
    expect(status(await main.accounts.auth.login(account.userId, 'new-password-1'))).toBe(200);
    expectError(await main.accounts.auth.login(account.userId, account.password), 403, 'M_FORBIDDEN');
  });

  test('an unvalidated reset session is refused with 401 M_UNAUTHORIZED and the password is kept', async () => {
    const { account, creds } = await resetSession(main);
    expectError(await main.accounts.auth.changePassword('email', creds, 'new-password-2'), 401, 'M_UNAUTHORIZED');
    expect(status(await main.accounts.auth.login(account.userId, account.password))).toBe(200);
  });

  test('in privacy mode, an unbound address gets a decoy: nothing to follow, and the reset is refused', async () => {
    const id = fresh();
    const answer = await privacy.hs.requestToken('password-email', emailBody(id));
    const requested = { medium: 'email' as const, address: id.email, clientSecret: id.clientSecret, answer, mailsBefore: 0 };
    expect(await privacy.accounts.validation.followAll(requested)).toEqual([]);
    expectError(await privacy.accounts.auth.changePassword('email', { sid: expectSuccess(answer), client_secret: id.clientSecret }, 'x-password'), 401, 'M_UNAUTHORIZED');
  });

  test('in privacy mode, a bound address gets an owner notice, and its session registers nobody and binds nothing', async () => {
    const id = fresh();
    await privacy.accounts.withBoundEmail(id);
    const clientSecret = `${id.clientSecret}.again`;
    const mailsBefore = mail.mailbox(id.email).length;
    const answer = await privacy.hs.requestToken('register-email', emailBody(id, { client_secret: clientSecret }));
    const creds = { sid: expectSuccess(answer), client_secret: clientSecret };
    const followed = await privacy.accounts.validation.followAll({ medium: 'email', address: id.email, clientSecret, answer, mailsBefore });
    expect(followed).toEqual([]);
    expect(mail.mailbox(id.email).length).toBe(mailsBefore + 1);
    expectError(await privacy.accounts.auth.register('email', creds, fresh()), 401, 'M_UNAUTHORIZED');
    expectError(await privacy.accounts.tryAdd(await privacy.accounts.create(fresh()), creds), 400, 'M_THREEPID_AUTH_FAILED');
  });

  test('registration with a validated session creates the user and binds the address', async () => {
    const id = fresh();
    const answer = await main.hs.requestToken('register-email', emailBody(id));
    await main.accounts.validation.complete({ medium: 'email', address: id.email, clientSecret: id.clientSecret, answer, mailsBefore: 0 }, 'validating');
    const registered = await main.accounts.auth.register('email', { sid: expectSuccess(answer), client_secret: id.clientSecret }, id);
    expect(status(registered)).toBe(200);
    expectError(await main.hs.requestToken('register-email', emailBody(id, { client_secret: 'other' })), 400, 'M_THREEPID_IN_USE');
  });

  test('login by an unknown 3PID is 403 M_FORBIDDEN', async () => {
    const exchange = await main.http.post('/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.thirdparty', medium: 'email', address: fresh().email }, password: 'x' });
    expectError(exchange, 403, 'M_FORBIDDEN');
  });
});

// ---- faults: each changes the answer it names ----

/** A requestToken for an email already bound to an account on `main`, under another client_secret. */
async function requestForBoundEmail(endpoint: EndpointKey): Promise<Exchange> {
  const id = fresh();
  await main.accounts.withBoundEmail(id);
  return main.hs.requestToken(endpoint, emailBody(id, { client_secret: 'other' }));
}

async function overLimit(t: Target): Promise<Exchange> {
  for (;;) {
    const exchange = await t.hs.requestToken('register-msisdn', msisdnBody(fresh()));
    if (exchange.response?.status !== 200) return exchange;
  }
}

const FAULT_CHECKS: Record<Fault, () => Promise<void>> = {
  'success-500': async () => {
    expectError(await main.hs.requestToken('register-email', emailBody(fresh())), 500, 'M_UNKNOWN');
    expectError(await main.hs.requestToken('register-msisdn', msisdnBody(fresh())), 500, 'M_UNKNOWN');
  },
  'success-bad-sid': async () => {
    const exchange = await main.hs.requestToken('register-email', emailBody(fresh()));
    expect(json(exchange)['sid']).not.toMatch(SID);
    expect(verdict(exchange, requestTokenSuccess())).not.toEqual([]);
  },
  'success-no-json-content-type': async () => {
    const exchange = await main.hs.requestToken('register-email', emailBody(fresh()));
    expect(exchange.response?.headers['content-type']).toBe('text/plain');
    expect(verdict(exchange, requestTokenSuccess())).toEqual(['expected Content-Type application/json, but Content-Type was text/plain']);
  },
  'success-bad-submit-url': async () => {
    const exchange = await main.hs.requestToken('register-msisdn', msisdnBody(fresh()));
    expect(json(exchange)['submit_url']).toBe('not a uri');
    expect(verdict(exchange, requestTokenSuccess())).not.toEqual([]);
  },
  'nothing-sent': async () => {
    const id = fresh();
    const since = Date.now();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: since });
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id)));
    expect(relayed(id)).toEqual([]);
    const proxiedId = freshProxied();
    expectSuccess(await viaIdServer.hs.requestToken('register-email', proxiedBody(proxiedId)));
    expect(proxied(proxiedId)).toEqual([]);
  },
  'mail-no-link': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    const received = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    expect(received.validationLink).toBeUndefined();
    expect(received.links).toEqual([]);
  },
  'same-attempt-refused': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    expectError(await main.hs.requestToken('register-email', emailBody(id)), 400, 'M_INVALID_PARAM');
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { send_attempt: 2 })));
  },
  'same-attempt-resends': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    const first = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    await mail.waitFor(id.email, { timeoutMs: 2_000, after: first.receivedAt });
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id)));
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id)));
    expect(relayed(id).map((body) => body['send_attempt'])).toEqual([1, 2]);
  },
  'higher-attempt-no-resend': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    const first = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { send_attempt: 2 })));
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: first.receivedAt });
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id)));
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id, { send_attempt: 2 })));
    expect(relayed(id).map((body) => body['send_attempt'])).toEqual([1, 1]);
  },
  'denied-allowed': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { email: id.deniedEmail })));
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id, id.deniedMsisdn)));
  },
  'denied-wrong-errcode': async () => {
    expectError(await main.hs.requestToken('register-email', emailBody(fresh(), { email: 'x@denied.test' })), 403, 'M_FORBIDDEN');
  },
  'in-use-500': async () => {
    expectError(await requestForBoundEmail('register-email'), 500, 'M_UNKNOWN');
  },
  'in-use-wrong-errcode': async () => {
    expectError(await requestForBoundEmail('3pid-email'), 400, 'M_UNKNOWN');
  },
  'password-unbound-in-use': async () => {
    expectError(await main.hs.requestToken('password-email', emailBody(fresh())), 400, 'M_THREEPID_IN_USE');
  },
  'password-bound-not-found': async () => {
    expectError(await requestForBoundEmail('password-email'), 400, 'M_THREEPID_NOT_FOUND');
  },
  'add-binds-nothing': async () => {
    const id = fresh();
    const account = await main.accounts.withBoundEmail(id);
    expect(await main.accounts.threepids(account)).toEqual([]);
  },
  'in-use-validates': async () => {
    const id = fresh();
    await main.accounts.withBoundEmail(id);
    const clientSecret = `${id.clientSecret}.again`;
    const mailsBefore = mail.mailbox(id.email).length;
    const answer = await main.hs.requestToken('3pid-email', emailBody(id, { client_secret: clientSecret }));
    await main.accounts.validation.complete({ medium: 'email', address: id.email, clientSecret, answer, mailsBefore }, 'validating');
    const taker = await main.accounts.create(fresh());
    expect(status(await main.accounts.tryAdd(taker, { sid: expectSuccess(answer), client_secret: clientSecret }))).toBe(200);
  },
  'not-found-resets': async () => {
    const id = fresh();
    const answer = await main.hs.requestToken('password-email', emailBody(id));
    await main.accounts.validation.complete({ medium: 'email', address: id.email, clientSecret: id.clientSecret, answer, mailsBefore: 0 }, 'validating');
    expect(status(await main.accounts.auth.changePassword('email', { sid: expectSuccess(answer), client_secret: id.clientSecret }, 'x-password'))).toBe(200);
  },
  'password-change-ignored': async () => {
    const { account, creds, requested } = await resetSession(main);
    await main.accounts.validation.complete(requested, 'validating');
    expect(status(await main.accounts.auth.changePassword('email', creds, 'new-password-3'))).toBe(200);
    expectError(await main.accounts.auth.login(account.userId, 'new-password-3'), 403, 'M_FORBIDDEN');
  },
  'password-unvalidated-accepted': async () => {
    const { creds } = await resetSession(main);
    expect(status(await main.accounts.auth.changePassword('email', creds, 'new-password-4'))).toBe(200);
  },
  'old-password-kept': async () => {
    const { account, creds, requested } = await resetSession(main);
    await main.accounts.validation.complete(requested, 'validating');
    expect(status(await main.accounts.auth.changePassword('email', creds, 'new-password-5'))).toBe(200);
    expect(status(await main.accounts.auth.login(account.userId, account.password))).toBe(200);
  },
  'register-stage-refused': async () => {
    const id = fresh();
    const answer = await main.hs.requestToken('register-email', emailBody(id));
    await main.accounts.validation.complete({ medium: 'email', address: id.email, clientSecret: id.clientSecret, answer, mailsBefore: 0 }, 'validating');
    expectError(await main.accounts.auth.register('email', { sid: expectSuccess(answer), client_secret: id.clientSecret }, id), 401, 'M_UNAUTHORIZED');
  },
  'login-unknown-threepid-400': async () => {
    const exchange = await main.http.post('/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.thirdparty', medium: 'msisdn', address: '447700900001' }, password: 'x' });
    expectError(exchange, 400, 'M_UNKNOWN');
  },
  'add-steals-bound-address': async () => {
    const { id, second, secondSession } = await secondClaim();
    await main.accounts.add(second, secondSession);
    expect((await main.accounts.threepids(second)).map((t) => t.address)).toEqual([id.email]);
  },
  'case-sensitive-addresses': async () => {
    const id = fresh();
    await main.accounts.withBoundEmail(id);
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { client_secret: 'other', email: id.email.toUpperCase() })));
  },
  'msisdn-as-typed': async () => {
    const id = fresh();
    const account = await main.accounts.withBoundMsisdn(id);
    expect((await main.accounts.threepids(account)).map((t) => t.address)).toEqual([id.msisdn.phone_number]);
  },
  'msisdn-listed-with-plus': async () => {
    const id = fresh();
    const account = await main.accounts.withBoundMsisdn(id);
    expect((await main.accounts.threepids(account)).map((t) => t.address)).toEqual([`+${id.msisdnCanonical}`]);
  },
  'threepids-without-timestamps': async () => {
    const id = fresh();
    const account = await main.accounts.withBoundEmail(id);
    expect(await main.accounts.threepids(account)).toEqual([{ medium: 'email', address: id.email }]);
  },
  'lower-attempt-resends': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { send_attempt: 2 })));
    const first = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { send_attempt: 1 })));
    await mail.waitFor(id.email, { timeoutMs: 2_000, after: first.receivedAt });
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id, { send_attempt: 2 })));
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id, { send_attempt: 1 })));
    expect(relayed(id).map((body) => body['send_attempt'])).toEqual([2, 3]);
  },
  'send-attempt-unscoped': async () => {
    // Another pair's session at attempt 1 already exists (earlier tests made some): a first request for a new pair sends nothing.
    expectSuccess(await main.hs.requestToken('register-email', emailBody(fresh())));
    const id = fresh();
    const since = Date.now();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    await mail.expectQuiet(id.email, { forMs: QUIET_MS, after: since });
  },
  'submit-url-refuses-token': async () => {
    const id = fresh();
    const exchange = await main.hs.requestToken('register-email', emailBody(id));
    const received = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    const body = json(exchange);
    const submitted = await main.hs.http.post(String(body['submit_url']), { sid: body['sid'], client_secret: id.clientSecret, token: received.token });
    expectError(submitted, 400, 'M_TOKEN_INCORRECT');
  },
  'submit-url-redirects': async () => {
    const id = fresh();
    const exchange = await main.hs.requestToken('register-email', emailBody(id, { next_link: 'https://client.example.test/next' }));
    const received = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    const body = json(exchange);
    const submitted = await main.hs.http.post(String(body['submit_url']), { sid: body['sid'], client_secret: id.clientSecret, token: received.token });
    expect(submitted.response?.status).toBe(302);
    expect(submitted.response?.headers['location']).toBe('https://client.example.test/next');
  },
  'submit-url-wrong-token-200': async () => {
    const id = fresh();
    const exchange = await main.hs.requestToken('register-msisdn', msisdnBody(id));
    const body = json(exchange);
    const submitted = await main.hs.http.post(String(body['submit_url']), { sid: body['sid'], client_secret: id.clientSecret, token: 'wrong' });
    expect(submitted.response?.status).toBe(200);
    expect(json(submitted)).toEqual({ success: true });
  },
  'token-too-long': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id)));
    expect((await mail.waitFor(id.email, { timeoutMs: 2_000 })).token).toHaveLength(256);
  },
  'next-link-ignored': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { next_link: 'https://client.example.test/next' })));
    const received = await mail.waitFor(id.email, { timeoutMs: 2_000 });
    expect((await main.hs.http.get(received.validationLink!)).response?.status).toBe(200);
  },
  'medium-not-supported-wrong': async () => {
    expectError(await noEmail.hs.requestToken('3pid-email', emailBody(fresh())), 400, 'M_UNKNOWN');
    expectError(await noEmail.hs.requestToken('register-email', emailBody(fresh())), 400, 'M_THREEPID_MEDIUM_NOT_SUPPORTED');
  },
  'bad-input-500': async () => {
    for (const c of casesFor('register-email')) expectError(await sendBad(main, 'register-email', c), 500, 'M_UNKNOWN');
  },
  'bad-input-accepted': async () => {
    for (const c of casesFor('register-msisdn')) expectSuccess(await sendBad(main, 'register-msisdn', c));
  },
  'error-body-not-standard': async () => {
    const exchange = await main.hs.requestToken('password-email', emailBody(fresh()));
    expect(json(exchange)).toEqual({ errcode: 'M_THREEPID_NOT_FOUND' });
    expect(verdict(exchange, matrixError(400, 'M_THREEPID_NOT_FOUND'))).not.toEqual([]);
  },
  'error-body-plain-text': async () => {
    const exchange = await main.hs.requestTokenRaw('register-email', { method: 'GET' });
    expect(exchange.response?.body).toMatch(/^M_UNRECOGNIZED: /);
    expect(verdict(exchange, matrixError(405, 'M_UNRECOGNIZED'))).not.toEqual([]);
  },
  'not-implemented': async () => {
    expectError(await main.hs.requestToken('register-email', emailBody(fresh())), 404, 'M_UNRECOGNIZED');
    expectError(await main.hs.requestToken('3pid-msisdn', msisdnBody(fresh())), 404, 'M_UNRECOGNIZED');
  },
  'options-runs-logic': async () => {
    const id = fresh();
    await main.hs.requestTokenRaw('register-email', { method: 'OPTIONS', body: JSON.stringify(emailBody(id)) });
    await mail.waitFor(id.email, { timeoutMs: 2_000 });
  },
  'options-404': async () => {
    expectError(await main.hs.requestTokenRaw('register-email', { method: 'OPTIONS' }), 404, 'M_UNRECOGNIZED');
  },
  'no-cors': async () => {
    const exchange = await main.hs.requestToken('register-email', emailBody(fresh()));
    expectSuccess(exchange);
    expect(exchange.response?.headers['access-control-allow-origin']).toBeUndefined();
  },
  'wrong-method-404': async () => {
    expectError(await main.hs.requestTokenRaw('register-email', { method: 'GET' }), 404, 'M_UNRECOGNIZED');
  },
  'wrong-method-no-errcode': async () => {
    const exchange = await main.hs.requestTokenRaw('register-email', { method: 'GET' });
    expect(exchange.response?.status).toBe(405);
    expect(json(exchange)['errcode']).toBeUndefined();
  },
  'relay-drops-next-link': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id, { send_attempt: 3, next_link: 'https://client.example.test/' })));
    expect(relayed(id)).toEqual([{ client_secret: id.clientSecret, country: 'GB', phone_number: id.msisdn.phone_number, send_attempt: 3 }]);
    const proxiedId = freshProxied();
    expectSuccess(await viaIdServer.hs.requestToken('register-email', proxiedBody(proxiedId, { send_attempt: 3, next_link: 'https://client.example.test/' })));
    expect(proxied(proxiedId)).toEqual([{ client_secret: proxiedId.clientSecret, email: proxiedId.email, send_attempt: 3 }]);
  },
  'relay-own-client-secret': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id)));
    expect(relayed(id)).toEqual([]);
    expect(is.requestsTo('/validate/msisdn/requestToken').at(-1)?.body).toMatchObject({ phone_number: id.msisdn.phone_number });
    expect((is.requestsTo('/validate/msisdn/requestToken').at(-1)?.body as { client_secret?: string }).client_secret).not.toBe(id.clientSecret);
  },
  'relay-error-500-plain': async () => {
    is.inject({ path: '/validate/msisdn/requestToken', fault: { kind: 'matrix-error', status: 400, errcode: 'M_INVALID_ADDRESS' }, times: 1 });
    const exchange = await main.hs.requestToken('register-msisdn', msisdnBody(fresh()));
    expect(exchange.response?.status).toBe(500);
    expect(jsonOf(exchange)).toBeUndefined();
    tlsIs.inject({ path: '/validate/email/requestToken', fault: { kind: 'hang' }, times: 1 });
    const proxiedAnswer = await viaIdServer.hs.requestToken('register-email', proxiedBody(freshProxied()));
    expect(proxiedAnswer.response?.status).toBe(500);
    expect(jsonOf(proxiedAnswer)).toBeUndefined();
  },
  'relay-hang': async () => {
    is.inject({ path: '/validate/msisdn/requestToken', fault: { kind: 'hang' }, times: 1 });
    const impatient = client(main.server.url, IDENTITY_TIMEOUT_MS + 200);
    try {
      const exchange = await impatient.post('/_matrix/client/v3/register/msisdn/requestToken', msisdnBody(fresh()));
      expect(exchange.response).toBeUndefined();
      expect(exchange.error).toMatch(/no complete answer/);
    } finally {
      await impatient.close();
    }
  },
  'id-server-trusts-anyone': async () => {
    // An untrusted name for the fake itself is proxied to; one that cannot be reached fails.
    const id = freshProxied();
    expectSuccess(await viaIdServer.hs.requestToken('register-email', proxiedBody(id, { id_server: `localhost:${tlsIs.port}` })));
    expect(proxied(id)).toHaveLength(1);
    expectError(await viaIdServer.hs.requestToken('3pid-email', proxiedBody(freshProxied(), { id_server: 'identity.untrusted.test:8090' })), 502, 'M_UNKNOWN');
    expectSuccess(await viaIdServer.hs.requestToken('3pid-email', emailBody(freshProxied())));
  },
  'id-server-v1-api': async () => {
    const id = freshProxied();
    const since = Date.now();
    expectSuccess(await viaIdServer.hs.requestToken('register-email', proxiedBody(id)));
    const [request] = tlsIs.requestsTo('/validate/email/requestToken').filter((r) => r.receivedAt >= since);
    expect(request).toMatchObject({ path: '/_matrix/identity/api/v1/validate/email/requestToken', contentType: 'application/x-www-form-urlencoded' });
    expect(request?.headers['authorization']).toBeUndefined();
  },
  'id-server-missing-refused': async () => {
    expectError(await viaIdServer.hs.requestToken('register-email', emailBody(freshProxied())), 400, 'M_SERVER_NOT_TRUSTED');
    expectSuccess(await viaIdServer.hs.requestToken('register-email', proxiedBody(freshProxied())));
  },
  'id-server-missing-500': async () => {
    expectError(await viaIdServer.hs.requestToken('password-email', emailBody(freshProxied())), 500, 'M_UNKNOWN');
    expectError(await viaIdServer.hs.requestToken('password-email', proxiedBody(freshProxied(), { id_server: 'identity.untrusted.test:8090' })), 400, 'M_SERVER_NOT_TRUSTED');
  },
  'privacy-leak': async () => {
    const id = fresh();
    await privacy.accounts.withBoundEmail(id);
    expectError(await privacy.hs.requestToken('register-email', emailBody(id, { client_secret: 'other' })), 400, 'M_THREEPID_IN_USE');
    expectError(await privacy.hs.requestToken('password-email', emailBody(fresh())), 400, 'M_THREEPID_NOT_FOUND');
  },
  'privacy-timing-leak': async () => {
    const id = fresh();
    await privacy.accounts.withBoundEmail(id);
    const bound = await privacy.hs.requestToken('register-email', emailBody(id, { client_secret: 'other' }));
    const unbound = await privacy.hs.requestToken('register-email', emailBody(fresh()));
    expectSuccess(bound);
    expectSuccess(unbound);
    expect(bound.durationMs).toBeGreaterThanOrEqual(395);
    expect(bound.durationMs).toBeGreaterThan(unbound.durationMs);
  },
  'rate-limit-no-retry': async () => {
    const refused = await overLimit(limited);
    expectError(refused, 429, 'M_LIMIT_EXCEEDED');
    expect(refused.response?.headers['retry-after']).toBeUndefined();
    expect(json(refused)['retry_after_ms']).toBeUndefined();
  },
  'rate-limit-wrong-errcode': async () => {
    expectError(await overLimit(limited), 429, 'M_UNKNOWN');
  },
  'client-secret-unchecked': async () => {
    expectSuccess(await main.hs.requestToken('register-email', emailBody(fresh(), { client_secret: 'not/a secret!' })));
    const id = fresh();
    expectSuccess(await main.hs.requestToken('password-msisdn', msisdnBody(id, { client_secret: '' })));
    expect(relayed({ ...id, clientSecret: '' })).toEqual([]);
  },
  'email-unchecked': async () => {
    expectSuccess(await main.hs.requestToken('register-email', emailBody(fresh(), { email: 'not an email address' })));
    expectSuccess(await main.hs.requestToken('password-email', emailBody(fresh(), { email: 'not an email address' })));
    expectError(await main.hs.requestToken('register-email', emailBody(fresh(), { client_secret: '' })), 400, 'M_INVALID_PARAM');
  },
  'email-other-text-allowed': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-email', emailBody(id, { email: `Tester <${id.email}>` })));
    await mail.waitFor(id.email, { timeoutMs: 2_000 });
    expectSuccess(await main.hs.requestToken('register-email', emailBody(fresh(), { email: `mailto:${fresh().email}` })));
    expectError(await main.hs.requestToken('register-email', emailBody(fresh(), { email: 'not an email address' })), 400, 'M_INVALID_PARAM');
  },
  'client-secret-non-ascii-allowed': async () => {
    expectSuccess(await main.hs.requestToken('register-email', emailBody(fresh(), { client_secret: 'm3césecret' })));
    expectError(await main.hs.requestToken('register-email', emailBody(fresh(), { client_secret: 'm3c/secret' })), 400, 'M_INVALID_PARAM');
  },
  'client-secret-boundary-off-by-one': async () => {
    expectError(await main.hs.requestToken('register-email', emailBody(fresh(), { client_secret: 'a'.repeat(255) })), 400, 'M_INVALID_PARAM');
    expectSuccess(await main.hs.requestToken('register-email', emailBody(fresh(), { client_secret: 'a'.repeat(254) })));
  },
  'next-link-unchecked': async () => {
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id, { next_link: 'not a uri' })));
    expect(relayed(id)).toEqual([]);
  },
  'bad-input-401': async () => {
    expectError(await main.hs.requestToken('register-email', emailBody(fresh(), { send_attempt: '1' })), 401, 'M_MISSING_TOKEN');
  },
  'bad-input-wrong-errcode': async () => {
    for (const c of casesFor('3pid-msisdn')) expectError(await sendBad(main, '3pid-msisdn', c), 400, 'M_UNKNOWN');
  },
  'no-content-type-refused': async () => {
    const body = JSON.stringify(emailBody(fresh()));
    expectError(await main.hs.requestTokenRaw('register-email', { body }), 400, 'M_NOT_JSON');
    expectSuccess(await main.hs.requestTokenRaw('register-email', { body, headers: { 'content-type': 'application/json' } }));
  },
  'cors-partial': async () => {
    const exchange = await main.hs.requestToken('register-email', emailBody(fresh()));
    expect(exchange.response?.headers['access-control-allow-origin']).toBe('*');
    expect(exchange.response?.headers['access-control-allow-methods']).toBeUndefined();
    expect(exchange.response?.headers['access-control-allow-headers']).toBeUndefined();
  },
  'cors-not-on-errors': async () => {
    expect((await main.hs.requestToken('register-email', emailBody(fresh())).then((e) => e.response?.headers))?.['access-control-allow-methods']).toBeDefined();
    const refused = await main.hs.requestToken('register-email', {});
    expect(refused.response?.status).toBe(400);
    expect(refused.response?.headers['access-control-allow-origin']).toBeUndefined();
  },
  'responses-not-utf8': async () => {
    const refused = await main.hs.requestToken('register-email', {});
    expect(refused.response?.headers['content-type']).toBe('application/json; charset=iso-8859-1');
    expect(refused.response?.notUtf8).toBe(true);
    expect(verdict(refused, [utf8Encoded()])).not.toEqual([]);
    expect(verdict(await main.hs.requestToken('register-email', emailBody(fresh())), [utf8Encoded()])).toEqual([]);
  },
  'id-server-followed': async () => {
    // The fake, named in id_server, gets the request the server should have handled itself.
    const id = fresh();
    expectSuccess(await main.hs.requestToken('register-msisdn', msisdnBody(id)));
    expect(relayed(id)).toHaveLength(1);
    expectError(await main.hs.requestToken('register-email', emailBody(fresh(), { id_server: 'identity.untrusted.test:8090', id_access_token: 'x' })), 502, 'M_UNKNOWN');
    expectError(await main.hs.requestToken('3pid-msisdn', msisdnBody(fresh(), { id_server: 'identity.untrusted.test:8090', id_access_token: 'x' })), 502, 'M_UNKNOWN');
  },
};

describe('faults', () => {
  test.each(Object.keys(FAULTS) as Fault[])('%s', async (fault) => {
    for (const t of targets) t.server.setFaults([fault]);
    await FAULT_CHECKS[fault]();
  });

  test('an unknown fault name is refused', () => {
    expect(() => main.server.setFaults(['no-such-fault' as Fault])).toThrow(/unknown faults: no-such-fault/);
  });
});
