// The `dashboard` subcommand's arguments and its report: bad usage is a UsageError (one
// line, exit 2); a file left out is one line on stderr and does not fail the build.
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../tool/usage-error.js';
import { buildSite } from './build-site.js';

export const DASHBOARD_USAGE = 'dashboard --in DIR --out SITE   build the static compatibility dashboard from the results files under DIR';

interface DashboardArgs {
  inDir: string;
  outDir: string;
}

export function parseDashboardArgs(argv: readonly string[]): DashboardArgs {
  const given: Partial<Record<'--in' | '--out', string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--in' && flag !== '--out') throw new UsageError(`dashboard: unknown argument "${arg}" (usage: ${DASHBOARD_USAGE})`);
    const value = inline ?? argv[++i];
    if (!value || (inline === undefined && value.startsWith('--'))) throw new UsageError(`dashboard: ${flag} needs a value`);
    given[flag] = value;
  }
  if (!given['--in'] || !given['--out']) throw new UsageError(`dashboard needs --in DIR and --out SITE`);
  if (!existsSync(given['--in']) || !statSync(given['--in']).isDirectory()) throw new UsageError(`dashboard: --in ${given['--in']} is not a folder`);
  return { inDir: given['--in'], outDir: given['--out'] };
}

export function runDashboard(argv: readonly string[], out: { log(line: string): void; report(text: string): void }): number {
  if (argv.includes('--help')) {
    out.report(`Usage: matrix-3pid-conformance ${DASHBOARD_USAGE}\nEvery *.json under DIR is read; a file that is not a results file is named on stderr and left out.\nSee docs/dashboard.md.`);
    return 0;
  }
  const log = out.log;
  const { inDir, outDir } = parseDashboardArgs(argv);
  const site = buildSite(inDir, outDir);
  // One line per file left out, whatever its parse error looks like.
  for (const { file, why } of site.rejected) log(`left out ${file}: ${why.replace(/\s+/g, ' ')}`);
  log(`dashboard of ${site.runs} results files (${site.columns} columns) written to ${outDir}`);
  return 0;
}
