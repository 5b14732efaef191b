// A small, spec-conformant (v1.19) homeserver for the six requestToken endpoints and the
// flows they start, on 127.0.0.1, for the suite's self-tests: a scenario must pass against it
// as it is, and fail against it with the fault that breaks what the scenario checks.
//
//   const hs = new ReferenceHomeserver({ identityPort: is.port, smtpPort: mail.port });
//   await hs.start();            // hs.url, hs.registrationSharedSecret
//   hs.setFaults(['denied-allowed']);
//   await hs.stop();
//
// Email: the server mails a link to itself (GET /_matrix/client/v3/reference/submit_token),
// which redirects to the request's next_link once it has validated the session; the 200 also
// carries that path as submit_url, where a POST of {sid, client_secret, token} validates it.
// Addresses are canonical (addresses.ts): emails case-folded, phone numbers E.164 digits.
// Or, with `emailVia: 'id-server'`, the r0.4.0 spec's proxy as Dendrite implements it: the
// request must name a trusted identity server in id_server; the server POSTs to its v1
// validate/email/requestToken over HTTPS (form-encoded) and answers its sid; the identity
// server mails the user, and /account/3pid/add asks it (v1 3pid/getValidated3pid) whether
// the session was validated.
// Msisdn: delegated to the identity service's v1 API at identityPort; the client submits the
// texted token to the answer's submit_url, which the server forwards to the identity service.
// Accounts: Synapse's shared-secret admin registration, /account/3pid/add with password UIA,
// and GET /account/3pid.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Accounts } from './accounts.js';
import { canonicalEmail, emailDomain } from './addresses.js';
import { FAULTS, isFault, type Fault } from './faults.js';
import { corsHeaders } from './cors.js';
import { badInputAnswer, letThrough, tokenRequestChecks } from './input-faults.js';
import { IdentityClient, type IdentityCall, type RelayOptions } from './identity-relay.js';
import { linklessValidationMail, Mailer, ownerNoticeMail, validationMail, type Mail } from './mailer.js';
import { RateLimiter } from './rate-limiter.js';
import { BadInput, htmlReply, jsonReply, MatrixError, RelayError, type Reply } from './replies.js';
import { Fields, OPAQUE_ID, parseTokenRequest, type Medium, type TokenRequest } from './request-body.js';
import { newSid, Sessions, type IdentityAccess, type ValidationSession } from './sessions.js';
import { ThreepidAuth } from './threepid-auth.js';

export { ALL_FAULTS, FAULTS, type Fault } from './faults.js';

export interface ReferenceHomeserverOptions {
  /** The fake identity service msisdn validation is delegated to (its v1 API, on 127.0.0.1). */
  identityPort: number;
  /** The fake at identityPort serves HTTPS (profile `identityServers.tls`), so msisdn delegation uses it too. */
  identityTls?: boolean;
  /**
   * How email addresses are validated: 'smtp' (default) mails a link to this server;
   * 'id-server' proxies to the identity server named in the request's id_server (r0.4.0).
   */
  emailVia?: 'smtp' | 'id-server';
  /** With emailVia 'id-server': the id_server values accepted, compared exactly (the fake's is `127.0.0.1:PORT`). */
  trustedIdServers?: string[];
  /**
   * A certificate (PEM) to trust for identity services over HTTPS. Without one, loopback
   * hosts' certificates go unchecked (the fake's is made in another process) and other
   * hosts' are checked against the system's CAs.
   */
  identityCa?: string;
  /** The SMTP server validation mails go to. */
  smtpPort: number;
  /** Bound and unbound addresses answer alike (Synapse's `request_token_inhibit_3pid_errors`). */
  privacy?: boolean;
  /** More than `burst` requestTokens per (endpoint, client IP) within 60 s answer 429. */
  rateLimit?: { burst: number };
  /** Email addresses at this domain are denied. Default 'denied.test'. */
  deniedEmailDomain?: string;
  /** Msisdns whose canonical form starts with this are denied. Default '1'. */
  deniedMsisdnPrefix?: string;
  /** The server validates no email addresses: every email requestToken answers 400 M_THREEPID_MEDIUM_NOT_SUPPORTED. */
  noEmail?: boolean;
  /** The same for phone numbers: every msisdn requestToken answers 400 M_THREEPID_MEDIUM_NOT_SUPPORTED. */
  noMsisdn?: boolean;
  /** How long to wait for the identity service before answering 502. Default 5000. */
  identityTimeoutMs?: number;
  faults?: Fault[];
}

type Purpose = 'register' | 'password' | '3pid';

