// The CLI run as a user would against a reference homeserver started for that run alone, on
// free ports, configured by a setup and broken by the faults given.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../harness/launch/child-process.js';
import type { Results } from '../../harness/report/results.js';
import { runCli, type CliRun } from '../cli/run-cli.js';
import type { Fault } from './faults.js';
import { ReferenceHomeserver } from './reference-homeserver.js';
import type { Setup } from './setups.js';

/** A started reference homeserver, and the CLI arguments that point a run at it (and its fakes at the ports it expects them on). */
export async function startReference(setup: Setup, faults: Fault[]): Promise<{ hs: ReferenceHomeserver; targetArgs: string[] }> {
  const identityPort = await freePort();
  const smtpPort = await freePort();
  const hs = new ReferenceHomeserver({ identityPort, smtpPort, faults, trustedIdServers: [`127.0.0.1:${identityPort}`], ...setup.server });
  await hs.start();
  const targetArgs = [
    '--homeserver', hs.url, '--profile', setup.profile,
    '--identity-port', String(identityPort), '--smtp-port', String(smtpPort),
    '--shared-secret', hs.registrationSharedSecret,
    ...(setup.spec ? ['--spec', setup.spec] : []),
  ];
  return { hs, targetArgs };
}

/**
 * Runs the CLI against a fresh reference homeserver, with no expectations, keeping the results
 * files in `dir`; with `extra` arguments (--only, --strict, …). Stops the server after.
 */
export function cliAgainstReference(dir: string): (setup: Setup, faults: Fault[], extra?: string[]) => Promise<CliRun & { results: Results }> {
  const noExpectations = join(dir, 'none.yaml');
  writeFileSync(noExpectations, 'expectations: {}\n');
  let runs = 0;
  return async (setup, faults, extra = []) => {
    const { hs, targetArgs } = await startReference(setup, faults);
    try {
      const resultsFile = join(dir, `run-${runs++}.json`);
      const run = await runCli([...targetArgs, '--expectations', noExpectations, '--results', resultsFile, ...extra]);
      return { ...run, results: JSON.parse(readFileSync(resultsFile, 'utf8')) as Results };
    } finally {
      await hs.stop();
    }
  };
}
