// Release ranges as expectations entries write them.
import { describe, expect, test } from 'vitest';
import { compareReleases, inRange, narrowed, parseRange, VersionRangeError } from '../../harness/report/version-range.js';

describe('inRange', () => {
  test.each([
    ['1.120.0', '>=1.120.0 <1.140.0', true],
    ['1.140.0', '>=1.120.0 <1.140.0', false],
    ['1.119.9', '>=1.120.0', false],
    ['1.130.2', '1.130.2', true],
    ['1.130.2', '=1.130', false],
    ['1.130.0', '=1.130', true],
    ['1.130.0rc1', '<1.130.0', true],
    ['1.130.0rc2', '>1.130.0rc1', true],
    ['v1.2.3', '>=1.2', true],
    ['unknown', '>=0', false],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(inRange(version, range)).toBe(expected);
  });
});

test('a range that is not one says which part', () => {
  expect(() => parseRange('>= 1.2')).toThrow(VersionRangeError);
  expect(() => parseRange('~1.2')).toThrow(/"~1.2" is not a comparison/);
  expect(() => parseRange('  ')).toThrow(/empty range/);
});

describe('helpers', () => {
  test('narrowed adds a comparison; compareReleases orders by number, not text', () => {
    expect(narrowed(undefined, '<', '1.5.0')).toBe('<1.5.0');
    expect(narrowed('>=1.2.0', '<', '1.5.0')).toBe('>=1.2.0 <1.5.0');
    expect(['1.100.0', '1.99.1', '1.163.2'].sort(compareReleases)).toEqual(['1.99.1', '1.100.0', '1.163.2']);
  });
});
