// The order scenarios start in: the catalogue's at --concurrency 1; otherwise the slow ones
// first, so that their waits overlap the rest, and those that need the server to themselves
// after everything else, one at a time.
import { describe, expect, test } from 'vitest';
import type { Scenario } from '../../harness/model/scenario.js';
import { ref } from '../../harness/model/spec-refs.js';
import { selectedScenarios, startOrder } from '../../harness/runner/run-scenarios.js';

function scenario(id: string, extra: Partial<Scenario> = {}): Scenario {
  return {
    id,
    endpoint: 'register-email',
    title: id,
    family: 'bad input',
    level: 'must',
    specRef: ref('v1.19', 'Client-Server API', 'x'),
    since: 'r0.4.0',
    run: async () => undefined,
    ...extra,
  };
}

const catalogue = [
  scenario('a'),
  scenario('b', { exclusive: 'counts the rate limit' }),
  scenario('c', { slow: 'waits a minute' }),
  scenario('d'),
  scenario('e', { slow: 'waits a minute' }),
];
const ids = (list: readonly Scenario[]) => list.map((s) => s.id);

describe('startOrder', () => {
  test('at concurrency 1, the catalogue order, exclusive ones in place', () => {
    const { together, alone } = startOrder(catalogue, 1);
    expect(ids(together)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(alone).toEqual([]);
  });

  test('above it, slow ones first in catalogue order, then the rest; exclusive ones alone after', () => {
    const { together, alone } = startOrder(catalogue, 8);
    expect(ids(together)).toEqual(['c', 'e', 'a', 'd']);
    expect(ids(alone)).toEqual(['b']);
  });

  test('the catalogue declares what needs the server alone, by definition, not by a list of ids', () => {
    const exclusive = selectedScenarios(undefined).filter((s) => s.exclusive !== undefined);
    expect(exclusive.length).toBeGreaterThan(0);
    expect(exclusive.every((s) => s.family === 'rate limiting' || s.id.endsWith('/privacy-timing'))).toBe(true);
  });
});
