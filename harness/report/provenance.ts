// Where a results file came from, so that a dashboard merging many nights from many CI jobs
// can say which run of which commit each column shows. The CI fields come from the
// variables GitHub Actions sets; elsewhere they are left out rather than guessed.

/**
 * The results file's layout: 1 for files written before it was numbered, 2 from provenance
 * on, 3 from the summary's failures by level (failedMust, failedShould) and the statements
 * checked (`statements`, and each scenario's) on. Each only adds fields: readers of older
 * files find them absent.
 */
export const RESULTS_SCHEMA_VERSION = 3;

export interface Provenance {
  runDate: string;
  /** The commit of the suite that ran, where CI names it. */
  toolCommit?: string;
  /** The CI run that made the file. */
  ciRunUrl?: string;
}

export function provenanceFrom(env: NodeJS.ProcessEnv, startedAt: Date): Provenance {
  const { GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  return {
    runDate: startedAt.toISOString(),
    ...(GITHUB_SHA && { toolCommit: GITHUB_SHA }),
    ...(GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID && {
      ciRunUrl: `${GITHUB_SERVER_URL.replace(/\/+$/, '')}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`,
    }),
  };
}

/** A file without a schemaVersion is from before it was numbered. */
export function schemaVersionOf(results: { schemaVersion?: number }): number {
  return results.schemaVersion ?? 1;
}
