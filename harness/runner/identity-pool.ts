// Identities prepared once (an address bound to an account) and lent to one scenario at a
// time, so that scenarios needing only *some* bound address share a few bindings without
// ever seeing each other's requests to it.
import type { FreshIdentity } from '../model/identities.js';

export class IdentityPool {
  private readonly idle = new Map<string, FreshIdentity[]>();

  /** An idle identity for the key, or one `make` prepares; the caller holds it until it gives it back. */
  async take(key: string, make: () => Promise<FreshIdentity>): Promise<FreshIdentity> {
    return this.idle.get(key)?.pop() ?? make();
  }

  giveBack(key: string, identity: FreshIdentity): void {
    const idle = this.idle.get(key) ?? [];
    idle.push(identity);
    this.idle.set(key, idle);
  }
}
