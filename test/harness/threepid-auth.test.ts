// The harness's side of user-interactive auth by a 3PID session, against a scripted server:
// the stage is sent after a 401 that asks for auth, with the UIA session only where the
// server gave one; and what a session refusal can and cannot show.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpClient } from '../../harness/http/client.js';
import type { Exchange } from '../../harness/http/exchange.js';
import { mismatches, NotApplicable, type Matcher } from '../../harness/model/matchers.js';
import { Homeserver } from '../../harness/target/homeserver.js';
import { ThreepidAuth } from '../../harness/target/threepid-auth.js';
import { expectRefused, requireThreepidStage } from '../../suites/common/sessions.js';
import { EMAIL } from '../../suites/common/media.js';
import { httpServer, type Loopback } from './loopback.js';

interface Scripted {
  status: number;
  body: unknown;
}

/** What the server answers next, per path; and the bodies it was sent. */
const script = new Map<string, Scripted[]>();
const received: Array<{ path: string; body: Record<string, unknown> }> = [];
let server: Loopback;
let http: HttpClient;
let auth: ThreepidAuth;

beforeAll(async () => {
  server = await httpServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, body: JSON.parse(text || '{}') });
      const next = script.get(path)?.shift() ?? { status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'not scripted' } };
      res.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
    });
  });
  http = new HttpClient({ baseUrl: server.url, timeoutMs: 2_000, maxBodyBytes: 65_536 });
  auth = new ThreepidAuth(new Homeserver(http, 'v1.19'));
});
afterAll(async () => {
  await http.close();
  await server.close();
});

const PASSWORD = '/_matrix/client/v3/account/password';
const CREDS = { sid: 'sid1', client_secret: 'secret1' };
const EMAIL_FLOW = { flows: [{ stages: ['m.login.email.identity'] }], params: {} };

function answers(path: string, ...replies: Scripted[]): void {
  script.set(path, replies);
  received.length = 0;
}

describe('ThreepidAuth', () => {
  test('after a 401 asking for auth, the stage is sent with the UIA session the server gave', async () => {
    answers(PASSWORD, { status: 401, body: { ...EMAIL_FLOW, session: 'uia1' } }, { status: 200, body: {} });
    expect((await auth.changePassword('email', CREDS, 'new-pass')).response?.status).toBe(200);
    expect(received[1]?.body['auth']).toEqual({ type: 'm.login.email.identity', threepid_creds: CREDS, session: 'uia1' });
  });

  test('a 401 without a session ("if one is provided") gets the stage without one', async () => {
    answers(PASSWORD, { status: 401, body: EMAIL_FLOW }, { status: 200, body: {} });
    expect((await auth.changePassword('email', CREDS, 'new-pass')).response?.status).toBe(200);
    expect(received).toHaveLength(2);
    expect(received[1]?.body['auth']).toEqual({ type: 'm.login.email.identity', threepid_creds: CREDS });
  });

  test('any other first answer is the answer: nothing more is sent', async () => {
    answers(PASSWORD, { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'no' } });
    expect((await auth.changePassword('email', CREDS, 'new-pass')).response?.status).toBe(403);
    expect(received).toHaveLength(1);
    // A 401 that is no UIA answer (no flows): an error, not a request for auth.
    answers(PASSWORD, { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', error: 'no' } });
    expect((await auth.changePassword('email', CREDS, 'new-pass')).response?.status).toBe(401);
    expect(received).toHaveLength(1);
  });

  test('the flows of /register and of an unauthenticated /account/password', async () => {
    answers(PASSWORD, { status: 401, body: EMAIL_FLOW });
    expect((await auth.flows('password')).flows).toEqual([['m.login.email.identity']]);
    expect(received[0]?.body['auth']).toBeUndefined();
    answers('/_matrix/client/v3/register', { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'closed' } });
    expect((await auth.flows('register')).flows).toBeUndefined();
  });
});

describe('what a session refusal shows', () => {
  const context = () => {
    const observed: string[] = [];
    return {
      accounts: { auth } as never,
      observe: (note: string) => observed.push(note),
      notApplicable: (reason: string): never => {
        throw new NotApplicable(reason);
      },
      // The scenario context's must, as far as matchOneOf: the first alternative the answer meets, or a failure.
      must: {
        matchOneOf: (exchange: Exchange, alternatives: Record<string, readonly Matcher[]>) => {
          const met = Object.entries(alternatives).find(([, matchers]) => mismatches(exchange, matchers, { spec: 'v1.19' }).length === 0);
          if (!met) throw new Error(`none of ${Object.keys(alternatives).join(', ')}`);
          return met[0];
        },
      } as never,
      observed,
    };
  };

  test('a rate limit refuses whatever the session is: the scenario does not apply', async () => {
    answers(PASSWORD, { status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', error: 'slow down', retry_after_ms: 100 } });
    const limited = await http.post(PASSWORD, {});
    expect(() => expectRefused(context(), limited, 'the reset')).toThrow(/the reset was rate-limited \(429 M_LIMIT_EXCEEDED\)/);
    answers(PASSWORD, { status: 403, body: { errcode: 'M_FORBIDDEN', error: 'no' } });
    const refused = await http.post(PASSWORD, {});
    const seen = context();
    expectRefused(seen, refused, 'the reset');
    expect(seen.observed).toEqual(['the reset was refused: 403 M_FORBIDDEN']);
    // A 429 without the errcode (a proxy's page, say) is a rate limit too.
    answers(PASSWORD, { status: 429, body: '<html>slow down</html>' });
    const bare = await http.post(PASSWORD, {});
    expect(() => expectRefused(context(), bare, 'the reset')).toThrow(NotApplicable);
    // And a session that is accepted is no refusal.
    answers(PASSWORD, { status: 200, body: {} });
    const granted = await http.post(PASSWORD, {});
    expect(() => expectRefused(context(), granted, 'the reset')).toThrow(/none of refused/);
  });

  test('a request that offers no flow of the stage alone cannot try the session', async () => {
    answers(PASSWORD, { status: 401, body: { flows: [{ stages: ['m.login.recaptcha', 'm.login.email.identity'] }] } });
    await expect(requireThreepidStage(context(), 'password', EMAIL)).rejects.toThrow(/POST \/account\/password offers no flow of m\.login\.email\.identity alone/);
    answers(PASSWORD, { status: 401, body: EMAIL_FLOW });
    await expect(requireThreepidStage(context(), 'password', EMAIL)).resolves.toBeUndefined();
  });
});
