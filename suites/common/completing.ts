// Completing a validation the requestToken started: the token submitted to the answer's
// submit_url (which speaks the identity service's POST submitToken, without an access
// token), and the mailed link, which sends the user on to the client's next_link.
import type { EndpointKey } from '../../harness/model/endpoints.js';
import type { Exchange } from '../../harness/http/exchange.js';
import { jsonOf } from '../../harness/http/exchange.js';
import type { CapturedMail } from '../../harness/fakes/mail/captured-mail.js';
import { decodeHtmlEntities } from '../../harness/fakes/mail/validation-link.js';
import type { FreshIdentity } from '../../harness/model/identities.js';
import { field, jsonContentType, matrixError, requestTokenSuccess, status, successStatus, type Matcher } from '../../harness/model/matchers.js';
import { family, type FamilyScenario } from '../../harness/model/scenario.js';
import { noted, refs } from '../../harness/model/spec-refs.js';
import { atLeast } from '../../harness/model/spec-versions.js';
import type { ScenarioContext } from '../../harness/runner/context.js';
import type { MediumKit } from './media.js';
import { REF } from './references.js';
import { bindingNeeds, subject, type AddressState } from './subjects.js';

const MAIL_WAIT_MS = 15_000;
const NEXT_LINK = 'https://client.example.test/validated?step=done';

/** The token the user was sent: the identity service's, where it sent one, else the mailed link's. */
async function sentToken(context: ScenarioContext, kit: MediumKit, identity: FreshIdentity, since: number): Promise<string> {
  const session = context.is.sessions.find((s) => s.clientSecret === identity.clientSecret && s.medium === kit.medium);
  if (session) return session.token;
  const mail = await context.mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS, after: since });
  if (mail.token === undefined) throw new Error(`the mail to ${identity.email} carries no token the harness can read ("${mail.subject}")`);
  return mail.token;
}

/** Asks for a token; returns the sid and the submit_url, undefined where the 200 carries none. */
async function started(
  context: ScenarioContext,
  endpoint: EndpointKey,
  kit: MediumKit,
  identity: FreshIdentity,
  overrides: Record<string, unknown> = {},
): Promise<{ sid: string; submitUrl: string | undefined; exchange: Exchange }> {
  const exchange = await context.hs.requestToken(endpoint, kit.body(identity, overrides));
  context.must.match(exchange, requestTokenSuccess());
  const body = jsonOf(exchange) as { sid: string; submit_url?: unknown };
  return { sid: body.sid, submitUrl: typeof body.submit_url === 'string' ? body.submit_url : undefined, exchange };
}

/** Asks for a token (which must succeed) and waits for the mail the server sends for it. */
async function mailedFor(
  context: ScenarioContext,
  endpoint: EndpointKey,
  kit: MediumKit,
  identity: FreshIdentity,
  overrides: Record<string, unknown> = {},
): Promise<CapturedMail> {
  const since = Date.now();
  context.must.match(await context.hs.requestToken(endpoint, kit.body(identity, overrides)), requestTokenSuccess());
  return context.mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS, after: since });
}

/**
 * v1.18 gave submit_url the identity service's response and errors: a wrong token is its 400
 * (whose list of codes is "Some possible errors", so any errcode will do; which one is
 * recorded); before, any standard error said no.
 */
function wrongTokenAnswers(context: ScenarioContext): Record<string, readonly Matcher[]> {
  const refused: Record<string, readonly Matcher[]> = atLeast(context.spec, 'v1.18')
    ? { '400 M_TOKEN_INCORRECT': matrixError(400, 'M_TOKEN_INCORRECT'), '400 with another errcode': matrixError(400) }
    : { 'a 4xx standard error': matrixError('any 4xx') };
  return { ...refused, '200 {"success": false}': [status(200), jsonContentType(), field('success', false)] };
}

