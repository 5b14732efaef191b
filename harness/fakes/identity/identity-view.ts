// One scenario's view of the shared fake identity service: the requests, sessions and
// messages that belong to the addresses, client secrets and access tokens the scenario
// claimed, and faults that only its own requests meet. Scenarios running side by side each
// hold one, so nothing is reset between them and none sees another's traffic.
//
//   const view = new IdentityView(service);
//   view.claim({ clientSecrets: [secret], addresses: ['alice@example.test'] });
//   view.inject({ path: '/validate/email/requestToken', fault: { kind: 'hang' }, times: 1 });
//   view.requestsTo('/validate/email/requestToken', mark)  // this scenario's only

import { canonicalEmail, canonicalMsisdn } from './addresses.js';
import type { ExpectQuietOptions, FakeIdentityService, IdentityMark } from './fake-identity-service.js';
import type { FaultRule } from './faults.js';
import { accessTokenOf, type RecordedRequest } from './recording.js';
import type { Medium, SentToken, ValidationSession } from './sessions.js';

export interface Claim {
  /** A client secret claims the secrets derived from it too (`<secret>.<anything>`). */
  clientSecrets?: readonly string[];
  /** Email addresses and canonical msisdns (digits without `+`). */
  addresses?: readonly string[];
}

export class IdentityView {
  private readonly clientSecrets = new Set<string>();
  private readonly addresses = new Set<string>();
  private readonly accessTokens = new Set<string>();

  constructor(private readonly service: FakeIdentityService) {}

  claim({ clientSecrets = [], addresses = [] }: Claim): void {
    for (const secret of clientSecrets) this.clientSecrets.add(secret);
    for (const address of addresses) this.addresses.add(address.toLowerCase());
  }

  /** An access token for the v2 API; requests that carry it belong to this view. */
  issueAccessToken(userId?: string): string {
    const token = this.service.issueAccessToken(userId);
    this.accessTokens.add(token);
    return token;
  }

  /** The request carries one of the view's client secrets, sids, addresses or access tokens. */
  owns(request: RecordedRequest): boolean {
    const token = accessTokenOf(request);
    if (token !== undefined && this.accessTokens.has(token)) return true;
    const params = { ...request.query, ...(isRecord(request.body) ? request.body : {}) };
    if (typeof params['client_secret'] === 'string' && this.ownsSecret(params['client_secret'])) return true;
    if (typeof params['sid'] === 'string' && this.session(params['sid']) !== undefined) return true;
    return addressesIn(params).some((address) => this.addresses.has(address));
  }

  /** Faults the view injects apply to its own requests only. */
  inject(rule: FaultRule): void {
    const scope = rule.scope;
    this.service.inject({ ...rule, scope: (request) => this.owns(request) && (scope === undefined || scope(request)) });
  }

  mark(): IdentityMark {
    return this.service.mark();
  }

  requestsTo(pathSuffix: string, since?: IdentityMark): RecordedRequest[] {
    return this.service.requestsTo(pathSuffix, since).filter((request) => this.owns(request));
  }

  get sessions(): readonly ValidationSession[] {
    return this.service.sessions.filter((session) => this.ownsSession(session));
  }

  session(sid: string): ValidationSession | undefined {
    const session = this.service.session(sid);
    return session && this.ownsSession(session) ? session : undefined;
  }

  get sent(): readonly SentToken[] {
    return this.service.sent.filter((token) => this.addresses.has(token.address) || this.session(token.sid) !== undefined);
  }

  sentTo(medium: Medium, address: string, since?: IdentityMark): SentToken[] {
    return this.service.sentTo(medium, address, since);
  }

  expectQuiet(medium: Medium, address: string, options: ExpectQuietOptions): Promise<void> {
    return this.service.expectQuiet(medium, address, options);
  }

  get url(): string {
    return this.service.url;
  }

  get serverName(): string {
    return this.service.serverName;
  }

  get certificatePem(): string | undefined {
    return this.service.certificatePem;
  }

  private ownsSecret(secret: string): boolean {
    return [...this.clientSecrets].some((claimed) => secret === claimed || secret.startsWith(`${claimed}.`));
  }

  private ownsSession(session: ValidationSession): boolean {
    return this.ownsSecret(session.clientSecret) || this.addresses.has(session.address);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The addresses a request names, canonical: `email`, `phone_number` with `country`, a `threepid`. */
function addressesIn(params: Record<string, unknown>): string[] {
  const found: string[] = [];
  const email = params['email'];
  if (typeof email === 'string') found.push(lenient(() => canonicalEmail(email)) ?? email.toLowerCase());
  const phone = params['phone_number'];
  if (typeof phone === 'string') {
    const country = typeof params['country'] === 'string' ? params['country'] : undefined;
    found.push(lenient(() => canonicalMsisdn(phone, country)) ?? phone);
  }
  const threepid = params['threepid'];
  if (isRecord(threepid) && typeof threepid['address'] === 'string') found.push(threepid['address'].toLowerCase());
  return found;
}

/** A malformed address is still the one sent; only a valid one has a canonical form. */
function lenient(canonical: () => string): string | undefined {
  try {
    return canonical();
  } catch {
    return undefined;
  }
}
