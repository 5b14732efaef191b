// What the benchmark and the stability check share: one Synapse launched and kept for many
// CLI runs against it, each run timed and its results file read back.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { freePort } = await import('../dist/harness/launch/child-process.js');
const { launchSynapse } = await import('../dist/servers/synapse/local.js');
const cli = fileURLToPath(new URL('../dist/harness/cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'm3c-kept-'));

/** Launches Synapse, calls `use(run)` and stops Synapse whatever happens. */
export async function withKeptSynapse(use) {
  const identityPort = await freePort();
  const smtpPort = await freePort();
  const started = performance.now();
  const server = await launchSynapse({ identityPort, smtpPort, log: () => {} });
  const launchMs = performance.now() - started;
  const base = ['--profile', 'synapse', '--identity-port', String(identityPort), '--smtp-port', String(smtpPort),
    '--shared-secret', server.registrationSharedSecret, '--expectations', 'synapse', '--quiet'];
  let runs = 0;
  /** One CLI run: its wall time, exit code and results. `homeserver` stands in for Synapse's URL (a proxy). */
  const run = (args, { homeserver = server.url } = {}) =>
    new Promise((resolve, reject) => {
      const results = join(work, `run-${runs++}.json`);
      const began = performance.now();
      const child = spawn(process.execPath, [cli, '--homeserver', homeserver, ...base, '--results', results, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        const wallMs = performance.now() - began;
        if (code !== 0) return reject(new Error(`${args.join(' ')}: exit ${code}\n${stderr}`));
        resolve({ wallMs, spawnedAt: began, results: JSON.parse(readFileSync(results, 'utf8')) });
      });
    });
  try {
    return await use({ run, server, launchMs });
  } finally {
    await server.stop();
  }
}

/** `id status` per scenario, in catalogue order: what two runs must agree on. */
export function statuses(results) {
  return results.scenarios.map((s) => `${s.id} ${s.status}`);
}
