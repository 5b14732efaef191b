// A server that rate-limits requestToken (SHOULD) refuses with 429 M_LIMIT_EXCEEDED.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { Exchange } from '../../harness/http/exchange.js';
import { header, jsonContentType, matchesSchema, status, field } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { noted, release } from '../../harness/model/spec-refs.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { MediumKit } from './media.js';
import { REF } from './references.js';

// Enough for any default burst we know of (Synapse's is 5), few enough to stop quickly.
const MAX_REQUESTS = 40;

/** Requests with fresh addresses until one is refused with 429, or MAX_REQUESTS were sent. */
async function firstRefusal(endpoint: EndpointKey, kit: MediumKit, { hs, newIdentity }: Pick<ScenarioContext, 'hs' | 'newIdentity'>): Promise<Exchange> {
  let last: Exchange | undefined;
  for (let i = 0; i < MAX_REQUESTS; i++) {
    last = await hs.requestToken(endpoint, kit.body(newIdentity()));
    if (last.response?.status === 429 || !last.response) return last;
  }
  throw new Error(`no 429 after ${MAX_REQUESTS} requests, though the profile says the server rate-limits requestToken (last answer: ${last?.response?.status})`);
}

export function rateLimitScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  return family('rate limiting', [
    {
      name: 'rate-limited',
      title: 'A request refused by rate limiting answers 429 with the standard error M_LIMIT_EXCEEDED',
      level: 'should',
      specRef: REF.rateLimiting,
      since: 'r0.4.0',
      needs: [kit.validates, 'rate-limited'],
      exclusive: 'exhausts the server\'s rate limit, which other scenarios would meet',
      failsUnder: ['rate-limit-wrong-errcode', 'rate-limit-400'],
      async run(context) {
        const refused = await firstRefusal(endpoint, kit, context);
        context.must.match(refused, status(429), jsonContentType(), matchesSchema('rate-limited'), field('errcode', 'M_LIMIT_EXCEEDED'));
      },
    },
    {
      name: 'rate-limit-retry-after',
      title: 'A 429 answer carries a Retry-After header',
      level: 'should',
      specRef: noted(REF.rateLimiting, `"Homeservers SHOULD include a Retry-After header", since ${release('v1.10')}`),
      since: 'v1.10',
      needs: [kit.validates, 'rate-limited'],
      exclusive: 'exhausts the server\'s rate limit, which other scenarios would meet',
      failsUnder: ['rate-limit-no-retry'],
      async run(context) {
        const refused = await firstRefusal(endpoint, kit, context);
        context.must.match(refused, status(429), header('Retry-After', /^(\d+|[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)$/));
        const body = refused.response?.body ?? '';
        context.observe(/"retry_after_ms"\s*:/.test(body) ? 'retry_after_ms given as well' : 'no retry_after_ms');
      },
    },
  ]);
}
