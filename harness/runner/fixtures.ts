// The Vitest fixtures behind ScenarioContext: a scenario names what it needs
// (`async run({ hs, mailbox, identity, must })`) and gets it set up and torn down.
import { inject, test } from 'vitest';
import { Accounts } from '../target/accounts.js';
import { Homeserver } from '../target/homeserver.js';
import { HttpClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { FakeIdentityService } from '../fakes/identity/fake-identity-service.js';
import { freshIdentity } from '../model/identities.js';
import { MailSink } from '../fakes/mail/mail-sink.js';
import { matchOneOf, matchResponse } from '../model/matchers.js';
import type { ScenarioContext } from './context.js';
import type { ScenarioMeta } from './meta.js';
import type { Target } from './target.js';

declare module 'vitest' {
  interface ProvidedContext {
    target: Target;
  }
}

const EVIDENCE_BODY_CHARS = 4_096;
const EVIDENCE_EXCHANGES = 12;

/** Keeps what a scenario saw in the task's meta, which Vitest carries to the reporter. */
class Recorder {
  constructor(private readonly meta: ScenarioMeta) {
    meta.exchanges = [];
    meta.observed = [];
  }

  exchange(exchange: Exchange): void {
    const list = this.meta.exchanges!;
    list.push(clipped(exchange));
    if (list.length > EVIDENCE_EXCHANGES) list.shift();
  }

  observe(note: string): void {
    this.meta.observed!.push(note);
  }
}

function clipped(exchange: Exchange): Exchange {
  const clip = (text: string) => (text.length > EVIDENCE_BODY_CHARS ? `${text.slice(0, EVIDENCE_BODY_CHARS)}…` : text);
  return {
    ...exchange,
    request: { ...exchange.request, ...(exchange.request.body !== undefined && { body: clip(exchange.request.body) }) },
    ...(exchange.response && { response: { ...exchange.response, body: clip(exchange.response.body) } }),
  };
}

interface Services {
  is: FakeIdentityService;
  mail: MailSink;
}

type Fixtures = ScenarioContext & { recorder: Recorder; services: Services };

export const scenarioTest = test.extend<Fixtures>({
  // One fake identity service and one mail sink per worker, on the ports the target
  // was configured with, shared by the scenarios and reset between them. Started before
  // the first scenario even where it asks for neither: the server mails or calls them
  // on requests of its own.
  services: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const target = inject('target');
      const is = new FakeIdentityService({ port: target.identityPort, tls: target.identityTls });
      const mail = new MailSink({ port: target.smtpPort });
      await Promise.all([is.start(), mail.start()]);
      try {
        await use({ is, mail });
      } finally {
        await Promise.all([is.stop(), mail.stop()]);
      }
    },
    { scope: 'worker', auto: true },
  ],
  // eslint-disable-next-line no-empty-pattern
  target: async ({}, use) => use(inject('target')),
  spec: async ({ target }, use) => use(target.spec),
  profile: async ({ target }, use) => use(target.profile),
  recorder: [async ({ task }, use) => use(new Recorder(task.meta as ScenarioMeta)), { auto: true }],
  hs: async ({ target, recorder }, use) => {
    const http = new HttpClient({
      baseUrl: target.url,
      timeoutMs: target.timeoutMs,
      maxBodyBytes: target.maxBodyBytes,
      onExchange: (exchange) => recorder.exchange(exchange),
    });
    try {
      await use(new Homeserver(http, target.spec));
    } finally {
      await http.close();
    }
  },
  is: async ({ services }, use) => {
    services.is.reset();
    await use(services.is);
  },
  mailbox: async ({ services }, use) => use(services.mail),
  identity: async ({ profile, is, target }, use) =>
    use(
      freshIdentity(
        profile,
        profile.email.validation === 'identity-service'
          ? { id_server: target.identityServerName ?? is.serverName, id_access_token: is.issueAccessToken() }
          : undefined,
      ),
    ),
  accounts: async ({ hs, target, mailbox, is }, use) => use(new Accounts(hs, target.sharedSecret, mailbox, is)),
  must: async ({ spec, recorder }, use) =>
    use({
      match: (exchange, ...matchers) => matchResponse(exchange, matchers.flat(), { spec }),
      matchOneOf: (exchange, alternatives) => {
        const seen = matchOneOf(exchange, alternatives, { spec });
        recorder.observe(`answered as allowed: ${seen}`);
        return seen;
      },
    }),
  observe: async ({ recorder }, use) => use((note: string) => recorder.observe(note)),
});
