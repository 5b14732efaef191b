import { describe, expect, test } from 'vitest';
import { formatExchange, toCurl, type Exchange } from '../../harness/http/exchange.js';
import { redactExchange, redactText, SecretBook, SECRET_FIELDS, SECRET_HEADERS } from '../../harness/http/redaction.js';
import { ScenarioFailure } from '../../harness/model/matchers.js';
import { Evidence } from '../../harness/runner/evidence.js';

const ORIGIN = 'http://hs.test:8008';

function exchange(overrides: Partial<Exchange['request']> = {}, response?: Partial<NonNullable<Exchange['response']>>): Exchange {
  return {
    request: { method: 'POST', url: `${ORIGIN}/_matrix/client/v3/account/3pid/add`, headers: { 'content-type': 'application/json' }, ...overrides },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}', truncated: false, ...response },
    startedAt: '2026-12-02T10:00:00.000Z',
    durationMs: 12,
  };
}

describe('what is secret, by name', () => {
  test.each(SECRET_FIELDS)('a JSON string member %s, at any depth, keeps its name and says what was there', (name) => {
    const body = JSON.stringify({ sid: 'abc', auth: { [name]: 'hunter2-live-value', session: 'uia1' } });
    const redacted = JSON.parse(redactText(body));
    expect(redacted).toEqual({ sid: 'abc', auth: { [name]: `<redacted: ${name}>`, session: 'uia1' } });
  });

  test.each(SECRET_FIELDS)('a query parameter or form field %s', (name) => {
    expect(redactText(`${ORIGIN}/submit?sid=1&${name}=live-value&client_secret=cs`)).toBe(`${ORIGIN}/submit?sid=1&${name}=<redacted: ${name}>&client_secret=cs`);
    expect(redactText(`${name}=live-value&sid=1`)).toBe(`${name}=<redacted: ${name}>&sid=1`);
    expect(redactText(`<a href="${ORIGIN}/v?sid=1&amp;${name}=live-value">`)).toBe(`<a href="${ORIGIN}/v?sid=1&amp;${name}=<redacted: ${name}>">`);
  });

  test('a field whose name only ends like a secret one is not taken for it', () => {
    const text = '{"submit_token_url": "x", "tokens": "y"} ?my_token=z&nonces=w';
    expect(redactText(text)).toBe(text);
  });

  test.each(SECRET_HEADERS)('the header %s, in either direction, in any case', (name) => {
    const upper = name.toUpperCase();
    const redacted = redactExchange(exchange({ headers: { [upper]: 'live-value', accept: 'application/json' } }, { headers: { [name]: 'live-value' } }));
    expect(redacted.request.headers).toEqual({ [upper]: `<redacted: ${name}>`, accept: 'application/json' });
    expect(redacted.response!.headers).toEqual({ [name]: `<redacted: ${name}>` });
  });

  test('a bearer token keeps its scheme', () => {
    const redacted = redactExchange(exchange({ headers: { authorization: 'Bearer syt_live' } }));
    expect(redacted.request.headers.authorization).toBe('Bearer <redacted: access_token>');
  });

  test('session identifiers and everything else stay as they were', () => {
    const original = exchange(
      { url: `${ORIGIN}/v3/account/3pid/email/requestToken?x=1`, body: JSON.stringify({ client_secret: 'cs', sid: 's1', email: 'a@b.test', send_attempt: 1 }) },
      { status: 401, body: JSON.stringify({ session: 'uia', flows: [{ stages: ['m.login.password'] }] }) },
    );
    expect(redactExchange(original)).toEqual(original);
  });

  test('a body cut short in the middle of a secret value loses the part it has', () => {
    expect(redactText('{"access_token": "syt_abcdef')).toBe('{"access_token": "<redacted: access_token>');
  });

  test('redacting twice changes nothing more', () => {
    const once = redactExchange(exchange({ headers: { authorization: 'Bearer t' }, url: `${ORIGIN}/x?token=t`, body: '{"password": "p", "mac": "m"}' }));
    expect(redactExchange(once)).toEqual(once);
    expect(redactText(formatExchange(once))).toBe(formatExchange(once));
  });
});

describe('where the redaction applies', () => {
  const registration = exchange(
    { url: `${ORIGIN}/_synapse/admin/v1/register`, headers: { authorization: 'Bearer syt_live' }, body: JSON.stringify({ nonce: 'n0nce-live', username: 'u', password: 'pw-live', mac: 'mac-live' }) },
    { body: JSON.stringify({ user_id: '@u:hs', access_token: 'syt_issued' }) },
  );
  const secrets = ['syt_live', 'n0nce-live', 'pw-live', 'mac-live', 'syt_issued'];

  test('the curl line of a redacted request keeps placeholders to fill in', () => {
    const curl = toCurl(redactExchange(registration).request);
    expect(curl).toContain("'authorization: Bearer <redacted: access_token>'");
    expect(curl).toContain('"password":"<redacted: password>"');
    expect(curl).toContain('"mac":"<redacted: mac>"');
    for (const secret of secrets) expect(curl).not.toContain(secret);
  });

  test('a kept exchange is redacted before the reporters see it', () => {
    const evidence = new Evidence(ORIGIN);
    evidence.exchange(registration);
    const kept = JSON.stringify(evidence.exchanges);
    for (const secret of secrets) expect(kept).not.toContain(secret);
    expect(evidence.exchanges[0]!.request.url).toBe(registration.request.url);
  });

  test("a failure's message formats the redacted exchange", () => {
    const failure = new ScenarioFailure('status 400', registration);
    for (const secret of secrets) expect(failure.message).not.toContain(secret);
    expect(failure.message).toContain('<redacted: nonce>');
    // The scenario itself still has the exchange as it was.
    expect(failure.evidence).toBe(registration);
  });
});

describe('a SecretBook', () => {
  test('scrubs the values it learned from any text, naming what they were', () => {
    const book = new SecretBook();
    book.learn('shared-secret-of-the-run', 'registration shared secret');
    expect(book.scrub('hmac over shared-secret-of-the-run failed')).toBe('hmac over <redacted: registration shared secret> failed');
  });

  test('learns nothing too short to be told from ordinary text', () => {
    const book = new SecretBook();
    book.learn('abc', 'x');
    book.learn(undefined, 'y');
    expect(book.scrub('abc def')).toBe('abc def');
  });

  test('scrubs an exchange everywhere, prose included, after the rules by name', () => {
    const book = new SecretBook();
    book.learn('code-in-words-123', 'validation token');
    const scrubbed = book.scrubExchange(exchange({ body: 'your code is code-in-words-123' }, { body: '{"token": "other"}' }));
    expect(scrubbed.request.body).toBe('your code is <redacted: validation token>');
    expect(scrubbed.response!.body).toBe('{"token": "<redacted: token>"}');
  });
});
