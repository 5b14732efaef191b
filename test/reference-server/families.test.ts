// No scenario may pass against a server that answers it wrongly, nor fail one that answers
// rightly. For each scenario family: the suite, run through the CLI against the conformant
// reference homeserver, passes; against the same server with one behaviour broken, the
// scenarios about that behaviour fail.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Results } from '../../harness/report/results.js';
import type { Family } from '../../harness/model/scenario.js';
import { runCli } from '../cli/run-cli.js';
import { ReferenceHomeserver, type Fault, type ReferenceHomeserverOptions } from './reference-homeserver.js';

const dir = mkdtempSync(join(tmpdir(), 'm3c-families-'));
const noExpectations = join(dir, 'none.yaml');
writeFileSync(noExpectations, 'expectations: {}\n');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface FamilyCheck {
  family: Family;
  /** The family's scenarios, as an --only pattern. */
  only: string;
  profile: string;
  /** trustedIdServers is always the fake identity service's `127.0.0.1:PORT`. */
  server?: Omit<ReferenceHomeserverOptions, 'identityPort' | 'smtpPort' | 'faults' | 'trustedIdServers'>;
  /** Each fault, and scenarios it must make fail. */
  faults: Array<[Fault, string[]]>;
}

const NO_EMAIL_PROFILE = fileURLToPath(new URL('./profiles/no-email.json', import.meta.url));
/** Email proxied to id_server over HTTPS, as Dendrite does; the profile has the fake serve TLS. */
const EMAIL_VIA_ID_SERVER_PROFILE = fileURLToPath(new URL('./profiles/email-via-id-server.json', import.meta.url));
const EMAIL_VIA_ID_SERVER = { emailVia: 'id-server', identityTls: true } as const;
const EMAIL_ENDPOINTS = ['register-email', 'password-email', '3pid-email'] as const;
const onEmailEndpoints = (...names: string[]) => EMAIL_ENDPOINTS.flatMap((endpoint) => names.map((name) => `${endpoint}/${name}`));

const FAMILIES: FamilyCheck[] = [
  {
    family: 'success and sending',
    only: '*/success,*/message-sent,*/same-send-attempt-no-resend,*/higher-send-attempt-resends',
    profile: 'synapse',
    faults: [
      ['success-bad-sid', ['register-email/success', '3pid-msisdn/success']],
      ['success-no-json-content-type', ['password-email/success']],
      ['no-mail', ['register-email/message-sent', 'password-email/message-sent', '3pid-email/message-sent']],
      ['same-attempt-resends', ['register-email/same-send-attempt-no-resend', '3pid-email/same-send-attempt-no-resend']],
      ['higher-attempt-no-resend', ['register-email/higher-send-attempt-resends', 'password-email/higher-send-attempt-resends']],
    ],
  },
  {
    family: 'denied addresses',
    only: '*/denied',
    profile: 'synapse',
    faults: [
      ['denied-allowed', ['register-email/denied', 'register-msisdn/denied', '3pid-email/denied', '3pid-msisdn/denied']],
      ['denied-wrong-errcode', ['register-email/denied', 'password-email/denied', 'password-msisdn/denied', '3pid-msisdn/denied']],
    ],
  },
  {
    family: 'bound and unbound addresses',
    only: '*/in-use,*/not-found',
    profile: 'synapse',
    faults: [
      ['in-use-wrong-errcode', ['register-email/in-use', 'register-msisdn/in-use', '3pid-email/in-use', '3pid-msisdn/in-use']],
      ['in-use-500', ['register-email/in-use', '3pid-msisdn/in-use']],
      ['password-unbound-in-use', ['password-email/not-found', 'password-msisdn/not-found']],
    ],
  },
  {
    family: 'account/3pid',
    only: '3pid-*/medium-not-supported,3pid-*/invalid-address,3pid-*/validated-address-binds',
    profile: NO_EMAIL_PROFILE,
    server: { noEmail: true },
    faults: [
      ['medium-not-supported-wrong', ['3pid-email/medium-not-supported']],
      ['bad-input-accepted', ['3pid-msisdn/invalid-address']],
    ],
  },
  {
    family: 'account/3pid',
    only: '3pid-*/invalid-address,3pid-*/validated-address-binds',
    profile: 'synapse',
    faults: [
      ['email-unchecked', ['3pid-email/invalid-address']],
      ['mail-no-link', ['3pid-email/validated-address-binds']],
    ],
  },
  {
    family: 'identity-service relay',
    only: '*/relay-forwards-*,*/relay-identity-service-refuses,*/relay-identity-service-fails',
    profile: 'synapse',
    faults: [
      ['relay-drops-fields', ['register-msisdn/relay-forwards-next-link', '3pid-msisdn/relay-forwards-next-link']],
      ['relay-error-500-plain', ['register-msisdn/relay-identity-service-refuses', 'password-msisdn/relay-identity-service-fails']],
    ],
  },
  {
    family: 'identity-service relay',
    // The email half: what the server proxies to id_server. A short IS timeout keeps the
    // hang scenarios quick.
    only: onEmailEndpoints('relay-*').join(','),
    profile: EMAIL_VIA_ID_SERVER_PROFILE,
    server: { ...EMAIL_VIA_ID_SERVER, identityTimeoutMs: 2_000 },
    faults: [
      ['email-relay-drops-next-link', onEmailEndpoints('relay-forwards-next-link')],
      ['email-relay-error-500-plain', onEmailEndpoints('relay-identity-service-refuses', 'relay-identity-service-fails')],
    ],
  },
  {
    family: 'id_server proxy',
    only: onEmailEndpoints('id-server-untrusted', 'id-server-missing').join(','),
    profile: EMAIL_VIA_ID_SERVER_PROFILE,
    server: EMAIL_VIA_ID_SERVER,
    faults: [
      ['id-server-trusts-anyone', onEmailEndpoints('id-server-untrusted')],
      ['id-server-missing-500', onEmailEndpoints('id-server-missing')],
    ],
  },
  {
    family: 'bad input',
    only: '*/missing-*,*/wrong-type-*,*/not-json,*/not-object,*/client-secret-*,*/email-unparsable,*/phone-number-unparsable,*/country-invalid',
    profile: 'synapse',
    faults: [
      ['bad-input-500', ['register-email/missing-email', 'password-msisdn/not-json', '3pid-email/client-secret-empty']],
      ['bad-input-accepted', ['register-email/wrong-type-send-attempt', 'register-msisdn/country-invalid', 'password-email/client-secret-bad-characters']],
      ['client-secret-unchecked', ['register-email/client-secret-too-long', 'password-email/client-secret-bad-characters', 'password-email/client-secret-empty']],
      ['email-unchecked', ['register-email/email-unparsable']],
      ['error-body-not-standard', ['register-email/not-json', '3pid-msisdn/missing-country']],
      ['error-body-plain-text', ['password-email/not-object']],
    ],
  },
  {
    family: 'HTTP conventions',
    only: '*/endpoint-implemented,*/options-preflight,*/cors-headers,*/wrong-method',
    profile: 'synapse',
    faults: [
      ['options-runs-logic', ['register-email/options-preflight', 'password-email/options-preflight']],
      ['options-404', ['3pid-msisdn/options-preflight']],
      ['no-cors', ['register-email/cors-headers', '3pid-msisdn/cors-headers']],
      ['wrong-method-404', ['register-email/wrong-method', 'password-msisdn/wrong-method']],
      ['wrong-method-no-errcode', ['3pid-email/wrong-method']],
    ],
  },
  {
    family: 'privacy mode',
    only: '*/privacy-*',
    profile: 'synapse-privacy',
    server: { privacy: true },
    faults: [
      ['privacy-leak', ['register-email/privacy-alike', '3pid-msisdn/privacy-alike', 'password-email/privacy-alike']],
      ['privacy-timing-leak', ['register-email/privacy-timing', '3pid-email/privacy-timing']],
    ],
  },
  {
    family: 'rate limiting',
    only: '*/rate-limit*',
    profile: 'synapse-ratelimited',
    server: { rateLimit: { burst: 3 } },
    faults: [
      ['rate-limit-no-retry', ['register-email/rate-limit-retry-after', '3pid-msisdn/rate-limit-retry-after']],
      ['rate-limit-wrong-errcode', ['register-email/rate-limited', 'password-msisdn/rate-limited']],
      ['rate-limit-400', ['3pid-email/rate-limited']],
    ],
  },
];

