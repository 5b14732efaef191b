// The flows a validated (or not) 3PID session is used in: user-interactive auth by
// m.login.email.identity / m.login.msisdn on POST /account/password and POST /register, and
// the password login that shows what a password change did.
import type { Homeserver } from './homeserver.js';
import { jsonOf, type Exchange } from '../http/exchange.js';
import type { SecretBook } from '../http/redaction.js';
import type { Medium } from '../model/endpoints.js';
import { clientPrefix } from '../model/spec-versions.js';

/** What names a validation session in threepid_creds. */
export interface ThreepidCreds {
  sid: string;
  client_secret: string;
  id_server?: string;
  id_access_token?: string;
}

/** The UIA stage that a session of this medium completes. */
export const THREEPID_STAGE: Readonly<Record<Medium, string>> = {
  email: 'm.login.email.identity',
  msisdn: 'm.login.msisdn',
};

/** The two requests a 3PID session authorises: registering, and resetting a password. */
export type ThreepidPurpose = 'register' | 'password';

const PURPOSE_PATH: Readonly<Record<ThreepidPurpose, string>> = { register: '/register', password: '/account/password' };

/** The request, for messages: "POST /register". */
export function purposeRequest(purpose: ThreepidPurpose): string {
  return `POST ${PURPOSE_PATH[purpose]}`;
}

/** Asked for with no auth, so the server only answers which flows it offers. */
const UNUSED_PASSWORD = 'flows-only-no-auth-given';

export class ThreepidAuth {
  constructor(
    private readonly hs: Homeserver,
    private readonly secrets: Pick<SecretBook, 'learn'> = { learn: () => {} },
  ) {}

  /** POST /account/password with no access token: the password reset, authorised by the 3PID session. */
  changePassword(medium: Medium, creds: ThreepidCreds, newPassword: string): Promise<Exchange> {
    this.secrets.learn(newPassword, 'new password of the test account');
    return this.withThreepidAuth(`${clientPrefix(this.hs.spec)}${PURPOSE_PATH.password}`, { new_password: newPassword }, medium, creds);
  }

  /** POST /register for a new user, its one stage the 3PID session. */
  register(medium: Medium, creds: ThreepidCreds, user: { localpart: string; password: string }): Promise<Exchange> {
    this.secrets.learn(user.password, 'password of the test account');
    return this.withThreepidAuth(`${clientPrefix(this.hs.spec)}${PURPOSE_PATH.register}`, { username: user.localpart, password: user.password }, medium, creds);
  }

  /**
   * The flows POST /register (or, unauthenticated, POST /account/password) offers, from the
   * 401 that a request without auth answers; undefined where it answers anything else
   * (registration closed, say), with that answer.
   */
  async flows(purpose: ThreepidPurpose): Promise<{ flows: string[][] | undefined; exchange: Exchange }> {
    const exchange = await this.hs.http.post(`${clientPrefix(this.hs.spec)}${PURPOSE_PATH[purpose]}`, purpose === 'register' ? {} : { new_password: UNUSED_PASSWORD });
    const flows = uiaFlows(exchange);
    const stages = flows?.map((flow) => ((flow as { stages?: unknown })?.stages as unknown[] | undefined)?.filter((s): s is string => typeof s === 'string') ?? []);
    return { flows: stages, exchange };
  }

  /** POST /login with m.login.password and an m.id.user identifier (`user` too, for r0.x servers). */
  async login(userId: string, password: string): Promise<Exchange> {
    const exchange = await this.hs.http.post(`${clientPrefix(this.hs.spec)}/login`, {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: userId },
      user: userId,
      password,
    });
    const token = (jsonOf(exchange) as { access_token?: unknown } | undefined)?.access_token;
    if (typeof token === 'string') this.secrets.learn(token, 'access token of a login');
    return exchange;
  }

  /** POST /login with m.login.password and an m.id.thirdparty identifier: the user named by a 3PID. */
  loginByThreepid(medium: Medium, address: string, password: string): Promise<Exchange> {
    return this.hs.http.post(`${clientPrefix(this.hs.spec)}/login`, {
      type: 'm.login.password',
      identifier: { type: 'm.id.thirdparty', medium, address },
      password,
    });
  }

  /**
   * POSTs the body, and where the answer is a 401 asking for user-interactive auth, again with
   * the 3PID stage in it (and the UIA session, where the 401 gave one: "if one is provided").
   * Any other first answer is the answer: a server that refuses (or, wrongly, grants) before
   * asking for auth has said what it does.
   */
  private async withThreepidAuth(path: string, body: Record<string, unknown>, medium: Medium, creds: ThreepidCreds): Promise<Exchange> {
    const first = await this.hs.http.post(path, body);
    if (uiaFlows(first) === undefined) return first;
    const session = (jsonOf(first) as { session?: unknown }).session;
    const auth = { type: THREEPID_STAGE[medium], threepid_creds: creds, ...(typeof session === 'string' && { session }) };
    const exchange = await this.hs.http.post(path, { ...body, auth });
    const token = (jsonOf(exchange) as { access_token?: unknown } | undefined)?.access_token;
    if (typeof token === 'string') this.secrets.learn(token, 'access token of a new account');
    return exchange;
  }
}

/** The `flows` of a 401 that asks for user-interactive auth; undefined for any other answer. */
function uiaFlows(exchange: Exchange): unknown[] | undefined {
  const flows = (jsonOf(exchange) as { flows?: unknown } | undefined)?.flows;
  return exchange.response?.status === 401 && Array.isArray(flows) ? flows : undefined;
}
