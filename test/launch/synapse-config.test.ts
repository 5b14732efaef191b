import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { defaultCacheDir } from '../../harness/launch/install.js';
import {
  fillPlaceholders,
  renderSynapseConfig,
  SYNAPSE_CONFIG_TEMPLATE,
  type SynapseConfigSettings,
} from '../../servers/synapse/config.js';
import { SYNAPSE_VERSION } from '../../servers/synapse/local.js';

const settings: SynapseConfigSettings = {
  port: 18008,
  serverName: 'localhost',
  workDir: '/tmp/m3c work "dir"', // awkward characters on purpose: they must come out quoted
  identityPort: 18090,
  smtpPort: 18025,
  registrationSharedSecret: 'shared-secret',
  macaroonSecretKey: 'macaroon-secret',
  formSecret: 'form-secret',
};

// Parsed YAML: the tests look into it freely.
type Config = Record<string, any>;

const render = (overrides: Partial<SynapseConfigSettings> = {}): { text: string; config: Config } => {
  const text = renderSynapseConfig({ ...settings, ...overrides });
  return { text, config: parse(text) as Config };
};

describe('fillPlaceholders', () => {
  it('quotes strings and leaves numbers and booleans bare', () => {
    expect(fillPlaceholders('a: {{a}}\nb: {{b}}\nc: {{ c }}\n', { a: 'x: "y"', b: 5, c: true })).toBe(
      'a: "x: \\"y\\""\nb: 5\nc: true\n',
    );
  });

  it('refuses a placeholder without a value, and a value without a placeholder', () => {
    expect(() => fillPlaceholders('a: {{a}}', {})).toThrow(/\{\{a\}\} has no value/);
    expect(() => fillPlaceholders('a: 1', { a: 1 })).toThrow(/not used by the template: a/);
  });
});

describe('the Synapse config template', () => {
  it('is checked in where the launcher looks for it', () => {
    const expected = fileURLToPath(new URL('../../servers/synapse/homeserver.yaml', import.meta.url));
    expect(SYNAPSE_CONFIG_TEMPLATE).toBe(expected);
  });

  it('renders to YAML with every placeholder filled', () => {
    const { text, config } = render();
    expect(text).not.toMatch(/\{\{|\}\}/);
    expect(config.server_name).toBe('localhost');
    expect(config.database).toEqual({
      name: 'sqlite3',
      args: { database: join(settings.workDir, 'homeserver.db') },
    });
    expect(config.signing_key_path).toBe(join(settings.workDir, 'signing.key'));
    expect(config.media_store_path).toBe(join(settings.workDir, 'media_store'));
    expect(config.registration_shared_secret).toBe('shared-secret');
    expect(config.macaroon_secret_key).toBe('macaroon-secret');
    expect(config.form_secret).toBe('form-secret');
  });

  it('listens on loopback only, with the client resource', () => {
    const { config } = render();
    expect(config.public_baseurl).toBe('http://127.0.0.1:18008/');
    expect(config.listeners).toEqual([
      {
        port: 18008,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['client'], compress: false }],
      },
    ]);
  });

  it('makes no outbound calls', () => {
    const { config } = render();
    expect(config.report_stats).toBe(false);
    expect(config.trusted_key_servers).toEqual([]);
    expect(config.federation_domain_whitelist).toEqual([]);
    expect(config.url_preview_enabled).toBe(false);
    expect(config.push).toEqual({ enabled: false });
    expect(config.ip_range_blacklist).toEqual(['0.0.0.0/0', '::/0']);
    expect(config.ip_range_whitelist).toEqual(['127.0.0.1/32', '::1/128']);
  });

  it('sends mail to the SMTP sink in plain text and text messages through the fake identity service', () => {
    const { config } = render();
    expect(config.email).toMatchObject({
      smtp_host: '127.0.0.1',
      smtp_port: 18025,
      enable_tls: false,
      require_transport_security: false,
    });
    expect(config.email.notif_from).toMatch(/<[^>]+@[^>]+>/);
    expect(config.email.smtp_user).toBeUndefined();
    expect(config.account_threepid_delegates).toEqual({ msisdn: 'http://127.0.0.1:18090' });
  });

  it('opens registration (register/email/requestToken needs it) and keeps the other 3PID settings at their defaults', () => {
    const { config } = render();
    expect(config.enable_registration).toBe(true);
    expect(config.enable_registration_without_verification).toBe(true);
    expect(config).not.toHaveProperty('enable_3pid_changes');
    expect(config).not.toHaveProperty('next_link_domain_whitelist');
  });

  it('takes request_token_inhibit_3pid_errors from the variant', () => {
    expect(render().config.request_token_inhibit_3pid_errors).toBe(false);
    expect(render({ variant: { inhibit3pidErrors: true } }).config.request_token_inhibit_3pid_errors).toBe(true);
  });

  it('raises the rate limits, unless the variant keeps the defaults', () => {
    const raised = render().config;
    for (const key of ['rc_3pid_validation', 'rc_registration', 'rc_message']) {
      expect(raised[key].per_second).toBeGreaterThanOrEqual(1000);
    }
    for (const kind of ['address', 'account', 'failed_attempts']) {
      expect(raised.rc_login[kind].burst_count).toBeGreaterThanOrEqual(1000);
    }

    const defaults = render({ variant: { defaultRateLimits: true } }).config;
    expect(Object.keys(defaults).filter((key) => key.startsWith('rc_'))).toEqual([]);
    const withoutRateLimits = Object.fromEntries(Object.entries(raised).filter(([key]) => !key.startsWith('rc_')));
    expect(defaults).toEqual(withoutRateLimits);
  });
});