/** The six endpoints, keyed as the suite keys them. */
const REQUEST_TOKEN_ENDPOINTS: Readonly<Record<string, { path: string; purpose: Purpose; medium: Medium }>> = {
  'register-email': { path: '/register/email/requestToken', purpose: 'register', medium: 'email' },
  'register-msisdn': { path: '/register/msisdn/requestToken', purpose: 'register', medium: 'msisdn' },
  'password-email': { path: '/account/password/email/requestToken', purpose: 'password', medium: 'email' },
  'password-msisdn': { path: '/account/password/msisdn/requestToken', purpose: 'password', medium: 'msisdn' },
  '3pid-email': { path: '/account/3pid/email/requestToken', purpose: '3pid', medium: 'email' },
  '3pid-msisdn': { path: '/account/3pid/msisdn/requestToken', purpose: '3pid', medium: 'msisdn' },
};

const CLIENT_PREFIXES = ['/_matrix/client/r0', '/_matrix/client/v3'];
export const EMAIL_SUBMIT_PATH = '/_matrix/client/v3/reference/submit_token';
export const MSISDN_SUBMIT_PATH = '/_matrix/client/v3/reference/msisdn/submit_token';
const ADMIN_REGISTER_PATH = '/_synapse/admin/v1/register';

/** What /versions answers; the newest is the spec release a run without --spec tests at. */
export const ADVERTISED_VERSIONS = ['r0.6.1', ...Array.from({ length: 15 }, (_, i) => `v1.${i + 1}`)];
const SERVER_NAME = 'reference.test';
const DEFAULT_IDENTITY_TIMEOUT_MS = 5_000;
const PRIVACY_TIMING_LEAK_MS = 400;
const MAX_BODY_BYTES = 1024 * 1024;

interface Incoming {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  clientIp: string;
}

interface Route {
  method: 'GET' | 'POST';
  paths: string[];
  handle(request: Incoming): Reply | Promise<Reply>;
}

export class ReferenceHomeserver {
  readonly registrationSharedSecret = randomBytes(16).toString('hex');
  /**
   * Every credential of this server's life: the shared secret, the nonces, access tokens and
   * validation tokens it issued, and the passwords, macs and tokens it was sent. No report of
   * a run against it may hold any of them.
   */
  readonly liveSecrets = new Set<string>([this.registrationSharedSecret]);

  private faults = new Set<Fault>();
  private server: Server | undefined;
  private port: number | undefined;
  private stopController = new AbortController();
  private mailer: Mailer | undefined;
  private identity: IdentityClient | undefined;
  private readonly sessions = new Sessions(this.liveSecrets);
  private readonly accounts = new Accounts(SERVER_NAME, this.registrationSharedSecret, this.liveSecrets);
  private readonly limiter: RateLimiter | undefined;
  private readonly threepidAuth = new ThreepidAuth({
    accounts: this.accounts,
    sessions: this.sessions,
    validatedAddress: (session) => this.validatedAddress(session),
    has: (fault) => this.has(fault),
  });
  private readonly routes: Route[];

  constructor(private readonly options: ReferenceHomeserverOptions) {
    this.setFaults(options.faults ?? []);
    this.limiter = options.rateLimit && new RateLimiter(options.rateLimit.burst);
    const client = (suffix: string) => CLIENT_PREFIXES.map((prefix) => prefix + suffix);
    // prettier-ignore
    this.routes = [
      { method: 'GET',  paths: ['/_matrix/client/versions'],  handle: () => jsonReply({ versions: ADVERTISED_VERSIONS, unstable_features: {} }) },
      ...Object.entries(REQUEST_TOKEN_ENDPOINTS).map(([key, endpoint]): Route => (
        { method: 'POST', paths: client(endpoint.path),     handle: (request) => this.requestToken(key, request) })),
      { method: 'POST', paths: client('/account/3pid/add'), handle: (request) => this.addThreepid(request) },
      { method: 'GET',  paths: client('/account/3pid'),     handle: (request) => this.listThreepids(request) },
      { method: 'POST', paths: client('/account/3pid'),     handle: (request) => this.addThreepidWithCreds(request) },
      { method: 'POST', paths: client('/account/password'), handle: (request) => this.threepidAuth.changePassword(request.body) },
      { method: 'POST', paths: client('/register'),         handle: (request) => this.threepidAuth.register(request.body) },
      { method: 'POST', paths: client('/login'),            handle: (request) => this.threepidAuth.login(request.body) },
      { method: 'GET',  paths: [EMAIL_SUBMIT_PATH],          handle: (request) => this.submitEmailToken(request) },
      { method: 'POST', paths: [EMAIL_SUBMIT_PATH],          handle: (request) => this.submitEmailTokenPost(request) },
      { method: 'POST', paths: [MSISDN_SUBMIT_PATH],         handle: (request) => this.submitMsisdnToken(request) },
      { method: 'GET',  paths: [ADMIN_REGISTER_PATH],        handle: () => jsonReply({ nonce: this.accounts.issueNonce() }) },
      { method: 'POST', paths: [ADMIN_REGISTER_PATH],        handle: (request) => jsonReply(this.accounts.registerWithSharedSecret(Fields.of(request.body))) },
    ];
  }

