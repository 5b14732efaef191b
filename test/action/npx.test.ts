// The published package as a user gets it: `npm pack` on a clean copy of the checkout (which
// builds dist/ from the sources through `prepare`, as on a fresh clone, without rewriting the
// working copy's dist/ under other tests' feet),
// then, in a folder holding nothing but the tarball, `npx --yes ./<tarball> --help` and
// `--version`, as the issue words it. npx installs the tarball's dependencies from the registry
// (or the machine's npm cache), so this also proves that the package declares everything the
// CLI loads at start. (The `./` matters: npx takes a bare absolute path for a command to run.)
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { packagePath } from '../../harness/tool/package-root.js';
import { copyCheckout } from './checkout-copy.js';

const PACKAGE = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const work = mkdtempSync(join(tmpdir(), 'm3c-npx-'));
let tarball: string | undefined;
let installedFrom: string | undefined;

/** npx keeps what it installed in <npm cache>/_npx/<hash>; remove the entries for our tarball. */
async function forgetNpxInstall(): Promise<void> {
  if (!installedFrom) return;
  const cache = (await run('npm', ['config', 'get', 'cache'], work)).stdout.trim();
  const npxDir = join(cache, '_npx');
  if (!cache || !existsSync(npxDir)) return;
  for (const entry of readdirSync(npxDir)) {
    const manifest = join(npxDir, entry, 'package.json');
    if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes(installedFrom)) {
      rmSync(join(npxDir, entry), { recursive: true, force: true });
    }
  }
}

afterAll(async () => {
  await forgetNpxInstall();
  rmSync(work, { recursive: true, force: true });
});

describe('npm pack, then npx in an empty folder', () => {
  test('the tarball holds the built CLI, the schemas and the fixtures, and no tests', { timeout: 300_000 }, async () => {
    const source = join(work, 'source');
    copyCheckout(source);
    // The build tools (TypeScript) from this checkout's install; packing leaves node_modules out.
    symlinkSync(packagePath('node_modules'), join(source, 'node_modules'), 'dir');
    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    const packed = await run('npm', ['pack', '--json', '--pack-destination', packDir], source);
    expect(packed.code, packed.stderr).toBe(0);
    // `prepare` prints the build's output before the JSON.
    const json = packed.stdout.slice(packed.stdout.indexOf('[\n'));
    const [info] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(packDir, info!.filename);
    expect(existsSync(tarball)).toBe(true);
    const files = info!.files.map((f) => f.path);
    expect(files).toContain('package.json');
    expect(files).toContain(PACKAGE.bin['matrix-3pid-conformance']!);
    expect(files).toContain('dist/harness/cli/main.js');
    expect(files.some((f) => f.startsWith('schemas/'))).toBe(true);
    // Each server's folder: its compiled launcher in dist/, its data beside it, no sources.
    expect(files).toContain('dist/servers/index.js');
    expect(files).toContain('servers/synapse/homeserver.yaml');
    expect(files).toContain('servers/synapse/profiles/synapse.json');
    expect(files).toContain('servers/synapse/expectations/synapse.yaml');
    expect(files).toContain('servers/conduwuit/profiles/tuwunel.json');
    expect(files.filter((f) => f.startsWith('servers/') && f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('test/') || f.endsWith('.test.js') || f.startsWith('dist/test/'))).toEqual([]);
  });

  test('npx --yes <tarball> --help prints the usage and exits 0; --version prints the version', { timeout: 900_000 }, async () => {
    expect(tarball, 'the pack test must run first').toBeDefined();
    const empty = join(work, 'empty');
    mkdirSync(empty);
    // A name of its own per run: npx keys its install cache on the spec as written (for
    // tarballs, the relative path), so a fixed `./matrix-3pid-conformance-0.1.0.tgz` could
    // pick up what an earlier run in another folder installed.
    const name = basename(tarball!).replace(/\.tgz$/, `-${basename(work).slice(-6)}.tgz`);
    copyFileSync(tarball!, join(empty, name));
    installedFrom = join(empty, name);
    const help = await run('npx', ['--yes', `./${name}`, '--help'], empty);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain(`matrix-3pid-conformance ${PACKAGE.version}`);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('--homeserver URL');
    expect(help.stdout).toContain('Exit codes:');

    const version = await run('npx', ['--yes', `./${name}`, '--version'], empty);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(PACKAGE.version);
    // Nothing was installed into the folder itself.
    expect(readdirSync(empty)).toEqual([name]);
  });
});
