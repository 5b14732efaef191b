// The spec releases whose rules the verdicts depend on, oldest first. A target is tested
// at one of them; scenarios and schemas say from (and until) which release they apply.
export const SPEC_VERSIONS = [
  'r0.4.0', 'r0.5.0', 'r0.6.0', 'r0.6.1',
  'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10',
  'v1.11', 'v1.12', 'v1.13', 'v1.14', 'v1.15', 'v1.16', 'v1.17', 'v1.18', 'v1.19',
] as const;

export type SpecVersion = (typeof SPEC_VERSIONS)[number];

export const NEWEST_SPEC: SpecVersion = 'v1.19';

export function isSpecVersion(value: string): value is SpecVersion {
  return (SPEC_VERSIONS as readonly string[]).includes(value);
}

export function compareSpec(a: SpecVersion, b: SpecVersion): number {
  return SPEC_VERSIONS.indexOf(a) - SPEC_VERSIONS.indexOf(b);
}

export function atLeast(version: SpecVersion, floor: SpecVersion): boolean {
  return compareSpec(version, floor) >= 0;
}

/** The newest release the server advertises in `/versions` that this suite knows. */
export function newestAdvertised(advertised: readonly string[]): SpecVersion | undefined {
  const known = advertised.filter(isSpecVersion).sort(compareSpec);
  return known.at(-1);
}

/** r0.x releases address the client API as `/r0`; v1.1 introduced `/v3`. */
export function clientPrefix(version: SpecVersion): string {
  return atLeast(version, 'v1.1') ? '/_matrix/client/v3' : '/_matrix/client/r0';
}
