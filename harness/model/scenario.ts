// The scenario model: what one check is, where in the spec it comes from, and when it
// applies. Suites are plain lists of these, so the catalogue can be read without running.
import type { EndpointKey } from './endpoints.js';
import { CAPABILITIES, type Capability, type Profile } from './profile.js';
import type { SpecRef } from './spec-refs.js';
import { atLeast, compareSpec, type SpecVersion } from './spec-versions.js';
import type { ScenarioContext } from '../runner/context.js';

/**
 * How a failure counts: a failed `must` fails the run; a failed `should` or `may` is a warning
 * that fails it only under --strict. The spec's own word decides: MUST is `must`; SHOULD,
 * RECOMMENDED and "is expected to" are `should`; MAY is `may`, checked only where the profile
 * says the server takes the option.
 */
export type Level = 'must' | 'should' | 'may';

/** Whether a failure at this level is a warning (fails the run only under --strict): `should` and `may`. */
export function warnsOnly(level: Level): boolean {
  return level !== 'must';
}

export interface Scenario {
  /** Stable id, `<endpoint>/<name>`; expectations files and dashboards key on it. */
  id: string;
  endpoint: EndpointKey;
  /** The promise checked, in the spec's words. */
  title: string;
  /** The kind of promise (bad input, relay, ...), for reports that group scenarios. */
  family: Family;
  level: Level;
  /**
   * The spec's own words the level rests on, quoted ("must check that the given email
   * address is not already associated", "is expected to be returned").
   */
  says?: string;
  /** The ids of the statements in spec/statements.yaml that the scenario checks. */
  statements?: readonly string[];
  /** Spec version and section the scenario enforces, built by ref(). */
  specRef: SpecRef;
  /** First spec release the promise holds in (inclusive). */
  since: SpecVersion;
  /** Last spec release it holds in (inclusive), where a later one dropped it. */
  until?: SpecVersion;
  /** What the target's profile must declare for the scenario to apply. */
  needs?: readonly Capability[];
  /**
   * Takes a minute or more by design, and what it waits out, in words for the progress line
   * ("the server's identity-service timeout"); `--quick` skips it, a concurrent run starts it
   * first so that its wait overlaps everything else.
   */
  slow?: string;
  /**
   * Why the scenario needs the server to itself (it exhausts a server-wide rate limit, it
   * measures response times): it runs alone, after the others.
   */
  exclusive?: string;
  /**
   * The reference homeserver's faults (test/reference-server/faults.ts) that must make the
   * scenario fail: its self-test runs it against each. Names only, so harness/ does not
   * depend on test/; the self-test refuses a name the reference server does not know.
   */
  failsUnder?: readonly string[];
  run(context: ScenarioContext): Promise<void>;
}

export const FAMILIES = [
  'success and sending',
  'denied addresses',
  'bound and unbound addresses',
  'canonical addresses',
  'account/3pid',
  'password reset',
  'completing validation',
  'identity-service relay',
  'id_server proxy',
  'bad input',
  'HTTP conventions',
  'privacy mode',
  'rate limiting',
] as const;

export type Family = (typeof FAMILIES)[number];

export interface Suite {
  endpoint: EndpointKey;
  scenarios: readonly Scenario[];
}

export const QUICK_SKIP_REASON = 'a slow scenario, and the run was asked to be --quick';

/** Why the scenario does not apply to this target, or undefined when it does. */
export function inapplicability(scenario: Scenario, spec: SpecVersion, profile: Profile, options: { quick?: boolean } = {}): string | undefined {
  if (scenario.slow && options.quick) return QUICK_SKIP_REASON;
  if (!atLeast(spec, scenario.since)) {
    return `applies from spec ${scenario.since}; the target is tested at ${spec}`;
  }
  if (scenario.until && compareSpec(spec, scenario.until) > 0) {
    return `applies up to spec ${scenario.until}; the target is tested at ${spec}`;
  }
  const missing = (scenario.needs ?? []).find((need) => !CAPABILITIES[need].holds(profile));
  return missing ? `needs ${CAPABILITIES[missing].needs}; profile ${profile.name} does not declare it` : undefined;
}

/** A scenario as a family writes it: its name within the endpoint, not yet its full id. */
export type ScenarioDraft = Omit<Scenario, 'endpoint' | 'id' | 'family'> & { name: string };

/** A family's scenarios as a suite composes them. */
export type FamilyScenario = ScenarioDraft & { family: Family };

export function family(name: Family, drafts: readonly ScenarioDraft[]): FamilyScenario[] {
  return drafts.map((draft) => ({ ...draft, family: name }));
}

/** Builds one endpoint's suite, filling in the endpoint and prefixing ids. */
export function suite(endpoint: EndpointKey, scenarios: readonly FamilyScenario[]): Suite {
  return {
    endpoint,
    scenarios: scenarios.map(({ name, ...rest }) => ({ ...rest, endpoint, id: `${endpoint}/${name}` })),
  };
}

/** `--only` patterns: a comma-separated list, each a glob with `*` or else a substring of the id. */
export function idFilter(pattern: string | undefined): (id: string) => boolean {
  if (!pattern) return () => true;
  const tests = onlyParts(pattern).map(partTest);
  return (id) => tests.some((test) => test(id));
}

/** The parts of an `--only` list that select none of `ids`: a typo would otherwise run nothing and pass. */
export function unmatchedOnlyParts(pattern: string, ids: Iterable<string>): string[] {
  const known = [...ids];
  return onlyParts(pattern).filter((part) => !known.some(partTest(part)));
}

/** The parts of an `--only` list, trimmed, empty ones dropped. */
export function onlyParts(pattern: string): string[] {
  return pattern
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A part without `*` is a substring of the id; with one, a glob matched against the whole id. */
function partTest(part: string): (id: string) => boolean {
  if (!part.includes('*')) return (id) => id.includes(part);
  const source = part.split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
  const regex = new RegExp(`^${source}$`);
  return (id) => regex.test(id);
}
