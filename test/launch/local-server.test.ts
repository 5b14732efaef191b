// The lifecycle the local launchers (Synapse, Dendrite) share, driven with a few lines of Node
// standing in for a homeserver, so that every cleanup path is checked in seconds.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { processIsAlive, stopAllManaged } from '../../harness/launch/child-process.js';
import { installAtomically, runLogged, type AtomicInstallOptions } from '../../harness/launch/install.js';
import {
  scrubbedEnvironment,
  startLocalServer,
  type LocalServerCommand,
  type StartLocalServerOptions,
} from '../../harness/launch/local-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'm3c-local-server-test-'));
let counter = 0;
const newFolder = () => join(scratch, `folder-${++counter}`);

afterEach(async () => {
  await stopAllManaged({ graceMs: 1_000 });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Answers /versions with `status` after `delayMs`; writes its pid (to FAKE_PID_FILE, default
// its cwd) and FAKE_MARK into its cwd.
const FAKE_SERVER = `
const http = require('http');
const fs = require('fs');
const [port, status, delayMs] = process.argv.slice(1).map(Number);
fs.writeFileSync(process.env.FAKE_PID_FILE ?? 'pid', String(process.pid));
fs.writeFileSync('mark', process.env.FAKE_MARK ?? '');
console.log('fake server starting');
setTimeout(() => {
  http.createServer((req, res) => {
    res.writeHead(req.url === '/_matrix/client/versions' ? status : 404).end('{"versions":["v1.1"]}');
  }).listen(port, '127.0.0.1');
}, delayMs);
`;

function fakeServer(
  status = 200,
  delayMs = 0,
  env: NodeJS.ProcessEnv = {},
): (context: { workDir: string; port: number }) => Promise<LocalServerCommand> {
  return async ({ port }) => ({
    command: process.execPath,
    args: ['-e', FAKE_SERVER, String(port), String(status), String(delayMs)],
    env: { ...process.env, FAKE_MARK: 'from prepare', ...env },
  });
}

function options(overrides: Partial<StartLocalServerOptions> & { lines?: string[] } = {}): StartLocalServerOptions {
  const { lines = [], ...rest } = overrides;
  return {
    name: 'Fake',
    version: '1.2.3',
    logFileName: 'fake.log',
    readyTimeoutMs: 10_000,
    log: (line) => lines.push(line),
    prepare: fakeServer(),
    ...rest,
  };
}

function pidIn(workDir: string): number {
  return Number(readFileSync(join(workDir, 'pid'), 'utf8'));
}

describe('startLocalServer', () => {
  it('starts in a new temporary folder, waits for /versions, and removes everything on stop()', async () => {
    const lines: string[] = [];
    let prepared: { workDir: string; port: number } | undefined;
    const server = await startLocalServer(
      options({
        lines,
        prepare: async (context) => {
          prepared = context;
          writeFileSync(join(context.workDir, 'config.yaml'), 'written by prepare');
          return fakeServer(200, 300)(context);
        },
      }),
    );
    expect(prepared).toBeDefined();
    expect(server.url).toBe(`http://127.0.0.1:${prepared!.port}`);
    expect(server.workDir).toBe(prepared!.workDir);
    expect(server.workDir.startsWith(join(tmpdir(), 'm3c-fake-'))).toBe(true);
    expect(server.logFile).toBe(join(server.workDir, 'fake.log'));
    expect(readFileSync(server.logFile, 'utf8')).toContain('fake server starting');
    // Started in its work folder, with the environment prepare gave it.
    expect(readFileSync(join(server.workDir, 'mark'), 'utf8')).toBe('from prepare');
    expect(readFileSync(join(server.workDir, 'config.yaml'), 'utf8')).toBe('written by prepare');
    expect((await fetch(`${server.url}/_matrix/client/versions`)).status).toBe(200);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`starting Fake 1.2.3 at ${server.url} (work dir ${server.workDir})`);
    expect(lines[1]).toMatch(new RegExp(`^Fake ready at ${server.url} in \\d+\\.\\d s$`));

    const pid = pidIn(server.workDir);
    const stopping = server.stop();
    expect(server.stop()).toBe(stopping);
    await stopping;
    expect(processIsAlive(pid)).toBe(false);
    expect(existsSync(server.workDir)).toBe(false);
    await server.stop();
  });

  it('uses the given port', async () => {
    const first = await startLocalServer(options());
    const port = Number(new URL(first.url).port);
    await first.stop();
    const second = await startLocalServer(options({ port }));
    try {
      expect(second.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await second.stop();
    }
  });

  it('keeps a given work folder by default, creating it if needed', async () => {
    const workDir = join(newFolder(), 'nested');
    const server = await startLocalServer(options({ workDir }));
    expect(server.workDir).toBe(workDir);
    const pid = pidIn(workDir);
    await server.stop();
    expect(processIsAlive(pid)).toBe(false);
    expect(existsSync(join(workDir, 'fake.log'))).toBe(true);
  });

  it('removes a given work folder when told not to keep it', async () => {
    const workDir = newFolder();
    const server = await startLocalServer(options({ workDir, keepWorkDir: false }));
    await server.stop();
    expect(existsSync(workDir)).toBe(false);
  });

  it('keeps a temporary work folder when told to', async () => {
    const server = await startLocalServer(options({ keepWorkDir: true }));
    await server.stop();
    try {
      expect(existsSync(join(server.workDir, 'fake.log'))).toBe(true);
    } finally {
      rmSync(server.workDir, { recursive: true, force: true });
    }
  });

  it('removes the work folder and starts nothing when prepare fails', async () => {
    const lines: string[] = [];
    let workDir: string | undefined;
    const failure = new Error('cannot write the config');
    const start = startLocalServer(
      options({
        lines,
        prepare: async (context) => {
          workDir = context.workDir;
          throw failure;
        },
      }),
    );
    await expect(start).rejects.toBe(failure);
    expect(existsSync(workDir!)).toBe(false);
    expect(lines).toEqual([]);
  });

  it('keeps a given work folder when prepare fails', async () => {
    const workDir = newFolder();
    await expect(
      startLocalServer(options({ workDir, prepare: () => Promise.reject(new Error('no config')) })),
    ).rejects.toThrow('no config');
    expect(existsSync(workDir)).toBe(true);
  });

  it('fails fast with the last log lines, and removes the work folder, when the server exits first', async () => {
    const started = Date.now();
    const start = startLocalServer(
      options({
        prepare: async () => ({
          command: process.execPath,
          args: ['-e', "console.error('cannot bind'); process.exit(3)"],
          env: process.env,
        }),
      }),
    );
    const error = (await start.catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/process exited \(code 3\) before/);
    expect(error.message).toContain('cannot bind');
    expect(Date.now() - started).toBeLessThan(5_000);
    const workDir = /last lines of (\S+)\/fake\.log/.exec(error.message)?.[1];
    expect(workDir).toBeDefined();
    expect(existsSync(workDir!)).toBe(false);
  });

  it('stops the server and removes the work folder when it is not ready in time', async () => {
    let workDir: string | undefined;
    const pidFile = join(scratch, `pid-${++counter}`);
    const start = startLocalServer(
      options({
        readyTimeoutMs: 1_000,
        prepare: async (context) => {
          workDir = context.workDir;
          return fakeServer(503, 0, { FAKE_PID_FILE: pidFile })(context);
        },
      }),
    );
    const error = (await start.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/did not answer 200 within 1000 ms \(HTTP 503\)/);
    expect(processIsAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    expect(existsSync(workDir!)).toBe(false);
  });
});

describe('scrubbedEnvironment', () => {
  it('drops the named variables in any case and keeps the rest', () => {
    const saved = { ...process.env };
    try {
      process.env.HTTP_PROXY = 'http://proxy.invalid';
      process.env.http_proxy = 'http://proxy.invalid';
      process.env.No_Proxy = 'example.test';
      process.env.M3C_KEPT = 'kept';
      const env = scrubbedEnvironment(['http_proxy', 'no_proxy']);
      expect(env.HTTP_PROXY).toBeUndefined();
      expect(env.http_proxy).toBeUndefined();
      expect(env.No_Proxy).toBeUndefined();
      expect(env.M3C_KEPT).toBe('kept');
      // A copy: this process keeps its own.
      expect(process.env.HTTP_PROXY).toBe('http://proxy.invalid');
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});

describe('installAtomically', () => {
  // An install is usable when it holds a file saying "ok".
  const isUsable = async (dir: string) => existsSync(join(dir, 'ok')) && readFileSync(join(dir, 'ok'), 'utf8') === 'ok';
  const buildOk = async (partial: string) => {
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, 'ok'), 'ok');
  };

  /** A fresh cache folder and the install's place in it. */
  function fresh(): { cache: string; dir: string; installLog: string } {
    const cache = newFolder();
    return { cache, dir: join(cache, 'tool-1.0'), installLog: join(cache, 'install.log') };
  }

  function install(
    place: { dir: string; installLog: string },
    overrides: Partial<AtomicInstallOptions> & { lines?: string[] } = {},
  ): Promise<void> {
    const { lines = [], ...rest } = overrides;
    return installAtomically({
      dir: place.dir,
      installLog: place.installLog,
      isUsable,
      unusableNote: 'unusable; rebuilding it',
      build: buildOk,
      unusableBuildMessage: (partial) => `${partial} is not usable`,
      doneNote: 'tool 1.0 installed',
      log: (line) => lines.push(line),
      ...rest,
    });
  }

  it('builds into a temporary sibling, renames it into place, and logs the time taken', async () => {
    const place = fresh();
    const lines: string[] = [];
    let builtIn: string | undefined;
    await install(place, {
      lines,
      build: async (partial) => {
        builtIn = partial;
        expect(existsSync(partial)).toBe(false);
        expect(readFileSync(place.installLog, 'utf8')).toBe('');
        await buildOk(partial);
      },
    });
    expect(builtIn).toBe(`${place.dir}.partial-${process.pid}`);
    expect(await isUsable(place.dir)).toBe(true);
    expect(readdirSync(place.cache).sort()).toEqual(['install.log', 'tool-1.0']);
    expect(lines).toEqual([expect.stringMatching(/^tool 1\.0 installed in \d+ s$/)]);
  });

  it('does nothing when the install is already usable', async () => {
    const place = fresh();
    await buildOk(place.dir);
    const lines: string[] = [];
    await install(place, { lines, build: () => Promise.reject(new Error('must not build')) });
    expect(lines).toEqual([]);
    expect(readdirSync(place.cache)).toEqual(['tool-1.0']);
  });

  it('replaces an unusable install, saying so', async () => {
    const place = fresh();
    mkdirSync(place.dir, { recursive: true });
    writeFileSync(join(place.dir, 'ok'), 'broken');
    const lines: string[] = [];
    await install(place, { lines });
    expect(lines[0]).toBe('unusable; rebuilding it');
    expect(await isUsable(place.dir)).toBe(true);
    expect(readdirSync(place.cache).sort()).toEqual(['install.log', 'tool-1.0']);
  });

  it('leaves nothing behind when the build fails', async () => {
    const place = fresh();
    const failure = new Error('compiler crashed');
    await expect(
      install(place, {
        build: async (partial) => {
          await buildOk(partial);
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(readdirSync(place.cache)).toEqual(['install.log']);
  });

  it('refuses a build that finished but is not usable, and removes it', async () => {
    const place = fresh();
    await expect(
      install(place, {
        build: async (partial) => {
          mkdirSync(partial);
          writeFileSync(join(partial, 'ok'), 'half');
        },
      }),
    ).rejects.toThrow(`${place.dir}.partial-${process.pid} is not usable`);
    expect(readdirSync(place.cache)).toEqual(['install.log']);
  });

  it('removes the builds of runs that died mid-install, not those of running ones or of other installs', async () => {
    const place = fresh();
    const dead = await exitedPid();
    const alive = process.ppid;
    const left = [`tool-1.0.partial-${dead}`, `tool-1.0.broken-${dead}`, `tool-1.0.partial-${alive}`, `tool-100.partial-${dead}`];
    for (const name of left) mkdirSync(join(place.cache, name), { recursive: true });
    await install(place);
    expect(readdirSync(place.cache).sort()).toEqual(
      ['install.log', 'tool-1.0', `tool-1.0.partial-${alive}`, `tool-100.partial-${dead}`].sort(),
    );
  });
});

describe('runLogged', () => {
  it('appends the command line and its output to the log', async () => {
    const logFile = join(scratch, 'run-ok.log');
    writeFileSync(logFile, 'before\n');
    await runLogged(process.execPath, ['-e', "console.log('hello from the child')"], {
      logFile,
      log: () => undefined,
      activity: 'working',
    });
    expect(readFileSync(logFile, 'utf8')).toBe(`before\n\n$ ${process.execPath} -e console.log('hello from the child')\nhello from the child\n`);
  });

  it('passes the given environment', async () => {
    const logFile = join(scratch, 'run-env.log');
    await runLogged(process.execPath, ['-e', 'console.log(process.env.M3C_GIVEN)'], {
      logFile,
      log: () => undefined,
      activity: 'working',
      env: { ...process.env, M3C_GIVEN: 'given value' },
    });
    expect(readFileSync(logFile, 'utf8')).toContain('given value');
  });

  it('fails with the end of the log when the command fails', async () => {
    const logFile = join(scratch, 'run-fail.log');
    await expect(
      runLogged(process.execPath, ['-e', "console.error('pip: no such package'); process.exit(2)"], {
        logFile,
        log: () => undefined,
        activity: 'working',
      }),
    ).rejects.toThrow(/failed \(code 2\); end of .*run-fail\.log:\n[\s\S]*pip: no such package/);
  });
});

/** The pid of a process that has come and gone. */
function exitedPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.once('error', reject);
    child.once('exit', () => resolve(child.pid!));
  });
}
