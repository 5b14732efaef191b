// Measures the edit-run loop: one Synapse kept running, the CLI run against it again and again.
// Prints the launch time and, per kind of run, the median and range of wall times.
//   node scripts/benchmark.mjs [repetitions]      (after npm run build)
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const { freePort } = await import('../dist/harness/launch/child-process.js');
const { launchSynapse } = await import('../dist/servers/synapse/local.js');
const cli = fileURLToPath(new URL('../dist/harness/cli/main.js', import.meta.url));
const repetitions = Number(process.argv[2] ?? 3);

const identityPort = await freePort();
const smtpPort = await freePort();
let started = performance.now();
const server = await launchSynapse({ identityPort, smtpPort, log: () => {} });
const launchMs = performance.now() - started;

const base = ['--homeserver', server.url, '--profile', 'synapse', '--identity-port', String(identityPort),
  '--smtp-port', String(smtpPort), '--shared-secret', server.registrationSharedSecret, '--expectations', 'synapse'];
const kinds = {
  'one scenario (--only register-email/success)': ['--only', 'register-email/success'],
  'one endpoint (--only register-email/*, --quick)': ['--only', 'register-email/*', '--quick'],
  'everything but the slow scenarios (--quick)': ['--quick'],
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  console.log(`Synapse ${server.version} launched in ${(launchMs / 1000).toFixed(1)} s (warm venv)`);
  for (const [name, args] of Object.entries(kinds)) {
    const times = [];
    for (let i = 0; i < repetitions; i++) {
      started = performance.now();
      const run = spawnSync(process.execPath, [cli, ...base, ...args], { encoding: 'utf8' });
      times.push(performance.now() - started);
      if (run.status !== 0) throw new Error(`${name}: exit ${run.status}\n${run.stderr}`);
    }
    const s = (ms) => (ms / 1000).toFixed(2);
    console.log(`${name}: median ${s(median(times))} s (${s(Math.min(...times))}–${s(Math.max(...times))} s over ${repetitions})`);
  }
} finally {
  await server.stop();
}
