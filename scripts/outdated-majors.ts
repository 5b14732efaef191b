// Lists the dependencies whose pinned major is behind the registry's latest: a report for CI
// and for whoever does the next upgrade, never a gate. A registry that cannot be asked, or a
// new major, prints a line and exits 0. Run as `npm run outdated` (Node strips the types).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('..', import.meta.url);

/** Majors kept back on purpose, with the reason the report prints. */
export const HELD: Readonly<Record<string, string>> = {
  '@types/node': 'tracks the Node major the tool targets (24), not the newest Node',
};

const SECTIONS = ['dependencies', 'optionalDependencies', 'devDependencies'] as const;
type Section = (typeof SECTIONS)[number];
export type Manifest = Partial<Record<Section, Record<string, string>>>;
/** What `npm outdated --json` says of a package: `latest` is the registry's latest tag. */
export type Outdated = Record<string, { latest?: string }>;

export interface Row {
  name: string;
  section: Section;
  pinned: string;
  latest: string;
  held?: string;
}

/**
 * The part of a version that semver lets break: the major, or below 1.0.0 the first
 * non-zero part (0.45 to 0.46 breaks as 1 to 2 does). Undefined where it is no version.
 */
export function breakingLine(version: string): number[] | undefined {
  const match = /^[\^~=v]*(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  if (major > 0) return [major];
  if (minor > 0) return [0, minor];
  return [0, 0, patch];
}

/** Whether `latest` starts a breaking line after the one `pinned` is on. */
export function isMajorBehind(pinned: string, latest: string): boolean {
  const from = breakingLine(pinned);
  const to = breakingLine(latest);
  if (!from || !to) return false;
  for (let i = 0; i < Math.max(from.length, to.length); i++) {
    const a = from[i] ?? 0;
    const b = to[i] ?? 0;
    if (a !== b) return b > a;
  }
  return false;
}

/** The pinned dependencies, in every section, that a newer major has passed by. */
export function majorsBehind(manifest: Manifest, outdated: Outdated, held = HELD): Row[] {
  const rows: Row[] = [];
  for (const section of SECTIONS) {
    for (const [name, pinned] of Object.entries(manifest[section] ?? {})) {
      const latest = outdated[name]?.latest;
      if (latest && isMajorBehind(pinned, latest)) rows.push({ name, section, pinned, latest, ...(held[name] && { held: held[name] }) });
    }
  }
  return rows;
}

export function report(rows: Row[], total: number): string {
  const behind = rows.filter((row) => !row.held);
  const kept = rows.filter((row) => row.held);
  const lines =
    behind.length === 0
      ? [`outdated: all ${total} dependencies are on their latest major${kept.length ? ', or held back' : ''}.`]
      : [`outdated: ${behind.length} of ${total} dependencies are behind a major (not a failure; upgrade when you can):`];
  const width = Math.max(0, ...rows.map((row) => row.name.length));
  for (const row of behind) lines.push(`  ${row.name.padEnd(width)}  ${row.pinned} -> ${row.latest}  (${row.section})`);
  for (const row of kept) lines.push(`  ${row.name.padEnd(width)}  ${row.pinned}, latest ${row.latest}: held, ${row.held}`);
  return lines.join('\n');
}

/** Asks the registry through npm, bounded in time: undefined (with why) where it cannot. */
function askRegistry(): { outdated?: Outdated; problem?: string } {
  const run = spawnSync('npm', ['outdated', '--json', '--fetch-retries=0', '--fetch-timeout=15000'], {
    cwd: fileURLToPath(ROOT),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.error) return { problem: run.error.message };
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout || '{}');
  } catch {
    return { problem: `npm outdated printed no JSON (exit ${run.status}): ${run.stderr.trim().split('\n')[0] ?? ''}` };
  }
  // npm reports a failed look-up as {"error": {...}}; exit 1 alone only means "something is outdated".
  const error = (parsed as { error?: { summary?: string; code?: string } }).error;
  if (error) return { problem: error.summary ?? error.code ?? 'npm outdated failed' };
  return { outdated: parsed as Outdated };
}

function main(): void {
  const manifest = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as Manifest;
  const total = SECTIONS.reduce((sum, section) => sum + Object.keys(manifest[section] ?? {}).length, 0);
  const { outdated, problem } = askRegistry();
  if (!outdated) {
    console.log(`outdated: could not ask the registry, nothing to report (${problem})`);
    return;
  }
  console.log(report(majorsBehind(manifest, outdated), total));
}

if (import.meta.main) main();
