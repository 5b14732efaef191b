// The "Establishing associations" endpoints: requestToken, submitToken, getValidated3pid,
// bind and unbind, with the checks and errors the identity-service spec gives them.

import { randomBytes } from 'node:crypto';
import { canonicalEmail, canonicalMsisdn } from './addresses.js';
import { MatrixError } from './matrix-error.js';
import type { Params } from './params.js';
import type { Handler, RouteContext } from './handler.js';
import type { Medium, ValidationSession } from './sessions.js';

export const requestEmailToken: Handler = (ctx) => {
  const params = ctx.params.require('client_secret', 'email', 'send_attempt');
  const email = params.string('email');
  const session = ctx.state.sessions.requestToken(
    {
      medium: 'email',
      clientSecret: params.opaqueId('client_secret'),
      sendAttempt: params.integer('send_attempt'),
      nextLink: optionalUri(params, 'next_link'),
      requestedAddress: email,
      address: canonicalEmail(email),
      api: apiOf(ctx),
    },
    ctx.now,
  );
  return { body: { sid: session.sid } };
};

export const requestMsisdnToken: Handler = (ctx) => {
  const params = ctx.params.require('client_secret', 'country', 'phone_number', 'send_attempt');
  const phoneNumber = params.string('phone_number');
  const country = params.string('country');
  const session = ctx.state.sessions.requestToken(
    {
      medium: 'msisdn',
      clientSecret: params.opaqueId('client_secret'),
      country,
      sendAttempt: params.integer('send_attempt'),
      nextLink: optionalUri(params, 'next_link'),
      requestedAddress: phoneNumber,
      address: canonicalMsisdn(phoneNumber, country),
      api: apiOf(ctx),
    },
    ctx.now,
  );
  // The spec's answer is `{sid}` alone; some services add these, and a homeserver must not
  // depend on them, so they are opt-in.
  const extras = ctx.state.msisdnResponseExtras
    ? { msisdn: session.address, intl_fmt: `+${session.address}`, success: true }
    : {};
  return { body: { sid: session.sid, ...extras } };
};

export function submitToken(medium: Medium): Handler {
  return (ctx) => {
    const params = ctx.params.require('sid', 'client_secret', 'token');
    const sid = params.opaqueId('sid');
    const clientSecret = params.opaqueId('client_secret');
    const token = params.string('token');
    openSession(ctx, sid, clientSecret, medium);
    const session = ctx.state.sessions.submitToken(sid, clientSecret, token, ctx.now);
    // The GET form is the link a person follows; with a next_link the spec sends them on to it.
    // A POST ignores next_link.
    if (ctx.request.method !== 'POST' && session.nextLink !== undefined) {
      return { status: 302, headers: { location: session.nextLink }, body: { success: true } };
    }
    return { body: { success: true } };
  };
}

export const getValidated3pid: Handler = (ctx) => {
  const session = validatedSession(ctx, ctx.params.require('sid', 'client_secret'));
  return { body: { medium: session.medium, address: session.address, validated_at: session.validatedAt } };
};

export const bind: Handler = (ctx) => {
  const params = ctx.params.require('sid', 'client_secret', 'mxid');
  const mxid = params.string('mxid');
  if (!/^@[^:]+:.+$/.test(mxid)) throw new MatrixError(400, 'M_INVALID_PARAM', `Not a Matrix user ID: ${mxid}`);
  const session = validatedSession(ctx, params);
  ctx.state.bindings.push({ medium: session.medium, address: session.address, mxid, sid: session.sid, boundAt: ctx.now });
  return { body: signedAssociation(ctx, session, mxid) };
};

/**
 * The spec accepts three proofs: a homeserver signature (Synapse signs unbinds as a server),
 * the session's sid + client_secret, or (per the v2 security list) an access token. Server
 * signatures are taken on trust: the fake has no way to fetch the homeserver's keys.
 */
export const unbind: Handler = (ctx) => {
  const params = ctx.params.require('mxid', 'threepid');
  const mxid = params.string('mxid');
  const threepid = params.object('threepid').require('medium', 'address');
  const medium = threepid.string('medium');
  const address = threepid.string('address');

  if (params.has('sid') || params.has('client_secret')) {
    const session = openSession(ctx, params.opaqueId('sid'), params.opaqueId('client_secret'));
    if (session.medium !== medium || session.address !== address) {
      throw new MatrixError(403, 'M_FORBIDDEN', 'The session does not prove ownership of that 3PID');
    }
  } else if (ctx.account === undefined && !hasServerSignature(ctx)) {
    throw new MatrixError(401, 'M_UNAUTHORIZED', 'Unbind needs a server signature, a session, or an access token');
  }

  const { bindings } = ctx.state;
  const kept = bindings.filter((b) => !(b.medium === medium && b.address === address && b.mxid === mxid));
  bindings.splice(0, bindings.length, ...kept);
  return { body: {} };
};

function openSession(ctx: RouteContext, sid: string, clientSecret: string, medium?: Medium): ValidationSession {
  const session = ctx.state.sessions.open(sid, clientSecret, ctx.now);
  // A session of the other medium is, for this endpoint, no session at all.
  if (medium !== undefined && session.medium !== medium) {
    throw new MatrixError(404, 'M_NO_VALID_SESSION', `Session ${sid} is not a ${medium} session`);
  }
  return session;
}

function validatedSession(ctx: RouteContext, params: Params): ValidationSession {
  const session = openSession(ctx, params.opaqueId('sid'), params.opaqueId('client_secret'));
  if (session.validatedAt === undefined) {
    throw new MatrixError(400, 'M_SESSION_NOT_VALIDATED', 'This validation session has not yet been completed');
  }
  return session;
}

const ASSOCIATION_LIFETIME_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/**
 * Shaped like a signed association; the signature is random bytes, not ed25519 over canonical
 * JSON. Homeservers do not check it on bind, and nothing in this suite should trust it.
 */
function signedAssociation(ctx: RouteContext, session: ValidationSession, mxid: string): Record<string, unknown> {
  return {
    address: session.address,
    medium: session.medium,
    mxid,
    not_before: ctx.now,
    not_after: ctx.now + ASSOCIATION_LIFETIME_MS,
    ts: ctx.now,
    signatures: { [ctx.state.serverName]: { 'ed25519:0': randomBytes(64).toString('base64').replace(/=+$/, '') } },
  };
}

function optionalUri(params: Params, name: string): string | undefined {
  const value = params.optionalString(name);
  if (value !== undefined && !URL.canParse(value)) {
    throw new MatrixError(400, 'M_INVALID_PARAM', `Parameter '${name}' must be a URI`);
  }
  return value;
}

function hasServerSignature(ctx: RouteContext): boolean {
  return /^X-Matrix\s/i.test(ctx.request.headers['authorization'] ?? '');
}

function apiOf(ctx: RouteContext): NonNullable<RouteContext['api']> {
  if (ctx.api === undefined) throw new Error('a versioned endpoint was routed without its API version');
  return ctx.api;
}
