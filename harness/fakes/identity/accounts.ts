// Identity-service accounts (v2 API): an access token per registration, and the terms each
// accepted. Tokens survive FakeIdentityService.reset(): they are credentials a homeserver or
// client may hold on to across scenarios, not per-scenario state.

import { randomBytes } from 'node:crypto';

export interface IdentityAccount {
  readonly token: string;
  readonly userId: string;
  readonly acceptedTerms: string[];
}

export class AccountStore {
  private readonly byToken = new Map<string, IdentityAccount>();

  issue(userId: string): IdentityAccount {
    const account: IdentityAccount = { token: `fis_${randomBytes(18).toString('base64url')}`, userId, acceptedTerms: [] };
    this.byToken.set(account.token, account);
    return account;
  }

  find(token: string | undefined): IdentityAccount | undefined {
    return token === undefined ? undefined : this.byToken.get(token);
  }

  revoke(token: string): boolean {
    return this.byToken.delete(token);
  }
}