/**
 * Until v1.18 submit_url promised the identity service's request parameters only ("identical
 * parameters"); v1.18 added its response, {"success": true} for the right token.
 */
function rightTokenAnswer(context: ScenarioContext): Matcher[] {
  return atLeast(context.spec, 'v1.18') ? [status(200), jsonContentType(), field('success', true)] : [successStatus()];
}

export function completingScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  const needs = [kit.validates, kit.sendsObservable, ...bindingNeeds(kit, state)] as const;
  const submitRef = refs(REF.submitUrl, REF.identitySubmitToken(kit.medium));
  const noSubmitUrl = 'the 200 carries no submit_url: the client is not involved in validation (allowed), so there is nothing to submit';
  return family('completing validation', [
    {
      name: 'submit-url-accepts-token',
      title: `Where the 200 carries a submit_url, POSTing {sid, client_secret, token} there without an access token succeeds (from v1.18, 200 {"success": true}), not a redirect to the request's next_link`,
      level: 'must',
      says: 'a URL where the client must submit the validation token, with identical request and response parameters … (without the requirement for an access token)',
      statements: ['B3', 'E5', 'A8'],
      specRef: submitRef,
      since: 'r0.5.0',
      needs,
      failsUnder: ['submit-url-refuses-token', 'submit-url-redirects'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const since = Date.now();
        // next_link "is ignored when submitting 3PID validation information through a POST request".
        const { sid, submitUrl } = await started(context, endpoint, kit, identity, { next_link: NEXT_LINK });
        if (submitUrl === undefined) return context.notApplicable(noSubmitUrl);
        const token = await sentToken(context, kit, identity, since);
        const submitted = await context.hs.http.post(submitUrl, { sid, client_secret: identity.clientSecret, token });
        context.must.match(submitted, ...rightTokenAnswer(context));
        context.observe(`answered ${submitted.response?.status} ${submitted.response?.body.slice(0, 200) ?? ''}`);
      },
    },
    {
      name: 'submit-url-wrong-token',
      title: `Where the 200 carries a submit_url, a wrong token POSTed there is refused: a 400 standard error since v1.18 (M_TOKEN_INCORRECT, or another of the identity service's codes; before it, any 4xx standard error), or 200 {"success": false}`,
      level: 'must',
      says: 'with identical request and response parameters and error codes to the Identity Service API\'s POST /validate/email/submitToken',
      statements: ['B3', 'B4', 'E5'],
      specRef: noted(submitRef, '400 response, "M_TOKEN_INCORRECT: The token that the user entered to validate the session is incorrect", since v1.18'),
      since: 'r0.5.0',
      needs,
      failsUnder: ['submit-url-wrong-token-200'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const since = Date.now();
        const { sid, submitUrl } = await started(context, endpoint, kit, identity);
        if (submitUrl === undefined) return context.notApplicable(noSubmitUrl);
        const token = await sentToken(context, kit, identity, since);
        const wrong = /^\d+$/.test(token) ? String((Number(token) + 1) % 10 ** token.length).padStart(token.length, '0') : `${token}x`;
        context.must.matchOneOf(await context.hs.http.post(submitUrl, { sid, client_secret: identity.clientSecret, token: wrong }), wrongTokenAnswers(context));
      },
    },
  ]);
}

/**
 * Email the server validates itself (by SMTP): its mailed link, followed, sends the user to
 * next_link; the token it carries is one an identity service could have made.
 */
