// Expectations files (known failures with reasons): a good file loads; every way a file can
// be wrong is an ExpectationsError (exit 2) that says what is wrong, never a silent pass.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import {
  ExpectationsError,
  formatExpectations,
  headerOf,
  loadExpectations,
  readExpectations,
  staleEntries,
  updatedExpectations,
  type Expectation,
  type ExpectationBook,
} from '../../harness/report/expectations.js';
import { QUICK_SKIP_REASON } from '../../harness/model/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'm3c-expectations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One entry per scenario, as a file for one release holds them. */
function bookOf(entries: Array<[string, Expectation]>): ExpectationBook {
  return new Map(entries.map(([id, entry]) => [id, [entry]]));
}

const KNOWN = new Set(['register-email/denied', 'register-email/wrong-type-email', 'password-msisdn/unknown']);

let counter = 0;
function file(content: string, ext = 'yaml'): string {
  const path = join(dir, `e${counter++}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/** The ExpectationsError loading `path` gives; fails when it gives none. */
function loadError(path: string): ExpectationsError {
  try {
    loadExpectations(path, KNOWN);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpectationsError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).not.toContain('\n');
    return error as ExpectationsError;
  }
  throw new Error(`expected an ExpectationsError for ${path}`);
}

describe('loadExpectations', () => {
  test('a valid YAML file loads, reasons trimmed, links kept', () => {
    const path = file(
      [
        '# known failures',
        'expectations:',
        '  register-email/denied:',
        '    status: fail',
        '    reason: >-',
        '      Answers 400 M_UNKNOWN',
        '      instead of 403.',
        '    link: https://github.com/element-hq/synapse/issues/1',
        '  password-msisdn/unknown:',
        '    status: fail',
        '    reason: "  no SMS support  "',
      ].join('\n'),
    );
    const loaded = loadExpectations(path, KNOWN);
    expect([...loaded.keys()]).toEqual(['register-email/denied', 'password-msisdn/unknown']);
    expect(loaded.get('register-email/denied')).toEqual({
      status: 'fail',
      reason: 'Answers 400 M_UNKNOWN instead of 403.',
      link: 'https://github.com/element-hq/synapse/issues/1',
    });
    expect(loaded.get('password-msisdn/unknown')).toEqual({ status: 'fail', reason: 'no SMS support' });
  });

  test('a JSON file loads', () => {
    const path = file(JSON.stringify({ expectations: { 'register-email/wrong-type-email': { status: 'fail', reason: '500 on a number' } } }), 'json');
    expect(loadExpectations(path, KNOWN)).toEqual(new Map([['register-email/wrong-type-email', { status: 'fail', reason: '500 on a number' }]]));
  });

  test('an empty map loads as no expectations', () => {
    expect(loadExpectations(file('expectations: {}\n'), KNOWN).size).toBe(0);
  });

  test('the shipped Synapse expectations name real-looking ids and all have reasons', () => {
    // Only the shape here; whether the ids exist is the suites' business.
    const shipped = fileURLToPath(new URL('../../servers/synapse/expectations/synapse.yaml', import.meta.url));
    const anyId = { has: () => true } as unknown as ReadonlySet<string>;
    for (const [id, expectation] of loadExpectations(shipped, anyId)) {
      expect(id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(expectation.reason.length).toBeGreaterThan(10);
    }
  });

  test('an unknown scenario id is a stale entry', () => {
    const path = file('expectations:\n  register-email/renamed-long-ago:\n    status: fail\n    reason: was broken once\n');
    const { message } = loadError(path);
    expect(message).toContain('register-email/renamed-long-ago');
    expect(message).toContain('stale');
  });

  test('an entry without a reason, or with a blank one', () => {
    expect(loadError(file('expectations:\n  register-email/denied:\n    status: fail\n')).message).toMatch(/register-email\/denied: .*needs a reason/);
    expect(loadError(file('expectations:\n  register-email/denied:\n    status: fail\n    reason: "   "\n')).message).toMatch(/needs a reason/);
    expect(loadError(file('expectations:\n  register-email/denied:\n    status: fail\n    reason: 42\n')).message).toMatch(/needs a reason/);
  });

  test('a status other than fail, or none', () => {
    expect(loadError(file('expectations:\n  register-email/denied:\n    status: pass\n    reason: x\n')).message).toMatch(/status must be "fail"/);
    expect(loadError(file('expectations:\n  register-email/denied:\n    reason: x\n')).message).toMatch(/status must be "fail"/);
    expect(loadError(file('expectations:\n  register-email/denied:\n')).message).toMatch(/status must be "fail"/);
  });

  test('a link that is not a string', () => {
    expect(loadError(file('expectations:\n  register-email/denied:\n    status: fail\n    reason: x\n    link: [1]\n')).message).toMatch(/link must be a string/);
  });

  test('a file that is not YAML', () => {
    const { message } = loadError(file('expectations: {\n  "register-email/denied": [unclosed\n'));
    expect(message).toMatch(/not YAML\/JSON/);
  });

  test('YAML of the wrong shape: no top-level map, a list, an empty file', () => {
    for (const content of ['just a sentence\n', '- register-email/denied\n', '', 'expectations:\n  - register-email/denied\n', 'expected:\n  register-email/denied: {}\n']) {
      expect(loadError(file(content)).message).toMatch(/top-level "expectations" map/);
    }
  });

  test('a missing file', () => {
    const { message } = loadError(join(dir, 'does-not-exist.yaml'));
    expect(message).toContain('no such file');
  });
});

describe('updatedExpectations', () => {
  const known: ExpectationBook = bookOf([
    ['register-email/denied', { status: 'fail' as const, reason: 'reviewed reason' }],
    ['register-email/in-use', { status: 'fail' as const, reason: 'fixed since' }],
    ['register-email/privacy-alike', { status: 'fail' as const, reason: 'not for this profile' }],
    ['register-msisdn/relay-identity-service-hangs', { status: 'fail' as const, reason: 'slow one' }],
    ['register-email/wrong-method', { status: 'fail' as const, reason: 'outside --only' }],
  ]);

  test('keeps reviewed reasons, adds new failures for review, drops what passed or does not apply', () => {
    const next = updatedExpectations(known, [
      { id: 'register-email/denied', status: 'expected-failure', reason: 'known failure: reviewed reason' },
      { id: 'register-email/in-use', status: 'unexpected-pass' },
      { id: 'register-email/privacy-alike', status: 'skipped', reason: 'needs a profile in privacy mode' },
      { id: 'register-msisdn/relay-identity-service-hangs', status: 'skipped', reason: QUICK_SKIP_REASON },
      { id: 'register-email/success', status: 'failed', reason: 'expected status 200, but status was 500\n\n> POST …' },
    ]);
    expect(Object.fromEntries(next)).toEqual({
      'register-email/denied': [{ status: 'fail', reason: 'reviewed reason' }],
      'register-msisdn/relay-identity-service-hangs': [{ status: 'fail', reason: 'slow one' }],
      'register-email/wrong-method': [{ status: 'fail', reason: 'outside --only' }],
      'register-email/success': [{ status: 'fail', reason: 'unreviewed: expected status 200, but status was 500' }],
    });
  });

  test('the file it writes loads again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'm3c-update-'));
    const file = join(dir, 'x.yaml');
    writeFileSync(file, formatExpectations(known, 'header line one\nline two'));
    expect(readFileSync(file, 'utf8')).toMatch(/^# header line one\n# line two\nexpectations:/);
    expect(readExpectations(file, new Set(known.keys()))).toEqual(known);
  });
});

describe('entries for some releases only', () => {
  const ranged = () =>
    file(
      [
        'expectations:',
        '  register-email/denied:',
        '    - status: fail',
        '      reason: old releases answer 400',
        '      versions: "<1.130.0"',
        '    - status: fail',
        '      reason: newer ones answer 500',
        '      versions: ">=1.130.0 <1.150.0"',
        '  register-email/wrong-type-email:',
        '    status: fail',
        '    reason: every release',
      ].join('\n'),
    );

  test('the entry that holds for the server\'s release applies; unranged ones hold for every release', () => {
    const path = ranged();
    expect(Object.fromEntries([...loadExpectations(path, KNOWN, '1.120.3')].map(([id, e]) => [id, e.reason]))).toEqual({
      'register-email/denied': 'old releases answer 400',
      'register-email/wrong-type-email': 'every release',
    });
    expect(loadExpectations(path, KNOWN, '1.140.0').get('register-email/denied')?.reason).toBe('newer ones answer 500');
    expect([...loadExpectations(path, KNOWN, '1.163.2').keys()]).toEqual(['register-email/wrong-type-email']);
    // A server that does not say its release gets the entries for every release only.
    expect([...loadExpectations(path, KNOWN, 'unknown').keys()]).toEqual(['register-email/wrong-type-email']);
  });

  test('a range that is not one, and several entries without ranges, are errors', () => {
    expect(loadError(file('expectations:\n  register-email/denied:\n    status: fail\n    reason: x\n    versions: "about 1.2"\n')).message).toMatch(/versions: "about" is not a comparison/);
    expect(loadError(file('expectations:\n  register-email/denied:\n    - {status: fail, reason: a}\n    - {status: fail, reason: b, versions: ">1.0.0"}\n')).message).toMatch(/several entries need a "versions" range each/);
  });

  test('an entry whose range holds for none of the releases a matrix ran is stale', () => {
    const book = readExpectations(ranged(), KNOWN);
    expect(staleEntries(book, ['1.120.0', '1.163.2'])).toEqual([{ id: 'register-email/denied', versions: '>=1.130.0 <1.150.0' }]);
    expect(staleEntries(book, ['1.120.0', '1.140.0'])).toEqual([]);
  });

  test('an update writes ranges where the run shows the change', () => {
    const book = readExpectations(ranged(), KNOWN);
    const next = updatedExpectations(book, [
      // Fixed in 1.145.0: the newer entry now stops before it; the unranged one too.
      { id: 'register-email/denied', status: 'unexpected-pass' },
      { id: 'register-email/wrong-type-email', status: 'unexpected-pass' },
    ], '1.145.0');
    expect(next.get('register-email/denied')!.map((e) => e.versions)).toEqual(['<1.130.0', '>=1.130.0 <1.150.0 <1.145.0', '>=1.130.0 <1.150.0 >1.145.0']);
    expect(next.get('register-email/wrong-type-email')!.map((e) => e.versions)).toEqual(['<1.145.0']);
    // A new failure on a release the scenario has no entry for: an entry for that release alone.
    const failed = updatedExpectations(book, [{ id: 'register-email/denied', status: 'failed', reason: 'answers 418' }], '1.160.0');
    expect(failed.get('register-email/denied')!.at(-1)).toEqual({ status: 'fail', reason: 'unreviewed: answers 418', versions: '=1.160.0' });
    // And the file it writes reads back the same.
    const out = join(dir, 'ranged-out.yaml');
    writeFileSync(out, formatExpectations(next, 'ranged'));
    expect(readExpectations(out, KNOWN)).toEqual(next);
  });
});

describe('shared reasons', () => {
  const sharing = () =>
    file(
      [
        'reasons:',
        '  no-password-msisdn: >-',
        '    The server does not implement',
        '    POST /account/password/msisdn/requestToken.',
        'expectations:',
        '  password-msisdn/unknown:',
        '    status: fail',
        '    because: no-password-msisdn',
        '  register-email/denied:',
        '    - status: fail',
        '      because: no-password-msisdn',
        '      versions: "<1.130.0"',
        '    - status: fail',
        '      reason: its own reason',
        '      versions: ">=1.130.0"',
      ].join('\n'),
    );

  test('an entry may name one of the file\'s reasons instead of giving its own', () => {
    const book = readExpectations(sharing(), KNOWN);
    const shared = 'The server does not implement POST /account/password/msisdn/requestToken.';
    expect(book.get('password-msisdn/unknown')).toEqual([{ status: 'fail', reason: shared, because: 'no-password-msisdn' }]);
    expect(book.get('register-email/denied')!.map((entry) => entry.reason)).toEqual([shared, 'its own reason']);
  });

  test('the file it writes keeps each shared reason once, under its name, and reads back the same', () => {
    const book = readExpectations(sharing(), KNOWN);
    const added = updatedExpectations(book, [{ id: 'register-email/wrong-type-email', status: 'failed', reason: 'answers 500' }], '1.140.0');
    const out = join(dir, 'shared-out.yaml');
    writeFileSync(out, formatExpectations(added, 'shared'));
    const text = readFileSync(out, 'utf8');
    expect(text.match(/does not implement/g)).toHaveLength(1);
    expect(text).toMatch(/^# shared\nreasons:\n {2}no-password-msisdn:/);
    expect(readExpectations(out, KNOWN)).toEqual(added);
    // Once no entry names it, the reason goes too.
    const fixed = updatedExpectations(added, [{ id: 'password-msisdn/unknown', status: 'passed' }, { id: 'register-email/denied', status: 'passed' }], '1.120.0');
    expect(formatExpectations(fixed, 'fixed')).toMatch(/^# fixed\nreasons:/);
    const gone = new Map([...fixed].filter(([id]) => id === 'register-email/wrong-type-email'));
    expect(formatExpectations(gone, 'gone')).not.toContain('reasons:');
  });

  test.each([
    ['a name no reason has', 'expectations:\n  register-email/denied:\n    status: fail\n    because: nonesuch\n', /register-email\/denied: because: nonesuch is not one of the file's reasons/],
    ['a reason and a name', 'reasons:\n  a: shared one\nexpectations:\n  register-email/denied:\n    status: fail\n    reason: own\n    because: a\n', /a reason or "because", not both/],
    ['a reason no entry names', 'reasons:\n  a: shared one\n  left-over: nobody\nexpectations:\n  register-email/denied:\n    status: fail\n    because: a\n', /reasons: left-over: no entry names it \(stale reason\?\)/],
    ['an empty reason', 'reasons:\n  a: ""\nexpectations:\n  register-email/denied:\n    status: fail\n    because: a\n', /reasons: a: must be a sentence/],
    ['reasons that are not a map', 'reasons: [a, b]\nexpectations: {}\n', /"reasons" must map names to reasons/],
  ])('%s is an error', (_, content, message) => {
    expect(loadError(file(content)).message).toMatch(message);
  });
});

test('a long scenario id stays a plain key; only long values are folded', () => {
  const id = `register-email/${'a-very-long-scenario-name-'.repeat(3)}x`;
  const text = formatExpectations(new Map([[id, [{ status: 'fail', reason: 'r'.repeat(80) }]]]), 'h');
  expect(text).toContain(`\n  ${id}:\n    status: fail\n    reason: >-\n      ${'r'.repeat(80)}\n`);
});

test('a long link or range is written as it is; the header comes back as it was given', () => {
  const link = `https://github.com/example/homeserver/issues/${'1'.repeat(60)}`;
  const text = formatExpectations(new Map([['register-email/denied', [{ status: 'fail', reason: 'short', link }]]]), 'line one\nline two');
  expect(text).toContain(`    link: ${link}\n`);
  expect(headerOf(text)).toBe('line one\nline two');
  expect(headerOf('expectations: {}\n')).toBeUndefined();
});
