// The compatibility table: scenario families by server, from results files. `npm run compat`
// writes it into README.md between its markers, from the snapshots in docs/results/.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../tool/package-root.js';
import { FAMILIES } from '../model/scenario.js';
import type { Results } from './results.js';
import { countOf, runModel, type Tally } from './run-model.js';

const START = '<!-- compat:start -->';
const END = '<!-- compat:end -->';

/** What the server did, known deviations or not: passed / failed / skipped. */
function counts(t: Tally | undefined): string {
  if (!t) return 'not run';
  return `${countOf(t, 'passed', 'unexpected-pass')} / ${countOf(t, 'failed', 'expected-failure')} / ${t.byStatus.skipped}`;
}

/** One column per results file, one row per family: passed / failed / skipped. */
export function formatCompatTable(runs: readonly Results[]): string {
  const heads = runs.map((r) => `${r.target.server.name} ${r.target.server.version} (${r.profile}, spec ${r.spec})`);
  const models = runs.map((run) => runModel(run));
  const byFamily = models.map((run) => new Map(run.byFamily.map((group) => [group.key, group.tally])));
  return [
    `| scenario family | ${heads.join(' | ')} |`,
    `| --- | ${runs.map(() => '---').join(' | ')} |`,
    ...FAMILIES.map((family) => `| ${family} | ${byFamily.map((groups) => counts(groups.get(family))).join(' | ')} |`),
    `| **all** | ${models.map((run) => `**${counts(run.all)}**`).join(' | ')} |`,
  ].join('\n');
}

export function replaceCompatSection(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The results snapshots the README's table is made from, in a stable order. */
export const SNAPSHOT_DIR = packagePath('docs', 'results');

export function snapshotFiles(): string[] {
  return readdirSync(SNAPSHOT_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(SNAPSHOT_DIR, name));
}

export function readRuns(files: readonly string[]): Results[] {
  return files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Results);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [readmePath, ...given] = process.argv.slice(2);
  if (!readmePath) {
    process.stderr.write('usage: compat-table README.md [RESULTS.json...]  (default: docs/results/*.json)\n');
    process.exit(2);
  }
  const files = given.length ? given : snapshotFiles();
  const runs = readRuns(files);
  writeFileSync(readmePath, replaceCompatSection(readFileSync(readmePath, 'utf8'), formatCompatTable(runs)));
  process.stdout.write(`compatibility table for ${files.length} runs written to ${readmePath}\n`);
}
