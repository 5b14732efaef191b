// Test accounts and bound addresses, made through the spec's own flows so that a scenario
// about a bound address rests on nothing the spec does not describe.
import { createHmac } from 'node:crypto';
import type { Homeserver } from './homeserver.js';
import type { Exchange } from '../http/exchange.js';
import { jsonOf } from '../http/exchange.js';
import type { FreshIdentity } from '../model/identities.js';
import type { Medium } from '../model/endpoints.js';
import { ScenarioFailure } from '../model/matchers.js';
import type { IdentityView } from '../fakes/identity/identity-view.js';
import type { MailView } from '../fakes/mail/mail-view.js';
import { atLeast, clientPrefix } from '../model/spec-versions.js';
import type { SecretBook } from '../http/redaction.js';
import { ThreepidAuth, type ThreepidCreds } from './threepid-auth.js';

export type { ThreepidCreds } from './threepid-auth.js';
import { Validation } from './validation.js';

export interface Account {
  userId: string;
  accessToken: string;
  password: string;
}

export class Accounts {
  /** Following what a requestToken sent, to validate its session or show it cannot be. */
  readonly validation: Validation;
  /** Password reset, registration and login, authorised by a 3PID session or a password. */
  readonly auth: ThreepidAuth;

  constructor(
    private readonly hs: Homeserver,
    private readonly sharedSecret: string | undefined,
    private readonly mail: Pick<MailView, 'waitFor' | 'mailbox' | 'expectQuiet'>,
    private readonly is: Pick<IdentityView, 'sessions' | 'url' | 'certificatePem'>,
    /** Told every credential made or received here, so that no report carries one. */
    private readonly secrets: Pick<SecretBook, 'learn'> = { learn: () => {} },
  ) {
    this.validation = new Validation(hs, mail, is, secrets);
    this.auth = new ThreepidAuth(hs, secrets);
  }

  /** Registers a user with the registration shared secret (Synapse's admin API). */
  async create(identity: FreshIdentity): Promise<Account> {
    if (!this.sharedSecret) {
      throw new ScenarioFailure('cannot create a test account: no registration shared secret (--shared-secret)', undefined);
    }
    const path = '/_synapse/admin/v1/register';
    const nonceExchange = await this.hs.http.get(path);
    const nonce = field(nonceExchange, 'nonce', 'creating a test account: reading a registration nonce');
    const mac = createHmac('sha1', this.sharedSecret)
      .update([nonce, identity.localpart, identity.password, 'notadmin'].join('\0'))
      .digest('hex');
    this.secrets.learn(nonce, 'registration nonce');
    this.secrets.learn(mac, 'registration mac');
    this.secrets.learn(identity.password, 'password of the test account');
    const registered = await this.hs.http.post(path, {
      nonce,
      username: identity.localpart,
      password: identity.password,
      admin: false,
      mac,
    });
    const accessToken = field(registered, 'access_token', 'creating a test account');
    this.secrets.learn(accessToken, 'access token of the test account');
    return { userId: field(registered, 'user_id', 'creating a test account'), accessToken, password: identity.password };
  }

  /**
   * Binds `identity.email` to a new account: request a token on account/3pid/email, follow
   * the validation link (mailed by the server, or the identity service's where the server
   * proxies to one), then add the address with user-interactive auth.
   */
  async withBoundEmail(identity: FreshIdentity): Promise<Account> {
    const account = await this.create(identity);
    await this.add(account, await this.validatedEmail(account, identity));
    return account;
  }

  /**
   * Binds `identity.msisdn` to a new account: request a token on account/3pid/msisdn, take
   * the token the identity service "texted", submit it where the answer says (its
   * submit_url, else the identity service), then add the number with user-interactive auth.
   */
  async withBoundMsisdn(identity: FreshIdentity): Promise<Account> {
    const account = await this.create(identity);
    await this.add(account, await this.validatedMsisdn(account, identity));
    return account;
  }

  /** A session of `account`'s in which `identity.email` is validated, not yet added. */
  validatedEmail(account: Account, identity: FreshIdentity): Promise<ThreepidCreds> {
    return this.validated(account, identity, 'email', identity.email, { email: identity.email, ...identity.idServer }, 'binding an email');
  }

