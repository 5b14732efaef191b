// A fake Matrix identity service on loopback, for homeservers under test to talk to. It lets a
// validation flow complete end to end, records exactly what the homeserver sent, and
// misbehaves on request.
//
//   const is = new FakeIdentityService({ tls: true });
//   await is.start();
//   // point the homeserver at is.url / is.serverName, trusting is.certificatePem
//   is.inject({ path: '/validate/msisdn/requestToken', fault: { kind: 'hang' }, times: 1 });
//   ... is.requestsTo('/validate/msisdn/requestToken'), is.tokenFor(sid) ...
//   const mark = is.mark(); ... is.requestsTo(path, mark), is.sentTo('email', address, mark) ...
//   await is.expectQuiet('msisdn', '447700900123', { forMs: 2_000, since: mark });
//   await is.stop();

import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { AccountStore } from './accounts.js';
import { API_BASES } from './api-paths.js';
import { sharedSelfSignedCertificate } from './certificate.js';
import { FaultBook, type Fault, type FaultRule } from './faults.js';
import { MatrixError } from './matrix-error.js';
import { readBody, recordRequest, type ReceivedBody, type RecordedRequest } from './recording.js';
import { dispatch, errorReply } from './routes.js';
import { SessionStore, type Medium, type SentToken, type SubmitUrlBuilder, type ValidationSession } from './sessions.js';
import type { Binding, IdentityState } from './state.js';

export type { Fault, FaultRule } from './faults.js';
export type { RecordedRequest } from './recording.js';
export type { Medium, SentToken, ValidationSession } from './sessions.js';
export type { Binding } from './state.js';
export type { ApiVersion } from './api-paths.js';

export interface FakeIdentityServiceOptions {
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** HTTPS with a self-signed certificate for 127.0.0.1 and localhost, made at start. */
  tls?: boolean;
  /** Serve this pair instead of the generated one, e.g. one a homeserver config already trusts. */
  certificate?: { certPem: string; keyPem: string };
  /**
   * Refuse v2 requests without an access token the fake issued (401 M_UNAUTHORIZED), where
   * the spec lists authentication. Default true.
   */
  requireAccessToken?: boolean;
  /** Add `msisdn`, `intl_fmt` and `success` to the msisdn requestToken answer. Default false. */
  msisdnResponseExtras?: boolean;
  /** Larger request bodies are answered 413 M_TOO_LARGE. Default 64 KiB. */
  maxBodyBytes?: number;
}

/**
 * Where the recording and the outbox stood at a moment: what came after it is what the
 * homeserver did since. Counts, not clock readings: a fast homeserver calls within the
 * millisecond it was asked in. Totals since start, so a mark survives reset().
 */
export interface IdentityMark {
  readonly requests: number;
  readonly sent: number;
}

export interface ExpectQuietOptions {
  forMs: number;
  /** Messages sent after this mark count as new, even if they were sent before the call. Default: now. */
  since?: IdentityMark;
}

/** expectQuiet's rejection: a message went out though none should have. */
export class UnexpectedSendError extends Error {
  constructor(readonly sent: readonly SentToken[]) {
    super(`the fake identity service sent ${sent.map((t) => `${t.medium} to ${t.address} (send_attempt ${t.sendAttempt})`).join(', ')}, where no message was expected`);
    this.name = 'UnexpectedSendError';
  }
}

/** A TLS handshake that failed, typically a client that does not trust the certificate. */
export interface TlsFailure {
  readonly at: number;
  readonly message: string;
}

interface RequestWaiter {
  readonly matches: (request: RecordedRequest) => boolean;
  readonly resolve: (request: RecordedRequest) => void;
  readonly reject: (error: Error) => void;
}

const LOOPBACK = '127.0.0.1';
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** The spec recommends these on every answer, for clients in web browsers. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'Origin, X-Requested-With, Content-Type, Accept, Authorization',
};

export class FakeIdentityService {
  private server: HttpServer | HttpsServer | undefined;
  private stopping: Promise<void> | undefined;
  private listeningPort: number | undefined;
  private tlsPair: { certPem: string; keyPem: string } | undefined;
  /** Every TCP connection, so stop() can end hung requests and idle keep-alives alike. */
  private readonly sockets = new Set<Socket>();
  private readonly recorded: RecordedRequest[] = [];
  private readonly faults = new FaultBook();
  private readonly waiters = new Set<RequestWaiter>();
  /** Called after each request has been answered (so any send it made is in the outbox), and at stop. */
  private readonly outboxWatchers = new Set<(stopped: boolean) => void>();
  /** What reset() dropped, so that marks keep counting from start. */
  private readonly forgotten = { requests: 0, sent: 0 };
  private readonly tlsFailureLog: TlsFailure[] = [];
  private readonly state: IdentityState;

