// The command the tool prints to be run again: as the user ran it.
import { expect, test } from 'vitest';
import { invocation } from '../../harness/cli/invocation.js';

test('npm start in a checkout, where the bin is not on PATH; npx anywhere else', () => {
  expect(invocation({ npm_lifecycle_event: 'start' })).toBe('npm start --');
  expect(invocation({ npm_lifecycle_event: 'npx' })).toBe('npx matrix-3pid-conformance');
  expect(invocation({})).toBe('npx matrix-3pid-conformance');
});
