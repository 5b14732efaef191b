// Everything the route handlers read and change, in one place the server owns.

import type { AccountStore } from './accounts.js';
import type { Medium, SessionStore } from './sessions.js';

export interface Binding {
  readonly medium: Medium;
  readonly address: string;
  readonly mxid: string;
  readonly sid: string;
  readonly boundAt: number;
}

export interface IdentityState {
  readonly sessions: SessionStore;
  readonly accounts: AccountStore;
  readonly bindings: Binding[];
  /** `127.0.0.1:PORT`: the name the fake signs associations with. */
  readonly serverName: string;
  /** Enforce the v2 API's access token where the spec asks for one. */
  readonly requireAccessToken: boolean;
  /** Add `msisdn`, `intl_fmt` and `success` to the msisdn requestToken answer, beyond the spec's `{sid}`. */
  readonly msisdnResponseExtras: boolean;
}