  constructor(private readonly options: FakeIdentityServiceOptions = {}) {
    const submitUrlOf: SubmitUrlBuilder = ({ api, medium, sid, clientSecret, token }) =>
      `${this.url}${API_BASES[api]}/validate/${medium}/submitToken?${new URLSearchParams({ sid, client_secret: clientSecret, token })}`;
    const service = this;
    this.state = {
      sessions: new SessionStore(submitUrlOf),
      accounts: new AccountStore(),
      bindings: [],
      get serverName() {
        return service.serverName;
      },
      requireAccessToken: options.requireAccessToken ?? true,
      msisdnResponseExtras: options.msisdnResponseExtras ?? false,
    };
  }

  async start(): Promise<void> {
    if (this.server !== undefined) throw new Error('FakeIdentityService is already started');
    this.stopping = undefined;
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      // dispatch() already turns handler bugs into 500s; anything left is an I/O failure.
      this.handle(req, res).catch(() => res.destroy());
    };
    let server: HttpServer | HttpsServer;
    if (this.options.tls) {
      this.tlsPair = this.options.certificate ?? sharedSelfSignedCertificate();
      server = createHttpsServer({ cert: this.tlsPair.certPem, key: this.tlsPair.keyPem }, onRequest);
      server.on('tlsClientError', (error) => this.tlsFailureLog.push({ at: Date.now(), message: error.message }));
    } else {
      server = createHttpServer(onRequest);
    }
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });

    const port = this.options.port ?? 0;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: LOOPBACK }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      throw new Error(`fake identity service could not listen on ${LOOPBACK}:${port}: ${(error as Error).message}`, { cause: error });
    }
    this.listeningPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Ends every connection, hung ones included; safe to call twice or before start(). */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  get port(): number {
    if (this.listeningPort === undefined) throw new Error('FakeIdentityService is not started');
    return this.listeningPort;
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://${LOOPBACK}:${this.port}`;
  }

  /** What a client puts in `id_server`. */
  get serverName(): string {
    return `${LOOPBACK}:${this.port}`;
  }

  /** The certificate to trust as CA when `tls` is on; known once started. */
  get certificatePem(): string | undefined {
    return this.tlsPair?.certPem;
  }

  get requests(): readonly RecordedRequest[] {
    return [...this.recorded];
  }

  /**
   * Requests whose path ends with the suffix, e.g. '/validate/msisdn/requestToken' for v1 and
   * v2; with a mark, only those received after it.
   */
  requestsTo(pathSuffix: string, since?: IdentityMark): RecordedRequest[] {
    const recorded = since === undefined ? this.recorded : this.recorded.slice(Math.max(0, since.requests - this.forgotten.requests));
    return recorded.filter((request) => request.path.endsWith(pathSuffix));
  }

  /** Where the recording and the outbox stand now; see IdentityMark. */
  mark(): IdentityMark {
    return { requests: this.forgotten.requests + this.recorded.length, sent: this.forgotten.sent + this.state.sessions.sent.length };
  }

  /** The messages sent to the address (canonical, as in `sent`), oldest first; with a mark, only those after it. */
  sentTo(medium: Medium, address: string, since?: IdentityMark): SentToken[] {
    const outbox = this.state.sessions.sent;
    const sent = since === undefined ? outbox : outbox.slice(Math.max(0, since.sent - this.forgotten.sent));
    return sent.filter((token) => token.medium === medium && token.address === address);
  }

  /**
   * Resolves if no message goes to the address within `forMs`; rejects with
   * UnexpectedSendError as soon as one does (or at once, if one sent after `since` is there).
   */
  expectQuiet(medium: Medium, address: string, options: ExpectQuietOptions): Promise<void> {
    const since = options.since ?? this.mark();
    // A stopped service sends nothing; letting that pass would hide a broken setup.
    if (this.server === undefined) return Promise.reject(new Error('the fake identity service is not running, so it cannot tell whether a message was sent'));
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.outboxWatchers.delete(check);
      };
      const check = (stopped: boolean) => {
        const sent = this.sentTo(medium, address, since);
        if (sent.length > 0) {
          finish();
          reject(new UnexpectedSendError(sent));
        } else if (stopped) {
          finish();
          reject(new Error('the fake identity service was stopped while checking that no message goes out'));
        }
      };
      const timer = setTimeout(() => {
        finish();
        resolve();
      }, options.forMs);
      this.outboxWatchers.add(check);
      check(false);
    });
  }

  /** The first request to the suffix, already recorded or still to come. */
  waitForRequest(pathSuffix: string, timeoutMs = 5_000): Promise<RecordedRequest> {
    const matches = (request: RecordedRequest): boolean => request.path.endsWith(pathSuffix);
    const seen = this.recorded.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no request to ...${pathSuffix} reached the fake identity service within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: RequestWaiter = {
        matches,
        resolve: (request) => {
          clearTimeout(timer);
          resolve(request);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  inject(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Injected rules not yet used up, with their remaining `times`. */
  get pendingFaults(): readonly FaultRule[] {
    return this.faults.pending;
  }

  /** Forgets requests, faults, sessions, sends, bindings and TLS failures; keeps access tokens. */
  reset(): void {
    this.forgotten.requests += this.recorded.length;
    this.forgotten.sent += this.state.sessions.sent.length;
    this.recorded.length = 0;
    this.faults.clear();
    this.state.sessions.clear();
    this.state.bindings.length = 0;
    this.tlsFailureLog.length = 0;
  }

  get sessions(): readonly ValidationSession[] {
    return this.state.sessions.all(Date.now());
  }

  session(sid: string): ValidationSession | undefined {
    return this.state.sessions.get(sid, Date.now());
  }

  /** The token the fake "sent" for this session, as the user would read it. */
  tokenFor(sid: string): string | undefined {
    return this.session(sid)?.token;
  }

  /** The validation link the fake "mailed" for this session; a GET on it validates the session. */
  submitUrlFor(sid: string): string | undefined {
    return this.session(sid)?.submitUrl;
  }

  /** Every message the fake would have sent, oldest first; a retried send_attempt adds none. */
  get sent(): readonly SentToken[] {
    return [...this.state.sessions.sent];
  }

  /** Makes the session answer M_SESSION_EXPIRED from now on. False if there is no such session. */
  expireSession(sid: string): boolean {
    return this.state.sessions.expire(sid);
  }

  get bindings(): readonly Binding[] {
    return [...this.state.bindings];
  }

  /** An access token for the v2 API without going through /account/register. */
  issueAccessToken(userId = '@conformance:localhost'): string {
    return this.state.accounts.issue(userId).token;
  }

  get tlsFailures(): readonly TlsFailure[] {
    return [...this.tlsFailureLog];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: ReceivedBody;
    try {
      body = await readBody(req, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    } catch {
      return; // the client went away mid-body: nothing to record, no one to answer
    }
    const request = recordRequest(req, body.bytes, Date.now());
    this.recorded.push(request);
    const fault = this.faults.take(request);
    if (fault !== undefined) request.fault = fault;
    this.notifyWaiters(request);

    if (fault !== undefined) {
      this.inflict(fault, req, res, request);
      return;
    }
    const reply = body.tooLarge
      ? errorReply(new MatrixError(413, 'M_TOO_LARGE', 'Request body too large'))
      : dispatch(request, this.state, request.receivedAt);
    this.send(res, request, reply.status ?? 200, JSON.stringify(reply.body), 'application/json', reply.headers);
    for (const watcher of [...this.outboxWatchers]) watcher(false);
  }

  private inflict(fault: Fault, req: IncomingMessage, res: ServerResponse, request: RecordedRequest): void {
    switch (fault.kind) {
      case 'matrix-error': {
        const body = { errcode: fault.errcode, error: fault.error ?? `Injected ${fault.errcode}` };
        this.send(res, request, fault.status, JSON.stringify(body), 'application/json');
        return;
      }
      case 'status': {
        const body = fault.body ?? '';
        this.send(res, request, fault.status, body, fault.contentType ?? guessContentType(body));
        return;
      }
      case 'hang':
        return; // the socket stays open until the client gives up or stop() destroys it
      case 'reset':
        this.resetConnection(req.socket);
        return;
    }
  }

  /** A TCP RST. Under TLS the request's socket is a TLSSocket; the reset goes to the TCP socket beneath it. */
  private resetConnection(socket: Socket): void {
    const tcp =
      [...this.sockets].find((s) => s === socket) ??
      [...this.sockets].find((s) => s.remotePort === socket.remotePort && s.remoteAddress === socket.remoteAddress);
    try {
      (tcp ?? socket).resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }

  private send(
    res: ServerResponse,
    request: RecordedRequest,
    status: number,
    payload: string,
    contentType: string | undefined,
    headers: Record<string, string> = {},
  ): void {
    request.responseStatus = status;
    res.writeHead(status, {
      ...CORS_HEADERS,
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
      'content-length': Buffer.byteLength(payload),
      ...headers,
    });
    res.end(payload);
  }

  private notifyWaiters(request: RecordedRequest): void {
    for (const waiter of this.waiters) {
      if (!waiter.matches(request)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(request);
    }
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
    this.server = undefined;
    for (const waiter of this.waiters) waiter.reject(new Error('the fake identity service was stopped'));
    this.waiters.clear();
    for (const watcher of [...this.outboxWatchers]) watcher(true);
  }
}

function guessContentType(body: string): string | undefined {
  if (body === '') return undefined;
  try {
    JSON.parse(body);
    return 'application/json';
  } catch {
    return 'text/plain; charset=utf-8';
  }
}
