// Users, access tokens and bound addresses, and the two ways the harness makes them: Synapse's
// shared-secret registration API, and POST /account/3pid/add behind password auth.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Fields, type Medium } from './request-body.js';
import { jsonReply, MatrixError, type Reply } from './replies.js';

interface User {
  userId: string;
  /** The passwords that log in: one, unless fault `old-password-kept` left the old one. */
  passwords: string[];
}

/** The flows /account/3pid/add offers, in the user-interactive auth 401 body. */
const PASSWORD_FLOWS = [{ stages: ['m.login.password'] }];

const LOCALPART = /^[a-z0-9._=/+-]+$/;

export class Accounts {
  private readonly users = new Map<string, User>();
  private readonly tokens = new Map<string, string>();
  private readonly nonces = new Set<string>();
  private readonly authSessions = new Set<string>();
  /** `medium\0address` → who bound it, and when. */
  private readonly bindings = new Map<string, { userId: string; medium: Medium; address: string; at: number }>();

  constructor(
    readonly serverName: string,
    private readonly sharedSecret: string,
    /** Every credential handed out or received, for the tests that look for them in reports. */
    private readonly seen: Set<string> = new Set(),
  ) {}

  issueNonce(): string {
    const nonce = randomBytes(16).toString('hex');
    this.nonces.add(nonce);
    this.seen.add(nonce);
    return nonce;
  }

  /** POST /_synapse/admin/v1/register: a one-time nonce and an HMAC-SHA1 over the request. */
  registerWithSharedSecret(fields: Fields): { user_id: string; access_token: string; home_server: string; device_id: string } {
    fields.require('nonce', 'username', 'password', 'mac');
    const nonce = fields.string('nonce');
    const username = fields.string('username');
    const password = fields.string('password');
    const mac = fields.string('mac');
    this.seen.add(password).add(mac);
    const admin = fields.values['admin'] === true;
    if (!this.nonces.delete(nonce)) throw new MatrixError(400, 'M_UNKNOWN', 'unrecognised nonce');
    const expected = createHmac('sha1', this.sharedSecret)
      .update([nonce, username, password, admin ? 'admin' : 'notadmin'].join('\0'))
      .digest();
    const given = Buffer.from(mac, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new MatrixError(403, 'M_FORBIDDEN', 'HMAC incorrect');
    return this.createUser(username, password);
  }

  /** A new user with this password, logged in: what registering answers. */
  createUser(username: string, password: string): { user_id: string; access_token: string; home_server: string; device_id: string } {
    if (!LOCALPART.test(username)) throw new MatrixError(400, 'M_INVALID_USERNAME', 'User ID can only contain a-z, 0-9, and ._=-/+');
    const userId = `@${username}:${this.serverName}`;
    if (this.users.has(userId)) throw new MatrixError(400, 'M_USER_IN_USE', 'User ID already taken.');
    this.seen.add(password);
    this.users.set(userId, { userId, passwords: [password] });
    return this.logIn(userId);
  }

  /** A new access token for the user. */
  logIn(userId: string): { user_id: string; access_token: string; home_server: string; device_id: string } {
    const accessToken = `ref_${randomBytes(18).toString('base64url')}`;
    this.tokens.set(accessToken, userId);
    this.seen.add(accessToken);
    return { user_id: userId, access_token: accessToken, home_server: this.serverName, device_id: randomBytes(5).toString('hex').toUpperCase() };
  }

  /** The user ID a login or UIA identifier names: a full ID, or a localpart on this server. */
  userIdOf(user: string): string {
    return user.startsWith('@') ? user : `@${user}:${this.serverName}`;
  }

  passwordMatches(userId: string, password: string): boolean {
    this.seen.add(password);
    return this.users.get(userId)?.passwords.includes(password) ?? false;
  }

  /** Replaces the user's password; `keepOld` (fault `old-password-kept`) lets the old one in too. */
  setPassword(userId: string, password: string, keepOld = false): void {
    const user = this.users.get(userId);
    if (user === undefined) return;
    this.seen.add(password);
    user.passwords = keepOld ? [password, ...user.passwords] : [password];
  }

  /** Starts a user-interactive auth session. */
  startAuthSession(): string {
    const session = randomBytes(12).toString('base64url');
    this.authSessions.add(session);
    return session;
  }

  knowsAuthSession(session: unknown): session is string {
    return typeof session === 'string' && this.authSessions.has(session);
  }

  endAuthSession(session: string): void {
    this.authSessions.delete(session);
  }

  /** The user behind `Authorization: Bearer …`, or the 401 the spec gives for a missing or unknown token. */
  authenticate(authorization: string | undefined): string {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) throw new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token');
    const userId = this.tokens.get(token);
    if (userId === undefined) throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token', { soft_logout: false });
    return userId;
  }

  /**
   * User-interactive auth with a password, for `userId`: without `auth`, the 401 reply that
   * starts a session; with a wrong one, a thrown 401 M_FORBIDDEN in the same session; with the
   * right one, undefined: go ahead.
   */
  passwordChallenge(userId: string, auth: unknown): Reply | undefined {
    if (auth === undefined) return jsonReply({ session: this.startAuthSession(), flows: PASSWORD_FLOWS, params: {} }, 401);
    const given = typeof auth === 'object' && auth !== null ? new Fields(auth as Record<string, unknown>) : new Fields({});
    const session = typeof given.values['session'] === 'string' ? given.values['session'] : undefined;
    if (typeof given.values['password'] === 'string') this.seen.add(given.values['password']);
    if (session === undefined || !this.authSessions.has(session)) {
      throw new MatrixError(400, 'M_UNKNOWN', 'Unknown user-interactive auth session');
    }
    const identifier = given.values['identifier'] as { type?: unknown; user?: unknown } | undefined;
    const user = typeof identifier?.user === 'string' ? identifier.user : undefined;
    const named = user === undefined ? undefined : this.userIdOf(user);
    const ok =
      given.values['type'] === 'm.login.password' &&
      identifier?.type === 'm.id.user' &&
      named === userId &&
      typeof given.values['password'] === 'string' &&
      this.passwordMatches(userId, given.values['password']);
    if (!ok) throw new MatrixError(401, 'M_FORBIDDEN', 'Invalid username or password', { session, flows: PASSWORD_FLOWS, params: {} });
    this.authSessions.delete(session);
    return undefined;
  }

  ownerOf(medium: Medium, address: string): string | undefined {
    return this.bindings.get(`${medium}\0${address}`)?.userId;
  }

  /** Binds the address to the user, taking it from whoever had it. */
  bind(userId: string, medium: Medium, address: string): void {
    this.bindings.set(`${medium}\0${address}`, { userId, medium, address, at: Date.now() });
  }

  /** GET /account/3pid's list for the user. */
  threepidsOf(userId: string): Array<{ medium: Medium; address: string; validated_at: number; added_at: number }> {
    return [...this.bindings.values()]
      .filter((binding) => binding.userId === userId)
      .map(({ medium, address, at }) => ({ medium, address, validated_at: at, added_at: at }));
  }
}
