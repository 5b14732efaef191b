// The outdated-majors report: which pins count as a major behind, and what it prints.
import { describe, expect, test } from 'vitest';
import { breakingLine, isMajorBehind, majorsBehind, report } from '../../scripts/outdated-majors.js';

describe('isMajorBehind', () => {
  test.each([
    ['3.2.4', '5.1.2', true],
    ['7.16.0', '8.0.0', true],
    ['5.1.2', '5.9.0', false],
    ['5.1.2', '5.1.2', false],
    // A registry whose latest is older than the pin (a pre-release pinned) is not behind.
    ['6.0.0', '5.9.3', false],
    // Below 1.0.0 the minor is the breaking part, and below 0.1.0 the patch.
    ['0.45.12', '0.46.0', true],
    ['0.45.1', '0.45.12', false],
    ['0.0.3', '0.0.4', true],
    ['0.9.0', '1.0.0', true],
    // Pre-releases and build metadata belong to their major.
    ['5.0.0-rc.2', '5.1.2', false],
    ['4.1.11', '5.0.0-beta.1', true],
    // A range or a v-prefix is read by its base version.
    ['^3.2.4', '4.0.0', true],
    ['~8.17.1', '8.20.0', false],
    ['v2.8.1', '3.0.0', true],
  ])('%s against %s: %s', (pinned, latest, behind) => {
    expect(isMajorBehind(pinned, latest)).toBe(behind);
  });

  test('what is no version is never behind', () => {
    expect(breakingLine('github:owner/repo')).toBeUndefined();
    expect(isMajorBehind('file:../local', '2.0.0')).toBe(false);
    expect(isMajorBehind('1.0.0', 'latest')).toBe(false);
  });
});

describe('majorsBehind and the report', () => {
  const manifest = {
    dependencies: { vitest: '3.2.4', yaml: '2.8.1' },
    optionalDependencies: { testcontainers: '11.0.0' },
    devDependencies: { '@types/node': '24.19.4', typescript: '7.0.2' },
  };
  // npm outdated lists minor updates too, and packages not pinned here.
  const outdated = {
    vitest: { latest: '5.1.2' },
    yaml: { latest: '2.9.1' },
    testcontainers: { latest: '12.2.0' },
    '@types/node': { latest: '26.6.11' },
    'not-ours': { latest: '9.0.0' },
  };
  const held = { '@types/node': 'tracks the targeted Node major' };

  test('lists every section, skips minors, marks what is held', () => {
    expect(majorsBehind(manifest, outdated, held)).toEqual([
      { name: 'vitest', section: 'dependencies', pinned: '3.2.4', latest: '5.1.2' },
      { name: 'testcontainers', section: 'optionalDependencies', pinned: '11.0.0', latest: '12.2.0' },
      { name: '@types/node', section: 'devDependencies', pinned: '24.19.4', latest: '26.6.11', held: 'tracks the targeted Node major' },
    ]);
  });

  test('the report names each one behind, and each held one with its reason', () => {
    const text = report(majorsBehind(manifest, outdated, held), 5);
    expect(text.split('\n')).toEqual([
      'outdated: 2 of 5 dependencies are behind a major (not a failure; upgrade when you can):',
      '  vitest          3.2.4 -> 5.1.2  (dependencies)',
      '  testcontainers  11.0.0 -> 12.2.0  (optionalDependencies)',
      '  @types/node     24.19.4, latest 26.6.11: held, tracks the targeted Node major',
    ]);
  });

  test('nothing behind says so in one line', () => {
    expect(report(majorsBehind(manifest, {}, held), 5)).toBe('outdated: all 5 dependencies are on their latest major.');
  });
});
