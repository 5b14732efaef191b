// Launches a real Synapse. The first run on a machine installs it into the cache (minutes);
// after that a launch takes a few seconds.

import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/launch/child-process.js';
import { ensureSynapse, launchSynapse, SYNAPSE_VERSION } from '../../servers/synapse/local.js';
import { expectFailedLaunch, expectServing, expectStopsWithoutTrace } from '../support/launch-checks.js';
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
    try {
      expect(hs.name).toBe('synapse');
      expect(hs.version).toBe(SYNAPSE_VERSION);
      expect(hs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expectServing(hs);

      const configFile = `${hs.workDir}/homeserver.yaml`;
      expect(processesMentioning(configFile)).toHaveLength(1);
      await expectStopsWithoutTrace(hs, configFile);
    } finally {
      await hs.stop();
    }
  }, 120_000);

  describe('when Synapse cannot start', () => {
    // Something else holds Synapse's port and answers nothing.
    const blockedPort = useBlockedPort();

    it('real Synapse: fails fast with its last log lines and cleans up', async () => {
      const launch = async () => launchSynapse({ identityPort: await freePort(), smtpPort: await freePort(), port: blockedPort(), log: quiet });
      const error = await expectFailedLaunch(launch, 'homeserver.log', 60_000);
      expect(error.message).toMatch(/Address already in use|CannotListenError/);
    }, 120_000);
  });
});
