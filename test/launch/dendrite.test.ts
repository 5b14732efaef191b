// Dendrite's launcher: the config edits (on a small sample, then on what the real
// generate-config writes) and one real launch. The first run on a machine builds Dendrite with
// `go install` (about two minutes); after that a launch takes under a second.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { freePort } from '../../harness/launch/child-process.js';
import {
  DENDRITE_COMMANDS,
  DENDRITE_VERSION,
  dendriteArguments,
  ensureDendrite,
  launchDendrite,
  renderDendriteConfig,
  trustedIdentityServer,
  type DendriteConfigSettings,
} from '../../servers/dendrite/local.js';
import { FakeIdentityService } from '../../harness/fakes/identity/fake-identity-service.js';
import { loadProfile } from '../../harness/model/profile.js';
import { expectFailedLaunch, expectServing, expectStopsWithoutTrace } from '../support/launch-checks.js';
import { processesMentioning, useBlockedPort } from '../support/processes.js';

const INSTALL_TIMEOUT_MS = 20 * 60_000;
const quiet = () => undefined;

// Parsed YAML: the tests look into it freely.
type Config = Record<string, any>;

// The shape of `generate-config -ci` output, cut down to the keys the launcher edits.
const SAMPLE_WORK_DIR = '/tmp/m3c-sample';
const SAMPLE = `
version: 2
global:
  server_name: localhost
  private_key: matrix_key.pem
  disable_federation: false
  presence: {enable_inbound: true, enable_outbound: true}
  trusted_third_party_id_servers: [matrix.org, vector.im]
  jetstream: {storage_path: ${SAMPLE_WORK_DIR}, addresses: [], in_memory: true}
  metrics: {enabled: false}
  sentry: {enabled: false}
  dns_cache: {enabled: false}
  report_stats: {enabled: false, endpoint: https://panopticon.matrix.org/push}
client_api:
  registration_disabled: false
  registration_shared_secret: complement
  enable_registration_captcha: false
  rate_limiting: {enabled: false}
federation_api:
  database: {connection_string: "file:${SAMPLE_WORK_DIR}/dendrite_federationapi.db"}
  disable_tls_validation: false
  key_perspectives: []
  prefer_direct_fetch: false
media_api:
  base_path: ${SAMPLE_WORK_DIR}/media
mscs: {mscs: [msc2836]}
tracing: {enabled: false}
logging:
- {type: std, level: trace, params: {path: ${SAMPLE_WORK_DIR}/log}}
`;

const sampleSettings: DendriteConfigSettings = {
  workDir: SAMPLE_WORK_DIR,
  identityPort: 18090,
  registrationSharedSecret: 'shared-secret',
};

describe('renderDendriteConfig', () => {
  it('trusts the fake identity service as exactly 127.0.0.1:PORT', () => {
    expect(trustedIdentityServer(18090)).toBe('127.0.0.1:18090');
    const config = parse(renderDendriteConfig(SAMPLE, sampleSettings)) as Config;
    expect(config.global.trusted_third_party_id_servers).toEqual(['127.0.0.1:18090']);
  });

  it('refuses generate-config output that lacks a key it sets (Dendrite would ignore an added one)', () => {
    const withoutRateLimiting = SAMPLE.replace('  rate_limiting: {enabled: false}\n', '');
    expect(() => renderDendriteConfig(withoutRateLimiting, sampleSettings)).toThrow(
      /no client_api\.rate_limiting\.enabled/,
    );
  });

  it('refuses a config that keeps state outside the work folder', () => {
    const elsewhere = SAMPLE.replace(`file:${SAMPLE_WORK_DIR}/dendrite_federationapi.db`, 'file:/var/lib/dendrite.db');
    expect(() => renderDendriteConfig(elsewhere, sampleSettings)).toThrow(/outside .*connection_string is file:\/var/);
    expect(() => renderDendriteConfig(SAMPLE, { ...sampleSettings, workDir: 'relative' })).toThrow(/absolute/);
  });

  it('binds Dendrite to 127.0.0.1 only', () => {
    const args = dendriteArguments('/w/dendrite.yaml', 18008);
    expect(args).toEqual([
      '--config',
      '/w/dendrite.yaml',
      '--really-enable-open-registration',
      '--http-bind-address',
      '127.0.0.1:18008',
    ]);
    // No TLS listener: Dendrite starts one only when given a certificate.
    expect(args.join(' ')).not.toMatch(/https-bind-address|tls-cert|tls-key/);
  });
});

