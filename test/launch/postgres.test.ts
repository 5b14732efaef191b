// The private PostgreSQL cluster a launched Palpo uses: started in a work folder on loopback,
// one database that accepts connections, and nothing left running once stopped.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { postgresBinDir, startPrivatePostgres } from '../../harness/launch/postgres.js';
import { portIsFree } from '../support/processes.js';

const bin = postgresBinDir();
const workDir = mkdtempSync(join(tmpdir(), 'm3c-pg-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test.skipIf(!bin)(`a cluster in the work folder serves its database on 127.0.0.1 and stops${bin ? '' : ' (skipped: PostgreSQL is not installed; .ci/run installs Debian\'s postgresql)'}`, async () => {
  const pg = await startPrivatePostgres({ workDir, database: 'palpo', log: () => undefined });
  try {
    expect(pg.url).toBe(`postgres://m3c@127.0.0.1:${pg.port}/palpo`);
    const answer = execFileSync(join(bin!, 'psql'), [pg.url, '-tAc', 'select current_database()'], { encoding: 'utf8', cwd: '/' });
    expect(answer.trim()).toBe('palpo');
  } finally {
    await pg.stop();
  }
  expect(await portIsFree(pg.port)).toBe(true);
}, 60_000);
