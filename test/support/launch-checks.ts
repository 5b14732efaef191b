// What the real-server launch tests check of every launcher: the server it starts serves the
// client API with the shared secret configured, and it leaves nothing behind, whether it
// stopped or never came up.
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import type { LaunchedHomeserver } from '../../harness/launch/launched-homeserver.js';
import { processesMentioning } from './processes.js';

/** /versions answers 200 with v1.1, and the admin registration API hands out nonces (the shared secret is configured). */
export async function expectServing(hs: LaunchedHomeserver): Promise<void> {
  const versions = await fetch(`${hs.url}/_matrix/client/versions`);
  expect(versions.status).toBe(200);
  expect(((await versions.json()) as { versions: string[] }).versions).toContain('v1.1');
  const nonce = await fetch(`${hs.url}/_synapse/admin/v1/register`);
  expect(nonce.status).toBe(200);
}

/** Stops `hs`: no process still runs on its config file, its work folder is gone, its port answers nothing. */
export async function expectStopsWithoutTrace(hs: LaunchedHomeserver, configFile: string): Promise<void> {
  await hs.stop();
  expect(processesMentioning(configFile)).toEqual([]);
  expect(existsSync(hs.workDir)).toBe(false);
  await expect(fetch(`${hs.url}/_matrix/client/versions`)).rejects.toThrow();
}

/**
 * A launch that cannot succeed (its port is taken) must fail within `withinMs`, saying the process
 * exited and quoting the last lines of `logName`, whose work folder is gone by then. Returns the
 * error, for the server's own words in it.
 */
export async function expectFailedLaunch(launch: () => Promise<LaunchedHomeserver>, logName: string, withinMs: number): Promise<Error> {
  const started = Date.now();
  const outcome = await launch().then(
    async (hs) => {
      await hs.stop();
      return 'launched although its port was taken';
    },
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(Error);
  const error = outcome as Error;
  expect(error.message).toMatch(/process exited \(code \d+\) before/);
  expect(Date.now() - started).toBeLessThan(withinMs);
  const workDir = new RegExp(`last lines of (\\S+)/${logName.replaceAll('.', '\\.')}`).exec(error.message)?.[1];
  expect(workDir).toBeDefined();
  expect(existsSync(workDir!)).toBe(false);
  return error;
}
