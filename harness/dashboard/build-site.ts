// `dashboard --in DIR --out SITE`: every results file under DIR read (the others named and
// left out), the page and the machine-readable files written to SITE.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardData } from './dashboard-data.js';
import { loadResultsFolder, type RejectedFile } from './load-results.js';
import { badgeOf, gridCsv, historyJson, indexJson } from './machine-readable.js';
import { dashboardPage } from './page.js';

export interface BuiltSite {
  runs: number;
  columns: number;
  rejected: RejectedFile[];
  files: string[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function buildSite(inDir: string, outDir: string): BuiltSite {
  // A site written inside the folder it is built from is not read back as results files.
  const { runs, rejected } = loadResultsFolder(inDir, [outDir]);
  const data = dashboardData(runs);
  const files = new Map<string, string>([
    ['index.html', dashboardPage(data)],
    ['index.json', json(indexJson(data))],
    ['history.json', json(historyJson(data))],
    ['grid.csv', gridCsv(data)],
    ...data.columns.map((view) => [join('badges', `${view.column.id}.json`), json(badgeOf(view))] as [string, string]),
  ]);
  mkdirSync(join(outDir, 'badges'), { recursive: true });
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  return { runs: runs.length, columns: data.columns.length, rejected, files: [...files.keys()] };
}
