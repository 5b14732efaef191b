// The fake's endpoints as one table, and the dispatch that applies it: path and method,
// then authentication, then parameters, then the handler.

import {
  acceptTerms,
  getAccount,
  getTerms,
  logout,
  registerAccount,
  status,
  versions,
} from './account-handlers.js';
import { API_BASES, VERSIONS_PATH, type ApiVersion } from './api-paths.js';
import type { Handler, Reply, RouteContext } from './handler.js';
import { MatrixError } from './matrix-error.js';
import { isPlainObject, Params, type ParamEncoding } from './params.js';
import { accessTokenOf, isFormEncoded, type RecordedRequest } from './recording.js';
import type { IdentityState } from './state.js';
import {
  bind,
  getValidated3pid,
  requestEmailToken,
  requestMsisdnToken,
  submitToken,
  unbind,
} from './validation-handlers.js';


/**
 * `access-token`: on the v2 API, the spec's security list applies and a request without a
 * token the fake issued is refused with 401 M_UNAUTHORIZED. The v1 API never had tokens.
 */
type Auth = 'none' | 'access-token';
/** Where parameters are read from; `body-or-query` takes the body's and falls back to the query's. */
type ParamSource = 'none' | 'query' | 'body' | 'body-or-query';
type Apis = 'v1+v2' | 'v2' | 'unversioned';

interface RouteSpec {
  readonly method: 'GET' | 'POST';
  readonly apis: Apis;
  /** Below the API base ('' is the base itself); absolute for unversioned routes. */
  readonly path: string;
  readonly auth: Auth;
  readonly params: ParamSource;
  readonly handle: Handler;
}

function route(method: RouteSpec['method'], apis: Apis, path: string, auth: Auth, params: ParamSource, handle: Handler): RouteSpec {
  return { method, apis, path, auth, params, handle };
}

// prettier-ignore
const ROUTE_TABLE: readonly RouteSpec[] = [
  //    method  APIs           path                              auth            params           handler
  route('GET',  'unversioned', VERSIONS_PATH,                    'none',         'none',          versions),
  route('GET',  'v1+v2',       '',                               'none',         'none',          status),
  route('POST', 'v1+v2',       '/validate/email/requestToken',   'access-token', 'body',          requestEmailToken),
  route('POST', 'v1+v2',       '/validate/msisdn/requestToken',  'access-token', 'body',          requestMsisdnToken),
  // The GET form is the link in the message, followed by a browser that holds no token.
  route('GET',  'v1+v2',       '/validate/email/submitToken',    'none',         'query',         submitToken('email')),
  route('POST', 'v1+v2',       '/validate/email/submitToken',    'access-token', 'body-or-query', submitToken('email')),
  route('GET',  'v1+v2',       '/validate/msisdn/submitToken',   'none',         'query',         submitToken('msisdn')),
  route('POST', 'v1+v2',       '/validate/msisdn/submitToken',   'access-token', 'body-or-query', submitToken('msisdn')),
  route('GET',  'v1+v2',       '/3pid/getValidated3pid',         'access-token', 'query',         getValidated3pid),
  route('POST', 'v1+v2',       '/3pid/bind',                     'access-token', 'body',          bind),
  // Unbind has proofs of its own (a server signature, the session); its handler checks them.
  route('POST', 'v1+v2',       '/3pid/unbind',                   'none',         'body',          unbind),
  route('POST', 'v2',          '/account/register',              'none',         'body',          registerAccount),
  route('GET',  'v2',          '/account',                       'access-token', 'none',          getAccount),
  // Logout answers an unknown token with its own error code; it also needs no body.
  route('POST', 'v2',          '/account/logout',                'none',         'none',          logout),
  route('GET',  'v2',          '/terms',                         'none',         'none',          getTerms),
  route('POST', 'v2',          '/terms',                         'access-token', 'body',          acceptTerms),
];

interface Route extends Omit<RouteSpec, 'apis'> {
  readonly api: ApiVersion | undefined;
}

const ROUTES: readonly Route[] = ROUTE_TABLE.flatMap((spec): Route[] => {
  if (spec.apis === 'unversioned') return [{ ...spec, api: undefined }];
  const apis: ApiVersion[] = spec.apis === 'v2' ? ['v2'] : ['v1', 'v2'];
  return apis.map((api) => ({
    ...spec,
    api,
    path: API_BASES[api] + spec.path,
    auth: api === 'v1' ? 'none' : spec.auth,
  }));
});

export function dispatch(request: RecordedRequest, state: IdentityState, now: number): Reply {
  // A CORS preflight; the CORS headers themselves go on every reply.
  if (request.method === 'OPTIONS') return { body: {} };

  const candidates = ROUTES.filter((r) => r.path === request.path);
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const found = candidates.find((r) => r.method === method);
  if (found === undefined) {
    if (candidates.length === 0) return errorReply(new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'));
    const allow = [...new Set(candidates.map((r) => r.method)), 'OPTIONS'].join(', ');
    return { ...errorReply(new MatrixError(405, 'M_UNRECOGNIZED', 'Unrecognized request method')), headers: { allow } };
  }

  try {
    const account = state.accounts.find(accessTokenOf(request));
    if (found.auth === 'access-token' && state.requireAccessToken && account === undefined) {
      throw new MatrixError(401, 'M_UNAUTHORIZED', 'A valid access token is required');
    }
    const params = paramsFor(found.params, request);
    return found.handle({ request, api: found.api, params, account, state, now });
  } catch (error) {
    if (error instanceof MatrixError) return errorReply(error);
    // A bug in the fake: answer like a broken server would, with enough text to find it.
    return { status: 500, body: { errcode: 'M_UNKNOWN', error: `fake identity service failed: ${String(error)}` } };
  }
}

export function errorReply(error: MatrixError): Reply {
  return { status: error.status, body: error.toJSON() };
}

function paramsFor(source: ParamSource, request: RecordedRequest): Params {
  const { access_token: _credential, ...query } = request.query;
  switch (source) {
    case 'none':
      return new Params({}, 'query');
    case 'query':
      return new Params(query, 'query');
    case 'body': {
      const body = bodyOf(request);
      return new Params(body.values, body.encoding);
    }
    case 'body-or-query': {
      const body = bodyOf(request);
      return new Params({ ...query, ...body.values }, body.encoding);
    }
  }
}

function bodyOf(request: RecordedRequest): { values: Record<string, unknown>; encoding: ParamEncoding } {
  // Form bodies are deprecated but allowed by the spec, and what Dendrite sends.
  if (isFormEncoded(request.contentType)) {
    return { values: isPlainObject(request.body) ? request.body : {}, encoding: 'form' };
  }
  // The spec wants at least `{}`; an empty body is read as that, so the answer names the
  // missing parameters rather than a syntax error.
  if (request.rawBody.trim() === '') return { values: {}, encoding: 'json' };
  if (request.body === undefined) throw new MatrixError(400, 'M_NOT_JSON', 'Content is not valid JSON');
  if (!isPlainObject(request.body)) throw new MatrixError(400, 'M_NOT_JSON', 'Content must be a JSON object');
  return { values: request.body, encoding: 'json' };
}
