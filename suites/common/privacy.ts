// Privacy mode: a server following the spec's recommendation (register, account/3pid: "it is
// recommended that the server instead send an email") or taking its option (account/password:
// "The server may instead send an email") answers bound and unbound addresses alike, so that
// nobody learns which addresses have accounts.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { jsonOf, type Exchange } from '../../harness/http/exchange.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import { endpointRecognised } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import { mannWhitney, median } from '../../harness/model/stats.js';
import type { MediumKit } from './media.js';
import { REF } from './references.js';
import { subject } from './subjects.js';

// Twenty each tells a random 100-1000 ms sleep (Synapse's) from a steady answer reliably;
// ten did not always.
const SAMPLES_EACH = 20;
// Below this, a difference is too small to tell apart over a network; above it, and
// significant at P_LIMIT, the server leaks.
const NOTICEABLE_MS = 50;
const P_LIMIT = 0.01;

function shape(exchange: Exchange): string {
  const body = jsonOf(exchange);
  const keys = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).sort().join(',') : 'not a JSON object';
  return `${exchange.response?.status ?? exchange.error} {${keys}}`;
}

/** A bound address and a fresh one, each asked about with its own new client secret. */
async function boundAndUnbound(context: ScenarioContext, kit: MediumKit): Promise<{ bound: FreshIdentity; unbound: FreshIdentity }> {
  return { bound: await subject(context, kit, 'bound'), unbound: context.newIdentity() };
}

export function privacyScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  const needs = [kit.validates, kit.sendsObservable, 'accounts', 'privacy-mode'] as const;
  const password = endpoint.startsWith('password-');
  const basis = password
    ? { level: 'may' as const, says: 'The server may instead send an email to the given address prompting the user to create an account.', statements: ['B12'], specRef: REF.passwordOption(endpoint) }
    : { level: 'should' as const, says: 'it is recommended that the server instead send an email to the user with instructions on how to reset their password', statements: ['B7', 'P1'], specRef: REF.recommendation(endpoint) };
  return family('privacy mode', [
    {
      name: 'privacy-alike',
      title: `In privacy mode, ${kit.aNoun} with an account and one without get the same status and the same body shape`,
      ...basis,
      since: 'r0.4.0',
      needs,
      failsUnder: ['privacy-leak'],
      async run(context) {
        const { bound, unbound } = await boundAndUnbound(context, kit);
        const [forBound, forUnbound] = [
          await context.hs.requestToken(endpoint, kit.body(bound)),
          await context.hs.requestToken(endpoint, kit.body(unbound)),
        ];
        context.observe(`bound: ${shape(forBound)}; unbound: ${shape(forUnbound)}`);
        context.must.match(forBound, endpointRecognised());
        context.must.match(forUnbound, endpointRecognised());
        if (shape(forBound) !== shape(forUnbound)) {
          throw new Error(`the answers tell the addresses apart: bound ${shape(forBound)}, unbound ${shape(forUnbound)}`);
        }
      },
    },
    {
      name: 'privacy-timing',
      title: `In privacy mode, response times do not tell ${kit.aNoun} with an account from one without`,
      ...basis,
      since: 'r0.4.0',
      needs,
      failsUnder: ['privacy-timing-leak'],
      exclusive: 'compares response times, which other scenarios\' load would blur',
      async run(context) {
        const { bound, unbound } = await boundAndUnbound(context, kit);
        const times = { bound: [] as number[], unbound: [] as number[] };
        // Interleaved, so that drift in the server's load falls on both alike.
        for (let i = 0; i < SAMPLES_EACH; i++) {
          for (const [which, identity] of [['bound', bound], ['unbound', unbound]] as const) {
            const exchange = await context.hs.requestToken(endpoint, kit.body({ ...identity, clientSecret: `${identity.clientSecret}.${i}` }));
            if (!exchange.response) throw new Error(`sample ${i} (${which}) got no answer: ${exchange.error}`);
            context.must.match(exchange, endpointRecognised());
            times[which].push(exchange.durationMs);
          }
        }
        const { p } = mannWhitney(times.bound, times.unbound);
        const difference = median(times.bound) - median(times.unbound);
        const finding = `median ${median(times.bound)} ms bound vs ${median(times.unbound)} ms unbound over ${SAMPLES_EACH} samples each (difference ${difference} ms, Mann-Whitney p = ${p.toPrecision(2)})`;
        context.observe(finding);
        if (p < P_LIMIT && Math.abs(difference) > NOTICEABLE_MS) throw new Error(`timing leak: ${finding}`);
      },
    },
  ]);
}
