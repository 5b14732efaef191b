// What the server says about addresses that are, or are not, associated with an account.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import { matrixError, requestTokenSuccess } from '../../harness/model/matchers.js';
import type { FamilyScenario } from '../../harness/model/scenario.js';
import { capitalised, type MediumKit } from './media.js';
import { endpointRef, REF } from './references.js';
import { askFor, expectRefused, followEverything, requireThreepidStage, SESSION_STARTED, sessionCreds } from './sessions.js';
import { subject } from './subjects.js';

/** Register and account/3pid: the address must not already be associated with an account. */
export function inUseScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'bound and unbound addresses',
    name: 'in-use',
    title: `${capitalised(kit.aNoun)} already associated with an account answers 400 M_THREEPID_IN_USE, or 200 where the server messages the owner instead`,
    level: 'must',
    says: `The homeserver must check that the given ${kit.noun} is **not** already associated with an account on this homeserver.`,
    statements: ['B6', 'B7'],
    specRef: endpointRef(endpoint, '400 response, M_THREEPID_IN_USE'),
    since: 'r0.4.0',
    needs: [kit.validates, kit.sendsObservable, 'accounts'],
    failsUnder: ['in-use-500', 'in-use-wrong-errcode'],
    async run(context) {
      const identity = await subject(context, kit, 'bound');
      context.must.matchOneOf(await context.hs.requestToken(endpoint, kit.body(identity)), {
        '400 M_THREEPID_IN_USE': matrixError(400, 'M_THREEPID_IN_USE'),
        '200, the owner is messaged instead (recommended)': requestTokenSuccess(),
      });
    },
  };
}

/** account/password: the address must be associated; M_THREEPID_IN_USE may not be returned. */
export function unboundPasswordScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'bound and unbound addresses',
    name: 'not-found',
    title: `${capitalised(kit.aNoun)} associated with no account answers 400 M_THREEPID_NOT_FOUND, or 200 where the server messages the address instead, and never M_THREEPID_IN_USE`,
    level: 'must',
    says: 'M_THREEPID_NOT_FOUND may be returned if no account matching the given email address could be found. … M_THREEPID_IN_USE may not be returned.',
    statements: ['B11', 'B12'],
    specRef: endpointRef(endpoint, 'description ("M_THREEPID_NOT_FOUND may be returned … M_THREEPID_IN_USE may not be returned") and 400 response'),
    since: 'r0.4.0',
    needs: [kit.validates],
    failsUnder: ['password-unbound-in-use'],
    async run({ hs, identity, must }) {
      must.matchOneOf(await hs.requestToken(endpoint, kit.body(identity)), {
        '400 M_THREEPID_NOT_FOUND': matrixError(400, 'M_THREEPID_NOT_FOUND'),
        '200, the address is messaged instead': requestTokenSuccess(),
      });
    },
  };
}

/**
 * Register and account/3pid: where the server answers 200 for a bound address (so as not to
 * tell who has one), whatever it sends must not let the requester take the address: the
 * session can bind nothing (account/3pid/add) and register nobody (/register).
 */
export function inUseSessionUnusableScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  const registers = endpoint.startsWith('register-');
  const use = registers ? 'registers no account with it (POST /register)' : 'adds it to no other account (POST /account/3pid/add)';
  return {
    family: 'bound and unbound addresses',
    name: 'in-use-session-unusable',
    title: `${capitalised(kit.aNoun)} already associated with an account is checked: where the answer is 200, nothing the server sends validates it, and the session ${use}`,
    level: 'must',
    statements: ['B6'],
    says: `must check that the given ${kit.noun} is not already associated with an account on this homeserver`,
    specRef: endpointRef(endpoint, `description ("The homeserver must check that the given ${kit.noun} is not already associated with an account")`),
    since: 'r0.6.0',
    needs: [kit.validates, kit.sendsObservable, 'accounts'],
    failsUnder: ['in-use-validates'],
    async run(context) {
      const identity = await subject(context, kit, 'bound');
      const requested = await askFor(context, endpoint, kit, identity);
      const seen = context.must.matchOneOf(requested.answer, {
        '400 M_THREEPID_IN_USE: no session to use': matrixError(400, 'M_THREEPID_IN_USE'),
        [SESSION_STARTED]: requestTokenSuccess(),
      });
      if (seen !== SESSION_STARTED) return;
      if (registers) await requireThreepidStage(context, 'register', kit);
      await followEverything(context, requested);
      const creds = sessionCreds(requested, identity);
      const requester = context.newIdentity();
      const attempt = registers
        ? await context.accounts.auth.register(kit.medium, creds, requester)
        : await context.accounts.tryAdd(await context.accounts.create(requester), creds);
      expectRefused(context, attempt, registers ? 'registering with the session' : 'adding the address with the session');
    },
  };
}

/**
 * account/password: where the server answers 200 for an address no account has, the session
 * must reset nothing: whatever arrives is followed, and POST /account/password with the
 * session is refused.
 */
export function notFoundSessionUnusableScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'bound and unbound addresses',
    name: 'not-found-session-unusable',
    title: `${capitalised(kit.aNoun)} associated with no account is checked: where the answer is 200, nothing the server sends lets POST /account/password reset a password with the session`,
    level: 'must',
    statements: ['B11', 'F5'],
    says: `must check that the given ${kit.noun} is associated with an account on this homeserver`,
    specRef: endpointRef(endpoint, `description ("The homeserver must check that the given ${kit.noun} is associated with an account")`),
    since: 'r0.6.0',
    needs: [kit.validates, kit.sendsObservable],
    failsUnder: ['not-found-resets'],
    async run(context) {
      const requested = await askFor(context, endpoint, kit, context.identity);
      const seen = context.must.matchOneOf(requested.answer, {
        '400 M_THREEPID_NOT_FOUND: no session to use': matrixError(400, 'M_THREEPID_NOT_FOUND'),
        [SESSION_STARTED]: requestTokenSuccess(),
      });
      if (seen !== SESSION_STARTED) return;
      await requireThreepidStage(context, 'password', kit);
      await followEverything(context, requested);
      const reset = await context.accounts.auth.changePassword(kit.medium, sessionCreds(requested, context.identity), context.newIdentity().password);
      expectRefused(context, reset, 'the password reset with the session');
    },
  };
}

/** Login names the account by the address: one no account has must be refused with 403. */
export function unknownAddressLoginScenario(endpoint: EndpointKey, kit: MediumKit): FamilyScenario {
  return {
    family: 'bound and unbound addresses',
    name: 'login-unknown-address-forbidden',
    title: `POST /login by ${kit.aNoun} associated with no account (identifier m.id.thirdparty) answers 403 Forbidden`,
    level: 'must',
    statements: ['F7'],
    says: 'In the case that the homeserver does not know about the supplied 3PID, the homeserver must respond with 403 Forbidden',
    specRef: REF.loginByThreepid,
    since: 'r0.4.0',
    failsUnder: ['login-unknown-threepid-400'],
    async run({ accounts, identity, must, newIdentity }) {
      const login = await accounts.auth.loginByThreepid(kit.medium, kit.canonical(identity), newIdentity().password);
      must.match(login, matrixError(403));
    },
  };
}