describe('ensureDendrite', () => {
  it('refuses versions after 0.13.8 (later Dendrite is AGPL) without building anything', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'm3c-dendrite-cache-'));
    try {
      await expect(ensureDendrite({ version: '0.14.0', cacheDir, log: quiet })).rejects.toThrow(/Apache-2\.0.*AGPL/);
      await expect(ensureDendrite({ version: '1.0.0', cacheDir, log: quiet })).rejects.toThrow(/AGPL/);
      await expect(ensureDendrite({ version: 'latest', cacheDir, log: quiet })).rejects.toThrow(/look like 0\.13\.8/);
      expect(readdirSync(cacheDir)).toEqual([]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('the dendrite profile', () => {
  it('loads, and says what the launched Dendrite does', () => {
    const profile = loadProfile('dendrite');
    expect(profile.server).toBe('dendrite');
    expect(profile.email).toEqual({ validation: 'identity-service' });
    expect(profile.msisdn).toEqual({ validation: 'none' });
    expect(profile.accounts.method).toBe('shared-secret');
    expect(profile.identityServers.trusted).toEqual(['$fake']);
    const file = fileURLToPath(new URL('../../servers/dendrite/profiles/dendrite.json', import.meta.url));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(profile);
  });
});

describe('Dendrite (real server, slow)', () => {
  let binDir: string;
  beforeAll(async () => {
    // Progress goes to stderr: a cold build is long enough to look like a hang otherwise.
    ({ binDir } = await ensureDendrite());
  }, INSTALL_TIMEOUT_MS);

  it('is installed with all four commands, and reports its version', () => {
    for (const command of DENDRITE_COMMANDS) expect(existsSync(join(binDir, command))).toBe(true);
    expect(binDir).toMatch(new RegExp(`/dendrite-${DENDRITE_VERSION.replace(/\./g, '\\.')}/bin$`));
    expect(execFileSync(join(binDir, 'dendrite'), ['--version'], { encoding: 'utf8' }).trim()).toBe(DENDRITE_VERSION);
  });

  describe('the config rendered from generate-config -ci', () => {
    let workDir: string;
    let text: string;
    let config: Config;
    beforeAll(() => {
      workDir = mkdtempSync(join(tmpdir(), 'm3c-dendrite-config-'));
      const generated = execFileSync(join(binDir, 'generate-config'), ['-ci', '-dir', workDir, '-server', 'localhost'], {
        encoding: 'utf8',
      });
      text = renderDendriteConfig(generated, { workDir, identityPort: 18090, registrationSharedSecret: 'shared-secret' });
      config = parse(text) as Config;
    });
    afterAll(() => rmSync(workDir, { recursive: true, force: true }));

    it('keeps none of the -ci values that must be replaced', () => {
      expect(text).not.toMatch(/complement|matrix\.org|vector\.im/);
      expect(config.client_api.registration_shared_secret).toBe('shared-secret');
      expect(config.global.trusted_third_party_id_servers).toEqual(['127.0.0.1:18090']);
      expect(config.global.private_key).toBe(join(workDir, 'matrix_key.pem'));
    });

    it('keeps every database and file under the work folder, in SQLite', () => {
      const databases = [
        config.federation_api.database,
        config.key_server.database,
        config.media_api.database,
        config.room_server.database,
        config.sync_api.database,
        config.user_api.account_database,
        config.relay_api.database,
        config.mscs.database,
      ];
      for (const database of databases) {
        expect(database.connection_string).toMatch(new RegExp(`^file:${workDir}/dendrite_\\w+\\.db$`));
      }
      expect(config.global.database.connection_string).toBe('');
      expect(config.media_api.base_path).toBe(join(workDir, 'media'));
      expect(config.global.jetstream).toMatchObject({ in_memory: true, addresses: [], storage_path: workDir });
    });

    it('makes no outbound calls but can still reach the identity service over TLS', () => {
      expect(config.global.report_stats).toEqual({ enabled: false, endpoint: '' });
      expect(config.global.metrics.enabled).toBe(false);
      expect(config.global.sentry.enabled).toBe(false);
      expect(config.global.presence.enable_outbound).toBe(false);
      expect(config.federation_api.key_perspectives).toEqual([]);
      expect(config.tracing.enabled).toBe(false);
      // The identity-service client is built from these two (setup/base.CreateClient).
      expect(config.global.disable_federation).toBe(false);
      expect(config.federation_api.disable_tls_validation).toBe(true);
    });

    it('opens registration, turns rate limiting off, logs at info without extra hooks', () => {
      expect(config.client_api.registration_disabled).toBe(false);
      expect(config.client_api.enable_registration_captcha).toBe(false);
      expect(config.client_api.rate_limiting.enabled).toBe(false);
      expect(config.mscs.mscs).toEqual([]);
      expect(config.logging).toEqual([]);
    });
  });

  it('real Dendrite: launches on loopback, proxies email requestToken to the fake identity service over HTTPS, and leaves nothing behind when stopped', async () => {
    const is = new FakeIdentityService({ tls: true });
    await is.start();
    const hs = await launchDendrite({ identityPort: is.port, smtpPort: await freePort(), log: quiet });
    try {
      expect(hs.name).toBe('dendrite');
      expect(hs.version).toBe(DENDRITE_VERSION);
      expect(hs.serverName).toBe('localhost');
      expect(hs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expectServing(hs);

      const configFile = join(hs.workDir, 'dendrite.yaml');
      const pids = processesMentioning(configFile);
      expect(pids).toHaveLength(1);
      const sockets = tcpSocketsOf(pids[0]!);
      expect(sockets.filter((s) => s.listening).map((s) => s.local)).toEqual([hs.url.replace('http://', '')]);

      const requestToken = await fetch(`${hs.url}/_matrix/client/v3/register/email/requestToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_secret: 'launch-test-secret',
          email: 'launch-test@example.test',
          send_attempt: 1,
          id_server: is.serverName,
        }),
      });
      expect(requestToken.status).toBe(200);
      const { sid } = (await requestToken.json()) as { sid: string };
      const received = is.requestsTo('/_matrix/identity/api/v1/validate/email/requestToken');
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        method: 'POST',
        contentType: 'application/x-www-form-urlencoded',
        body: { client_secret: 'launch-test-secret', email: 'launch-test@example.test', send_attempt: '1' },
      });
      expect(is.session(sid)).toBeDefined();
      expect(is.tlsFailures).toEqual([]);
      // Whatever Dendrite connected to meanwhile was on loopback.
      for (const socket of tcpSocketsOf(pids[0]!)) {
        if (!socket.listening) expect(socket.remote).toMatch(/^127\.0\.0\.1:|^\[::1\]:/);
      }

      await expectStopsWithoutTrace(hs, configFile);
    } finally {
      await hs.stop();
      await is.stop();
    }
  }, 60_000);

  describe('when Dendrite cannot start', () => {
    // Something else holds Dendrite's port and answers nothing.
    const blockedPort = useBlockedPort();

    it('real Dendrite: fails fast with its last log lines and cleans up', async () => {
      const launch = async () => launchDendrite({ identityPort: await freePort(), port: blockedPort(), log: quiet });
      const error = await expectFailedLaunch(launch, 'dendrite.log', 30_000);
      expect(error.message).toMatch(/address already in use/);
    }, 60_000);
  });
});

interface TcpSocket {
  local: string;
  remote: string;
  listening: boolean;
}

/** The TCP sockets a process holds, from /proc (Linux); addresses as `ip:port`, IPv6 bracketed. */
function tcpSocketsOf(pid: number): TcpSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const sockets: TcpSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (!inodes.has(fields[9] ?? '')) continue;
      sockets.push({ local: procAddress(fields[1]!), remote: procAddress(fields[2]!), listening: fields[3] === '0A' });
    }
  }
  return sockets;
}

/** /proc/net/tcp{,6} addresses: host-order 32-bit words in hex, then the port. */
function procAddress(hexAddress: string): string {
  const [hexIp = '', hexPort = '0'] = hexAddress.split(':');
  const port = parseInt(hexPort, 16);
  const bytes: number[] = [];
  for (let word = 0; word < hexIp.length; word += 8) {
    const value = parseInt(hexIp.slice(word, word + 8), 16);
    bytes.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
  }
  if (bytes.length === 4) return `${bytes.join('.')}:${port}`;
  // IPv4-mapped IPv6 reads as the IPv4 address.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `${bytes.slice(12).join('.')}:${port}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const ip = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  return `[${ip}]:${port}`;
}
