// The container specifications, checked without Docker: pinned images, the client port
// published for the harness on 127.0.0.1, the harness's services reached through the host
// alias, registration opened by each server's own switch, and nothing that calls out.
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { CONDUWUIT_FAMILY, MAIL_SENDER } from '../../harness/launch/containers/conduwuit.js';
import { DENDRITE_DATABASE_SECTIONS, dendriteIdentityServer } from '../../harness/launch/containers/dendrite.js';
import { containerFor, dockerAvailable, launchContainer } from '../../harness/launch/containers/launch.js';
import { CONTAINER_KINDS, containerSpec, HOST_ALIAS, isContainerKind, randomSecrets, serverOf, type ContainerSpec } from '../../harness/launch/containers/spec.js';
import { SYNAPSE_VERSION } from '../../harness/launch/synapse.js';
import { packagePath } from '../../harness/tool/package-root.js';
import { loadProfile } from '../../harness/model/profile.js';

const docker = await dockerAvailable();
const ports = { identityPort: 41001, smtpPort: 41002, hostPort: 41003 };
const secrets = { registrationSharedSecret: 'shared-secret-x', macaroonSecretKey: 'macaroon-y', formSecret: 'form-z' };
const specs = Object.fromEntries(CONTAINER_KINDS.map((kind) => [kind, containerSpec(kind, ports, secrets)])) as Record<
  (typeof CONTAINER_KINDS)[number],
  ContainerSpec
>;

/** All the text a container is given: environment, files, command line. */
function everything(spec: ContainerSpec): string {
  return [
    ...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    ...spec.files.map((f) => f.content),
    ...(spec.entrypoint ?? []),
    ...(spec.command ?? []),
  ].join('\n');
}