describe('the denial patterns (allowed_local_3pids)', () => {
  const { config } = render();
  const patterns = config.allowed_local_3pids as { medium: string; pattern: string }[];
  const patternFor = (medium: string) => {
    const found = patterns.filter((entry) => entry.medium === medium);
    expect(found).toHaveLength(1);
    return found[0]!.pattern;
  };

  // Addresses as Synapse checks them: emails canonicalised (domain lower-cased), msisdns as
  // digits without "+".
  const cases: [medium: string, address: string, allowed: boolean][] = [
    ['email', 'a@denied.test', false],
    ['email', 'someone.else+tag@denied.test', false],
    ['email', 'a@example.test', true],
    ['email', 'denied.test@example.test', true],
    ['email', 'a@notdenied.test', true],
    ['email', 'a@sub.denied.test', true],
    ['email', 'a@denied.test.example', true],
    ['msisdn', '12025550123', false],
    ['msisdn', '15555550100', false],
    ['msisdn', '447700900123', true],
    ['msisdn', '33612345678', true],
    ['msisdn', '4412025550123', true],
  ];

  it('has one entry per medium (a medium without one would be denied entirely)', () => {
    expect(patterns.map((entry) => entry.medium).sort()).toEqual(['email', 'msisdn']);
  });

  it('matches the profile', () => {
    const profileFile = fileURLToPath(new URL('../../servers/synapse/profiles/synapse.json', import.meta.url));
    const profile = JSON.parse(readFileSync(profileFile, 'utf8'));
    expect(profile.email.denied.domain).toBe('denied.test');
    expect(profile.msisdn.denied.prefix).toBe('1');
  });

  it.each(cases)('%s %s allowed: %s (JavaScript, anchored like re.match)', (medium, address, allowed) => {
    const match = new RegExp(patternFor(medium)).exec(address);
    expect(match !== null && match.index === 0).toBe(allowed);
  });

  // Python is the ground truth: Synapse evaluates the patterns with re.match.
  const python = findPython();
  it.skipIf(python === undefined)(
    `agrees with Python's re.match${python === undefined ? ' (skipped: no Python found)' : ''}`,
    () => {
      const input = JSON.stringify(cases.map(([medium, address]) => [patternFor(medium), address]));
      const output = execFileSync(
        python!,
        ['-c', 'import json, re, sys; print(json.dumps([re.match(p, a) is not None for p, a in json.load(sys.stdin)]))'],
        { input, encoding: 'utf8' },
      );
      expect(JSON.parse(output)).toEqual(cases.map(([, , allowed]) => allowed));
    },
  );
});

function findPython(): string | undefined {
  const venvPython = join(defaultCacheDir(), `synapse-${SYNAPSE_VERSION}`, 'bin', 'python');
  for (const candidate of [venvPython, 'python3']) {
    if (candidate.includes('/') && !existsSync(candidate)) continue;
    try {
      execFileSync(candidate, ['-c', 'import re'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
