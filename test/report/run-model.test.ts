// The one grouped model every reporter reads: groups in report order whatever order the
// verdicts came in, each with its own counts.
import { describe, expect, test } from 'vitest';
import { countOf, failuresPhrase, groupBy, runModel, tally } from '../../harness/report/run-model.js';
import type { ScenarioResult } from '../../harness/report/results.js';
import { SUITES } from '../../suites/index.js';
import { sampleResults, SCENARIOS, SHOULD_FAILED } from './sample-results.js';

describe('runModel', () => {
  test('groups by endpoint in SUITES order, scenarios keeping their order, whatever order they came in', () => {
    const model = runModel(sampleResults(SCENARIOS.toReversed()));
    expect(model.byEndpoint.map((g) => g.key)).toEqual(['register-email', 'password-email', '3pid-msisdn']);
    expect(model.byEndpoint[0]!.scenarios.map((s) => s.id)).toEqual(['register-email/bound', 'register-email/accepted', 'register-email/denied']);
    const order = SUITES.map((s) => s.endpoint);
    const keys = model.byEndpoint.map((g) => order.indexOf(g.key as (typeof order)[number]));
    expect(keys).toEqual(keys.toSorted((a, b) => a - b));
  });

  test('each group counts its own statuses and durations; all counts the whole run', () => {
    const model = runModel(sampleResults());
    const registerEmail = model.byEndpoint[0]!.tally;
    expect(registerEmail).toEqual({
      scenarios: 3,
      durationMs: 1234 + 25 + 25,
      byStatus: { passed: 1, failed: 1, skipped: 0, 'expected-failure': 1, 'unexpected-pass': 0 },
      failedByLevel: { must: 1, should: 0 },
    });
    expect(model.all.scenarios).toBe(SCENARIOS.length);
    expect(countOf(model.all, 'failed', 'unexpected-pass')).toBe(2);
    expect(model.all.byStatus).toEqual({ passed: 1, failed: 1, skipped: 1, 'expected-failure': 1, 'unexpected-pass': 1 });
  });

  test('groups by family in FAMILIES order; scenarios without one are in no family group', () => {
    const withFamilies: ScenarioResult[] = [
      { ...SCENARIOS[0]!, family: 'bad input' },
      { ...SCENARIOS[1]!, family: 'denied addresses' },
      { ...SCENARIOS[2]! },
      { ...SCENARIOS[3]!, family: 'bad input' },
    ];
    const model = runModel(sampleResults(withFamilies));
    expect(model.byFamily.map((g) => [g.key, g.scenarios.length])).toEqual([['denied addresses', 1], ['bad input', 2]]);
  });
});

describe('must failures and should warnings', () => {
  test('a run is judged without --strict unless told', () => {
    expect(runModel(sampleResults()).strict).toBe(false);
    expect(runModel(sampleResults(), { strict: true }).strict).toBe(true);
  });

  test('failed counts by level; expected failures of either level are not counted', () => {
    const t = tally([...SCENARIOS, SHOULD_FAILED, SHOULD_FAILED, { ...SCENARIOS[2]!, level: 'should' }]);
    expect(t.failedByLevel).toEqual({ must: 1, should: 2 });
    expect(t.byStatus.failed).toBe(3);
  });

  test('the phrase every report uses', () => {
    expect(failuresPhrase(tally([...SCENARIOS, SHOULD_FAILED]), false)).toBe('1 failed (must), 1 warning (should)');
    expect(failuresPhrase(tally([SHOULD_FAILED, SHOULD_FAILED]), false)).toBe('0 failed (must), 2 warnings (should)');
    expect(failuresPhrase(tally([...SCENARIOS, SHOULD_FAILED]), true)).toBe('1 failed (must), 1 failed (should, --strict)');
  });
});

describe('groupBy', () => {
  test('keys outside the order follow it, in order of first appearance; empty groups are left out', () => {
    const groups = groupBy(SCENARIOS, (s) => s.endpoint.split('-')[0], ['password', 'nonesuch', 'register']);
    expect(groups.map((g) => g.key)).toEqual(['password', 'register', '3pid']);
  });
});
