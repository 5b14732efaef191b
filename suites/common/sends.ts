// The request most scenarios make before (or as) what they check: one that must be answered
// 200 and send its validation message.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { Exchange } from '../../harness/http/exchange.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import { requestTokenSuccess } from '../../harness/model/matchers.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { MediumKit } from './media.js';

/** Asks for a token for the identity, expects 200 with a RequestTokenResponse, and waits for the message; returns the exchange. */
export async function requestAndWaitForSend(
  context: ScenarioContext,
  endpoint: EndpointKey,
  kit: MediumKit,
  identity: FreshIdentity,
  overrides: Record<string, unknown> = {},
): Promise<Exchange> {
  const since = kit.mark(context, identity);
  const exchange = await context.hs.requestToken(endpoint, kit.body(identity, overrides));
  context.must.match(exchange, requestTokenSuccess());
  await kit.waitForSend(context, identity, since);
  return exchange;
}
