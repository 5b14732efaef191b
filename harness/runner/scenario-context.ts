// One scenario's context: its own HTTP client (its evidence), its own views of the shared
// fakes, fresh identities claimed in both views, and a loan of pooled identities, all given
// back or closed when the scenario ends.
import { Accounts } from '../target/accounts.js';
import { Homeserver } from '../target/homeserver.js';
import { HttpClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { IdentityView } from '../fakes/identity/identity-view.js';
import type { FakeIdentityService } from '../fakes/identity/fake-identity-service.js';
import { MailView } from '../fakes/mail/mail-view.js';
import type { MailSink } from '../fakes/mail/mail-sink.js';
import { freshIdentity, type FreshIdentity } from '../model/identities.js';
import { matchOneOf, matchResponse, NotApplicable } from '../model/matchers.js';
import type { Scenario } from '../model/scenario.js';
import { atLeast } from '../model/spec-versions.js';
import type { ScenarioContext } from './context.js';
import { Evidence } from './evidence.js';
import type { IdentityPool } from './identity-pool.js';
import type { Target } from './target.js';
import type { SecretBook } from '../http/redaction.js';

/** What every scenario of a run shares. */
export interface RunResources {
  target: Target;
  is: FakeIdentityService;
  mail: MailSink;
  pool: IdentityPool;
  /** The run's live secrets: what the accounts are made with, kept out of every report. */
  secrets: SecretBook;
  /** Aborted when the target is lost: every request in flight ends. */
  signal: AbortSignal;
  /** Every exchange with the target, for the run's health watch. */
  onExchange(exchange: Exchange, scenarioId: string): void;
  /** What the scenario waits for now, for the progress line. */
  onWaiting(scenarioId: string, what: string | undefined): void;
}

export interface OpenedContext {
  context: ScenarioContext;
  evidence: Evidence;
  /** Closes the client; pooled identities go back only after a scenario that finished. */
  close(finished: boolean): Promise<void>;
}

export function openContext(scenario: Scenario, run: RunResources): OpenedContext {
  const { target } = run;
  const evidence = new Evidence(new URL(target.url).origin);
  const http = new HttpClient({
    baseUrl: target.url,
    timeoutMs: target.timeoutMs,
    maxBodyBytes: target.maxBodyBytes,
    signal: run.signal,
    onRequest: (request) => run.onWaiting(scenario.id, scenario.slow ?? `${request.method} ${pathOf(request.url)}`),
    onExchange: (exchange) => {
      evidence.exchange(exchange);
      run.onExchange(exchange, scenario.id);
      run.onWaiting(scenario.id, undefined);
    },
  });
  const hs = new Homeserver(http, target.spec);
  const is = new IdentityView(run.is);
  const mailbox = new MailView(run.mail);
  const idServer =
    target.profile.email.validation === 'identity-service'
      ? { id_server: target.identityServerName ?? run.is.serverName, id_access_token: is.issueAccessToken() }
      : undefined;
  const requiredIdServer = atLeast(target.spec, 'r0.6.0') ? undefined : { id_server: target.identityServerName ?? run.is.serverName };
  const newIdentity = (): FreshIdentity => claimed(freshIdentity(target.profile, idServer, requiredIdServer), is, mailbox);
  const borrowed: Array<{ key: string; identity: FreshIdentity }> = [];
  const accounts = new Accounts(hs, target.sharedSecret, mailbox, is, run.secrets);

  const context: ScenarioContext = {
    target,
    spec: target.spec,
    profile: target.profile,
    hs,
    is,
    mailbox,
    identity: newIdentity(),
    accounts,
    must: {
      match: (exchange, ...matchers) => matchResponse(exchange, matchers.flat(), { spec: target.spec }),
      matchOneOf: (exchange, alternatives) => {
        const seen = matchOneOf(exchange, alternatives, { spec: target.spec });
        evidence.observe(`answered as allowed: ${seen}`);
        return seen;
      },
    },
    observe: (note) => evidence.observe(note),
    notApplicable: (reason) => {
      throw new NotApplicable(reason);
    },
    newIdentity,
    async pooledIdentity(key, prepare) {
      const identity = await run.pool.take(key, async () => {
        const fresh = newIdentity();
        await prepare(fresh);
        return fresh;
      });
      borrowed.push({ key, identity });
      return claimed(identity, is, mailbox);
    },
  };
  return {
    context,
    evidence,
    async close(finished) {
      await http.close();
      // A scenario cut short may still be using what it borrowed; that stays out of the pool.
      if (finished) for (const { key, identity } of borrowed) run.pool.giveBack(key, identity);
    },
  };
}

/** The identity's secrets and addresses, each medium's canonical form included, are the view's. */
function claimed(identity: FreshIdentity, is: IdentityView, mailbox: MailView): FreshIdentity {
  const emails = [identity.email, ...(identity.deniedEmail ? [identity.deniedEmail] : [])];
  const msisdns = [identity.msisdnCanonical, ...(identity.deniedMsisdn ? [identity.deniedMsisdn.phone_number.replace(/\D/g, '')] : [])];
  is.claim({ clientSecrets: [identity.clientSecret], addresses: [...emails, ...msisdns] });
  mailbox.claim(emails);
  return identity;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
