// Nothing secret leaves a run: the whole catalogue, run through the CLI against the reference
// homeserver with faults that make scenarios fail after test accounts were made (so their
// evidence holds registrations, bearer tokens, password auth and submitted tokens), writes
// results, JUnit, a step summary, its console output and a dashboard built from the results,
// and none of them holds any credential the server handed out or was sent in that run.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { Results } from '../../harness/report/results.js';
import { runCli } from '../cli/run-cli.js';
import { startReference } from './cli-against-reference.js';
import type { Fault } from './faults.js';
import { SETUPS } from './setups.js';

// add-binds-nothing fails every scenario about a bound address after its account, password
// auth and (for a phone number) the texted token were used; mail-no-link fails those that
// want a validation link, with the mail in hand.
const FAULTS: Fault[] = ['add-binds-nothing', 'mail-no-link'];
// Two registrations' worth at least (nonce, password, mac, access token), and some tokens.
const FEWEST_SECRETS = 10;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

test('no output of a run holds a live secret of that run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'm3c-secrets-'));
  const expectations = join(dir, 'none.yaml');
  writeFileSync(expectations, 'expectations: {}\n');
  const { hs, targetArgs } = await startReference(SETUPS[0]!, FAULTS);
  const runDir = join(dir, 'run');
  const [resultsFile, junitFile, summaryFile, site] = [join(runDir, 'results.json'), join(dir, 'junit.xml'), join(dir, 'summary.md'), join(dir, 'site')];
  let outputs: Array<{ name: string; text: string }>;
  try {
    const run = await runCli([...targetArgs, '--expectations', expectations, '--results', resultsFile, '--junit', junitFile], { GITHUB_STEP_SUMMARY: summaryFile });
    expect(run.code, run.stderr.slice(-4000)).toBe(1);
    const dashboard = await runCli(['dashboard', '--in', runDir, '--out', site]);
    expect(dashboard.code, dashboard.stderr).toBe(0);
    outputs = [
      { name: 'stdout', text: run.stdout },
      { name: 'stderr', text: run.stderr },
      { name: 'dashboard output', text: dashboard.stdout + dashboard.stderr },
      ...[resultsFile, junitFile, summaryFile, ...filesUnder(site)].map((file) => ({ name: file, text: readFileSync(file, 'utf8') })),
    ];
  } finally {
    await hs.stop();
  }

  const secrets = [...hs.liveSecrets];
  expect(secrets.length).toBeGreaterThanOrEqual(FEWEST_SECRETS);
  const leaks = outputs.flatMap(({ name, text }) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${name}: ${secret}`));
  expect(leaks).toEqual([]);

  // The failures carry evidence in which each kind of credential was redacted: the search
  // above was not of files that never held one.
  const results = readFileSync(resultsFile, 'utf8');
  expect((JSON.parse(results) as Results).scenarios.filter((s) => s.evidence?.exchanges.length).length).toBeGreaterThan(0);
  const placeholders = ['Bearer <redacted: access_token>', '<redacted: password>', '<redacted: mac>', '<redacted: nonce>', '<redacted: token>'];
  expect(placeholders.filter((placeholder) => !results.includes(placeholder))).toEqual([]);
}, 600_000);
