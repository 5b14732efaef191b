// Profiles say how the target is configured; a bad one must stop the run with a one-line
// ProfileError (exit 2), not surface later as a misleading verdict.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadProfile, ProfileError, type Profile } from '../../harness/model/profile.js';

const dir = mkdtempSync(join(tmpdir(), 'm3c-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good: Profile = {
  name: 'my-server',
  description: 'A server under test',
  server: 'conduwuit',
  email: { validation: 'identity-service', denied: { domain: 'blocked.test' } },
  msisdn: { validation: 'none', denied: { country: 'GB', prefix: '44' } },
  privacy: true,
  accounts: { method: 'none' },
  identityServers: { trusted: ['127.0.0.1:8090'] },
};

let counter = 0;
function file(content: string): string {
  const path = join(dir, `p${counter++}.json`);
  writeFileSync(path, content);
  return path;
}

/** The ProfileError loading `nameOrPath` gives; fails when it gives none. */
function profileError(nameOrPath: string): ProfileError {
  try {
    loadProfile(nameOrPath);
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as Error).message).not.toContain('\n');
    return error as ProfileError;
  }
  throw new Error(`expected a ProfileError for ${nameOrPath}`);
}

describe('loadProfile', () => {
  test('a valid JSON file loads as it is', () => {
    expect(loadProfile(file(JSON.stringify(good)))).toEqual(good);
  });

  test('the built-in profiles load by name', () => {
    expect(loadProfile('synapse').name).toBe('synapse');
    expect(loadProfile('synapse-privacy').privacy).toBe(true);
  });

  test('a file that is not JSON', () => {
    const path = file('{ name: my-server,\n  "email": }');
    const { message } = profileError(path);
    expect(message).toContain(path);
    expect(message).toMatch(/not JSON/);
  });

  test('a file that is not JSON, broken after a line break: still one line', () => {
    // V8 quotes the JSON text around the error, line breaks and all.
    const path = file('{\n  "name": "x",\n  "privacy":\n\n}\n');
    expect(profileError(path).message).toMatch(/not JSON \(Unexpected token/);
  });

  test.each([
    ['a missing field', (p: Record<string, unknown>) => delete p.privacy, /privacy/],
    ['a missing nested field', (p: Record<string, unknown>) => (p.email = {}), /\/email.*validation/],
    ['a bad enum value', (p: Record<string, unknown>) => (p.email = { validation: 'sendmail' }), /\/email\/validation.*allowed values/],
    ['a bad accounts method', (p: Record<string, unknown>) => (p.accounts = { method: 'open' }), /\/accounts\/method/],
    ['a wrong type', (p: Record<string, unknown>) => (p.privacy = 'yes'), /\/privacy.*boolean/],
    ['an unknown field (a typo must not be ignored)', (p: Record<string, unknown>) => (p.privcy = true), /additional properties/],
    ['a country that is not two capitals', (p: Record<string, unknown>) => (p.msisdn = { validation: 'none', denied: { country: 'gb', prefix: '44' } }), /\/msisdn\/denied\/country/],
    ['an empty name', (p: Record<string, unknown>) => (p.name = ''), /\/name/],
  ])('%s', (_name, spoil, message) => {
    const profile = structuredClone(good) as unknown as Record<string, unknown>;
    spoil(profile);
    const path = file(JSON.stringify(profile));
    const error = profileError(path);
    expect(error.message).toContain(`profile ${path}: `);
    expect(error.message).toMatch(message);
  });

  test('JSON that is not an object', () => {
    expect(profileError(file('[]')).message).toMatch(/\(top\) must be object/);
  });

  test('an unknown built-in name', () => {
    const { message } = profileError('no-such-server');
    expect(message).toMatch(/^profile no-such-server: no such built-in profile/);
  });

  test('a path to a file that does not exist', () => {
    expect(profileError(join(dir, 'missing.json')).message).toMatch(/no such file/);
  });
});
