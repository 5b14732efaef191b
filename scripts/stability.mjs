// Verdicts that do not depend on the run (npm run stability): N consecutive runs of the full
// catalogue at the default concurrency against one kept Synapse must give identical statuses.
// Prints each run's wall time and any scenario whose status changed; exits 1 if one did.
//   npm run stability [-- RUNS]        (default 20; builds first; launches its own Synapse)
import { statuses, withKeptSynapse } from './kept-synapse.mjs';

const RUNS = Number(process.argv[2] ?? 20);
if (!Number.isInteger(RUNS) || RUNS < 2) {
  console.error(`stability: the number of runs must be a whole number of at least 2, got ${process.argv[2]}`);
  process.exit(2);
}

const differing = await withKeptSynapse(async ({ run, server }) => {
  console.log(`Synapse ${server.version}: ${RUNS} full runs at the default concurrency`);
  let first;
  const changed = new Map();
  for (let i = 1; i <= RUNS; i++) {
    const { wallMs, results } = await run([]);
    const seen = statuses(results);
    first ??= seen;
    const diff = seen.filter((line, n) => line !== first[n]);
    for (const line of diff) {
      const [id, status] = line.split(' ');
      changed.set(id, [...(changed.get(id) ?? []), `run ${i}: ${status}`]);
    }
    console.log(`run ${i}: ${(wallMs / 1000).toFixed(1)} s, ${results.summary.passed} passed, ${results.summary.expectedFailures} expected failures, ${results.summary.skipped} skipped${diff.length ? `, ${diff.length} differ from run 1` : ''}`);
  }
  return changed;
});

if (differing.size === 0) {
  console.log(`identical statuses in all ${RUNS} runs`);
} else {
  console.log(`${differing.size} scenario(s) changed status:`);
  for (const [id, changes] of differing) console.log(`  ${id}: ${changes.join(', ')}`);
  process.exitCode = 1;
}