export function mailedLinkScenarios(endpoint: EndpointKey, kit: MediumKit, state: AddressState): FamilyScenario[] {
  const needs = ['email-by-smtp', ...bindingNeeds(kit, state)] as const;
  return family('completing validation', [
    {
      name: 'validation-token-length',
      title: 'The validation token the server mails consists of at most 255 Unicode codepoints',
      level: 'must',
      says: 'the validation token must consist of at most 255 Unicode codepoints',
      statements: ['E7'],
      specRef: REF.validationTokenFormat,
      // From r0.6.0 the homeserver validates email itself, in the identity service's place.
      since: 'r0.6.0',
      needs,
      failsUnder: ['token-too-long'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const mail = await mailedFor(context, endpoint, kit, identity);
        if (mail.token === undefined) return context.notApplicable('the mailed link carries no token parameter, so its length cannot be read');
        const codepoints = [...mail.token].length;
        if (codepoints > 255) throw new Error(`the mailed token is ${codepoints} codepoints long`);
        context.observe(`the mailed token is ${codepoints} codepoints long`);
      },
    },
    {
      name: 'next-link-redirects',
      title: 'With a next_link in the request, following the mailed validation link redirects (3xx) to that next_link',
      level: 'must',
      says: 'The user must be redirected to the URL provided by the `next_link` parameter',
      statements: ['A8', 'E4'],
      specRef: refs(noted(REF.identityNextLink('email'), '"When the validation is completed, the identity server will redirect the user to this URL"'), REF.identitySubmitTokenLink('email')),
      // From r0.6.0 the homeserver validates email itself, and serves the link the identity service did.
      since: 'r0.6.0',
      needs,
      failsUnder: ['next-link-ignored'],
      async run(context) {
        const identity = await subject(context, kit, state);
        const mail = await mailedFor(context, endpoint, kit, identity, { next_link: NEXT_LINK });
        if (!mail.validationLink) throw new Error(`the mail to ${identity.email} carries no validation link ("${mail.subject}")`);
        const followed = await context.hs.http.get(mail.validationLink);
        // A server may ask the user to confirm before it validates (Synapse does for password
        // resets): the 3XX is for a validated address, so the confirming form is submitted first.
        const form = confirmationForm(followed, mail.validationLink);
        if (form === undefined) return context.must.match(followed, redirectTo(NEXT_LINK));
        context.observe('the link answered a page asking to confirm; its form was submitted, as the user would');
        const confirmed = await context.hs.http.send({
          method: 'POST',
          path: form.action,
          body: new URLSearchParams(form.fields).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        context.must.match(confirmed, redirectTo(NEXT_LINK));
      },
    },
  ]);
}

/**
 * The one POST form of a 2xx HTML page, with its hidden fields, where the page is one; its
 * action resolved against the page's URL (none: the page itself).
 */
function confirmationForm(exchange: Exchange, pageUrl: string): { action: string; fields: Record<string, string> } | undefined {
  const code = exchange.response?.status ?? 0;
  const html = typeof exchange.response?.body === 'string' ? exchange.response.body : '';
  if (code < 200 || code >= 300) return undefined;
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].filter(([, attributes]) => /method\s*=\s*["']?post/i.test(attributes ?? ''));
  if (forms.length !== 1) return undefined;
  const [, attributes, inner] = forms[0]!;
  const action = /action\s*=\s*["']([^"']*)["']/i.exec(attributes ?? '')?.[1];
  const fields: Record<string, string> = {};
  for (const [input] of (inner ?? '').matchAll(/<input\b[^>]*>/gi)) {
    const name = /name\s*=\s*["']([^"']*)["']/i.exec(input)?.[1];
    const value = /value\s*=\s*["']([^"']*)["']/i.exec(input)?.[1];
    if (name !== undefined) fields[name] = decodeHtmlEntities(value ?? '');
  }
  return { action: new URL(action ? decodeHtmlEntities(action) : pageUrl, pageUrl).toString(), fields };
}

function redirectTo(location: string): Matcher {
  return {
    expectation: `a 3xx redirect with Location ${location}`,
    mismatch: (exchange) => {
      const code = exchange.response?.status ?? 0;
      const given = exchange.response?.headers['location'];
      if (code < 300 || code >= 400) return `status was ${code}`;
      return given === location ? undefined : `Location was ${given ?? 'absent'}`;
    },
  };
}

