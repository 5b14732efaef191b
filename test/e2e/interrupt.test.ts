// Ctrl-C in the middle of a run leaves no Synapse and no fake service behind.
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { startCli, waitForStderr } from '../cli/run-cli.js';
import { portIsFree, processesMentioning } from '../support/processes.js';

test('SIGINT during the scenarios stops Synapse, the identity service and the mail sink', async () => {
  const cli = startCli(['--launch', 'synapse']);
  const [, identityPort, smtpPort] = await waitForStderr(cli, /identity service on port (\d+), mail sink on port (\d+)/, 60_000);
  const [, workDir] = await waitForStderr(cli, /work dir (\S+?)\)/, 15 * 60_000);
  await waitForStderr(cli, /^testing /m, 120_000);
  expect(processesMentioning(workDir!)).not.toEqual([]);

  cli.child.kill('SIGINT');
  const exit = await cli.done;

  expect(exit.code === 130 || exit.signal === 'SIGINT', `exit ${exit.code} ${exit.signal}\n${exit.stderr}`).toBe(true);
  // The run says why its output stops.
  expect(exit.stderr).toMatch(/\nSIGINT: stopping the (process|\d+ processes) this run started…\n/);
  expect(processesMentioning(workDir!)).toEqual([]);
  expect(existsSync(workDir!), `${workDir} is left behind`).toBe(false);
  expect(await portIsFree(Number(identityPort))).toBe(true);
  expect(await portIsFree(Number(smtpPort))).toBe(true);
}, 20 * 60_000);

test('SIGINT to `launch synapse` in the foreground stops it and removes its work folder', async () => {
  const cli = startCli(['launch', 'synapse']);
  const [, workDir] = await waitForStderr(cli, /work dir (\S+?)\)/, 15 * 60_000);
  await waitForStderr(cli, /Synapse ready/, 120_000);
  expect(processesMentioning(workDir!)).not.toEqual([]);

  cli.child.kill('SIGINT');
  const exit = await cli.done;

  expect(exit.code, exit.stderr).toBe(130);
  // The command to run against it: runnable as printed, with the launched server's known deviations.
  expect(exit.stdout).toMatch(/ {2}npx matrix-3pid-conformance --homeserver http:\/\/127\.0\.0\.1:\d+ --profile synapse --identity-port \d+ --smtp-port \d+ --shared-secret \S+ --expectations synapse\n/);
  expect(exit.stderr).toMatch(/synapse \S+ stopped/);
  expect(processesMentioning(workDir!)).toEqual([]);
  expect(existsSync(workDir!), `${workDir} is left behind`).toBe(false);
}, 20 * 60_000);
