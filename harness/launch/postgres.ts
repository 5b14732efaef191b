// A private PostgreSQL cluster for a launched server that needs one (Palpo): initdb into the
// run's work folder, listening on 127.0.0.1 at a free port, one database, stopped with the
// server and removed with its folder. Debian's packages (`postgresql`) provide the binaries.
// PostgreSQL will not run as root; run as root, the cluster belongs to the `postgres` user.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnManaged, type ManagedProcess } from './child-process.js';
import { runLogged } from './install.js';
import type { Log } from './lifecycle.js';

const execFileAsync = promisify(execFile);
const READY_TIMEOUT_MS = 30_000;

export interface PrivatePostgres {
  /** postgres://USER@127.0.0.1:PORT/DATABASE, no password (trust on loopback only). */
  url: string;
  port: number;
  stop(): Promise<unknown>;
}

export interface PrivatePostgresOptions {
  workDir: string;
  database: string;
  log: Log;
}

/** The newest installed server binaries: /usr/lib/postgresql/<major>/bin, or $PG_BINDIR. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BINDIR && existsSync(join(process.env.PG_BINDIR, 'initdb'))) return process.env.PG_BINDIR;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base).filter((name) => /^\d+$/.test(name) && existsSync(join(base, name, 'bin', 'initdb')));
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join(base, newest, 'bin');
}

export async function startPrivatePostgres({ workDir, database, log }: PrivatePostgresOptions): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: no initdb under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql), nor in $PG_BINDIR');
  const user = await clusterUser();
  // The work folder is the caller's (mode 0700 from mkdtemp): the cluster's user must pass through it.
  if (user) chmodSync(workDir, 0o711);
  const dataDir = join(workDir, 'pgdata');
  const socketDir = join(workDir, 'pgsocket');
  for (const dir of [dataDir, socketDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (user) chownSync(dir, user.uid, user.gid);
  }
  const logFile = join(workDir, 'postgres.log');
  const role = 'm3c';
  const asClusterUser = { logFile, log, activity: 'preparing PostgreSQL', ...(user && { user }) };
  await runLogged(join(bin, 'initdb'), ['-D', dataDir, '-U', role, '--auth=trust', '-E', 'UTF8', '--no-locale'], asClusterUser);

  const port = await freePort();
  log(`starting a private PostgreSQL (${bin}) on 127.0.0.1:${port}`);
  // Durability buys nothing for a cluster deleted after the run.
  const server: ManagedProcess = spawnManaged(
    join(bin, 'postgres'),
    ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', socketDir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { logFile, cwd: workDir, ...(user && { user }) },
  );
  try {
    await waitReady(bin, port, server, logFile);
    await runLogged(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', role, database], asClusterUser);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: `postgres://${role}@127.0.0.1:${port}/${database}`, port, stop: () => server.stop() };
}

async function waitReady(bin: string, port: number, server: ManagedProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.hasExited()) throw new Error(`PostgreSQL exited during start; see ${logFile}`);
    try {
      await execFileAsync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
}

/** Run as root, the cluster is the `postgres` user's; otherwise the caller's own. */
async function clusterUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([execFileAsync('id', ['-u', 'postgres']), execFileAsync('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new Error('running as root, a PostgreSQL cluster needs the "postgres" user (Debian\'s postgresql package creates it)');
  }
}
