// The console report: a failed should reads as a warning (WARN, with its evidence), the
// totals keep must failures and should warnings apart, and the run says which spec
// statements it checked.
import { describe, expect, test } from 'vitest';
import { formatConsoleReport } from '../../harness/report/console.js';
import { runModel } from '../../harness/report/run-model.js';
import { SAMPLE_STATEMENTS, sampleResults, SCENARIOS, SHOULD_FAILED } from './sample-results.js';

const warned = sampleResults([...SCENARIOS, SHOULD_FAILED]);
const lastLine = (text: string) => text.split('\n').at(-1);

describe('formatConsoleReport', () => {
  test('a failed must is FAIL; a failed should is WARN, with its spec reference and reason', () => {
    const text = formatConsoleReport(warned);
    expect(text).toContain('  FAIL  register-email/denied  ');
    expect(text).toContain('  WARN  register-email/cors-headers  Answers carry the CORS headers [should, 40 ms]\n          spec: v1.19 §10.5.2\n          expected header access-control-allow-origin, but it was absent');
  });

  test('above the totals, the ids to look at: failures, warnings and unexpected passes', () => {
    const text = formatConsoleReport(warned);
    expect(text).toContain('\nto look at:\n  FAIL  register-email/denied [must]\n');
    expect(text).toContain('\n  WARN  register-email/cors-headers [should]\n');
    expect(text).toContain('\n  XPASS password-email/unknown [should]\n');
    // After the last endpoint's scenarios, before the totals.
    const lines = text.split('\n');
    expect(lines.indexOf('to look at:')).toBeGreaterThan(lines.findLastIndex((line) => line.startsWith('  WARN  register-email/cors-headers  ')));
    expect(lines.indexOf('to look at:')).toBeLessThan(lines.findIndex((line) => line.startsWith('target  ')));
    expect(formatConsoleReport(sampleResults(SCENARIOS.filter((s) => s.status === 'passed')))).not.toContain('to look at');
  });

  test('the totals: must failures and should warnings apart', () => {
    expect(lastLine(formatConsoleReport(warned))).toBe('1 passed, 1 failed (must), 1 warning (should), 1 skipped, 1 expected failures, 1 unexpected passes in 4.3 s');
  });

  test('under --strict a failed should is FAIL, and counted as failed', () => {
    const text = formatConsoleReport(runModel(warned, { strict: true }));
    expect(text).toContain('  FAIL  register-email/cors-headers  ');
    expect(lastLine(text)).toMatch(/^1 passed, 1 failed \(must\), 1 failed \(should, --strict\), /);
  });

  test('the statements the run checked, out of those that hold at its release', () => {
    const text = formatConsoleReport({ ...warned, statements: SAMPLE_STATEMENTS });
    expect(text.split('\n').at(-2)).toBe('statements checked: 2 of 3 that hold at v1.19, 1 of them only in part (spec/statements.yaml)');
    expect(formatConsoleReport({ ...warned, statements: { ...SAMPLE_STATEMENTS, weak: [] } })).toContain('statements checked: 2 of 3 that hold at v1.19 (spec/statements.yaml)');
  });

  test('a results file from before statements were recorded has no such line', () => {
    expect(formatConsoleReport(warned)).not.toContain('statements checked');
  });
});
