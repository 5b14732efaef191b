// The bad-input family is generated from the field tables: its ids are what expectations
// files and dashboards key on, so the generation must keep them, and each row must give the
// inputs its type and presence call for.
import { describe, expect, test } from 'vitest';
import { badInputScenarios } from '../../suites/common/bad-input.js';
import { EMAIL_FIELDS, MSISDN_FIELDS, wrongTypes } from '../../suites/common/input-table.js';
import { EMAIL, MSISDN } from '../../suites/common/media.js';

const names = (kit: typeof EMAIL, endpoint: 'register-email' | '3pid-msisdn') =>
  badInputScenarios(endpoint, kit, 'unbound').map((s) => `${s.name} ${s.level}`);

describe('the bad-input family', () => {
  test('email: a must and an errcode should per case, the ids of before kept, the edges accepted', () => {
    const musts = ['missing-client-secret', 'wrong-type-client-secret', 'client-secret-bad-characters', 'client-secret-empty', 'client-secret-too-long', 'missing-email', 'wrong-type-email', 'email-unparsable', 'email-with-other-text', 'missing-send-attempt', 'wrong-type-send-attempt', 'wrong-type-next-link', 'next-link-not-a-uri', 'not-json', 'not-object'];
    expect(names(EMAIL, 'register-email')).toEqual([...musts.flatMap((name) => [`${name} must`, `errcode-${name} should`]), 'client-secret-bounds-accepted must']);
  });

  test('msisdn: country and phone_number take the place of email', () => {
    const ids = names(MSISDN, '3pid-msisdn');
    for (const name of ['missing-country', 'wrong-type-country', 'country-invalid', 'missing-phone-number', 'wrong-type-phone-number', 'phone-number-unparsable']) {
      expect(ids).toContain(`${name} must`);
      expect(ids).toContain(`errcode-${name} should`);
    }
    expect(ids.filter((id) => id.includes('email'))).toEqual([]);
  });

  test('every wrong JSON type for the field, null only where the field is required', () => {
    const labels = (row: Parameters<typeof wrongTypes>[0]) => wrongTypes(row).map((t) => t.label);
    expect(labels({ type: 'string', required: true })).toEqual(['a number', 'true', 'null', 'an object', 'an array']);
    expect(labels({ type: 'integer', required: true })).toEqual(['a string', 'a fraction', 'true', 'null', 'an object', 'an array']);
    expect(labels({ type: 'string', required: false })).not.toContain('null');
  });

  test('the client_secret edges: 0 and 256 characters refused, 1 and 255 accepted', () => {
    const secret = EMAIL_FIELDS.find((row) => row.field === 'client_secret')!;
    const lengths = (name: string) => secret.rules!.find((rule) => rule.name === name)!.breaches.map((b) => (b.value as string).length);
    expect(lengths('client-secret-empty')).toEqual([0]);
    expect(lengths('client-secret-too-long')).toEqual([256]);
    const accepted = secret.accepted![0]!.values.map((v) => v.value as string);
    expect(accepted.map((v) => v.length).slice(0, 2)).toEqual([1, 255]);
    for (const value of accepted) expect(value).toMatch(/^[0-9a-zA-Z.=_-]{1,255}$/);
    // Each forbidden character alone: everything else in the secret is allowed.
    for (const breach of secret.rules!.find((rule) => rule.name === 'client-secret-bad-characters')!.breaches) {
      expect([...(breach.value as string).replace(/[0-9a-zA-Z.=_-]/g, '')]).toHaveLength(1);
    }
  });

  test('the tables name the fields each body definition requires', () => {
    expect(EMAIL_FIELDS.filter((row) => row.required).map((row) => row.field)).toEqual(['client_secret', 'email', 'send_attempt']);
    expect(MSISDN_FIELDS.filter((row) => row.required).map((row) => row.field)).toEqual(['client_secret', 'country', 'phone_number', 'send_attempt']);
  });
});