/** Host names in URLs and host:port pairs anywhere in the text. */
function hostsIn(text: string): string[] {
  const hosts = new Set<string>();
  for (const m of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s"']*@)?([^/:\s"'?]+)/gi)) hosts.add(m[1]!.toLowerCase());
  for (const m of text.matchAll(/\b([a-z0-9-]+(?:\.[a-z0-9-]+)+):\d{2,5}\b/gi)) hosts.add(m[1]!.toLowerCase());
  return [...hosts];
}

describe.each(CONTAINER_KINDS)('%s', (kind) => {
  const spec = specs[kind];

  test('the image is pinned to a release, never a moving tag', () => {
    expect(spec.image).toMatch(/^[a-z0-9.-]+(\/[a-z0-9._-]+)+:v\d+\.\d+\.\d+[a-z0-9.-]*$/);
    expect(spec.image).not.toMatch(/:(latest|main|develop|preview)$/);
    expect(spec.image).toContain(spec.version);
  });

  test('the client API: container port 8008, published at http://127.0.0.1:<hostPort>, ready on /versions', () => {
    expect(spec.exposedPort).toBe(8008);
    expect(spec.hostPort).toBe(ports.hostPort);
    expect(spec.url).toBe(`http://127.0.0.1:${ports.hostPort}`);
    expect(spec.readyPath).toBe('/_matrix/client/versions');
    expect(spec.startupTimeoutMs).toBeGreaterThanOrEqual(60_000);
  });

  test('the harness services are reached through the host alias on their ports, which get exposed', () => {
    const text = everything(spec);
    // Inside the container 127.0.0.1 is the container itself: the harness is never there.
    expect(text).not.toMatch(new RegExp(`(127\\.0\\.0\\.1|localhost):(${ports.identityPort}|${ports.smtpPort})\\b`));
    const usesIs = spec.validation.email === 'identity-service' || spec.validation.msisdn === 'identity-service';
    const usesSmtp = spec.validation.email === 'smtp';
    if (usesIs) expect(text).toContain(`${HOST_ALIAS}:${ports.identityPort}`);
    if (usesSmtp) expect(text).toMatch(new RegExp(`${HOST_ALIAS.replaceAll('.', '\\.')}[\\s\\S]*${ports.smtpPort}|${ports.smtpPort}[\\s\\S]*${HOST_ALIAS.replaceAll('.', '\\.')}`));
    for (const port of [usesIs && ports.identityPort, usesSmtp && ports.smtpPort].filter((p): p is number => typeof p === 'number')) {
      expect(spec.hostPortsToExpose).toContain(port);
    }
  });

  test('nothing names a host beyond the container, the harness and the loopback URL', () => {
    const allowed = new Set(['127.0.0.1', 'localhost', HOST_ALIAS, 'conformance.test', '0.0.0.0']);
    const strangers = hostsIn(everything(spec)).filter((h) => !allowed.has(h) && !h.endsWith('.test'));
    expect(strangers).toEqual([]);
  });

  test('state lives on a tmpfs, gone with the container', () => {
    expect(Object.keys(spec.tmpfs).length).toBeGreaterThan(0);
    for (const options of Object.values(spec.tmpfs)) expect(options).toMatch(/\brw\b/);
  });

  test('files are absolute paths outside the tmpfs mounts (copied before start, a tmpfs would hide them)', () => {
    for (const file of spec.files) {
      expect(file.path.startsWith('/')).toBe(true);
      for (const mount of Object.keys(spec.tmpfs)) expect(file.path.startsWith(`${mount}/`)).toBe(false);
      expect(file.mode & 0o444).toBe(0o444);
    }
  });

  test('server and profile are named after the kind', () => {
    expect(spec.server).toBe(serverOf(kind));
    expect(spec.profile).toBe(serverOf(kind));
    expect(`docker:${spec.server}`).toBe(kind);
  });

  test('the identity service is named as the container reaches it, for id_server', () => {
    expect(spec.identityServerName).toBe(`${HOST_ALIAS}:${ports.identityPort}`);
  });

  test('the same inputs give the same specification', () => {
    expect(containerSpec(kind, ports, secrets)).toEqual(spec);
  });

  test('the profile it names agrees with how the server validates, where that profile exists', () => {
    const file = packagePath('fixtures', 'profiles', `${spec.profile}.json`);
    if (!existsSync(file)) return; // profiles for the other servers come with their launchers
    const profile = loadProfile(spec.profile);
    expect(profile.email.validation).toBe(spec.validation.email);
    expect(profile.msisdn.validation).toBe(spec.validation.msisdn);
    expect(profile.accounts.method === 'shared-secret').toBe(spec.registrationSharedSecret !== undefined);
  });
});

describe('docker:synapse', () => {
  const spec = specs['docker:synapse'];
  const [file] = spec.files;
  const config = parse(file!.content) as Record<string, any>;

  test('the official image at the version the local launcher pins', () => {
    expect(spec.image).toBe(`matrixdotorg/synapse:v${SYNAPSE_VERSION}`);
  });

  test('start.py finds the config through SYNAPSE_CONFIG_PATH; it is readable by uid 991', () => {
    expect(spec.env.SYNAPSE_CONFIG_PATH).toBe(file!.path);
    expect(file!.mode).toBe(0o644);
    expect(spec.tmpfs['/m3c-data']).toBe('rw,mode=1777');
  });

  test('listens on the container port on all its interfaces; links point at the host URL', () => {
    expect(config.listeners).toHaveLength(1);
    expect(config.listeners[0]).toMatchObject({ port: 8008, bind_addresses: ['0.0.0.0'], tls: false, type: 'http' });
    expect(config.public_baseurl).toBe(`http://127.0.0.1:${ports.hostPort}/`);
    expect(config.server_name).toBe('localhost');
  });

  test('mail to the sink and text messages to the fake identity service, through the host alias', () => {
    expect(config.email).toMatchObject({ smtp_host: HOST_ALIAS, smtp_port: ports.smtpPort, enable_tls: false, require_transport_security: false });
    expect(config.account_threepid_delegates).toEqual({ msisdn: `http://${HOST_ALIAS}:${ports.identityPort}` });
  });

  test('state under the tmpfs; secrets as given', () => {
    expect(config.database.args.database).toBe('/m3c-data/homeserver.db');
    expect(config.media_store_path).toBe('/m3c-data/media_store');
    expect(config.signing_key_path).toBe('/m3c-data/signing.key');
    expect(config.registration_shared_secret).toBe(secrets.registrationSharedSecret);
    expect(config.macaroon_secret_key).toBe(secrets.macaroonSecretKey);
    expect(config.form_secret).toBe(secrets.formSecret);
    expect(spec.registrationSharedSecret).toBe(secrets.registrationSharedSecret);
  });

  test('open registration by its explicit flags; nothing outbound', () => {
    expect(config.enable_registration).toBe(true);
    expect(config.enable_registration_without_verification).toBe(true);
    expect(config.report_stats).toBe(false);
    expect(config.trusted_key_servers).toEqual([]);
    expect(config.federation_domain_whitelist).toEqual([]);
    expect(config.url_preview_enabled).toBe(false);
    expect(config.push).toEqual({ enabled: false });
  });
});

describe('docker:synapse variants, as the synapse profiles select them', () => {
  test('privacy mode: request_token_inhibit_3pid_errors, described by synapse-privacy', () => {
    const spec = containerSpec('docker:synapse', ports, secrets, { inhibit3pidErrors: true });
    expect((parse(spec.files[0]!.content) as Record<string, unknown>).request_token_inhibit_3pid_errors).toBe(true);
    expect(spec.profile).toBe('synapse-privacy');
    expect(loadProfile(spec.profile).privacy).toBe(true);
  });

  test("Synapse's own rate limits: no rc_* keys, described by synapse-ratelimited", () => {
    const spec = containerSpec('docker:synapse', ports, secrets, { defaultRateLimits: true });
    const config = parse(spec.files[0]!.content) as Record<string, unknown>;
    expect(Object.keys(config).filter((k) => k.startsWith('rc_'))).toEqual([]);
    expect(config.email).toMatchObject({ smtp_host: HOST_ALIAS });
    expect(spec.profile).toBe('synapse-ratelimited');
  });

  test('the other servers have no variants', () => {
    expect(() => containerSpec('docker:tuwunel', ports, secrets, { inhibit3pidErrors: true })).toThrow(/no configuration variants/);
  });
});

describe('docker:dendrite', () => {
  const spec = specs['docker:dendrite'];
  const [file] = spec.files;
  const config = parse(file!.content) as Record<string, any>;
  const script = spec.command?.join(' ') ?? '';

  test('the Apache-2.0 release image, never the AGPL fork', () => {
    expect(spec.image).toBe('matrixdotorg/dendrite-monolith:v0.13.8');
    expect(spec.image).not.toContain('element-hq');
  });

  test('a signing key made at start where the config expects it, then dendrite with the config on the container port', () => {
    expect(spec.entrypoint).toEqual(['/bin/sh', '-c']);
    expect(spec.command).toHaveLength(1);
    expect(script).toContain(`/usr/bin/generate-keys --private-key ${config.global.private_key} && exec /usr/bin/dendrite`);
    expect(script).toContain(`--config ${file!.path}`);
    expect(script).toContain('--http-bind-address 0.0.0.0:8008');
  });

  test('open registration: registration enabled and the command-line switch that allows it without a captcha', () => {
    expect(config.client_api.registration_disabled).toBe(false);
    expect(config.client_api.registration_requires_token).toBe(false);
    expect(script).toContain('--really-enable-open-registration');
    expect(config.client_api.registration_shared_secret).toBe(secrets.registrationSharedSecret);
  });

  test('every component has its own SQLite file on the tmpfs', () => {
    const files = DENDRITE_DATABASE_SECTIONS.map(([section, key]) => config[section][key].connection_string as string);
    for (const f of files) expect(f).toMatch(/^file:\/m3c-data\/dendrite_[a-z]+\.db$/);
    expect(new Set(files).size).toBe(files.length);
    expect(config.global.database).toBeUndefined();
  });

  test('trusts only the fake identity service, as id_server names it; nothing else outbound', () => {
    expect(config.global.trusted_third_party_id_servers).toEqual([dendriteIdentityServer(ports.identityPort)]);
    expect(dendriteIdentityServer(ports.identityPort)).toBe(`${HOST_ALIAS}:${ports.identityPort}`);
    expect(config.federation_api.key_perspectives).toEqual([]);
    expect(config.federation_api.disable_tls_validation).toBe(true);
    expect(config.global.report_stats).toEqual({ enabled: false });
    expect(config.global.jetstream.in_memory).toBe(true);
  });
});

describe.each(Object.values(CONDUWUIT_FAMILY))('$kind (conduwuit family)', (family) => {
  const spec = specs[family.kind];
  const env = spec.env;
  const p = family.prefix;

  test('configured by environment only, every variable under its own prefix', () => {
    expect(spec.files).toEqual([]);
    for (const key of Object.keys(env)) expect(key.startsWith(p)).toBe(true);
  });

  test('listens on 0.0.0.0:8008 in the container; its database on the tmpfs, without direct I/O (tmpfs has none)', () => {
    expect(env[`${p}ADDRESS`]).toBe('0.0.0.0');
    expect(env[`${p}PORT`]).toBe('8008');
    expect(Object.keys(spec.tmpfs)).toContain(env[`${p}DATABASE_PATH`]);
    expect(env[`${p}ROCKSDB_DIRECT_IO`]).toBe('false');
    expect(env[`${p}SERVER_NAME`]).toBe('localhost');
  });

  test('open registration by the explicit "I am sure" switch, without a token', () => {
    expect(env[`${p}ALLOW_REGISTRATION`]).toBe('true');
    expect(env[`${p}YES_I_AM_VERY_VERY_SURE_I_WANT_AN_OPEN_REGISTRATION_SERVER_PRONE_TO_ABUSE`]).toBe('true');
    expect(env[`${p}REGISTRATION_TOKEN`]).toBeUndefined();
    if (family.firstRunMode) expect(env[`${p}FORCE_DISABLE_FIRST_RUN_MODE`]).toBe('true');
  });

  test('nothing outbound: no key notaries, no federation, no announcement checks', () => {
    expect(env[`${p}TRUSTED_SERVERS`]).toBe('[]');
    expect(env[`${p}ALLOW_FEDERATION`]).toBe('false');
    if ('announcements' in family) expect(env[`${p}${family.announcements}`]).toBe('false');
  });

  test('mail, where the server can send it, as plain SMTP to the sink through the host alias', () => {
    if (family.smtp) {
      expect(env[`${p}SMTP__CONNECTION_URI`]).toBe(`smtp://${HOST_ALIAS}:${ports.smtpPort}`);
      expect(env[`${p}SMTP__SENDER`]).toBe(MAIL_SENDER);
      expect(spec.validation.email).toBe('smtp');
      expect(spec.hostPortsToExpose).toEqual([ports.smtpPort]);
    } else {
      expect(Object.keys(env).some((k) => k.includes('SMTP'))).toBe(false);
      expect(spec.validation.email).toBe('none');
      expect(spec.hostPortsToExpose).toEqual([]);
    }
    expect(env[`${p}WELL_KNOWN__CLIENT`]).toBe(spec.url);
  });

  test('shared-secret registration exactly where the server offers it', () => {
    expect(env[`${p}REGISTRATION_SHARED_SECRET`]).toBe(family.sharedSecret ? secrets.registrationSharedSecret : undefined);
    expect(spec.registrationSharedSecret).toBe(family.sharedSecret ? secrets.registrationSharedSecret : undefined);
  });
});

describe('kinds and secrets', () => {
  test('the five kinds, recognised by name', () => {
    expect(CONTAINER_KINDS).toEqual(['docker:synapse', 'docker:dendrite', 'docker:conduwuit', 'docker:continuwuity', 'docker:tuwunel']);
    expect(isContainerKind('docker:tuwunel')).toBe(true);
    expect(isContainerKind('synapse')).toBe(false);
  });

  test('random secrets differ from each other and between calls', () => {
    const a = randomSecrets();
    const b = randomSecrets();
    expect(new Set(Object.values(a)).size).toBe(3);
    expect(a.registrationSharedSecret).not.toBe(b.registrationSharedSecret);
    expect(a.registrationSharedSecret).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

});

describe('the testcontainers glue, without Docker', () => {
  // Building a GenericContainer does not contact the engine; its create options are what
  // Docker will be sent. (Fields read here are testcontainers' own, protected ones.)
  type Built = {
    createOpts: { Image: string; Env?: string[]; ExposedPorts?: Record<string, object>; Entrypoint?: string[]; Cmd?: string[]; Labels?: Record<string, string> };
    hostConfig: { PortBindings?: Record<string, Array<{ HostIp?: string; HostPort: string }>>; Tmpfs?: Record<string, string> };
    contentsToCopy: Array<{ content: string; target: string; mode?: number }>;
    startupTimeoutMs?: number;
    waitStrategy?: { constructor: { name: string } };
  };

  test.each(CONTAINER_KINDS)('%s: image, environment, files, loopback-only port binding, wait strategy', async (kind) => {
    const spec = specs[kind];
    const built = (await containerFor(spec, '/dev/null')) as unknown as Built;
    expect(built.createOpts.Image).toBe(spec.image);
    expect(built.createOpts.Env ?? []).toEqual(Object.entries(spec.env).map(([k, v]) => `${k}=${v}`));
    expect(Object.keys(built.createOpts.ExposedPorts ?? {})).toEqual(['8008/tcp']);
    expect(built.hostConfig.PortBindings).toEqual({ '8008/tcp': [{ HostIp: '127.0.0.1', HostPort: String(ports.hostPort) }] });
    expect(built.hostConfig.Tmpfs).toEqual(spec.tmpfs);
    expect(built.contentsToCopy).toEqual(spec.files.map((f) => ({ content: f.content, target: f.path, mode: f.mode })));
    expect(built.createOpts.Entrypoint).toEqual(spec.entrypoint);
    expect(built.createOpts.Cmd).toEqual(spec.command);
    expect(built.createOpts.Labels).toMatchObject({ 'org.matrix-3pid-conformance.kind': kind });
    expect(built.startupTimeoutMs).toBe(spec.startupTimeoutMs);
    expect(built.waitStrategy?.constructor.name).toBe('HttpWaitStrategy');
  });

  test(`launchContainer without an engine fails at once, saying why${docker.available ? ' (skipped: an engine answers here)' : ''}`, async (ctx) => {
    if (docker.available) ctx.skip('a Docker engine answers here');
    const started = Date.now();
    await expect(launchContainer('docker:synapse', { identityPort: 1, smtpPort: 2 })).rejects.toThrow(
      /^--launch docker:synapse needs a Docker engine: no Docker engine: /,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('dockerAvailable answers within its deadline, with a reason when it says no', async () => {
    const status = await dockerAvailable(2_000);
    expect(typeof status.available).toBe('boolean');
    if (status.available) expect(status.runtime).toBeTruthy();
    else expect(status.reason).toMatch(/^no Docker engine: /);
  });
});
