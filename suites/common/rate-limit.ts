// A server that rate-limits requestToken (it SHOULD) refuses with the standard error
// M_LIMIT_EXCEEDED, and where that refusal is a 429, says when to retry. No requestToken
// endpoint documents a 429, and the rate-limiting section names no status: any is accepted,
// and the one seen recorded.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { isRateLimited, type Exchange } from '../../harness/http/exchange.js';
import { header, jsonContentType, matchesSchema, field } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { noted, release } from '../../harness/model/spec-refs.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { MediumKit } from './media.js';
import { REF } from './references.js';

// Enough for any default burst we know of (Synapse's is 5), few enough to stop quickly.
const MAX_REQUESTS = 40;
/** Why each scenario runs alone. */
const EXHAUSTS_THE_LIMIT = "exhausts the server's rate limit, which other scenarios would meet";

/**
 * Requests with fresh addresses until one is refused for their number, or MAX_REQUESTS were
 * sent. The refusal is told by either of its marks, a 429 or the errcode M_LIMIT_EXCEEDED, so
 * that a server which refuses with the other status still shows itself (an unknown address's
 * 400 on account/password is no refusal).
 */
async function firstRefusal(endpoint: EndpointKey, kit: MediumKit, { hs, newIdentity }: Pick<ScenarioContext, 'hs' | 'newIdentity'>): Promise<Exchange> {
  let last: Exchange | undefined;
  for (let i = 0; i < MAX_REQUESTS; i++) {
    last = await hs.requestToken(endpoint, kit.body(newIdentity()));
    if (!last.response || isRateLimited(last)) return last;
  }
  throw new Error(`no refusal after ${MAX_REQUESTS} requests, though the profile says the server rate-limits requestToken (last answer: ${last?.response?.status})`);
}

export function rateLimitScenarios(endpoint: EndpointKey, kit: MediumKit): FamilyScenario[] {
  const needs = [kit.validates, 'rate-limited'] as const;
  return family('rate limiting', [
    {
      name: 'rate-limited',
      title: 'A request refused by rate limiting answers the standard error M_LIMIT_EXCEEDED',
      level: 'should',
      says: 'If a request is refused due to rate limiting, it should return a standard error response of the form {"errcode": "M_LIMIT_EXCEEDED", …}',
      statements: ['C8', 'C10'],
      specRef: REF.rateLimiting,
      since: 'r0.4.0',
      needs,
      exclusive: EXHAUSTS_THE_LIMIT,
      failsUnder: ['rate-limit-wrong-errcode'],
      async run(context) {
        const refused = await firstRefusal(endpoint, kit, context);
        context.must.match(refused, jsonContentType(), matchesSchema('rate-limited'), field('errcode', 'M_LIMIT_EXCEEDED'));
        context.observe(`refused with ${refused.response?.status}`);
      },
    },
    {
      name: 'rate-limit-retry-after',
      title: 'A refusal by rate limiting, where it is a 429, carries a Retry-After header',
      level: 'should',
      says: 'Homeservers SHOULD include a Retry-After header for any response with a 429 status code.',
      statements: ['C9'],
      specRef: noted(REF.rateLimiting, `"Homeservers SHOULD include a Retry-After header", since ${release('v1.10')}`),
      since: 'v1.10',
      needs,
      exclusive: EXHAUSTS_THE_LIMIT,
      failsUnder: ['rate-limit-no-retry'],
      async run(context) {
        const refused = await firstRefusal(endpoint, kit, context);
        if (refused.response?.status !== 429) {
          return context.notApplicable(`refused with ${refused.response?.status}, not 429: the Retry-After rule is for 429 answers`);
        }
        context.must.match(refused, header('Retry-After', /^(\d+|[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)$/));
        const body = refused.response?.body ?? '';
        context.observe(/"retry_after_ms"\s*:/.test(body) ? 'retry_after_ms given as well' : 'no retry_after_ms');
      },
    },
  ]);
}
