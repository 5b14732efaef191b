// The scenario model: when a scenario applies (and, when not, a reason a reader can act
// on), the --only filter, and how suites build ids.
import { describe, expect, test } from 'vitest';
import type { Profile } from '../../harness/model/profile.js';
import { idFilter, inapplicability, suite, unmatchedOnlyParts, type Scenario } from '../../harness/model/scenario.js';
import { ref } from '../../harness/model/spec-refs.js';

const profile: Profile = {
  name: 'test-profile',
  email: { validation: 'smtp', denied: { domain: 'denied.test' } },
  msisdn: { validation: 'none' },
  privacy: true,
  accounts: { method: 'shared-secret' },
  identityServers: { trusted: [] },
};

function scenario(extra: Partial<Scenario> = {}): Scenario {
  return {
    id: 'register-email/x',
    endpoint: 'register-email',
    title: 't',
    family: 'bad input',
    level: 'must',
    specRef: ref('v1.19', 'Client-Server API'),
    since: 'r0.4.0',
    run: async () => {},
    ...extra,
  };
}

describe('inapplicability', () => {
  test('applicable: undefined', () => {
    expect(inapplicability(scenario(), 'v1.19', profile)).toBeUndefined();
    expect(inapplicability(scenario({ since: 'v1.1', until: 'v1.13', needs: ['email-by-smtp', 'denied-email'] }), 'v1.1', profile)).toBeUndefined();
    expect(inapplicability(scenario({ since: 'v1.1', until: 'v1.13' }), 'v1.13', profile)).toBeUndefined();
  });

  test('before since: names both versions', () => {
    expect(inapplicability(scenario({ since: 'v1.13' }), 'v1.12', profile)).toBe('applies from spec v1.13; the target is tested at v1.12');
  });

  test('after until: names both versions', () => {
    expect(inapplicability(scenario({ until: 'r0.6.1' }), 'v1.1', profile)).toBe('applies up to spec r0.6.1; the target is tested at v1.1');
  });

  test('a capability the profile lacks: names it and the profile', () => {
    const reason = inapplicability(scenario({ needs: ['email-by-smtp', 'msisdn-validation'] }), 'v1.19', profile);
    expect(reason).toBe('needs a profile in which the server validates phone numbers; profile test-profile does not declare it');
    expect(inapplicability(scenario({ needs: ['reveals-bound-addresses'] }), 'v1.19', profile)).toMatch(/without privacy mode.*test-profile/);
    expect(inapplicability(scenario({ needs: ['denied-msisdn'] }), 'v1.19', profile)).toMatch(/phone number prefix/);
    const open = { ...profile, email: { validation: 'none' as const }, accounts: { method: 'none' as const } };
    expect(inapplicability(scenario({ needs: ['email-validation'] }), 'v1.19', open)).toMatch(/validates email addresses/);
    expect(inapplicability(scenario({ needs: ['accounts'] }), 'v1.19', open)).toMatch(/accounts\.method/);
    expect(inapplicability(scenario({ needs: ['denied-email'] }), 'v1.19', open)).toMatch(/email domain/);
  });

  test('the spec version is checked before capabilities', () => {
    expect(inapplicability(scenario({ since: 'v1.14', needs: ['msisdn-validation'] }), 'v1.1', profile)).toMatch(/^applies from spec v1\.14/);
  });
});

describe('idFilter', () => {
  const ids = ['register-email/denied', 'register-email/denied-subdomain', 'register-msisdn/denied', 'password-email/unknown', '3pid-email/in-use'];
  const pick = (pattern: string | undefined) => ids.filter(idFilter(pattern));

  test('no pattern, or an empty one: everything', () => {
    expect(pick(undefined)).toEqual(ids);
    expect(pick('')).toEqual(ids);
  });

  test('a substring', () => {
    expect(pick('denied')).toEqual(['register-email/denied', 'register-email/denied-subdomain', 'register-msisdn/denied']);
    expect(pick('email/')).toEqual(['register-email/denied', 'register-email/denied-subdomain', 'password-email/unknown', '3pid-email/in-use']);
    expect(pick('nothing-like-this')).toEqual([]);
  });

  test('a glob with *, anchored at both ends', () => {
    expect(pick('register-email/*')).toEqual(['register-email/denied', 'register-email/denied-subdomain']);
    expect(pick('*/denied')).toEqual(['register-email/denied', 'register-msisdn/denied']);
    expect(pick('register-*/denied*')).toEqual(['register-email/denied', 'register-email/denied-subdomain', 'register-msisdn/denied']);
    expect(pick('denied*')).toEqual([]);
    expect(pick('*')).toEqual(ids);
  });

  test('regex metacharacters are literal, in substrings and globs', () => {
    const odd = ['a.b/c', 'axb/c', 'a+b/(c)', 'a[b]/c', 'a?b/c', 'a|b/c', 'a$b^/c', 'a\\b/c'];
    const choose = (pattern: string) => odd.filter(idFilter(pattern));
    expect(choose('a.b')).toEqual(['a.b/c']);
    expect(choose('a.b/*')).toEqual(['a.b/c']);
    expect(choose('a+b/*')).toEqual(['a+b/(c)']);
    expect(choose('*(c)')).toEqual(['a+b/(c)']);
    expect(choose('a[b]/*')).toEqual(['a[b]/c']);
    expect(choose('a?b/*')).toEqual(['a?b/c']);
    expect(choose('a|b/*')).toEqual(['a|b/c']);
    expect(choose('a$b^/*')).toEqual(['a$b^/c']);
    expect(choose('a\\b/*')).toEqual(['a\\b/c']);
  });

  test('the parts of a list that select nothing are named, so a typo is not a run of nothing', () => {
    expect(unmatchedOnlyParts('denied, 3pid-email/*', ids)).toEqual([]);
    expect(unmatchedOnlyParts('denied,denied*, *3pid-email/in-us ,unknown', ids)).toEqual(['denied*', '*3pid-email/in-us']);
  });
});

describe('suite', () => {
  test('fills in the endpoint and prefixes each id with it', () => {
    const run = async () => {};
    const built = suite('password-msisdn', [
      { name: 'unknown', title: 'Unknown number', family: 'bound and unbound addresses', level: 'should', specRef: ref('v1.19', 'Client-Server API', '§x'), since: 'r0.4.0', run },
      { name: 'denied', title: 'Denied number', family: 'denied addresses', level: 'must', specRef: ref('v1.19', 'Client-Server API', '§y'), since: 'v1.1', needs: ['denied-msisdn'], run },
    ]);
    expect(built.endpoint).toBe('password-msisdn');
    expect(built.scenarios.map((s) => s.id)).toEqual(['password-msisdn/unknown', 'password-msisdn/denied']);
    expect(built.scenarios.every((s) => s.endpoint === 'password-msisdn')).toBe(true);
    expect(built.scenarios[1]).toMatchObject({ title: 'Denied number', level: 'must', since: 'v1.1', needs: ['denied-msisdn'] });
    expect(built.scenarios[1]?.run).toBe(run);
    expect(built.scenarios[0]).not.toHaveProperty('name');
  });
});
