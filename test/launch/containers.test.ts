// The container specifications, checked without Docker: pinned images, the client port
// published for the harness on 127.0.0.1, the harness's services reached through the host
// alias, registration opened by each server's own switch, and nothing that calls out.
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { HOST_ALIAS, randomSecrets, type ContainerSpec } from '../../harness/launch/containers/container-spec.js';
import { containerFor, dockerAvailable } from '../../harness/launch/containers/run-container.js';
import { launchServer, type ContainerServer } from '../../harness/launch/launchable.js';
import { loadProfile } from '../../harness/model/profile.js';
import { builtInFiles } from '../../harness/tool/server-folders.js';
import { UsageError } from '../../harness/tool/usage-error.js';
import { CONDUWUIT_FAMILY, DOCKER_TUWUNEL, MAIL_SENDER } from '../../servers/conduwuit/container.js';
import { DENDRITE_DATABASE_SECTIONS } from '../../servers/dendrite/container.js';
import { isLaunchable, LAUNCHABLE, SERVERS } from '../../servers/index.js';
import { DOCKER_SYNAPSE } from '../../servers/synapse/container.js';
import { SYNAPSE_VERSION } from '../../servers/synapse/local.js';

const docker = await dockerAvailable();
const ports = { identityPort: 41001, smtpPort: 41002, hostPort: 41003 };
const secrets = { registrationSharedSecret: 'shared-secret-x', macaroonSecretKey: 'macaroon-y', formSecret: 'form-z' };
const CONTAINERS = SERVERS.filter((server): server is Extract<(typeof SERVERS)[number], ContainerServer> => 'spec' in server);
const CONTAINER_KINDS = CONTAINERS.map((server) => server.name);
type Kind = (typeof CONTAINER_KINDS)[number];
/** Each container as its default profile (its family's) configures it. */
const specs = Object.fromEntries(CONTAINERS.map((server) => [server.name, server.spec(ports, secrets, loadProfile(server.server))])) as Record<
  Kind,
  ContainerSpec
>;
const serverNamed = (kind: Kind) => CONTAINERS.find((server) => server.name === kind)!;
/** Every built-in profile, loaded. */
const PROFILES = [...builtInFiles('profiles').values()].map((file) => loadProfile(file));

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
  const server = serverNamed(kind);

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

  test('the kind and the server are named after the server family', () => {
    expect(spec.kind).toBe(kind);
    expect(spec.server).toBe(server.server);
    expect(`docker:${spec.server}`).toBe(kind);
  });

  test('the identity service is named as the container reaches it, for id_server', () => {
    expect(spec.identityServerName).toBe(`${HOST_ALIAS}:${ports.identityPort}`);
  });

  test('the same inputs give the same specification', () => {
    expect(server.spec(ports, secrets, loadProfile(server.server))).toEqual(spec);
  });

  test('every profile of its family agrees with how the server validates, configured by that profile', () => {
    const profiles = PROFILES.filter((profile) => profile.server === server.server);
    expect(profiles.map((profile) => profile.name)).toContain(server.server);
    for (const profile of profiles) {
      const configured = server.spec(ports, secrets, profile);
      expect(profile.email.validation, profile.name).toBe(configured.validation.email);
      expect(profile.msisdn.validation, profile.name).toBe(configured.validation.msisdn);
      expect(profile.accounts.method === 'shared-secret', profile.name).toBe(configured.registrationSharedSecret !== undefined);
    }
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
  const configOf = (profile: string) => parse(DOCKER_SYNAPSE.spec(ports, secrets, loadProfile(profile)).files[0]!.content) as Record<string, unknown>;

  test('synapse: errors answered openly, the template\'s raised rate limits', () => {
    const config = configOf('synapse');
    expect(config.request_token_inhibit_3pid_errors).toBe(false);
    expect(Object.keys(config).filter((k) => k.startsWith('rc_')).length).toBeGreaterThan(0);
  });

  test('synapse-privacy: request_token_inhibit_3pid_errors', () => {
    expect(configOf('synapse-privacy').request_token_inhibit_3pid_errors).toBe(true);
  });

  test("synapse-ratelimited: Synapse's own rate limits, no rc_* keys", () => {
    const config = configOf('synapse-ratelimited');
    expect(Object.keys(config).filter((k) => k.startsWith('rc_'))).toEqual([]);
    expect(config.email).toMatchObject({ smtp_host: HOST_ALIAS });
  });

  test('a profile of another server family cannot configure a container, and nothing starts', async () => {
    await expect(launchServer(DOCKER_TUWUNEL, { identityPort: 1, smtpPort: 2 }, loadProfile('synapse-privacy'))).rejects.toThrow(
      new UsageError('profile synapse-privacy describes a synapse server; it cannot configure a launched docker:tuwunel'),
    );
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
    expect(config.global.trusted_third_party_id_servers).toEqual([spec.identityServerName]);
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
  test('the five kinds, recognised by name beside the local servers', () => {
    expect(CONTAINER_KINDS).toEqual(['docker:synapse', 'docker:dendrite', 'docker:conduwuit', 'docker:continuwuity', 'docker:tuwunel']);
    expect(LAUNCHABLE).toEqual(['synapse', 'dendrite', 'palpo', ...CONTAINER_KINDS]);
    expect(isLaunchable('docker:tuwunel')).toBe(true);
    expect(isLaunchable('tuwunel')).toBe(false);
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
    await expect(DOCKER_SYNAPSE.launch({ identityPort: 1, smtpPort: 2 }, loadProfile('synapse'))).rejects.toThrow(
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
