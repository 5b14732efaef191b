// Validation sessions: what requestToken starts, submitToken completes, and getValidated3pid
// and bind read. Instead of mailing or texting the token, the fake puts each "send" in an
// outbox that scenarios read, playing the user who received it.

import { randomBytes, randomInt } from 'node:crypto';
import type { ApiVersion } from './api-paths.js';
import { MatrixError } from './matrix-error.js';

export type Medium = 'email' | 'msisdn';

export interface ValidationSession {
  readonly sid: string;
  readonly medium: Medium;
  /** Canonical address, as getValidated3pid and bind report it. */
  readonly address: string;
  /** The address as the homeserver sent it (`email` or `phone_number`). */
  readonly requestedAddress: string;
  /** `country` of an msisdn request, kept as sent. */
  readonly country: string | undefined;
  readonly clientSecret: string;
  /** The token "sent" to the user. */
  readonly token: string;
  /** The highest `send_attempt` seen for this session. */
  readonly sendAttempt: number;
  readonly nextLink: string | undefined;
  /** The API the session was requested through; its submit link uses the same one. */
  readonly api: ApiVersion;
  readonly createdAt: number;
  readonly validatedAt: number | undefined;
  readonly expired: boolean;
  /** The link a real service would have mailed: GET it to validate the session. */
  readonly submitUrl: string;
}

/** One message the fake would have sent. */
export interface SentToken {
  readonly sid: string;
  readonly medium: Medium;
  readonly address: string;
  readonly token: string;
  readonly sendAttempt: number;
  readonly submitUrl: string;
  readonly sentAt: number;
}

export interface TokenRequest {
  readonly medium: Medium;
  readonly address: string;
  readonly requestedAddress: string;
  readonly country?: string;
  readonly clientSecret: string;
  readonly sendAttempt: number;
  readonly nextLink?: string;
  readonly api: ApiVersion;
}

interface Session {
  readonly sid: string;
  readonly request: TokenRequest;
  readonly token: string;
  readonly createdAt: number;
  sendAttempt: number;
  modifiedAt: number;
  validatedAt: number | undefined;
  forcedExpired: boolean;
}

/** "within a 24-hour period since its most recent modification" (identity-service spec). */
export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type SubmitUrlBuilder = (session: {
  api: ApiVersion;
  medium: Medium;
  sid: string;
  clientSecret: string;
  token: string;
}) => string;

export class SessionStore {
  private readonly bySid = new Map<string, Session>();
  /** send_attempt is scoped to client_secret + address (+ country for msisdn). */
  private readonly sidByAttemptScope = new Map<string, string>();
  private readonly outbox: SentToken[] = [];

  constructor(private readonly submitUrlOf: SubmitUrlBuilder) {}

  /**
   * The same scope and a send_attempt not above the last one is a retry: same sid, nothing
   * sent. A higher send_attempt asks for a resend: same sid and token, one more message.
   */
  requestToken(request: TokenRequest, now: number): ValidationSession {
    const scope = [request.medium, request.clientSecret, request.country ?? '', request.address].join('\0');
    const existing = this.bySid.get(this.sidByAttemptScope.get(scope) ?? '');
    if (existing !== undefined && !this.isExpired(existing, now)) {
      if (request.sendAttempt > existing.sendAttempt) {
        existing.sendAttempt = request.sendAttempt;
        this.send(existing, now);
      }
      return this.snapshot(existing, now);
    }
    const session: Session = {
      sid: this.newSid(),
      request,
      token: newToken(request.medium),
      createdAt: now,
      sendAttempt: request.sendAttempt,
      modifiedAt: now,
      validatedAt: undefined,
      forcedExpired: false,
    };
    this.bySid.set(session.sid, session);
    this.sidByAttemptScope.set(scope, session.sid);
    this.send(session, now);
    return this.snapshot(session, now);
  }

  /**
   * The session these credentials name. A wrong client_secret answers exactly like an unknown
   * sid, so the pair cannot be probed one half at a time.
   */
  open(sid: string, clientSecret: string, now: number): ValidationSession {
    const session = this.bySid.get(sid);
    if (session === undefined || session.request.clientSecret !== clientSecret) {
      throw new MatrixError(404, 'M_NO_VALID_SESSION', 'No valid session was found matching that sid and client secret');
    }
    if (this.isExpired(session, now)) {
      throw new MatrixError(400, 'M_SESSION_EXPIRED', 'This validation session has expired');
    }
    return this.snapshot(session, now);
  }

  /** Tokens are matched exactly: the spec lets a service be lenient, and the fake chooses not to be. */
  submitToken(sid: string, clientSecret: string, token: string, now: number): ValidationSession {
    this.open(sid, clientSecret, now);
    const session = this.bySid.get(sid)!;
    if (token !== session.token) {
      throw new MatrixError(400, 'M_TOKEN_INCORRECT', 'The token is incorrect');
    }
    session.validatedAt ??= now;
    session.modifiedAt = now;
    return this.snapshot(session, now);
  }

  /** Makes a session answer M_SESSION_EXPIRED without waiting a day. */
  expire(sid: string): boolean {
    const session = this.bySid.get(sid);
    if (session !== undefined) session.forcedExpired = true;
    return session !== undefined;
  }

  get(sid: string, now: number): ValidationSession | undefined {
    const session = this.bySid.get(sid);
    return session && this.snapshot(session, now);
  }

  all(now: number): ValidationSession[] {
    return [...this.bySid.values()].map((session) => this.snapshot(session, now));
  }

  get sent(): readonly SentToken[] {
    return this.outbox;
  }

  clear(): void {
    this.bySid.clear();
    this.sidByAttemptScope.clear();
    this.outbox.length = 0;
  }

  private send(session: Session, now: number): void {
    const { medium, address } = session.request;
    const submitUrl = this.submitUrlFor(session);
    this.outbox.push({ sid: session.sid, medium, address, token: session.token, sendAttempt: session.sendAttempt, submitUrl, sentAt: now });
  }

  private isExpired(session: Session, now: number): boolean {
    return session.forcedExpired || now - session.modifiedAt > SESSION_LIFETIME_MS;
  }

  private submitUrlFor(session: Session): string {
    const { api, medium, clientSecret } = session.request;
    return this.submitUrlOf({ api, medium, sid: session.sid, clientSecret, token: session.token });
  }

  private snapshot(session: Session, now: number): ValidationSession {
    const { medium, address, requestedAddress, country, clientSecret, nextLink, api } = session.request;
    return {
      sid: session.sid,
      medium,
      address,
      requestedAddress,
      country,
      clientSecret,
      token: session.token,
      sendAttempt: session.sendAttempt,
      nextLink,
      api,
      createdAt: session.createdAt,
      validatedAt: session.validatedAt,
      expired: this.isExpired(session, now),
      submitUrl: this.submitUrlFor(session),
    };
  }

  private newSid(): string {
    let sid: string;
    do sid = randomBytes(12).toString('base64url'); // base64url's alphabet is within [0-9a-zA-Z.=_-]
    while (this.bySid.has(sid));
    return sid;
  }
}

/** A code a person could type from an SMS; a long random string for a link in a mail. */
function newToken(medium: Medium): string {
  return medium === 'msisdn' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : randomBytes(24).toString('base64url');
}
