// Discovery and the v2 account endpoints: status, versions, account registration, terms.

import { MatrixError } from './matrix-error.js';
import type { IdentityAccount } from './accounts.js';
import type { Handler, RouteContext } from './handler.js';

/** Spec releases whose identity-service API the fake answers to (the v1 API is r0.x's). */
const SUPPORTED_VERSIONS = ['r0.3.0', ...Array.from({ length: 19 }, (_, i) => `v1.${i + 1}`)];

export const status: Handler = () => ({ body: {} });

export const versions: Handler = () => ({ body: { versions: SUPPORTED_VERSIONS } });

/**
 * A real service checks the OpenID token by asking the user's homeserver over federation who
 * it belongs to. The fake issues a token without asking, so the account is named after the
 * server alone; it only checks that the body looks like an OpenID token.
 */
export const registerAccount: Handler = (ctx) => {
  const params = ctx.params.require('access_token', 'matrix_server_name');
  params.string('access_token');
  const serverName = params.string('matrix_server_name');
  const account = ctx.state.accounts.issue(`@openid-user:${serverName}`);
  return { body: { token: account.token } };
};

export const getAccount: Handler = (ctx) => ({ body: { user_id: signedIn(ctx).userId } });

/** Logout documents its own error for an unknown token, M_UNKNOWN_TOKEN, rather than M_UNAUTHORIZED. */
export const logout: Handler = (ctx) => {
  if (ctx.account === undefined) throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token');
  ctx.state.accounts.revoke(ctx.account.token);
  return { body: {} };
};

/** No policies: a homeserver or client never has to accept anything to use the fake. */
export const getTerms: Handler = () => ({ body: { policies: {} } });

export const acceptTerms: Handler = (ctx) => {
  const urls = ctx.params.stringArray('user_accepts');
  signedIn(ctx).acceptedTerms.push(...urls);
  return { body: {} };
};

/** These endpoints are about the caller's own account, so they need one even when the fake is told not to enforce tokens. */
function signedIn(ctx: RouteContext): IdentityAccount {
  if (ctx.account === undefined) throw new MatrixError(401, 'M_UNAUTHORIZED', 'An access token is required');
  return ctx.account;
}
