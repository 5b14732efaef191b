// Every setting the CLI takes, declared once: the parser, the environment fallback and the
// --help text all come from this table.
import { isSpecVersion, SPEC_VERSIONS, type SpecVersion } from '../model/spec-versions.js';
import { UsageError } from '../tool/usage-error.js';
import { isLaunchable, LAUNCHABLE, VERSIONED, whyNotLaunchable, type Launchable } from '../../servers/index.js';

export { LAUNCHABLE, type Launchable } from '../../servers/index.js';
export { UsageError } from '../tool/usage-error.js';

export interface Config {
  homeserver?: string;
  launch?: Launchable;
  profile?: string;
  spec?: SpecVersion;
  identityPort?: number;
  smtpPort?: number;
  sharedSecret?: string;
  results?: string;
  junit?: string;
  expectations?: string;
  updateExpectations: boolean;
  only?: string;
  quick: boolean;
  strict: boolean;
  concurrency: number;
  quiet: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
  help: boolean;
  version: boolean;
}

/** Chosen by measurement on a 2-core machine against a launched Synapse: docs/performance.md. */
export const DEFAULT_CONCURRENCY = 8;

type Kind = 'string' | 'url' | 'port' | 'positive' | 'flag' | 'spec' | 'launch';

interface OptionSpec {
  flag: string;
  key: keyof Config;
  kind: Kind;
  env?: string;
  value?: string;
  describe: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  { flag: '--homeserver', key: 'homeserver', kind: 'url', env: 'MATRIX_3PID_HOMESERVER', value: 'URL', describe: 'Base URL of the homeserver under test (e.g. http://localhost:8008).' },
  { flag: '--launch', key: 'launch', kind: 'launch', env: 'MATRIX_3PID_LAUNCH', value: 'SERVER', describe: `Launch this homeserver on loopback, configured for the suite, and test it: ${LAUNCHABLE.join(', ')} (docker:* in a container, where a Docker engine answers)${VERSIONED.length ? `; ${VERSIONED.map((name) => `${name}@VERSION`).join(', ')} for another release` : ''}. The default when no --homeserver is given.` },
  { flag: '--profile', key: 'profile', kind: 'string', env: 'MATRIX_3PID_PROFILE', value: 'NAME|PATH', describe: 'How the target is configured: a profile in servers/*/profiles/ or a JSON file. Defaults to the launched server\'s profile.' },
  { flag: '--spec', key: 'spec', kind: 'spec', env: 'MATRIX_3PID_SPEC', value: 'VERSION', describe: `Spec version to test against (${SPEC_VERSIONS[0]} … ${SPEC_VERSIONS.at(-1)}). Default: the newest the server advertises in /versions.` },
  { flag: '--identity-port', key: 'identityPort', kind: 'port', env: 'MATRIX_3PID_IDENTITY_PORT', value: 'N', describe: 'Port for the fake identity service (the one the target was configured with). Default: a free port.' },
  { flag: '--smtp-port', key: 'smtpPort', kind: 'port', env: 'MATRIX_3PID_SMTP_PORT', value: 'N', describe: 'Port for the SMTP mail sink (the one the target sends mail to). Default: a free port.' },
  { flag: '--shared-secret', key: 'sharedSecret', kind: 'string', env: 'MATRIX_3PID_SHARED_SECRET', value: 'SECRET', describe: 'Registration shared secret of the target, for profiles whose accounts.method is shared-secret.' },
  { flag: '--results', key: 'results', kind: 'string', env: 'MATRIX_3PID_RESULTS', value: 'FILE.json', describe: 'Write the results file (every scenario with its verdict and evidence) here.' },
  { flag: '--junit', key: 'junit', kind: 'string', env: 'MATRIX_3PID_JUNIT', value: 'FILE.xml', describe: 'Write a JUnit XML report here, for CI test reporters: one testcase per scenario, the evidence in the failure text.' },
  { flag: '--expectations', key: 'expectations', kind: 'string', env: 'MATRIX_3PID_EXPECTATIONS', value: 'NAME|FILE', describe: 'Known failures of this server, each with a reason: reported as expected failures, they do not fail the run. A built-in name (servers/*/expectations/NAME.yaml) or a YAML file. --launch applies the launched server\'s own unless this names others; --homeserver applies none unless this names some.' },
  { flag: '--update-expectations', key: 'updateExpectations', kind: 'flag', describe: 'After the run, rewrite the expectations file from it (with --launch, the built-in file in servers/ itself): new failures are added (their reason marked "unreviewed"), passing entries removed, the file\'s header comment and shared reasons kept; a run then exits 0 unless it could not write.' },
  { flag: '--only', key: 'only', kind: 'string', env: 'MATRIX_3PID_ONLY', value: 'PATTERN', describe: 'Run only the scenarios whose id matches: a substring (any id containing it), or a glob with * matched against the whole id; several separated by commas, e.g. register-email/*,*/denied . A leading * makes a name exact: *register-email/in-use is that id alone, not register-email/in-use-session-unusable.' },
  { flag: '--quick', key: 'quick', kind: 'flag', env: 'MATRIX_3PID_QUICK', describe: 'Skip the slow scenarios (those that wait out a server\'s own timeouts, a minute or more each), saying so in the report.' },
  { flag: '--strict', key: 'strict', kind: 'flag', env: 'MATRIX_3PID_STRICT', describe: 'Fail the run (exit 1) on failed should-level scenarios too; without it they are reported as warnings and only failed must-level scenarios fail the run.' },
  { flag: '--concurrency', key: 'concurrency', kind: 'positive', env: 'MATRIX_3PID_CONCURRENCY', value: 'N', describe: `Scenarios run at once (default ${DEFAULT_CONCURRENCY}); 1 runs them one after another in catalogue order. Scenarios that need the server to themselves run alone either way.` },
  { flag: '--quiet', key: 'quiet', kind: 'flag', env: 'MATRIX_3PID_QUIET', describe: 'No live progress on stderr (the reports are unchanged).' },
  { flag: '--timeout', key: 'timeoutMs', kind: 'positive', env: 'MATRIX_3PID_TIMEOUT_MS', value: 'MS', describe: 'Deadline for each request to the homeserver, in milliseconds (default 10000).' },
  { flag: '--max-body', key: 'maxBodyBytes', kind: 'positive', env: 'MATRIX_3PID_MAX_BODY', value: 'BYTES', describe: 'Largest response body read from the homeserver (default 1048576).' },
  { flag: '--help', key: 'help', kind: 'flag', describe: 'Show this help (also -h).' },
  { flag: '--version', key: 'version', kind: 'flag', describe: 'Print the version.' },
];

