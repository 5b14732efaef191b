// The Markdown step summary: a table GitHub can render (checked by parsing it the way GFM
// splits a table), and appended to $GITHUB_STEP_SUMMARY only where it is set.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { appendStepSummary, formatStepSummary, tableCell } from '../../harness/report/step-summary.js';
import { runModel } from '../../harness/report/run-model.js';
import { SAMPLE_STATEMENTS, sampleResults, SCENARIOS, SHOULD_FAILED } from './sample-results.js';

/** GFM's cell split: on pipes that are not backslash-escaped; outer pipes trimmed. */
function cells(row: string): string[] {
  const trimmed = row.trim();
  expect(trimmed.startsWith('|') && trimmed.endsWith('|'), `row is not pipe-delimited: ${row}`).toBe(true);
  const inner = trimmed.slice(1, -1);
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\' && inner[i + 1] === '|') {
      current += '|';
      i++;
    } else if (inner[i] === '|') {
      out.push(current.trim());
      current = '';
    } else {
      current += inner[i];
    }
  }
  out.push(current.trim());
  return out;
}

/** The first block of consecutive lines that start with a pipe. */
function tableOf(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('formatStepSummary', () => {
  const markdown = formatStepSummary(sampleResults());

  test('a heading names the server, target and spec', () => {
    expect(markdown.split('\n')[0]).toBe('### Matrix 3PID conformance: synapse 1.163.2 at http://127.0.0.1:8008, spec v1.19');
    expect(markdown).toContain('Run failed: 1 passed, 1 failed (must), 0 warnings (should), 1 expected failures, 1 unexpected passes, 1 skipped in 4.3 s');
  });

  test('the table: header row, separator row, one row per endpoint and a total; every row the same width', () => {
    const table = tableOf(markdown);
    const [header, separator, ...rows] = table.map(cells);
    expect(header).toEqual(['Endpoint', 'Passed', 'Failed (must)', 'Warnings (should)', 'Expected failures', 'Unexpected passes', 'Skipped']);
    expect(separator).toHaveLength(header!.length);
    for (const cell of separator!) expect(cell).toMatch(/^:?-{3,}:?$/);
    expect(table[1]!.startsWith('|---|')).toBe(true);
    for (const row of rows) expect(row).toHaveLength(header!.length);
    expect(rows).toEqual([
      ['register-email', '1', '1', '0', '1', '0', '0'],
      ['password-email', '0', '0', '0', '0', '1', '0'],
      ['3pid-msisdn', '0', '0', '0', '0', '0', '1'],
      ['**Total**', '**1**', '**1**', '**0**', '**1**', '**1**', '**1**'],
    ]);
  });

  test('pipes in cells are escaped, so they do not add columns', () => {
    const results = sampleResults(SCENARIOS.map((s) => ({ ...s, endpoint: 'weird|endpoint' })));
    const [header, , first] = tableOf(formatStepSummary(results)).map(cells);
    expect(first).toHaveLength(header!.length);
    expect(first![0]).toBe('weird|endpoint');
    expect(tableCell('a|b\nc')).toBe('a\\|b c');
  });

  test('failures and unexpected passes listed in <details> with id, title and the first line of the reason', () => {
    const block = /<details>\n<summary>Failures \(2\)<\/summary>\n\n([\s\S]*?)\n\n<\/details>/.exec(markdown);
    expect(block, markdown).not.toBeNull();
    expect(block![1]!.split('\n')).toEqual([
      '- `register-email/denied` A denied address is refused with 403 M_THREEPID_DENIED — expected status 403, but status was 200',
      '- `password-email/unknown` An unknown address is refused or hidden — listed as a known failure (old bug), but passed: remove it from the expectations file',
    ]);
  });

  test('expected failures get a list of their own; markup in titles is escaped', () => {
    expect(markdown).toContain('<summary>Expected failures (1)</summary>');
    expect(markdown).toContain('- `register-email/bound` A bound address is refused, or its owner is mailed — known failure: Synapse answers 400 M_THREEPID_IN_USE late (https://example.org/issue/1)');
    const withMarkup = formatStepSummary(sampleResults([{ ...SCENARIOS[0]!, title: 'a <script> & b' }]));
    expect(withMarkup).toContain('a &lt;script&gt; &amp; b');
  });

  test('a failed should is a warning: the run passes with warnings, the warning listed apart from failures', () => {
    const warned = formatStepSummary(sampleResults([SCENARIOS[1]!, SHOULD_FAILED]));
    expect(warned).toContain('Run passed with warnings: 1 passed, 0 failed (must), 1 warning (should), ');
    expect(warned).not.toContain('<summary>Failures');
    expect(warned).toContain('<summary>Warnings: failed should-level scenarios (1)</summary>\n\n- `register-email/cors-headers` Answers carry the CORS headers — expected header access-control-allow-origin, but it was absent');
    expect(tableOf(warned).map(cells)[2]).toEqual(['register-email', '1', '0', '1', '0', '0', '0']);
  });

  test('under --strict the same run fails, the should listed among the failures', () => {
    const strict = formatStepSummary(runModel(sampleResults([SCENARIOS[1]!, SHOULD_FAILED]), { strict: true }));
    expect(strict).toContain('Run failed: 1 passed, 0 failed (must), 1 failed (should, --strict), ');
    expect(strict).toContain('<summary>Failures (1)</summary>');
    expect(strict).not.toContain('<summary>Warnings');
    expect(tableOf(strict).map(cells)[0]).toContain('Failed (should, --strict)');
  });

  test('the statements the run checked, where the results file has them', () => {
    expect(formatStepSummary({ ...sampleResults(), statements: SAMPLE_STATEMENTS })).toContain(
      '\n\nSpec statements checked: 2 of 3 that hold at v1.19, 1 of them only in part (spec/statements.yaml).\n\n',
    );
    expect(markdown).not.toContain('statements checked');
  });

  test('a clean run has no failure list', () => {
    const clean = formatStepSummary(sampleResults([SCENARIOS[1]!]));
    expect(clean).toContain('Run passed: 1 passed');
    expect(clean).not.toContain('<details>');
  });
});

describe('appendStepSummary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'm3c-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('appends to $GITHUB_STEP_SUMMARY, keeping what earlier steps wrote', async () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, '# earlier step\n');
    expect(await appendStepSummary(sampleResults(), { GITHUB_STEP_SUMMARY: file })).toBe(file);
    expect(await appendStepSummary(sampleResults(), { GITHUB_STEP_SUMMARY: file })).toBe(file);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# earlier step\n### Matrix 3PID conformance')).toBe(true);
    expect(text.split('### Matrix 3PID conformance')).toHaveLength(3);
  });

  test('does nothing when it is not set or empty', async () => {
    expect(await appendStepSummary(sampleResults(), {})).toBeUndefined();
    expect(await appendStepSummary(sampleResults(), { GITHUB_STEP_SUMMARY: '' })).toBeUndefined();
  });
});
