// The registry of launchable servers (servers/index.ts) and the folders its entries point at:
// the CLI names, each server's own files found by name, and nothing found twice.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectationsPath } from '../../harness/cli/run.js';
import { loadProfile } from '../../harness/model/profile.js';
import { packagePath } from '../../harness/tool/package-root.js';
import { builtInFiles } from '../../harness/tool/server-folders.js';
import { defaultProfileName, isLaunchable, LAUNCHABLE, SERVERS } from '../../servers/index.js';

describe('the registry', () => {
  test('the names --launch takes, in the order --help lists them', () => {
    expect(LAUNCHABLE).toEqual(['synapse', 'dendrite', 'palpo', 'docker:synapse', 'docker:dendrite', 'docker:conduwuit', 'docker:continuwuity', 'docker:tuwunel']);
    expect(isLaunchable('docker:synapse')).toBe(true);
    expect(isLaunchable('conduwuit')).toBe(false);
  });

  test.each(SERVERS.map((server) => [server.name, server] as const))('%s: its folder under servers/ holds its default profile, which names its family', (name, server) => {
    expect(dirname(server.folder)).toBe(packagePath('servers'));
    const file = join(server.folder, 'profiles', `${defaultProfileName(name)}.json`);
    expect(existsSync(file), file).toBe(true);
    expect(loadProfile(file).server).toBe(server.server);
    expect(loadProfile(defaultProfileName(name))).toEqual(loadProfile(file));
  });

  test('a container is configured like the local server of its family', () => {
    expect(defaultProfileName('docker:synapse')).toBe('synapse');
    expect(defaultProfileName('docker:continuwuity')).toBe('continuwuity');
  });
});

describe('built-in profiles and expectations, found by name across the server folders', () => {
  const profiles = builtInFiles('profiles');
  const expectations = builtInFiles('expectations');
  const families = new Set(SERVERS.map((server) => server.server));

  test('every profile is named as its file and describes a launchable family', () => {
    expect(profiles.size).toBeGreaterThanOrEqual(SERVERS.length - 1);
    for (const [fileName, file] of profiles) {
      const profile = loadProfile(basename(fileName, '.json'));
      expect(`${profile.name}.json`).toBe(fileName);
      expect(loadProfile(file)).toEqual(profile);
      expect(families, fileName).toContain(profile.server);
    }
  });

  test('every expectations file belongs to a profile of the same name, in the same folder', () => {
    expect(expectations.size).toBeGreaterThan(0);
    for (const [fileName, file] of expectations) {
      const profile = profiles.get(fileName.replace(/\.yaml$/, '.json'));
      expect(profile, fileName).toBeDefined();
      expect(dirname(dirname(profile!))).toBe(dirname(dirname(file)));
    }
  });

  test('--expectations NAME resolves into the server folder; a path stays a path', () => {
    expect(expectationsPath('synapse-privacy')).toBe(packagePath('servers', 'synapse', 'expectations', 'synapse-privacy.yaml'));
    expect(expectationsPath('dendrite')).toBe(packagePath('servers', 'dendrite', 'expectations', 'dendrite.yaml'));
    expect(expectationsPath('./synapse')).toBe('./synapse');
    expect(expectationsPath('no-such-server')).toBe('no-such-server');
  });

  test('an unknown profile name says where built-in profiles are looked for', () => {
    expect(() => loadProfile('no-such-server')).toThrow(`no such built-in profile (${packagePath('servers', '*', 'profiles', 'no-such-server.json')})`);
  });
});