function convert(option: OptionSpec, raw: string, source: string): unknown {
  const fail = (why: string) => new UsageError(`${source}: ${why}`);
  switch (option.kind) {
    case 'url': {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw fail(`"${raw}" is not a URL (expected e.g. http://localhost:8008)`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`"${raw}" is not an http(s) URL`);
      return raw.replace(/\/+$/, '');
    }
    case 'port': {
      const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!(port >= 1 && port <= 65535)) throw fail(`"${raw}" is not a port number (1-65535)`);
      return port;
    }
    case 'positive': {
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!(n > 0)) throw fail(`"${raw}" is not a positive whole number`);
      return n;
    }
    case 'spec':
      if (!isSpecVersion(raw)) throw fail(`"${raw}" is not a spec version this suite knows (${SPEC_VERSIONS.join(', ')})`);
      return raw;
    case 'launch':
      if (!isLaunchable(raw)) throw fail(whyNotLaunchable(raw));
      return raw;
    case 'string':
      if (raw === '') throw fail('needs a value');
      return raw;
    case 'flag':
      // Only reached from the environment: on the command line a flag is just present.
      if (/^(1|true|yes)$/i.test(raw)) return true;
      if (/^(0|false|no)$/i.test(raw)) return false;
      throw fail(`"${raw}" is not a yes/no value (1, true, yes, 0, false, no)`);
  }
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Config {
  const config: Config = { timeoutMs: 10_000, maxBodyBytes: 1_048_576, quick: false, strict: false, concurrency: DEFAULT_CONCURRENCY, quiet: false, updateExpectations: false, help: false, version: false };
  const set = config as unknown as Record<string, unknown>;
  // Flags first, so that a flag wins over its environment variable even where the
  // variable's value would not parse.
  const fromFlags = new Set<keyof Config>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const option = OPTIONS.find((o) => o.flag === flag);
    if (!option) throw new UsageError(`unknown argument "${arg}" (see --help)`);
    fromFlags.add(option.key);
    if (option.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      set[option.key] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) throw new UsageError(`${flag} needs a value (${option.value})`);
    set[option.key] = convert(option, raw, flag);
  }
  for (const option of OPTIONS) {
    const raw = option.env ? env[option.env] : undefined;
    if (raw === undefined || raw === '' || fromFlags.has(option.key)) continue;
    // The target named on the command line replaces the one in the environment.
    if (option.key === 'homeserver' && fromFlags.has('launch')) continue;
    if (option.key === 'launch' && fromFlags.has('homeserver')) continue;
    set[option.key] = convert(option, raw, option.env!);
  }
  if (config.homeserver && config.launch) {
    throw new UsageError('--homeserver and --launch exclude each other: test a running server or launch one');
  }
  if (config.updateExpectations && !config.expectations && config.homeserver) {
    throw new UsageError('--update-expectations needs --expectations FILE: the file to write');
  }
  if (config.homeserver && !config.profile) {
    throw new UsageError('--homeserver needs --profile: say how the server is configured (e.g. --profile synapse)');
  }
  return config;
}

export function helpText(version: string): string {
  const rows = OPTIONS.map((o) => {
    const left = `  ${o.flag}${o.value ? ` ${o.value}` : ''}`;
    const env = o.env ? `\n${' '.repeat(30)}env ${o.env}` : '';
    return `${left.padEnd(30)}${o.describe}${env}`;
  });
  return [
    `matrix-3pid-conformance ${version}`,
    'Conformance tests for the Matrix requestToken endpoints (register, account/password, account/3pid; email and msisdn).',
    '',
    'Usage:',
    '  matrix-3pid-conformance [--launch synapse] [options]          launch a homeserver and test it',
    '  matrix-3pid-conformance --homeserver URL --profile P [options] test a running homeserver',
    '  matrix-3pid-conformance launch SERVER                           keep a configured homeserver (synapse, dendrite, …) running for repeated runs',
    '  matrix-3pid-conformance stale-expectations FILE RESULTS.json... list expectations entries whose releases none of the runs tested (exit 1 if any)',
    '  matrix-3pid-conformance dashboard --in DIR --out SITE           build the static compatibility dashboard from the results files under DIR',
    '',
    'Options:',
    ...rows,
    '',
    'Environment:',
    '  GITHUB_STEP_SUMMARY         When set (as in GitHub Actions), a Markdown summary of the run is appended to this file.',
    '',
    'Exit codes:',
    '  0  no unexpected failure (expected failures listed in --expectations do not count, nor',
    '     failed should-level scenarios, which are warnings, unless --strict)',
    '  1  unexpected failures of must-level scenarios (of should-level ones too with --strict),',
    '     or unexpected passes of expected failures',
    '  2  usage or configuration error (bad flag, bad profile, bad expectations file)',
    '  3  the target homeserver could not be reached',
  ].join('\n');
}
