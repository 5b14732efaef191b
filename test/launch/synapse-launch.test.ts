// Launches a real Synapse. The first run on a machine installs it into the cache (minutes);
// after that a launch takes a few seconds.

import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/launch/child-process.js';
import { ensureSynapse, launchSynapse, SYNAPSE_VERSION } from '../../servers/synapse/local.js';
import { processesMentioning, useBlockedPort } from '../support/processes.js';

const INSTALL_TIMEOUT_MS = 20 * 60_000;
const quiet = () => undefined;


describe('Synapse (real server, slow)', () => {
  beforeAll(async () => {
    // Progress goes to stderr: a cold install is long enough to look like a hang otherwise.
    await ensureSynapse();
  }, INSTALL_TIMEOUT_MS);

  it('real Synapse: launches, answers /versions 200, and leaves no process or folder behind when stopped', async () => {
    const hs = await launchSynapse({
      identityPort: await freePort(),
      smtpPort: await freePort(),
      log: quiet,
    });
    let stopped = false;
    try {
      expect(hs.name).toBe('synapse');
      expect(hs.version).toBe(SYNAPSE_VERSION);
      expect(hs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const versions = await fetch(`${hs.url}/_matrix/client/versions`);
      expect(versions.status).toBe(200);
      expect(((await versions.json()) as { versions: string[] }).versions).toContain('v1.1');

      // The shared secret is configured: the admin registration API hands out nonces.
      const nonce = await fetch(`${hs.url}/_synapse/admin/v1/register`);
      expect(nonce.status).toBe(200);

      const configFile = `${hs.workDir}/homeserver.yaml`;
      expect(processesMentioning(configFile)).toHaveLength(1);

      await hs.stop();
      stopped = true;
      expect(processesMentioning(configFile)).toEqual([]);
      expect(existsSync(hs.workDir)).toBe(false);
      await expect(fetch(`${hs.url}/_matrix/client/versions`)).rejects.toThrow();
    } finally {
      if (!stopped) await hs.stop();
    }
  }, 120_000);

  describe('when Synapse cannot start', () => {
    // Something else holds Synapse's port and answers nothing.
    const blockedPort = useBlockedPort();

    it('real Synapse: fails fast with its last log lines and cleans up', async () => {
      const started = Date.now();
      const outcome = await launchSynapse({
        identityPort: await freePort(),
        smtpPort: await freePort(),
        port: blockedPort(),
        log: quiet,
      }).then(
        async (hs) => {
          await hs.stop();
          return 'launched although its port was taken';
        },
        (e: unknown) => e,
      );
      expect(outcome).toBeInstanceOf(Error);
      const error = outcome as Error;
      expect(error.message).toMatch(/process exited \(code \d+\) before/);
      expect(error.message).toMatch(/Address already in use|CannotListenError/);
      expect(Date.now() - started).toBeLessThan(60_000);
      const workDir = /last lines of (\S+)\/homeserver\.log/.exec(error.message)?.[1];
      expect(workDir).toBeDefined();
      expect(existsSync(workDir!)).toBe(false);
    }, 120_000);
  });
});
