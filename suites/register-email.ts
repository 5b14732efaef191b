// POST /register/email/requestToken: begin validating an email address for registration.
import { jsonOf, type Exchange } from '../harness/http/exchange.js';
import { header, matrixError, requestTokenSuccess, status, successStatus } from '../harness/matchers.js';
import { suite } from '../harness/scenario.js';
import { badInputScenarios } from './common/bad-input.js';
import { emailBody } from './common/bodies.js';
import { endpointRef, REF } from './common/references.js';

const ENDPOINT = 'register-email';
const MAIL_WAIT_MS = 15_000;
// How long to watch the mailbox before concluding that no (further) mail was sent.
const QUIET_WINDOW_MS = 2_000;

export default suite(ENDPOINT, [
  {
    name: 'success',
    title: 'A request for an address not yet in use answers 200 with a RequestTokenResponse (a session ID)',
    level: 'must',
    specRef: endpointRef(ENDPOINT, '200 response, RequestTokenResponse'),
    since: 'r0.4.0',
    needs: ['email-validation'],
    async run({ hs, identity, must }) {
      must.match(await hs.requestToken(ENDPOINT, emailBody(identity)), requestTokenSuccess());
    },
  },
  {
    name: 'mail-sent',
    title: 'On 200, an email has been sent to the specified address, carrying the validation link',
    level: 'must',
    specRef: endpointRef(ENDPOINT, '200 response ("An email has been sent to the specified address")'),
    since: 'r0.4.0',
    needs: ['email-by-smtp'],
    async run({ hs, identity, mailbox, must }) {
      const since = Date.now();
      must.match(await hs.requestToken(ENDPOINT, emailBody(identity)), requestTokenSuccess());
      const mail = await mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS, after: since });
      if (!mail.validationLink) throw new Error(`the mail to ${identity.email} carries no validation link:\n${mail.text}`);
    },
  },
  {
    name: 'same-send-attempt-no-second-mail',
    title: 'The same client_secret, email and send_attempt again answers success and does not resend the email',
    level: 'should',
    specRef: `${REF.sendAttempt} ("the server should respond with success but not resend the email")`,
    since: 'r0.4.0',
    needs: ['email-by-smtp'],
    async run({ hs, identity, mailbox, must, observe }) {
      const body = emailBody(identity);
      const first = await hs.requestToken(ENDPOINT, body);
      must.match(first, requestTokenSuccess());
      await mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS });
      const retriedAt = Date.now();
      const retry = await hs.requestToken(ENDPOINT, body);
      must.match(retry, requestTokenSuccess());
      await mailbox.expectQuiet(identity.email, { forMs: QUIET_WINDOW_MS, after: retriedAt });
      observe(sameSid(first, retry) ? 'the retry returned the same sid' : 'the retry returned a different sid');
    },
  },
  {
    name: 'higher-send-attempt-resends',
    title: 'A higher send_attempt for the same client_secret and email sends a new email',
    level: 'must',
    specRef: `${REF.sendAttempt} ("The client should increment this value if they desire a new email")`,
    since: 'r0.4.0',
    needs: ['email-by-smtp'],
    async run({ hs, identity, mailbox, must }) {
      must.match(await hs.requestToken(ENDPOINT, emailBody(identity)), requestTokenSuccess());
      await mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS });
      const resentAt = Date.now();
      must.match(await hs.requestToken(ENDPOINT, emailBody(identity, { send_attempt: 2 })), requestTokenSuccess());
      await mailbox.waitFor(identity.email, { timeoutMs: MAIL_WAIT_MS, after: resentAt });
    },
  },
  {
    name: 'denied',
    title: 'An address the homeserver does not permit answers 403 M_THREEPID_DENIED',
    level: 'must',
    specRef: endpointRef(ENDPOINT, '403 response'),
    since: 'r0.4.0',
    needs: ['denied-email'],
    async run({ hs, identity, must }) {
      const exchange = await hs.requestToken(ENDPOINT, emailBody(identity, { email: identity.deniedEmail }));
      must.match(exchange, matrixError(403, 'M_THREEPID_DENIED'));
    },
  },
  {
    name: 'in-use',
    title:
      'An address already associated with an account answers 400 M_THREEPID_IN_USE, or 200 where the server mails the owner instead',
    level: 'must',
    specRef: endpointRef(ENDPOINT, '400 response, M_THREEPID_IN_USE'),
    since: 'r0.4.0',
    needs: ['email-by-smtp', 'accounts'],
    async run({ hs, identity, accounts, must }) {
      await accounts.withBoundEmail(identity);
      const exchange = await hs.requestToken(ENDPOINT, emailBody(identity, { client_secret: `${identity.clientSecret}.again` }));
      must.matchOneOf(exchange, {
        '400 M_THREEPID_IN_USE': matrixError(400, 'M_THREEPID_IN_USE'),
        '200, the owner is mailed instead (recommended)': requestTokenSuccess(),
      });
    },
  },
  ...badInputScenarios({
    endpoint: ENDPOINT,
    validBody: (identity) => emailBody(identity),
    required: ['client_secret', 'email', 'send_attempt'],
    wrongTypes: { client_secret: 12345, email: 12345, send_attempt: '1' },
    needs: ['email-validation'],
  }),
  {
    name: 'email-unparsable',
    title: 'An email that is not an email address is refused with a 4xx standard error',
    level: 'must',
    specRef: REF.emailFormat,
    since: 'v1.14',
    needs: ['email-validation'],
    async run({ hs, identity, must, observe }) {
      const exchange = await hs.requestToken(ENDPOINT, emailBody(identity, { email: 'not an email address' }));
      must.match(exchange, matrixError('any 4xx'));
      observe(`status ${exchange.response?.status}`);
    },
  },
  {
    name: 'options-preflight',
    title: 'An OPTIONS request is answered without performing the endpoint\'s logic (no email is sent)',
    level: 'must',
    specRef: REF.cors,
    since: 'r0.4.0',
    needs: ['email-by-smtp'],
    async run({ hs, identity, mailbox, must }) {
      const sentAt = Date.now();
      const exchange = await hs.requestTokenRaw(ENDPOINT, {
        method: 'OPTIONS',
        body: JSON.stringify(emailBody(identity)),
        headers: { origin: 'https://client.example.test', 'access-control-request-method': 'POST' },
      });
      must.match(exchange, successStatus());
      await mailbox.expectQuiet(identity.email, { forMs: QUIET_WINDOW_MS, after: sentAt });
    },
  },
  {
    name: 'cors-headers',
    title: 'Responses carry the recommended CORS header Access-Control-Allow-Origin: *',
    level: 'should',
    specRef: REF.cors,
    since: 'r0.4.0',
    needs: ['email-validation'],
    async run({ hs, identity, must }) {
      must.match(await hs.requestToken(ENDPOINT, emailBody(identity)), status(200), header('Access-Control-Allow-Origin', /^\*$/));
    },
  },
  {
    name: 'wrong-method',
    title: 'A GET on the endpoint answers 405 M_UNRECOGNIZED',
    level: 'must',
    specRef: REF.unrecognized,
    since: 'v1.6',
    async run({ hs, must }) {
      must.match(await hs.requestTokenRaw(ENDPOINT, { method: 'GET' }), matrixError(405, 'M_UNRECOGNIZED'));
    },
  },
]);

function sameSid(a: Exchange, b: Exchange): boolean {
  const sid = (exchange: Exchange) => (jsonOf(exchange) as { sid?: unknown } | undefined)?.sid;
  return sid(a) !== undefined && sid(a) === sid(b);
}
