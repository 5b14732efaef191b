// The CLI contract (DESIGN.md): every flag, its environment fallback, and a one-line
// UsageError (exit 2) for every bad value.
import { describe, expect, test } from 'vitest';
import { DEFAULT_CONCURRENCY, helpText, OPTIONS, parseConfig, UsageError } from '../../harness/cli/config.js';

/** The UsageError `argv` (and `env`) give; fails when they give none. */
function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): UsageError {
  try {
    parseConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const { message } = error as UsageError;
    expect(message).not.toContain('\n');
    expect(message.length).toBeGreaterThan(10);
    return error as UsageError;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)} ${JSON.stringify(env)}`);
}

describe('parseConfig: flags', () => {
  test('defaults', () => {
    expect(parseConfig([])).toEqual({ quick: false, strict: false, concurrency: DEFAULT_CONCURRENCY, quiet: false, updateExpectations: false, timeoutMs: 10_000, maxBodyBytes: 1_048_576, help: false, version: false });
  });

  test('each flag is parsed into its setting', () => {
    const config = parseConfig([
      '--homeserver', 'http://localhost:8008/',
      '--profile', 'synapse',
      '--spec', 'v1.11',
      '--identity-port', '8090',
      '--smtp-port', '2525',
      '--shared-secret', 's3cret',
      '--results', 'out/results.json',
      '--expectations', 'servers/synapse/expectations/synapse.yaml',
      '--only', 'register-email/*',
      '--timeout', '2500',
      '--max-body', '4096',
      '--concurrency', '3',
      '--quiet',
      '--strict',
      '--help',
      '--version',
    ]);
    expect(config).toEqual({
      // The trailing slash goes: paths are appended to it.
      homeserver: 'http://localhost:8008',
      profile: 'synapse',
      spec: 'v1.11',
      identityPort: 8090,
      smtpPort: 2525,
      sharedSecret: 's3cret',
      results: 'out/results.json',
      expectations: 'servers/synapse/expectations/synapse.yaml',
      only: 'register-email/*',
      timeoutMs: 2500,
      maxBodyBytes: 4096,
      concurrency: 3,
      quiet: true,
      quick: false,
      strict: true,
      updateExpectations: false,
      help: true,
      version: true,
    });
  });

  test('--launch', () => {
    expect(parseConfig(['--launch', 'synapse']).launch).toBe('synapse');
  });

  test('the --flag=value form, including values that contain "="', () => {
    const config = parseConfig(['--homeserver=https://hs.test:8448', '--profile=./my=profile.json', '--spec=r0.6.1', '--smtp-port=25', '--only=a=b']);
    expect(config.homeserver).toBe('https://hs.test:8448');
    expect(config.profile).toBe('./my=profile.json');
    expect(config.spec).toBe('r0.6.1');
    expect(config.smtpPort).toBe(25);
    expect(config.only).toBe('a=b');
  });
});

describe('parseConfig: environment', () => {
  test('each variable is a fallback for its flag', () => {
    const config = parseConfig([], {
      MATRIX_3PID_HOMESERVER: 'http://127.0.0.1:8008',
      MATRIX_3PID_PROFILE: 'synapse',
      MATRIX_3PID_SPEC: 'v1.2',
      MATRIX_3PID_IDENTITY_PORT: '8090',
      MATRIX_3PID_SMTP_PORT: '2525',
      MATRIX_3PID_SHARED_SECRET: 'env-secret',
      MATRIX_3PID_RESULTS: 'r.json',
      MATRIX_3PID_EXPECTATIONS: 'e.yaml',
      MATRIX_3PID_ONLY: 'denied',
      MATRIX_3PID_TIMEOUT_MS: '1234',
      MATRIX_3PID_MAX_BODY: '999',
    });
    expect(config).toMatchObject({
      homeserver: 'http://127.0.0.1:8008',
      profile: 'synapse',
      spec: 'v1.2',
      identityPort: 8090,
      smtpPort: 2525,
      sharedSecret: 'env-secret',
      results: 'r.json',
      expectations: 'e.yaml',
      only: 'denied',
      timeoutMs: 1234,
      maxBodyBytes: 999,
    });
    expect(parseConfig([], { MATRIX_3PID_LAUNCH: 'synapse' }).launch).toBe('synapse');
  });

  test('a flag wins over its variable', () => {
    const env = { MATRIX_3PID_PROFILE: 'from-env', MATRIX_3PID_SPEC: 'v1.2', MATRIX_3PID_TIMEOUT_MS: '1234' };
    const config = parseConfig(['--profile', 'from-flag', '--spec=v1.3', '--timeout', '50'], env);
    expect(config.profile).toBe('from-flag');
    expect(config.spec).toBe('v1.3');
    expect(config.timeoutMs).toBe(50);
  });

  test('an empty variable counts as unset', () => {
    expect(parseConfig([], { MATRIX_3PID_SPEC: '', MATRIX_3PID_HOMESERVER: '' }).spec).toBeUndefined();
  });

  test('a bad variable is a UsageError naming the variable', () => {
    expect(usageError([], { MATRIX_3PID_SMTP_PORT: 'abc' }).message).toMatch(/^MATRIX_3PID_SMTP_PORT: "abc"/);
    expect(usageError([], { MATRIX_3PID_HOMESERVER: 'localhost:8008' }).message).toMatch(/MATRIX_3PID_HOMESERVER/);
  });
});

describe('parseConfig: bad input is a one-line UsageError', () => {
  test.each([
    ['a string that is not a URL', ['--homeserver', 'not a url', '--profile', 'p'], /--homeserver: "not a url" is not a URL/],
    ['an ftp URL', ['--homeserver', 'ftp://hs.test', '--profile', 'p'], /"ftp:\/\/hs\.test" is not an http\(s\) URL/],
    ['port 0', ['--identity-port', '0'], /--identity-port: "0" is not a port number/],
    ['port 70000', ['--smtp-port', '70000'], /--smtp-port: "70000" is not a port number \(1-65535\)/],
    ['port abc', ['--smtp-port', 'abc'], /"abc" is not a port number/],
    ['port 80.5', ['--smtp-port', '80.5'], /"80\.5" is not a port number/],
    ['timeout 0', ['--timeout', '0'], /--timeout: "0" is not a positive whole number/],
    ['max-body -1', ['--max-body=-1'], /--max-body: "-1" is not a positive whole number/],
    ['concurrency 0', ['--concurrency', '0'], /--concurrency: "0" is not a positive whole number/],
    ['an unknown spec version', ['--spec', 'v2.0'], /--spec: "v2\.0" is not a spec version this suite knows \(r0\.4\.0, .*v1\.19\)/],
    ['an unknown launch target', ['--launch', 'conduit'], /--launch: "conduit" cannot be launched \(choose synapse, dendrite/],
    ['an unknown flag', ['--verbose'], /unknown argument "--verbose"/],
    ['an unknown flag in = form', ['--colour=always'], /unknown argument "--colour=always"/],
    ['a stray positional argument', ['synapse'], /unknown argument "synapse"/],
    ['a value missing at the end', ['--profile'], /--profile needs a value \(NAME\|PATH\)/],
    ['a value missing before the next flag', ['--results', '--only', 'x'], /--results needs a value/],
    ['an empty = value', ['--only='], /--only: needs a value/],
    ['--homeserver without --profile', ['--homeserver', 'http://localhost:8008'], /--homeserver needs --profile/],
    ['--homeserver with --launch', ['--homeserver', 'http://localhost:8008', '--profile', 'p', '--launch', 'synapse'], /--homeserver and --launch exclude each other/],
  ])('%s', (_name, argv, message) => {
    expect(usageError(argv).message).toMatch(message);
  });
});

describe('helpText', () => {
  const text = helpText('9.9.9');

  test('names the version, every flag with its value, and every variable', () => {
    expect(text).toContain('matrix-3pid-conformance 9.9.9');
    for (const option of OPTIONS) {
      expect(text).toContain(option.value ? `${option.flag} ${option.value}` : option.flag);
      expect(text).toContain(option.describe);
      if (option.env) expect(text).toContain(`env ${option.env}`);
    }
  });

  test('documents the exit codes 0 to 3', () => {
    for (const code of [0, 1, 2, 3]) expect(text).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    expect(text).toMatch(/^  3  .*could not be reached/m);
  });

  test('covers the flags of the stable CLI contract', () => {
    for (const flag of ['--homeserver', '--launch', '--profile', '--spec', '--identity-port', '--smtp-port', '--results', '--expectations', '--only']) {
      expect(OPTIONS.map((o) => o.flag)).toContain(flag);
    }
  });
});

describe('parseConfig: flags added with the full catalogue', () => {
  test('--quick, --update-expectations and --junit', () => {
    const config = parseConfig(['--quick', '--update-expectations', '--expectations', 'x.yaml', '--junit', 'out/junit.xml']);
    expect(config).toMatchObject({ quick: true, updateExpectations: true, junit: 'out/junit.xml' });
  });

  test('a yes/no variable: MATRIX_3PID_QUICK', () => {
    expect(parseConfig([], { MATRIX_3PID_QUICK: 'true' }).quick).toBe(true);
    expect(parseConfig([], { MATRIX_3PID_QUICK: '0' }).quick).toBe(false);
    expect(() => parseConfig([], { MATRIX_3PID_QUICK: 'maybe' })).toThrow(/not a yes\/no value/);
  });

  test('--strict, or MATRIX_3PID_STRICT (the action\'s strict input): failed should-level scenarios fail the run', () => {
    expect(parseConfig(['--strict']).strict).toBe(true);
    expect(parseConfig([], { MATRIX_3PID_STRICT: 'yes' }).strict).toBe(true);
    expect(parseConfig([], { MATRIX_3PID_STRICT: 'false' }).strict).toBe(false);
    // The action passes an empty input when strict is not set.
    expect(parseConfig([], { MATRIX_3PID_STRICT: '' }).strict).toBe(false);
  });

  test('a flag given a value is refused', () => {
    expect(() => parseConfig(['--help=no'])).toThrow(/takes no value/);
  });

  test('--update-expectations against a running server needs the file to write', () => {
    expect(() => parseConfig(['--homeserver', 'http://hs.test', '--profile', 'synapse', '--update-expectations'])).toThrow(/needs --expectations/);
  });

  test('a flag wins over its environment variable, even one that would not parse', () => {
    expect(parseConfig(['--timeout', '50'], { MATRIX_3PID_TIMEOUT_MS: 'abc' }).timeoutMs).toBe(50);
    const launched = parseConfig(['--launch', 'synapse'], { MATRIX_3PID_HOMESERVER: 'http://hs.test' });
    expect(launched.launch).toBe('synapse');
    expect(launched.homeserver).toBeUndefined();
  });
});
