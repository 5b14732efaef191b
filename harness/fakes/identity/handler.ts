// What a handler of the fake's endpoints is: a function from the request, as dispatch has
// parsed and authenticated it, to the reply. Apart from routes.ts so that the handlers and
// the table that lists them do not import each other.
import type { IdentityAccount } from './accounts.js';
import type { ApiVersion } from './api-paths.js';
import type { Params } from './params.js';
import type { RecordedRequest } from './recording.js';
import type { IdentityState } from './state.js';

export interface RouteContext {
  readonly request: RecordedRequest;
  /** Undefined for unversioned endpoints such as /versions. */
  readonly api: ApiVersion | undefined;
  readonly params: Params;
  /** The caller, when it sent an access token the fake issued. */
  readonly account: IdentityAccount | undefined;
  readonly state: IdentityState;
  readonly now: number;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RouteContext) => Reply;
