// What a validation session is used for once validated: POST /account/password (the password
// reset, authorised by m.login.email.identity / m.login.msisdn), POST /register with the same
// stages, and the POST /login that shows which password an account has.

import { randomBytes } from 'node:crypto';
import type { Accounts } from './accounts.js';
import type { Fault } from './faults.js';
import { jsonReply, MatrixError, type Reply } from './replies.js';
import { Fields, type Medium } from './request-body.js';
import type { Sessions, ValidationSession } from './sessions.js';

const STAGES: Readonly<Record<string, Medium>> = { 'm.login.email.identity': 'email', 'm.login.msisdn': 'msisdn' };
const THREEPID_FLOWS = Object.keys(STAGES).map((stage) => ({ stages: [stage] }));

export interface ThreepidAuthDeps {
  accounts: Accounts;
  sessions: Sessions;
  /** The address the session validated, or undefined (not validated, a decoy, no such session). */
  validatedAddress(session: ValidationSession): Promise<string | undefined>;
  has(fault: Fault): boolean;
}

export class ThreepidAuth {
  constructor(private readonly deps: ThreepidAuthDeps) {}

  /** POST /account/password without an access token: the owner of the validated address gets the new password. */
  async changePassword(body: string): Promise<Reply> {
    const fields = Fields.of(body);
    const newPassword = fields.string('new_password');
    const { accounts, has } = this.deps;
    const stage = await this.threepidStage(fields.values['auth']);
    if (stage.challenge) return stage.challenge;
    const owner = accounts.ownerOf(stage.medium, stage.address);
    if (owner === undefined) {
      // Fault `not-found-resets`: the session of an address nobody has "resets" nobody's password.
      if (has('not-found-resets')) return jsonReply({});
      throw this.unauthorised(stage.session, 'No account has this third-party identifier');
    }
    accounts.endAuthSession(stage.session);
    if (!has('password-change-ignored')) accounts.setPassword(owner, newPassword, has('old-password-kept'));
    return jsonReply({});
  }

  /** POST /register: a new user, the validated address bound to it. */
  async register(body: string): Promise<Reply> {
    // Both optional in the spec: an empty request is how a client learns the flows.
    const fields = Fields.of(body);
    const username = fields.optionalString('username') ?? `user-${randomBytes(6).toString('hex')}`;
    const password = fields.optionalString('password') ?? randomBytes(18).toString('base64url');
    const { accounts, has } = this.deps;
    const stage = await this.threepidStage(fields.values['auth']);
    if (stage.challenge) return stage.challenge;
    if (has('register-stage-refused')) throw this.unauthorised(stage.session, 'This third-party identifier has not been validated');
    if (accounts.ownerOf(stage.medium, stage.address) !== undefined && !has('in-use-validates')) {
      throw new MatrixError(400, 'M_THREEPID_IN_USE', 'Third-party identifier already in use');
    }
    const registered = accounts.createUser(username, password);
    accounts.endAuthSession(stage.session);
    accounts.bind(registered.user_id, stage.medium, stage.address);
    return jsonReply(registered);
  }

  /** POST /login with m.login.password, the user named by m.id.user (or `user`) or m.id.thirdparty. */
  login(body: string): Reply {
    const fields = Fields.of(body);
    const { accounts } = this.deps;
    if (fields.values['type'] !== 'm.login.password') throw new MatrixError(400, 'M_UNKNOWN', 'Unknown login type');
    const password = fields.string('password');
    const identifier = fields.values['identifier'] as { type?: unknown; user?: unknown; medium?: unknown; address?: unknown } | undefined;
    let userId: string | undefined;
    if (identifier?.type === 'm.id.thirdparty' && (identifier.medium === 'email' || identifier.medium === 'msisdn') && typeof identifier.address === 'string') {
      userId = accounts.ownerOf(identifier.medium, identifier.address);
      if (userId === undefined && this.deps.has('login-unknown-threepid-400')) throw new MatrixError(400, 'M_UNKNOWN', 'Unknown third-party identifier');
    } else {
      const user = identifier?.type === 'm.id.user' ? identifier.user : fields.values['user'];
      userId = typeof user === 'string' ? accounts.userIdOf(user) : undefined;
    }
    if (userId === undefined || !accounts.passwordMatches(userId, password)) throw new MatrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
    return jsonReply(accounts.logIn(userId));
  }

  /**
   * The 3PID stage of user-interactive auth: without `auth` a new UIA session's 401; with the
   * stage, the address its session validated, or a 401 in the same UIA session.
   */
  private async threepidStage(
    auth: unknown,
  ): Promise<{ challenge: Reply; session?: never; medium?: never; address?: never } | { challenge?: never; session: string; medium: Medium; address: string }> {
    const { accounts, sessions, validatedAddress, has } = this.deps;
    if (auth === undefined) return { challenge: jsonReply({ session: accounts.startAuthSession(), flows: THREEPID_FLOWS, params: {} }, 401) };
    const given = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>) : {};
    if (!accounts.knowsAuthSession(given['session'])) throw new MatrixError(400, 'M_UNKNOWN', 'Unknown user-interactive auth session');
    const session = given['session'];
    const medium = typeof given['type'] === 'string' ? STAGES[given['type']] : undefined;
    const creds = given['threepid_creds'] as { sid?: unknown; client_secret?: unknown } | undefined;
    if (medium === undefined || typeof creds?.sid !== 'string' || typeof creds.client_secret !== 'string') {
      throw this.unauthorised(session, 'Complete one of the flows with threepid_creds');
    }
    const validation = sessions.open(creds.sid, creds.client_secret);
    const address =
      validation === undefined || validation.medium !== medium ? undefined
      // Fault `password-unvalidated-accepted`: a session is as good as validated once started.
      : has('password-unvalidated-accepted') && !validation.decoy ? validation.address
      : await validatedAddress(validation);
    if (address === undefined) throw this.unauthorised(session, 'This third-party identifier has not been validated');
    return { session, medium, address };
  }

  private unauthorised(session: string, message: string): MatrixError {
    return new MatrixError(401, 'M_UNAUTHORIZED', message, { session, flows: THREEPID_FLOWS, params: {}, completed: [] });
  }
}
