// A requestToken asked as a scenario's requester would, and what it started: the session's
// threepid_creds, and everything the server sent for it followed as the address's owner would.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { isRateLimited, jsonOf, statusAndErrcode, type Exchange } from '../../harness/http/exchange.js';
import { matrixError } from '../../harness/model/matchers.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import { purposeRequest, THREEPID_STAGE, type ThreepidCreds, type ThreepidPurpose } from '../../harness/target/threepid-auth.js';
import type { TokenRequested } from '../../harness/target/validation.js';
import type { MediumKit } from './media.js';

/** The name a scenario gives the 200 that starts a session, so that it knows to go on. */
export const SESSION_STARTED = '200: a session was started';

/** POSTs the kit's body for the identity, noting where its mailbox stood before. */
export async function askFor(
  context: Pick<ScenarioContext, 'hs' | 'accounts'>,
  endpoint: EndpointKey,
  kit: MediumKit,
  identity: FreshIdentity,
): Promise<TokenRequested> {
  const address = kit.canonical(identity);
  const mailsBefore = context.accounts.validation.mailsNow(kit.medium, address);
  const answer = await context.hs.requestToken(endpoint, kit.body(identity));
  return { medium: kit.medium, address, clientSecret: identity.clientSecret, answer, mailsBefore };
}

/** Follows whatever the server sent for the request, and records what that was and how it went. */
export async function followEverything(context: Pick<ScenarioContext, 'accounts' | 'observe'>, requested: TokenRequested): Promise<void> {
  const followed = await context.accounts.validation.followAll(requested);
  if (followed.length === 0) context.observe('nothing arrived that could validate the session');
  for (const { what, exchange } of followed) context.observe(`${what}: answered ${exchange.response?.status ?? exchange.error}`);
}

/** The threepid_creds naming the session the 200 started (id_server where the request named one). */
export function sessionCreds(requested: TokenRequested, identity: FreshIdentity): ThreepidCreds {
  const sid = (jsonOf(requested.answer) as { sid?: unknown } | undefined)?.sid;
  return { sid: String(sid), client_secret: requested.clientSecret, ...identity.idServer };
}

/**
 * Where the request the session is for offers no flow of the medium's stage alone, using the
 * session shows nothing (a refusal would be for want of the stage, a pass for nothing): the
 * scenario does not apply, and the spec asks no server to offer the stage.
 */
export async function requireThreepidStage(context: Pick<ScenarioContext, 'accounts' | 'notApplicable'>, purpose: ThreepidPurpose, kit: MediumKit): Promise<void> {
  const stage = THREEPID_STAGE[kit.medium];
  const offered = await context.accounts.auth.flows(purpose);
  if (offered.flows?.some((flow) => flow.length === 1 && flow[0] === stage)) return;
  const what = offered.flows ? `flows ${JSON.stringify(offered.flows)}` : `answer ${offered.exchange.response?.status ?? offered.exchange.error}`;
  context.notApplicable(`${purposeRequest(purpose)} offers no flow of ${stage} alone (${what}), and the spec asks none to`);
}

/**
 * The attempt to use the session must be refused: a 4xx standard error, or 501 from a server
 * that does not implement the auth type at all (Dendrite's answer to a stage it does not
 * offer). Which, and its errcode, is recorded.
 */
export function expectRefused(context: Pick<ScenarioContext, 'must' | 'observe' | 'notApplicable'>, attempt: Exchange, what: string): void {
  // A rate limit refuses whatever the session is: it shows nothing either way.
  if (isRateLimited(attempt)) context.notApplicable(`${what} was rate-limited (${statusAndErrcode(attempt)}), which says nothing of the session`);
  context.must.matchOneOf(attempt, {
    'refused with a 4xx standard error': matrixError('any 4xx'),
    'refused with 501: the auth type is not implemented': matrixError(501),
  });
  context.observe(`${what} was refused: ${statusAndErrcode(attempt)}`);
}
