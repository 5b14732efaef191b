// The results file's verdicts: a scenario's raw outcome joined with the server's known
// failures, and the exit code the CLI derives from them.
import { describe, expect, test } from 'vitest';
import type { Exchange } from '../../harness/http/exchange.js';
import { exitCodeFor, summarise, toScenarioResult, type ScenarioResult, type Status } from '../../harness/report/results.js';
import type { RawVerdict } from '../../harness/runner/run-scenarios.js';
import type { Level, Scenario } from '../../harness/model/scenario.js';
import { ref } from '../../harness/model/spec-refs.js';

const scenario: Scenario = {
  id: 'register-email/denied',
  endpoint: 'register-email',
  title: 'A denied address is refused with 403 M_THREEPID_DENIED',
  family: 'denied addresses',
  level: 'must',
  specRef: ref('v1.19', 'Client-Server API', '§10.5.2'),
  since: 'r0.4.0',
  run: async () => {},
};

const exchange: Exchange = {
  request: { method: 'POST', url: 'http://hs.test/_matrix/client/v3/register/email/requestToken', headers: { 'content-type': 'application/json' }, body: '{"email":"x@denied.test"}' },
  response: { status: 200, headers: {}, body: '{"sid":"1"}', truncated: false },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3,
};

function verdict(status: RawVerdict['status'], extra: Partial<RawVerdict> = {}): RawVerdict {
  return { id: scenario.id, status, durationMs: 17, serverMs: 9, exchanges: [exchange], observed: [], ...extra };
}

const known = { status: 'fail' as const, reason: 'Synapse answers 200 for denied addresses', link: 'https://example.org/issue/1' };

describe('toScenarioResult', () => {
  test('passed without an expectation: passed, no evidence', () => {
    const result = toScenarioResult(scenario, verdict('passed', { observed: ['answered 403'] }), undefined);
    expect(result).toEqual({
      id: 'register-email/denied',
      endpoint: 'register-email',
      title: scenario.title,
      family: 'denied addresses',
      level: 'must',
      specRef: 'v1.19 Client-Server API, §10.5.2',
      status: 'passed',
      durationMs: 17,
      serverMs: 9,
      observed: ['answered 403'],
    });
  });

  test('failed without an expectation: failed, with the reason and replayable evidence', () => {
    const result = toScenarioResult(scenario, verdict('failed', { reason: 'expected status 403, but status was 200' }), undefined);
    expect(result.status).toBe('failed');
    expect(result.reason).toBe('expected status 403, but status was 200');
    expect(result.observed).toBeUndefined();
    expect(result.evidence?.exchanges).toHaveLength(1);
    const [evidence] = result.evidence!.exchanges;
    expect(evidence).toMatchObject(exchange);
    expect(evidence?.curl).toMatch(/^curl .* -X POST 'http:\/\/hs\.test\/_matrix\/client\/v3\/register\/email\/requestToken' .*--data-raw '\{"email":"x@denied\.test"\}'$/);
  });

  test('failed with an expectation: expected-failure, reason and link first, evidence kept', () => {
    const result = toScenarioResult(scenario, verdict('failed', { reason: 'expected status 403, but status was 200' }), known);
    expect(result.status).toBe('expected-failure');
    expect(result.reason).toBe('known failure: Synapse answers 200 for denied addresses (https://example.org/issue/1)\nexpected status 403, but status was 200');
    expect(result.evidence?.exchanges[0]?.curl).toMatch(/^curl /);
  });

  test('passed with an expectation: unexpected-pass, telling the reader to remove the entry', () => {
    const result = toScenarioResult(scenario, verdict('passed'), known);
    expect(result.status).toBe('unexpected-pass');
    expect(result.reason).toMatch(/Synapse answers 200 for denied addresses.*remove it from the expectations file/);
    expect(result.evidence).toBeUndefined();
  });

  test('the statements the scenario checks go with its verdict, and none where it names none', () => {
    const checking: Scenario = { ...scenario, statements: ['denied-refused', 'denied-errcode'] };
    expect(toScenarioResult(checking, verdict('passed'), undefined).statements).toEqual(['denied-refused', 'denied-errcode']);
    expect(toScenarioResult({ ...scenario, statements: [] }, verdict('passed'), undefined)).not.toHaveProperty('statements');
    expect(toScenarioResult(scenario, verdict('passed'), undefined)).not.toHaveProperty('statements');
  });

  test('a should-level scenario takes its expectation like a must: expected-failure, or unexpected-pass', () => {
    const should: Scenario = { ...scenario, level: 'should' };
    expect(toScenarioResult(should, verdict('failed', { reason: 'no' }), known)).toMatchObject({ level: 'should', status: 'expected-failure' });
    expect(toScenarioResult(should, verdict('passed'), known)).toMatchObject({ level: 'should', status: 'unexpected-pass' });
  });

  test('skipped stays skipped, with its reason, expectation or not', () => {
    const skipped = verdict('skipped', { reason: 'needs a profile that names an email domain the server denies', exchanges: [] });
    for (const expectation of [undefined, known]) {
      const result = toScenarioResult(scenario, skipped, expectation);
      expect(result.status).toBe('skipped');
      expect(result.reason).toBe('needs a profile that names an email domain the server denies');
      expect(result.evidence).toBeUndefined();
    }
  });
});

