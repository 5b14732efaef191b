// The spec releases whose rules the verdicts depend on, oldest first, one entry per release
// with what the code needs to know of it. Adding a release is adding its entry (and, where it
// changes a schema, the schema file named after it); everything else is derived from the list.
// Scenarios and schemas say from (and until) which release they apply.

interface Release {
  readonly version: string;
  /** The path segment of the client API: r0.x releases serve `/r0`; v1.1 introduced `/v3`. */
  readonly clientApi: 'r0' | 'v3';
}

const RELEASES = [
  { version: 'r0.4.0', clientApi: 'r0' },
  { version: 'r0.5.0', clientApi: 'r0' },
  { version: 'r0.6.0', clientApi: 'r0' },
  { version: 'r0.6.1', clientApi: 'r0' },
  { version: 'v1.1', clientApi: 'v3' },
  { version: 'v1.2', clientApi: 'v3' },
  { version: 'v1.3', clientApi: 'v3' },
  { version: 'v1.4', clientApi: 'v3' },
  { version: 'v1.5', clientApi: 'v3' },
  { version: 'v1.6', clientApi: 'v3' },
  { version: 'v1.7', clientApi: 'v3' },
  { version: 'v1.8', clientApi: 'v3' },
  { version: 'v1.9', clientApi: 'v3' },
  { version: 'v1.10', clientApi: 'v3' },
  { version: 'v1.11', clientApi: 'v3' },
  { version: 'v1.12', clientApi: 'v3' },
  { version: 'v1.13', clientApi: 'v3' },
  { version: 'v1.14', clientApi: 'v3' },
  { version: 'v1.15', clientApi: 'v3' },
  { version: 'v1.16', clientApi: 'v3' },
  { version: 'v1.17', clientApi: 'v3' },
  { version: 'v1.18', clientApi: 'v3' },
  { version: 'v1.19', clientApi: 'v3' },
] as const satisfies readonly Release[];

export type SpecVersion = (typeof RELEASES)[number]['version'];

/** Every release's name, oldest first. */
export const SPEC_VERSIONS: readonly SpecVersion[] = RELEASES.map((release) => release.version);

/** What a target is tested at when neither the user nor its `/versions` says otherwise. */
export const NEWEST_SPEC: SpecVersion = SPEC_VERSIONS.at(-1)!;

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

/** Where the client API lives in this release, e.g. `/_matrix/client/v3`. */
export function clientPrefix(version: SpecVersion): string {
  return `/_matrix/client/${release(version).clientApi}`;
}

function release(version: SpecVersion): Release {
  return RELEASES[SPEC_VERSIONS.indexOf(version)]!;
}
