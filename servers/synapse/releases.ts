// What launching a Synapse release other than the pinned one takes, from Synapse's changelog,
// upgrade notes and issues (not from trying one release):
//
// - The configuration template (homeserver.yaml) holds unchanged from 1.75.0 on: no key in it
//   was renamed, removed or newly rejected since (enable_registration_without_verification
//   exists from 1.56.0, push.enabled from 1.74.0, account_threepid_delegates.msisdn throughout;
//   the email delegate, removed in 1.66.0, is not used). Unknown keys are ignored.
// - 1.75.0 is the first release that declares support for Python 3.11 (element-hq/synapse#14673).
// - Synapse bounds its dependencies from below only, so pip takes today's newest releases of
//   them; some broke older Synapses, and those are held back for the releases they broke.
import { compareReleases } from '../../harness/report/version-range.js';

/**
 * The older releases the project's own tests launch beside the pinned one: two years of
 * Synapse (2024-10-15 and 2025-10-29; the pinned 1.163.2 is of 2026-10-23).
 */
export const TESTED_OLDER_RELEASES = ['1.117.0', '1.141.0'] as const;

/** The oldest release this launcher runs: the first to support the Python versions it uses. */
export const OLDEST_LAUNCHABLE = '1.75.0';

interface HeldBack {
  /** Releases before this one need the constraint. */
  before: string;
  /** And those from this one, where the breakage began later. */
  from?: string;
  constraint: string;
  why: string;
}

const HELD_BACK: readonly HeldBack[] = [
  {
    before: '1.146.0',
    constraint: 'prometheus-client<0.24',
    why: 'its Collector became a Protocol, and InFlightGauge fails to import (element-hq/synapse#19375, fixed in 1.146.0)',
  },
  {
    before: '1.139.0',
    constraint: 'setuptools<82',
    why: 'setuptools 82 removed pkg_resources, which synapse/config/_base.py imports until 1.139.0 (#18910)',
  },
  {
    from: '1.111.1',
    before: '1.119.0',
    constraint: 'Twisted<24.10',
    why: 'Twisted 24.10 dropped Headers._encodeName, which these releases call on import (#17882, fixed in 1.119.0)',
  },
  {
    from: '1.98.0',
    before: '1.111.1',
    constraint: 'Twisted<24.7',
    why: 'Twisted 24.7 dropped Headers._canonicalNameCaps, which these releases use (on the worker proxy path; held back to be safe)',
  },
  {
    before: '1.87.0',
    constraint: 'pydantic<2',
    why: 'these releases use the pydantic 1 API without bounding it (1.87.0 pinned ^1.7.4)',
  },
];

/** Why the release cannot be launched here, or undefined when it can. */
export function unlaunchable(version: string): string | undefined {
  if (compareReleases(version, OLDEST_LAUNCHABLE) < 0) {
    return `releases before ${OLDEST_LAUNCHABLE} do not support the Python versions this launcher uses (3.10 to 3.13)`;
  }
  return undefined;
}

/** pip constraints for installing the release, each with why. */
export function heldBack(version: string): ReadonlyArray<{ constraint: string; why: string }> {
  return HELD_BACK.filter(
    ({ before, from }) => compareReleases(version, before) < 0 && (from === undefined || compareReleases(version, from) >= 0),
  );
}
