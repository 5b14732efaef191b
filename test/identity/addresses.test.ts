import { expect, test } from 'vitest';
import { canonicalMsisdn } from '../../harness/fakes/identity/addresses.js';

test.each([
  ['07700900123', 'GB', '447700900123'],
  ['447700900123', 'GB', '447700900123'],
  ['+44 7700 900123', 'US', '447700900123'],
  ['(202) 555-0123', 'US', '12025550123'],
  ['7700900123', undefined, '7700900123'],
  ['612345678', 'ZZ', '612345678'],
])('%s in %s is the MSISDN %s', (number, country, msisdn) => {
  expect(canonicalMsisdn(number, country)).toBe(msisdn);
});

test.each(['', 'abc', '12', '1234567890123456'])('%j is not a phone number', (number) => {
  expect(() => canonicalMsisdn(number, 'GB')).toThrow(/not valid/);
});
