// Ranges of server releases, as an expectations entry names the releases it holds for:
// space-separated comparisons, all of which must hold ("≥1.120.0 <1.140.0" written
// `>=1.120.0 <1.140.0`; `=1.130.2` or a bare `1.130.2` for one release). Releases compare by
// their numeric parts; a suffix (`rc1`) sorts before the release it precedes.

export type Comparator = '<' | '<=' | '>' | '>=' | '=';

interface Bound {
  op: Comparator;
  version: string;
}

export class VersionRangeError extends Error {}

const BOUND = /^(<=|>=|<|>|=)?(\d+(?:\.\d+)*(?:rc\d+)?)$/;

export function parseRange(text: string): Bound[] {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw new VersionRangeError('an empty range');
  return parts.map((part) => {
    const match = BOUND.exec(part);
    if (!match) throw new VersionRangeError(`"${part}" is not a comparison with a release (e.g. >=1.120.0)`);
    return { op: (match[1] ?? '=') as Comparator, version: match[2]! };
  });
}

/** Whether `version` is in the range; a version that is not a release number is in none. */
export function inRange(version: string, range: string): boolean {
  const key = releaseKey(version);
  if (!key) return false;
  return parseRange(range).every(({ op, version: bound }) => {
    const order = compareKeys(key, releaseKey(bound)!);
    return { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0, '=': order === 0 }[op];
  });
}

/** The range with one more comparison, kept readable: `>=1.2.0` and `<1.5.0` give `>=1.2.0 <1.5.0`. */
export function narrowed(range: string | undefined, op: Comparator, version: string): string {
  return [range, `${op}${version}`].filter(Boolean).join(' ');
}

/** Numeric parts, then 0 for a suffix (an rc) or 1 for the release itself. */
function releaseKey(version: string): number[] | undefined {
  const match = /^v?(\d+(?:\.\d+)*)(rc(\d+))?/.exec(version.trim());
  if (!match) return undefined;
  const parts = match[1]!.split('.').map(Number);
  while (parts.length < 3) parts.push(0);
  return match[2] ? [...parts, 0, Number(match[3])] : [...parts, 1, 0];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function compareReleases(a: string, b: string): number {
  const [ka, kb] = [releaseKey(a), releaseKey(b)];
  if (!ka || !kb) return a.localeCompare(b);
  return compareKeys(ka, kb);
}