  async start(): Promise<void> {
    if (this.server !== undefined) throw new Error('ReferenceHomeserver is already started');
    this.stopController = new AbortController();
    this.mailer = new Mailer(this.options.smtpPort);
    this.identity = new IdentityClient(this.options.identityCa);
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Ends every connection, hung requests included; aborts calls to the identity service. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.stopController.abort();
    this.mailer?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await Promise.all([closed, this.identity?.close()]);
    this.identity = undefined;
  }

  get url(): string {
    if (this.port === undefined) throw new Error('ReferenceHomeserver is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replaces the active faults; [] makes the server conformant again. */
  setFaults(faults: readonly Fault[]): void {
    const unknown = faults.filter((fault) => !isFault(fault));
    if (unknown.length > 0) throw new Error(`unknown faults: ${unknown.join(', ')} (known: ${Object.keys(FAULTS).join(', ')})`);
    this.faults = new Set(faults);
  }

  get activeFaults(): Fault[] {
    return [...this.faults];
  }

  private has(fault: Fault): boolean {
    return this.faults.has(fault);
  }

  // ---- HTTP: routing, OPTIONS, 404/405, errors, headers ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return this.send(res, this.errorReply(new MatrixError(413, 'M_TOO_LARGE', 'Request body too large')));
    const target = new URL(req.url ?? '/', 'http://placeholder');
    const request: Incoming = {
      method: req.method ?? 'GET',
      path: target.pathname,
      query: target.searchParams,
      headers: req.headers,
      body,
      clientIp: req.socket.remoteAddress ?? '',
    };
    let reply: Reply;
    try {
      reply = await this.dispatch(request);
    } catch (error) {
      reply = this.errorReply(error);
    }
    this.send(res, reply);
  }

  private dispatch(request: Incoming): Reply | Promise<Reply> {
    const routes = this.routes.filter((route) => route.paths.includes(request.path));
    if (routes.length === 0) throw new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');

    if (request.method === 'OPTIONS') {
      if (this.has('options-404')) throw new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
      const post = routes.find((route) => route.method === 'POST');
      if (this.has('options-runs-logic') && post) return post.handle(request);
      // "The server MUST NOT perform any logic defined for the endpoints" on OPTIONS.
      return jsonReply({});
    }

    const route = routes.find((r) => r.method === request.method);
    if (route !== undefined) return route.handle(request);
    const allow = { allow: [...routes.map((r) => r.method), 'OPTIONS'].join(', ') };
    if (this.has('wrong-method-404')) throw new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    if (this.has('wrong-method-no-errcode')) return { status: 405, body: { error: 'Method not allowed' }, headers: allow };
    throw new MatrixError(405, 'M_UNRECOGNIZED', 'Unrecognized request method', {}, allow);
  }

  private errorReply(error: unknown): Reply {
    if (error instanceof RelayError && this.has('relay-error-500-plain')) {
      return { status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
    }
    // Anything else thrown is a bug in this server: answered as a broken server would.
    const matrix = error instanceof MatrixError ? error : new MatrixError(500, 'M_UNKNOWN', `Internal server error: ${String(error)}`);
    const { status, errcode, message, extra, headers } = matrix;
    if (this.has('error-body-plain-text')) return { status, body: `${errcode}: ${message}`, contentType: 'text/plain', headers };
    const body = this.has('error-body-not-standard') ? { errcode, ...extra } : { errcode, error: message, ...extra };
    return { status, body, headers };
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const latin1 = this.has('responses-not-utf8') && reply.status >= 400 && reply.contentType === undefined;
    const payload = latin1 ? Buffer.from(text.replace(/"error":"/, '"error":"é '), 'latin1') : text;
    res.writeHead(reply.status, {
      server: 'reference/1.0',
      ...corsHeaders(reply.status, (fault) => this.has(fault)),
      'content-type': latin1 ? 'application/json; charset=iso-8859-1' : (reply.contentType ?? 'application/json'),
      'content-length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  }

  // ---- The requestToken endpoints ----

  private async requestToken(key: string, request: Incoming): Promise<Reply> {
    const { purpose, medium } = REQUEST_TOKEN_ENDPOINTS[key]!;
    if (this.has('not-implemented')) throw new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
    this.enforceRateLimit(key, request);

    const proxied = medium === 'email' && this.options.emailVia === 'id-server';
    let token: TokenRequest;
    try {
      if (this.has('no-content-type-refused') && request.headers['content-type'] === undefined) {
        throw new BadInput('M_NOT_JSON', 'Content-Type must be application/json');
      }
      token = parseTokenRequest(medium, request.body, tokenRequestChecks((fault) => this.has(fault)));
      // Until r0.6.0 (the r0 paths here) a request to a proxying server had to name id_server;
      // since, id_access_token is "Required if an id_server is supplied" (servers may waive it).
      if (proxied && token.idServer === undefined && onR0Paths(request)) throw new BadInput('M_MISSING_PARAM', 'Missing parameters: id_server');
      if (proxied && token.idServer !== undefined && token.idAccessToken === undefined && !onR0Paths(request)) {
        throw new BadInput('M_MISSING_PARAM', 'Missing parameters: id_access_token');
      }
    } catch (error) {
      const instead = error instanceof BadInput ? badInputAnswer(error, (fault) => this.has(fault)) : undefined;
      if (instead === 'accepted') return this.tokenSuccess(medium, newSid());
      throw instead ?? error;
    }
    if (letThrough(token)) return this.tokenSuccess(medium, newSid());

    if (medium === 'email' ? this.options.noEmail : this.options.noMsisdn) {
      const errcode = purpose === '3pid' && this.has('medium-not-supported-wrong') ? 'M_UNKNOWN' : 'M_THREEPID_MEDIUM_NOT_SUPPORTED';
      throw new MatrixError(400, errcode, `This server does not validate ${medium === 'email' ? 'email addresses' : 'phone numbers'}`);
    }
    if (proxied) this.checkIdServer(token.idServer);
    if (this.isDenied(token) && !this.has('denied-allowed')) {
      const errcode = this.has('denied-wrong-errcode') ? 'M_FORBIDDEN' : 'M_THREEPID_DENIED';
      throw new MatrixError(403, errcode, 'Third-party identifier is not allowed');
    }

    const owner = this.accounts.ownerOf(medium, token.address);
    if (owner !== undefined && this.options.privacy && this.has('privacy-timing-leak')) await delay(PRIVACY_TIMING_LEAK_MS);
    const hide = (this.options.privacy ?? false) && !this.has('privacy-leak');
    if (purpose === 'password') {
      if (owner === undefined) {
        if (this.has('password-unbound-in-use')) throw new MatrixError(400, 'M_THREEPID_IN_USE', 'Third-party identifier already in use');
        if (this.has('not-found-resets')) return this.startValidation(token, proxied, request);
        if (!hide) throw new MatrixError(400, 'M_THREEPID_NOT_FOUND', 'No account is associated with this address');
        return this.startDecoy(token, undefined);
      }
      if (this.has('password-bound-not-found')) throw new MatrixError(400, 'M_THREEPID_NOT_FOUND', 'No account is associated with this address');
    } else if (owner !== undefined && !this.has('in-use-validates')) {
      if (this.has('in-use-500')) throw new MatrixError(500, 'M_UNKNOWN', 'Internal server error');
      if (this.has('in-use-wrong-errcode')) throw new MatrixError(400, 'M_UNKNOWN', 'Third-party identifier already in use');
      if (!hide) throw new MatrixError(400, 'M_THREEPID_IN_USE', 'Third-party identifier already in use');
      return this.startDecoy(token, medium === 'email' && !proxied ? ownerNoticeMail(token.address) : undefined);
    }
    return this.startValidation(token, proxied, request);
  }

  private startValidation(token: TokenRequest, proxied: boolean, request: Incoming): Promise<Reply> {
    const medium = token.medium;
    // From r0.6.0 a request may name no identity server: the server then mails the link itself.
    if (proxied && token.idServer !== undefined) {
      // The v1 identity service API is what r0.x knew; v1.1 removed it, leaving v2 and its access tokens.
      const access: IdentityAccess =
        onR0Paths(request) || this.has('id-server-v1-api') ? { api: 'v1' } : { api: 'v2', accessToken: token.idAccessToken! };
      return this.startEmailProxy(token, token.idServer, access);
    }
    // Where the server validates itself, id_server "is ignored"; under the fault it is not.
    const followed = this.has('id-server-followed') ? token.idServer : undefined;
    if (followed !== undefined) return medium === 'email' ? this.startEmailProxy(token, followed, { api: 'v1' }) : this.startMsisdnValidation(token, followed);
    return medium === 'email' ? this.startEmailValidation(token) : this.startMsisdnValidation(token);
  }

  /**
   * id_server names the identity server to proxy to; one the server does not trust answers
   * 400 M_SERVER_NOT_TRUSTED. r0.6.0 made it optional (deprecated), and the homeserver
   * "should validate the email itself": without one, this server mails its own link.
   */
  private checkIdServer(idServer: string | undefined): void {
    if (idServer === undefined) {
      if (this.has('id-server-missing-500')) throw new MatrixError(500, 'M_UNKNOWN', 'Internal server error');
      if (this.has('id-server-missing-refused')) {
        throw new MatrixError(400, 'M_SERVER_NOT_TRUSTED', 'This server validates email addresses through an identity server: name a trusted one in id_server');
      }
      return;
    }
    if (this.has('id-server-trusts-anyone')) return;
    if (!(this.options.trustedIdServers ?? []).includes(idServer)) {
      throw new MatrixError(400, 'M_SERVER_NOT_TRUSTED', `This server does not trust the identity server ${JSON.stringify(idServer)}`);
    }
  }

  private enforceRateLimit(key: string, request: Incoming): void {
    const retryAfterMs = this.limiter?.take(`${key}\0${request.clientIp}`, Date.now());
    if (retryAfterMs === undefined) return;
    const errcode = this.has('rate-limit-wrong-errcode') ? 'M_UNKNOWN' : 'M_LIMIT_EXCEEDED';
    if (this.has('rate-limit-no-retry')) throw new MatrixError(429, errcode, 'Too many requests');
    throw new MatrixError(429, errcode, 'Too many requests', { retry_after_ms: retryAfterMs }, {
      'retry-after': String(Math.ceil(retryAfterMs / 1000)),
    });
  }

  private isDenied(token: TokenRequest): boolean {
    if (token.medium === 'email') return emailDomain(token.address) === (this.options.deniedEmailDomain ?? 'denied.test');
    return token.address.startsWith(this.options.deniedMsisdnPrefix ?? '1');
  }

  /** send_attempt: a new session mails; a higher attempt mails again; the same one does not. */
  private async startEmailValidation(token: TokenRequest): Promise<Reply> {
    let session = this.attemptSession(token);
    let mail: boolean;
    if (session !== undefined && session !== this.sessions.find('email', token.address, token.clientSecret)) {
      // Fault send-attempt-unscoped: another pair's session decides, and a first request sends nothing.
      if (token.sendAttempt > session.sendAttempt) session.sendAttempt = token.sendAttempt;
      else return this.tokenSuccess('email', this.sessions.create(token).sid);
      mail = true;
      session = this.sessions.create(token);
    } else if (session === undefined || session.decoy) {
      session = this.sessions.create(token);
      mail = true;
    } else if (token.sendAttempt > session.sendAttempt) {
      session.sendAttempt = token.sendAttempt;
      mail = !this.has('higher-attempt-no-resend');
    } else {
      if (this.has('same-attempt-refused') && token.sendAttempt === session.sendAttempt) throw new MatrixError(400, 'M_INVALID_PARAM', 'send_attempt was seen before');
      mail = token.sendAttempt === session.sendAttempt ? this.has('same-attempt-resends') : this.has('lower-attempt-resends');
    }
    if (mail && !this.has('nothing-sent')) {
      await this.mail(this.has('mail-no-link') ? linklessValidationMail(session.address, session.token) : validationMail(session.address, this.linkFor(session)));
    }
    return this.tokenSuccess('email', session.sid);
  }

  /**
   * The identity service owns msisdn sessions and their send_attempt; every request goes to
   * it: the delegate, or (fault `id-server-followed`) the id_server the request names.
   */
  private async startMsisdnValidation(token: TokenRequest, idServer?: string): Promise<Reply> {
    if (this.has('nothing-sent') || this.unscopedRetry(token)) return this.unsentSession(token);
    const call = (request: IdentityCall) => (idServer === undefined ? this.callDelegate(request) : this.callIdServer(idServer, request));
    const answer = await call({
      method: 'POST',
      path: '/validate/msisdn/requestToken',
      encoding: 'json',
      body: {
        client_secret: this.forwardedSecret(token),
        country: token.country,
        phone_number: token.phoneNumber,
        send_attempt: this.forwardedAttempt(token),
        ...(token.nextLink !== undefined && !this.has('relay-drops-next-link') && { next_link: token.nextLink }),
      },
    });
    return this.relayedSession(token, answer, idServer);
  }

  /**
   * The send_attempt the identity service gets, which decides whether it texts again: the
   * client's, or under the send_attempt faults one that makes it resend (or not) wrongly.
   */
  private forwardedAttempt(token: TokenRequest): number {
    const session = this.sessions.find(token.medium, token.address, token.clientSecret);
    if (session === undefined) return token.sendAttempt;
    if (this.has('same-attempt-resends') && token.sendAttempt === session.sendAttempt) return session.sendAttempt + 1;
    if (this.has('lower-attempt-resends') && token.sendAttempt < session.sendAttempt) return session.sendAttempt + 1;
    if (this.has('higher-attempt-no-resend')) return session.sendAttempt;
    return token.sendAttempt;
  }

  /** The client_secret the identity service gets: the client's, or under a fault one of the server's own. */
  private forwardedSecret(token: TokenRequest): string {
    return this.has('relay-own-client-secret') ? `reference.${token.clientSecret.length}` : token.clientSecret;
  }

  /**
   * emailVia 'id-server': the identity server named in id_server owns the session, its
   * send_attempt and its mail; every request goes to it, form-encoded as Dendrite sends it.
   */
  private async startEmailProxy(token: TokenRequest, idServer: string, access: IdentityAccess): Promise<Reply> {
    if (this.has('nothing-sent') || this.unscopedRetry(token)) return this.unsentSession(token);
    const body = {
      client_secret: this.forwardedSecret(token),
      email: token.email,
      send_attempt: this.forwardedAttempt(token),
      ...(token.nextLink !== undefined && !this.has('relay-drops-next-link') && { next_link: token.nextLink }),
    };
    const answer = await this.callIdServer(idServer, {
      method: 'POST',
      path: '/validate/email/requestToken',
      encoding: access.api === 'v1' ? 'form' : 'json',
      body,
      ...accessOf(access),
    });
    return this.relayedSession(token, answer, idServer, access);
  }

  /** The session a request's send_attempt is compared with: its own pair's, or under fault `send-attempt-unscoped` the medium's latest. */
  private attemptSession(token: TokenRequest): ValidationSession | undefined {
    const own = this.sessions.find(token.medium, token.address, token.clientSecret);
    if (!this.has('send-attempt-unscoped')) return own;
    return this.sessions.findUnscoped(token.medium) ?? own;
  }

  /** Fault `send-attempt-unscoped` where the identity service would send: a new pair no higher than the latest is not asked of it. */
  private unscopedRetry(token: TokenRequest): boolean {
    const session = this.attemptSession(token);
    return session !== undefined && session !== this.sessions.find(token.medium, token.address, token.clientSecret) && token.sendAttempt <= session.sendAttempt;
  }

  /** Fault `nothing-sent` where the identity service would send: a session of the server's own, never asked of it. */
  private unsentSession(token: TokenRequest): Reply {
    const session = this.sessions.find(token.medium, token.address, token.clientSecret) ?? this.sessions.create(token);
    return this.tokenSuccess(token.medium, session.sid);
  }

  /** Keeps (or updates) the local record of a session the identity service answered for. */
  private relayedSession(token: TokenRequest, answer: Record<string, unknown>, identityServer: string | undefined, identityAccess?: IdentityAccess): Reply {
    const sid = answer['sid'];
    if (typeof sid !== 'string' || !OPAQUE_ID.test(sid)) {
      throw new RelayError(502, 'M_UNKNOWN', 'The identity service answered without a valid sid');
    }
    const session = this.sessions.find(token.medium, token.address, token.clientSecret);
    if (session?.sid === sid && session.identityServer === identityServer) session.sendAttempt = Math.max(session.sendAttempt, token.sendAttempt);
    else this.sessions.create({ ...token, sid, identityServer, ...(identityAccess && { identityAccess }) });
    return this.tokenSuccess(token.medium, sid);
  }

  /**
   * Privacy mode's answer for an address it must not reveal as bound (or unbound): a session
   * that looks like any other but can never be validated. `notice` is mailed instead of a link.
   */
  private async startDecoy(token: TokenRequest, notice: Mail | undefined): Promise<Reply> {
    const existing = this.sessions.find(token.medium, token.address, token.clientSecret);
    if (existing !== undefined && token.sendAttempt <= existing.sendAttempt) return this.tokenSuccess(token.medium, existing.sid);
    const session = existing ?? this.sessions.create({ ...token, decoy: true });
    session.sendAttempt = token.sendAttempt;
    if (notice !== undefined && !this.has('nothing-sent')) await this.mail(notice);
    return this.tokenSuccess(token.medium, session.sid);
  }

  private tokenSuccess(medium: Medium, sid: string): Reply {
    if (this.has('success-500')) throw new MatrixError(500, 'M_UNKNOWN', 'Internal server error');
    const body: Record<string, unknown> = { sid: this.has('success-bad-sid') ? `${sid} /!` : sid };
    if (medium === 'msisdn') body['submit_url'] = this.url + MSISDN_SUBMIT_PATH;
    // Email takes the token at a submit_url too: the mailed one, or for a proxied session the
    // identity server's, which the server passes on to it.
    else body['submit_url'] = this.url + EMAIL_SUBMIT_PATH;
    if (this.has('success-bad-submit-url')) body['submit_url'] = 'not a uri';
    return { status: 200, body, ...(this.has('success-no-json-content-type') && { contentType: 'text/plain' }) };
  }

  private linkFor(session: ValidationSession): string {
    const token = this.has('token-too-long') ? session.token.padEnd(256, 'x') : session.token;
    const query = new URLSearchParams({ token, client_secret: session.clientSecret, sid: session.sid });
    return `${this.url}${EMAIL_SUBMIT_PATH}?${query}`;
  }

  /**
   * Sends before answering, so that a failed send is a 500 and a test sees the mail as soon as
   * it has the answer. Except in privacy mode: there the mail goes out after the answer, or
   * answer times would tell "mailed" (bound, for password reset) from "not mailed" (unbound).
   */
  private async mail(mail: Mail): Promise<void> {
    const sending = this.mailer!.send(mail);
    if (this.options.privacy) {
      sending.catch(() => {}); // nobody to tell: the answer has gone
      return;
    }
    try {
      await sending;
    } catch (error) {
      throw new MatrixError(500, 'M_UNKNOWN', `Could not send the mail: ${(error as Error).message}`);
    }
  }

  /** The msisdn delegate: the fake identity service at identityPort. */
  private callDelegate(call: IdentityCall): Promise<Record<string, unknown>> {
    const origin = `${this.options.identityTls ? 'https' : 'http'}://127.0.0.1:${this.options.identityPort}`;
    return this.identity!.call(origin, call, this.relayOptions());
  }

  /** The identity server a client named in id_server, always over HTTPS. */
  private callIdServer(idServer: string, call: IdentityCall): Promise<Record<string, unknown>> {
    return this.identity!.call(`https://${idServer}`, call, this.relayOptions());
  }

  private relayOptions(): RelayOptions {
    return {
      timeoutMs: this.has('relay-hang') ? undefined : (this.options.identityTimeoutMs ?? DEFAULT_IDENTITY_TIMEOUT_MS),
      stopSignal: this.stopController.signal,
    };
  }

  // ---- Completing validation, and binding ----

  /** The mailed link: a GET validates the session. */
  private submitEmailToken(request: Incoming): Reply {
    const [sid, clientSecret, token] = ['sid', 'client_secret', 'token'].map((name) => request.query.get(name) ?? '');
    if (token) this.liveSecrets.add(token);
    const session = this.sessions.open(sid!, clientSecret!);
    if (session === undefined || session.decoy || session.medium !== 'email' || session.token !== token) {
      return htmlReply(400, 'This validation link is not valid.');
    }
    session.validated = true;
    // "The user must be redirected to the URL provided by the next_link parameter."
    if (session.nextLink !== undefined && !this.has('next-link-ignored')) return { status: 302, body: '', contentType: 'text/plain', headers: { location: session.nextLink } };
    return htmlReply(200, 'Your email address has been validated. You may now return to your client.');
  }

  /** The email submit_url: the mailed token as the identity service's POST submitToken takes it. */
  private async submitEmailTokenPost(request: Incoming): Promise<Reply> {
    const fields = Fields.of(request.body).require('sid', 'client_secret', 'token');
    const [sid, clientSecret, token] = [fields.string('sid'), fields.string('client_secret'), fields.string('token')];
    this.liveSecrets.add(token);
    const session = this.sessions.open(sid, clientSecret);
    if (session === undefined || session.medium !== 'email') throw new MatrixError(400, 'M_INVALID_PARAM', 'No validation session matches that sid and client_secret');
    if (session.identityServer !== undefined) return this.submitted(session, await this.submittedAtIdServer(session, token));
    return this.submitted(session, !session.decoy && session.token === token);
  }

  /** A proxied session's token, passed on to the identity server that owns the session: whether it took it. */
  private async submittedAtIdServer(session: ValidationSession, token: string): Promise<boolean> {
    const access = session.identityAccess ?? { api: 'v1' };
    try {
      const answer = await this.callIdServer(session.identityServer!, {
        method: 'POST',
        path: '/validate/email/submitToken',
        encoding: access.api === 'v1' ? 'form' : 'json',
        body: { sid: session.sid, client_secret: session.clientSecret, token },
        ...accessOf(access),
      });
      return answer['success'] === true;
    } catch (error) {
      if (error instanceof RelayError && error.status < 500) return false;
      throw error;
    }
  }

  /** The submit_url's answer, right token or wrong, as the submitToken faults bend it. */
  private submitted(session: ValidationSession | undefined, right: boolean): Reply {
    if (right && this.has('submit-url-refuses-token')) throw new MatrixError(400, 'M_TOKEN_INCORRECT', 'The token is incorrect');
    if (!right && !this.has('submit-url-wrong-token-200')) throw new MatrixError(400, 'M_TOKEN_INCORRECT', 'The token is incorrect');
    if (session !== undefined && !session.decoy) session.validated = true;
    // next_link "is ignored when submitting 3PID validation information through a POST request".
    if (session?.nextLink !== undefined && this.has('submit-url-redirects')) return { status: 302, body: '', contentType: 'text/plain', headers: { location: session.nextLink } };
    return jsonReply({ success: true });
  }

  /** The msisdn submit_url: `{sid, client_secret, token}`, checked by the identity service. */
  private async submitMsisdnToken(request: Incoming): Promise<Reply> {
    const fields = Fields.of(request.body).require('sid', 'client_secret', 'token');
    const sid = fields.string('sid');
    const clientSecret = fields.string('client_secret');
    const token = fields.string('token');
    this.liveSecrets.add(token);
    const session = this.sessions.open(sid, clientSecret);
    let success: boolean;
    try {
      const answer = await this.callDelegate({
        method: 'POST',
        path: '/validate/msisdn/submitToken',
        encoding: 'json',
        body: { sid, client_secret: clientSecret, token },
      });
      success = answer['success'] === true;
    } catch (error) {
      // The identity service's refusal of the token is the answer's, unless a fault bends it.
      if (!(error instanceof RelayError && error.errcode === 'M_TOKEN_INCORRECT' && this.has('submit-url-wrong-token-200'))) throw error;
      success = false;
    }
    if (!success && !this.has('submit-url-wrong-token-200')) return jsonReply({ success });
    return this.submitted(session, success);
  }

  /**
   * POST /account/3pid/add: binds a validated address to the caller, behind password UIA.
   * A session proxied to an identity server is validated there: the server asks it.
   */
  private async addThreepid(request: Incoming): Promise<Reply> {
    const userId = this.accounts.authenticate(request.headers.authorization);
    const fields = Fields.of(request.body).require('client_secret', 'sid');
    const clientSecret = fields.string('client_secret');
    const sid = fields.string('sid');
    const challenge = this.accounts.passwordChallenge(userId, fields.values['auth']);
    if (challenge !== undefined) return challenge;
    return this.bindSession(userId, sid, clientSecret);
  }

  /**
   * POST /account/3pid with three_pid_creds, as r0.4.0 and r0.5.0 have it (deprecated since
   * r0.6.0): the access token alone authorises it.
   */
  private async addThreepidWithCreds(request: Incoming): Promise<Reply> {
    const userId = this.accounts.authenticate(request.headers.authorization);
    const creds = Fields.of(request.body).require('three_pid_creds').values['three_pid_creds'];
    const fields = new Fields(typeof creds === 'object' && creds !== null ? (creds as Record<string, unknown>) : {}).require('client_secret', 'sid');
    return this.bindSession(userId, fields.string('sid'), fields.string('client_secret'));
  }

  private async bindSession(userId: string, sid: string, clientSecret: string): Promise<Reply> {
    const session = this.sessions.open(sid, clientSecret);
    const address = session && (await this.validatedAddress(session));
    if (session === undefined || address === undefined) {
      throw new MatrixError(400, 'M_THREEPID_AUTH_FAILED', 'This third-party identifier has not been validated');
    }
    const owner = this.accounts.ownerOf(session.medium, address);
    // Faults `in-use-validates` and `add-steals-bound-address`: an address bound to another account is taken from it.
    if (owner !== undefined && owner !== userId && !this.has('in-use-validates') && !this.has('add-steals-bound-address')) {
      throw new MatrixError(400, 'M_THREEPID_IN_USE', 'Third-party identifier already in use');
    }
    if (!this.has('add-binds-nothing')) this.accounts.bind(userId, session.medium, address);
    return jsonReply({});
  }

  /** The address a session validated; undefined for a decoy or one not (yet) validated. */
  private async validatedAddress(session: ValidationSession): Promise<string | undefined> {
    if (session.decoy) return undefined;
    if (session.identityServer !== undefined) return this.validatedAtIdServer(session, session.identityServer);
    return session.validated ? session.address : undefined;
  }

  /**
   * The address the identity server validated for the session, from its v1
   * 3pid/getValidated3pid; undefined where it refuses (not validated, no such session,
   * expired). Its other failures are relayed as any other.
   */
  private async validatedAtIdServer(session: ValidationSession, idServer: string): Promise<string | undefined> {
    let answer: Record<string, unknown>;
    try {
      answer = await this.callIdServer(idServer, {
        method: 'GET',
        path: '/3pid/getValidated3pid',
        query: { sid: session.sid, client_secret: session.clientSecret },
        ...accessOf(session.identityAccess ?? { api: 'v1' }),
      });
    } catch (error) {
      if (error instanceof RelayError && error.status < 500) return undefined;
      throw error;
    }
    const address = answer['address'];
    if (answer['medium'] !== session.medium || typeof address !== 'string') return undefined;
    return session.medium === 'email' ? (canonicalEmail(address) ?? address) : address;
  }

  private listThreepids(request: Incoming): Reply {
    const threepids = this.accounts.threepidsOf(this.accounts.authenticate(request.headers.authorization)).map((threepid) => ({
      ...threepid,
      ...(threepid.medium === 'msisdn' && this.has('msisdn-listed-with-plus') && { address: `+${threepid.address}` }),
    }));
    if (this.has('threepids-without-timestamps')) return jsonReply({ threepids: threepids.map(({ medium, address }) => ({ medium, address })) });
    return jsonReply({ threepids });
  }
}

function onR0Paths(request: Incoming): boolean {
  return request.path.startsWith('/_matrix/client/r0/');
}

function accessOf(access: IdentityAccess): Pick<IdentityCall, 'api' | 'accessToken'> {
  return access.api === 'v1' ? { api: 'v1' } : { api: 'v2', accessToken: access.accessToken };
}

/** The whole body as text; undefined when it is larger than MAX_BODY_BYTES (read to the end all the same). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
}
