// The registry of reports: each one asked for by its flag or variable, written from the one
// model, and the lines saying where each went in the order the CLI has always printed them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Config } from '../../harness/cli/config.js';
import { formatConsoleReport } from '../../harness/report/console.js';
import { formatJUnit } from '../../harness/report/junit.js';
import type { ReportContext } from '../../harness/report/reporter.js';
import { REPORTERS, writeReports } from '../../harness/report/reporters.js';
import { runModel } from '../../harness/report/run-model.js';
import { formatStepSummary } from '../../harness/report/step-summary.js';
import { sampleResults } from './sample-results.js';

const dir = mkdtempSync(join(tmpdir(), 'm3c-reporters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(config: Partial<Config>, env: NodeJS.ProcessEnv = {}): ReportContext & { printed: string[] } {
  const printed: string[] = [];
  return { config: config as Config, env, print: (text) => printed.push(text), printed };
}

test('one reporter per name', () => {
  const names = REPORTERS.map((r) => r.name);
  expect(new Set(names).size).toBe(names.length);
});

describe('wanted', () => {
  test.each<[string, Partial<Config>, NodeJS.ProcessEnv, string[]]>([
    ['nothing asked: the console only', {}, {}, ['console']],
    ['--results', { results: 'r.json' }, {}, ['results', 'console']],
    ['--junit', { junit: 'r.xml' }, {}, ['junit', 'console']],
    ['$GITHUB_STEP_SUMMARY', {}, { GITHUB_STEP_SUMMARY: 's.md' }, ['github-step-summary', 'console']],
    ['an empty $GITHUB_STEP_SUMMARY', {}, { GITHUB_STEP_SUMMARY: '' }, ['console']],
  ])('%s', (_, config, env, names) => {
    expect(REPORTERS.filter((r) => r.wanted(context(config, env))).map((r) => r.name)).toEqual(names);
  });
});

test('writeReports: every report from the one model, then where each went', async () => {
  const results = sampleResults();
  const model = runModel(results);
  const files = { results: join(dir, 'deep', 'results.json'), junit: join(dir, 'deeper', 'x', 'junit.xml'), summary: join(dir, 'summary.md') };
  writeFileSync(files.summary, '# before\n');
  const ctx = context({ results: files.results, junit: files.junit }, { GITHUB_STEP_SUMMARY: files.summary });

  const logs = await writeReports(model, ctx);

  expect(logs).toEqual([
    `results written to ${files.results}`,
    `JUnit report written to ${files.junit}`,
    `summary appended to ${files.summary}`,
  ]);
  expect(readFileSync(files.results, 'utf8')).toBe(`${JSON.stringify(results, null, 2)}\n`);
  expect(readFileSync(files.junit, 'utf8')).toBe(formatJUnit(results));
  expect(readFileSync(files.summary, 'utf8')).toBe(`# before\n${formatStepSummary(results)}\n`);
  expect(ctx.printed).toEqual([formatConsoleReport(results)]);
});

test('writeReports: a new reporter is one more entry, written in its turn', async () => {
  const seen: string[] = [];
  const extra = { name: 'extra', wanted: () => true, write: async () => (seen.push('extra'), { log: 'extra written' }) };
  const ctx = context({});
  expect(await writeReports(runModel(sampleResults()), ctx, [...REPORTERS, extra])).toEqual(['extra written']);
  expect(seen).toEqual(['extra']);
  expect(ctx.printed).toHaveLength(1);
});