async function runAgainstReference(
  check: FamilyCheck,
  faults: Fault[],
  name: string,
  only = check.only,
): Promise<{ code: number | null; results: Results; output: string }> {
  const identityPort = await freePort();
  const smtpPort = await freePort();
  const trustedIdServers = [`127.0.0.1:${identityPort}`];
  const hs = new ReferenceHomeserver({ identityPort, smtpPort, faults, trustedIdServers, ...check.server });
  await hs.start();
  try {
    const resultsFile = join(dir, `${name}.json`);
    const run = await runCli([
      '--homeserver', hs.url, '--profile', check.profile,
      '--identity-port', String(identityPort), '--smtp-port', String(smtpPort),
      '--shared-secret', hs.registrationSharedSecret,
      '--expectations', noExpectations, '--only', only, '--results', resultsFile,
    ]);
    return { code: run.code, results: JSON.parse(readFileSync(resultsFile, 'utf8')) as Results, output: run.stdout + run.stderr };
  } finally {
    await hs.stop();
  }
}

describe.each(FAMILIES.map((check, i) => ({ ...check, name: `${check.family} (${check.profile.split('/').at(-1)})`, index: i })))('$name', (check) => {
  test('a conformant server passes every scenario of the family', async () => {
    const { code, results, output } = await runAgainstReference(check, [], `family-${check.index}-conformant`);
    const own = results.scenarios.filter((s) => s.family === check.family);
    expect(code, output.slice(-4000)).toBe(0);
    // Passing by being skipped proves nothing: most of the family must really have run.
    expect(own.filter((s) => s.status === 'passed').length).toBeGreaterThanOrEqual(own.length / 2);
    expect(results.scenarios.filter((s) => s.status === 'failed')).toEqual([]);
  }, 120_000);

  // Only the scenarios that must fail run: a broken server makes the others wait out their
  // deadlines (a mail that never comes), and the conformant run above already covers them.
  test.each(check.faults)('a server with the fault %s fails %j', async (fault, mustFail) => {
    const { code, results } = await runAgainstReference(check, [fault], `family-${check.index}-${fault}`, mustFail.join(','));
    expect(code).toBe(1);
    const status = new Map(results.scenarios.map((s) => [s.id, s.status]));
    for (const id of mustFail) expect({ id, status: status.get(id) }).toEqual({ id, status: 'failed' });
  }, 120_000);
});