function results(...statuses: Status[]): ScenarioResult[] {
  return statuses.map((status, i) => ({ id: `x/${i}`, endpoint: 'register-email', title: 't', level: 'must', specRef: 's', status, durationMs: 0 }));
}

const atLevel = (level: Level, rs: ScenarioResult[]): ScenarioResult[] => rs.map((r) => ({ ...r, level }));

describe('summarise and exitCodeFor', () => {
  test('counts each status, and the failed ones by level', () => {
    const run = [...results('passed', 'passed', 'failed', 'skipped', 'expected-failure', 'expected-failure', 'expected-failure', 'unexpected-pass'), ...atLevel('should', results('failed', 'failed', 'expected-failure'))];
    expect(summarise(run)).toEqual({
      passed: 2,
      failed: 3,
      skipped: 1,
      expectedFailures: 4,
      unexpectedPasses: 1,
      failedMust: 1,
      failedShould: 2,
    });
    expect(summarise([])).toEqual({ passed: 0, failed: 0, skipped: 0, expectedFailures: 0, unexpectedPasses: 0, failedMust: 0, failedShould: 0 });
  });

  test('0 only when nothing failed unexpectedly and nothing passed unexpectedly', () => {
    expect(exitCodeFor(results())).toBe(0);
    expect(exitCodeFor(results('passed', 'skipped', 'expected-failure'))).toBe(0);
    expect(exitCodeFor(results('passed', 'failed'))).toBe(1);
    expect(exitCodeFor(results('passed', 'unexpected-pass'))).toBe(1);
    expect(exitCodeFor(results('expected-failure', 'failed', 'unexpected-pass'))).toBe(1);
  });

  test('a failed should is a warning (0) unless --strict; a failed must is 1 either way', () => {
    const shouldFailed = atLevel('should', results('passed', 'failed'));
    expect(exitCodeFor(shouldFailed)).toBe(0);
    expect(exitCodeFor(shouldFailed, { strict: true })).toBe(1);
    for (const strict of [false, true]) {
      expect(exitCodeFor(results('passed', 'failed'), { strict })).toBe(1);
      expect(exitCodeFor([...shouldFailed, ...results('failed')], { strict })).toBe(1);
    }
  });

  test('an unexpected pass fails the run whatever the level; a known failure of a should does not', () => {
    expect(exitCodeFor(atLevel('should', results('unexpected-pass')))).toBe(1);
    expect(exitCodeFor(atLevel('should', results('expected-failure')), { strict: true })).toBe(0);
  });
});