  /** A session of `account`'s in which `identity.msisdn` is validated, not yet added. */
  validatedMsisdn(account: Account, identity: FreshIdentity): Promise<ThreepidCreds> {
    return this.validated(account, identity, 'msisdn', identity.msisdnCanonical, { ...identity.msisdn }, 'binding a phone number');
  }

  private async validated(account: Account, identity: FreshIdentity, medium: Medium, address: string, fields: Record<string, unknown>, step: string): Promise<ThreepidCreds> {
    const mailsBefore = this.validation.mailsNow(medium, address);
    const answer = await this.hs.requestToken(`3pid-${medium}`, {
      client_secret: identity.clientSecret,
      ...fields,
      send_attempt: 1,
      ...identity.requiredIdServer,
    }, { authorization: `Bearer ${account.accessToken}` });
    const sid = field(answer, 'sid', `${step}: requesting a token on account/3pid/${medium}`);
    await this.validation.complete({ medium, address, clientSecret: identity.clientSecret, answer, mailsBefore }, step);
    const idServer = medium === 'email' ? identity.idServer : undefined;
    return { sid, client_secret: identity.clientSecret, ...idServer, ...identity.requiredIdServer };
  }

  /** GET /account/3pid for the account, as it answered. */
  listThreepids(account: Account): Promise<Exchange> {
    return this.hs.http.get(`${clientPrefix(this.hs.spec)}/account/3pid`, { authorization: `Bearer ${account.accessToken}` });
  }

  /** The addresses bound to the account, from GET /account/3pid. */
  async threepids(account: Account): Promise<Array<{ medium: string; address: string }>> {
    const listed = await this.listThreepids(account);
    const threepids = (jsonOf(listed) as { threepids?: unknown } | undefined)?.threepids;
    if (listed.response?.status !== 200 || !Array.isArray(threepids)) {
      throw new ScenarioFailure('listing the account\'s addresses: expected 200 with a threepids list', listed);
    }
    return threepids as Array<{ medium: string; address: string }>;
  }

  /** Adds the validated session's address to the account; anything but 200 fails the step. */
  async add(account: Account, creds: ThreepidCreds): Promise<void> {
    const added = await this.tryAdd(account, creds);
    if (added.response?.status !== 200) {
      throw new ScenarioFailure(`binding an address: ${this.addPath()} did not answer 200`, added);
    }
  }

  /**
   * Asks to add the session's address, with user-interactive auth, and returns the final
   * answer. From r0.6.0, POST /account/3pid/add, which those releases define for it (a server
   * without it fails here: the deprecated POST /account/3pid is no stand-in); before r0.6.0,
   * POST /account/3pid, the only way those releases give.
   */
  tryAdd(account: Account, creds: ThreepidCreds): Promise<Exchange> {
    const headers = { authorization: `Bearer ${account.accessToken}` };
    if (atLeast(this.hs.spec, 'r0.6.0')) {
      const { id_server: _s, id_access_token: _t, ...addCreds } = creds;
      return this.withPasswordAuth(account, this.addPath(), addCreds, headers);
    }
    return this.withPasswordAuth(account, this.addPath(), { three_pid_creds: creds, bind: false }, headers);
  }

  private addPath(): string {
    const prefix = clientPrefix(this.hs.spec);
    return atLeast(this.hs.spec, 'r0.6.0') ? `${prefix}/account/3pid/add` : `${prefix}/account/3pid`;
  }

  /** POSTs, and where the answer is a 401 with a UIA session, POSTs again with the password. */
  private async withPasswordAuth(account: Account, path: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<Exchange> {
    const first = await this.hs.http.post(path, body, headers);
    const session = first.response?.status === 401 ? (jsonOf(first) as { session?: unknown } | undefined)?.session : undefined;
    if (typeof session !== 'string') return first;
    return this.hs.http.post(path, {
      ...body,
      auth: {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: account.userId },
        user: account.userId,
        password: account.password,
        session,
      },
    }, headers);
  }
}


function field(exchange: Exchange, name: string, step: string): string {
  const body = jsonOf(exchange) as Record<string, unknown> | undefined;
  const value = body?.[name];
  if (exchange.response?.status !== 200 || typeof value !== 'string') {
    throw new ScenarioFailure(`${step}: expected 200 with a string ${name}`, exchange);
  }
  return value;
}

