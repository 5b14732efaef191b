// Palpo's configuration as the launcher writes it: loopback only, no federation, no trusted
// key servers, the private database; every placeholder of the template filled.
import { describe, expect, test } from 'vitest';
import { renderPalpoConfig } from '../../servers/palpo/local.js';

describe('renderPalpoConfig', () => {
  const config = renderPalpoConfig({ port: 18008, databaseUrl: 'postgres://m3c@127.0.0.1:5433/palpo' });
  const value = (key: string) => new RegExp(`^${key} = (.+)$`, 'm').exec(config)?.[1];

  test('listens on loopback at the given port, as localhost', () => {
    expect(value('listen_addr')).toBe('"127.0.0.1:18008"');
    expect(value('server_name')).toBe('"localhost"');
  });

  test('talks to nobody: no federation, no trusted key servers, no update checks', () => {
    expect(value('allow_federation')).toBe('false');
    expect(value('trusted_servers')).toBe('[]');
    expect(value('allow_check_for_updates')).toBe('false');
    expect(value('enable_tls')).toBe('false');
  });

  test('uses the private database, and leaves no placeholder', () => {
    expect(config).toMatch(/^\[db\]\nurl = "postgres:\/\/m3c@127\.0\.0\.1:5433\/palpo"$/m);
    expect(config).not.toMatch(/\{\{|\}\}/);
  });
});
