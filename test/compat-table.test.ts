import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { formatCompatTable, readRuns, replaceCompatSection, snapshotFiles } from '../harness/report/compat-table.js';
import { packagePath } from '../harness/tool/package-root.js';
import type { Results } from '../harness/report/results.js';

test('the README table is generated from the results snapshots in docs/results (npm run compat)', () => {
  const readme = readFileSync(packagePath('README.md'), 'utf8');
  const files = snapshotFiles();
  expect(files.length).toBeGreaterThanOrEqual(2);
  expect(readme, 'README.md is out of date: run `npm run compat`').toBe(replaceCompatSection(readme, formatCompatTable(readRuns(files))));
});

test('counts passed / failed / skipped per family, known deviations among the failures', () => {
  const run = (statuses: Array<[string, Results['scenarios'][number]['status']]>): Results => ({
    tool: { name: 'matrix-3pid-conformance', version: '0' },
    target: { url: 'http://hs.test', server: { name: 'x', version: '1' } },
    spec: 'v1.11',
    profile: 'p',
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 0,
    summary: { passed: 1, failed: 1, skipped: 1, expectedFailures: 1, unexpectedPasses: 0 },
    scenarios: statuses.map(([family, status], i) => ({
      id: `register-email/s${i}`, endpoint: 'register-email', title: 't', family: family as never, level: 'must', specRef: 'v1.19', status, durationMs: 0,
    })),
  });
  const table = formatCompatTable([run([['bad input', 'passed'], ['bad input', 'failed'], ['bad input', 'expected-failure'], ['bad input', 'skipped']])]);
  expect(table).toContain('| bad input | 1 / 2 / 1 |');
  expect(table).toContain('| rate limiting | not run |');
  expect(table).toContain('| **all** | **1 / 2 / 1** |');
});

test('a README without the markers is an error, not a silent no-op', () => {
  expect(() => replaceCompatSection('# nothing here', 'table')).toThrow(/compat:start/);
});
