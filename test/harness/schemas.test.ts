// The schemas written from the spec, per release: each rule is shown to accept what the spec
// allows and to reject what it forbids, at the releases where it holds.
import { describe, expect, test } from 'vitest';
import { validateSchema } from '../../harness/model/schemas.js';
import { SPEC_VERSIONS, type SpecVersion } from '../../harness/model/spec-versions.js';

const valid = (spec: SpecVersion, body: unknown) => validateSchema('request-token-response', spec, body);

describe('RequestTokenResponse', () => {
  test('r0.4.0: the schema of that release is applied, and sid alone is valid', () => {
    const verdict = valid('r0.4.0', { sid: 'abc' });
    expect(verdict).toEqual({ valid: true, schema: 'request-token-response/r0.4.0', errors: [] });
  });

  test('each release picks the newest schema file at or before it', () => {
    expect(valid('r0.4.0', { sid: 'a' }).schema).toBe('request-token-response/r0.4.0');
    expect(valid('r0.5.0', { sid: 'a' }).schema).toBe('request-token-response/r0.5.0');
    expect(valid('r0.6.1', { sid: 'a' }).schema).toBe('request-token-response/r0.5.0');
    expect(valid('v1.1', { sid: 'a' }).schema).toBe('request-token-response/v1.1');
    expect(valid('v1.19', { sid: 'a' }).schema).toBe('request-token-response/v1.1');
  });

  test('submit_url that is not a URI: allowed before v1.1, invalid from v1.1', () => {
    const body = { sid: 'abc', submit_url: 'not a uri' };
    for (const spec of ['r0.5.0', 'r0.6.0', 'r0.6.1'] as const) expect(valid(spec, body).valid).toBe(true);
    for (const spec of ['v1.1', 'v1.14', 'v1.19'] as const) {
      const verdict = valid(spec, body);
      expect(verdict.valid).toBe(false);
      expect(verdict.errors.join()).toMatch(/\/submit_url.*format.*uri/);
    }
    expect(valid('v1.1', { sid: 'abc', submit_url: 'https://hs.test/_matrix/client/v3/submit' }).valid).toBe(true);
  });

  test('submit_url must be a string where it is defined', () => {
    expect(valid('r0.5.0', { sid: 'abc', submit_url: 42 }).valid).toBe(false);
    expect(valid('v1.1', { sid: 'abc', submit_url: 42 }).valid).toBe(false);
  });

  test.each(SPEC_VERSIONS)('%s: sid must be 1-255 of [0-9a-zA-Z.=_-]', (spec) => {
    expect(valid(spec, { sid: 'aZ09.=_-' }).valid).toBe(true);
    expect(valid(spec, { sid: 'a'.repeat(255) }).valid).toBe(true);
    for (const sid of ['', 'a'.repeat(256), 'has space', 'slash/', 'plus+', 'ümlaut', 'new\nline', 'trailing\n']) {
      const verdict = valid(spec, { sid });
      expect(verdict.valid, JSON.stringify(sid)).toBe(false);
      expect(verdict.errors.join()).toMatch(/\/sid/);
    }
    expect(valid(spec, { sid: 12345 }).valid).toBe(false);
  });

  test.each(SPEC_VERSIONS)('%s: sid is required, and the body must be an object', (spec) => {
    const missing = valid(spec, { submit_url: 'https://hs.test/submit' });
    expect(missing.valid).toBe(false);
    expect(missing.errors.join()).toMatch(/sid/);
    expect(valid(spec, ['sid']).valid).toBe(false);
    expect(valid(spec, null).valid).toBe(false);
  });
});

describe('the standard error', () => {
  test('errcode and error are both required', () => {
    expect(validateSchema('error', 'v1.19', { errcode: 'M_UNKNOWN', error: 'x' }).valid).toBe(true);
    const noError = validateSchema('error', 'v1.19', { errcode: 'M_UNKNOWN' });
    expect(noError.valid).toBe(false);
    expect(noError.errors.join()).toMatch(/error/);
    const noErrcode = validateSchema('error', 'r0.4.0', { error: 'x' });
    expect(noErrcode.valid).toBe(false);
    expect(noErrcode.errors.join()).toMatch(/errcode/);
    expect(noErrcode.schema).toBe('error/r0.4.0');
  });

  test('errcode must be a non-empty string, error a string', () => {
    expect(validateSchema('error', 'v1.19', { errcode: '', error: 'x' }).valid).toBe(false);
    expect(validateSchema('error', 'v1.19', { errcode: 403, error: 'x' }).valid).toBe(false);
    expect(validateSchema('error', 'v1.19', { errcode: 'M_UNKNOWN', error: null }).valid).toBe(false);
  });
});

describe('the rate-limited error', () => {
  test('retry_after_ms is optional, and an integer where given', () => {
    const base = { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests' };
    expect(validateSchema('rate-limited', 'v1.19', base).valid).toBe(true);
    expect(validateSchema('rate-limited', 'v1.19', { ...base, retry_after_ms: 2000 }).valid).toBe(true);
    for (const retry of [1.5, '2000', -1, null]) {
      const verdict = validateSchema('rate-limited', 'v1.19', { ...base, retry_after_ms: retry });
      expect(verdict.valid, JSON.stringify(retry)).toBe(false);
      expect(verdict.errors.join()).toMatch(/\/retry_after_ms/);
    }
  });

  test('errcode must be M_LIMIT_EXCEEDED', () => {
    expect(validateSchema('rate-limited', 'v1.19', { errcode: 'M_UNKNOWN', error: 'x' }).valid).toBe(false);
  });
});
