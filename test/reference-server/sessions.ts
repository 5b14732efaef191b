// Validation sessions, keyed by (medium, canonical address, client_secret) so that a retry
// with the same send_attempt finds the session it started.

import { randomBytes } from 'node:crypto';
import type { Medium } from './request-body.js';

export interface ValidationSession {
  readonly sid: string;
  readonly medium: Medium;
  readonly address: string;
  readonly clientSecret: string;
  /** The highest send_attempt seen. */
  sendAttempt: number;
  /** For email: what the mailed link carries. Msisdn tokens belong to the identity service. */
  readonly token: string;
  validated: boolean;
  /** Started to hide that an address is (or is not) bound: it can never be validated. */
  readonly decoy: boolean;
  /** Where the validation link sends the user once it has validated the session. */
  readonly nextLink?: string;
  /**
   * For email proxied to an identity server (`emailVia: 'id-server'`): the `id_server` that
   * owns the session, its token and its validation; /account/3pid/add asks it.
   */
  readonly identityServer?: string;
  /** How to reach it: the v2 API with the client's id_access_token, or (r0 paths, fault `id-server-v1-api`) v1. */
  readonly identityAccess?: IdentityAccess;
}

export type IdentityAccess = { api: 'v1' } | { api: 'v2'; accessToken: string };

export type NewSession = Pick<ValidationSession, 'medium' | 'address' | 'clientSecret' | 'sendAttempt'> & {
  nextLink?: string | undefined;
  /** The identity service's sid, where it owns the session; a fresh one otherwise. */
  sid?: string;
  decoy?: boolean;
  identityServer?: string;
  identityAccess?: IdentityAccess;
};

/** base64url's alphabet is within the spec's `[0-9a-zA-Z.=_-]`. */
export function newSid(): string {
  return randomBytes(12).toString('base64url');
}

export class Sessions {
  private readonly byScope = new Map<string, ValidationSession>();
  private readonly bySid = new Map<string, ValidationSession>();
  private readonly latest = new Map<Medium, ValidationSession>();

  /** `seen` is told every validation token made, for the tests that look for them in reports. */
  constructor(private readonly seen: Set<string> = new Set()) {}

  find(medium: Medium, address: string, clientSecret: string): ValidationSession | undefined {
    return this.byScope.get(scope(medium, address, clientSecret));
  }

  /**
   * Fault `send-attempt-unscoped`: the session send_attempt is compared with is the medium's
   * latest, whatever its address and client_secret.
   */
  findUnscoped(medium: Medium): ValidationSession | undefined {
    return this.latest.get(medium);
  }

  /** Starts a session, replacing any in the same scope. */
  create(request: NewSession): ValidationSession {
    const session: ValidationSession = {
      sid: request.sid ?? newSid(),
      medium: request.medium,
      address: request.address,
      clientSecret: request.clientSecret,
      sendAttempt: request.sendAttempt,
      token: randomBytes(24).toString('base64url'),
      validated: false,
      decoy: request.decoy ?? false,
      ...(request.identityServer !== undefined && { identityServer: request.identityServer }),
      ...(request.identityAccess !== undefined && { identityAccess: request.identityAccess }),
      ...(request.nextLink !== undefined && { nextLink: request.nextLink }),
    };
    this.latest.set(session.medium, session);
    this.byScope.set(scope(session.medium, session.address, session.clientSecret), session);
    this.bySid.set(session.sid, session);
    this.seen.add(session.token);
    return session;
  }

  /** The session these credentials name; a wrong client_secret is no session at all. */
  open(sid: string, clientSecret: string): ValidationSession | undefined {
    const session = this.bySid.get(sid);
    return session?.clientSecret === clientSecret ? session : undefined;
  }
}

function scope(medium: Medium, address: string, clientSecret: string): string {
  return [medium, address, clientSecret].join('\0');
}
