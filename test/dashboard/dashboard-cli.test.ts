// `dashboard --in DIR --out SITE` as a user runs it: the real snapshot runs in docs/results/
// and a file that is not a results file; the bad one named in one line, the rest built.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { packagePath } from '../../harness/tool/package-root.js';
import { runCli } from '../cli/run-cli.js';

const snapshots = readdirSync(packagePath('docs', 'results')).filter((name) => name.endsWith('.json'));
const snapshot = (name: string) =>
  JSON.parse(readFileSync(packagePath('docs', 'results', name), 'utf8')) as { scenarios: Array<{ id: string; level: string; status: string }> };
/** Every scenario id some snapshot has: one grid row each. */
const scenarioIds = new Set(snapshots.flatMap((name) => snapshot(name).scenarios.map((s) => s.id)));

function inputFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'm3c-dashboard-in-'));
  // A nested layout, as a CI collector leaves it: one folder per artifact.
  for (const name of snapshots) {
    mkdirSync(join(dir, name.replace('.json', '')));
    cpSync(packagePath('docs', 'results', name), join(dir, name.replace('.json', ''), name));
  }
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ tool: { name: 'matrix-3pid-conformance', version: '0.1.0' }, scenarios: 'none' }));
  writeFileSync(join(dir, 'notes.txt'), 'not JSON, and not named .json: not read at all');
  return dir;
}

describe('dashboard', () => {
  test('names the invalid file in one line and builds the rest', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'm3c-dashboard-out-')), 'site');
    const run = await runCli(['dashboard', '--in', inputFolder(), '--out', out]);
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((line) => line.includes('broken.json'))).toEqual([expect.stringMatching(/^left out broken\.json: not a results file: .*target/)]);
    expect(lines.some((line) => line.includes('notes.txt'))).toBe(false);
    expect(lines.at(-1)).toBe(`dashboard of ${snapshots.length} results files (${snapshots.length} columns) written to ${out}`);

    const page = readFileSync(join(out, 'index.html'), 'utf8');
    for (const label of ['dendrite@0.13.8', 'palpo@0.0.2', 'synapse@1.117.0', 'synapse@1.141.0', 'synapse@1.163.2', 'synapse@1.163.2 (synapse-privacy)', 'synapse@1.163.2 (synapse-ratelimited)']) {
      expect(page).toContain(`>${label}<`);
    }
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { columns: Array<{ id: string; scenarios: unknown[] }> };
    expect(index.columns.map((c) => c.id)).toEqual(['dendrite-0.13.8', 'palpo-0.0.2', 'synapse-1.117.0', 'synapse-1.141.0', 'synapse-1.163.2', 'synapse-1.163.2-synapse-privacy', 'synapse-1.163.2-synapse-ratelimited']);
    const csv = readFileSync(join(out, 'grid.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(1 + scenarioIds.size);
    // The badge's must score is the snapshot's own: its must-level scenarios passed, of those that ran.
    const musts = snapshot('synapse.json').scenarios.filter((s) => s.level === 'must' && s.status !== 'skipped');
    const passed = musts.filter((s) => s.status === 'passed').length;
    expect(JSON.parse(readFileSync(join(out, 'badges', 'synapse-1.163.2.json'), 'utf8'))).toEqual({
      schemaVersion: 1,
      label: 'synapse@1.163.2',
      message: `must ${passed}/${musts.length}`,
      // Which colour for which share is machine-readable.test.ts's to check.
      color: expect.stringMatching(/^(brightgreen|green|yellow|orange|red)$/),
    });
    expect(readdirSync(out).toSorted()).toEqual(['badges', 'grid.csv', 'history.json', 'index.html', 'index.json']);
  });

  test('--help says how to use it and builds nothing', async () => {
    const run = await runCli(['dashboard', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: matrix-3pid-conformance dashboard --in DIR --out SITE/);
  });

  test.each([
    [['dashboard'], /dashboard needs --in DIR and --out SITE/],
    [['dashboard', '--in', '/tmp'], /dashboard needs --in DIR and --out SITE/],
    [['dashboard', '--in', '/nonexistent-m3c', '--out', '/tmp/x'], /--in \/nonexistent-m3c is not a folder/],
    [['dashboard', '--in', '/tmp', '--out', '/tmp/x', '--bogus'], /unknown argument "--bogus"/],
  ])('bad usage %j: one line, exit 2', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^matrix-3pid-conformance: /);
    expect(lines[0]).toMatch(message);
  });
});
