// action.yml, checked three ways:
//  1. as data: every input is used, inputs reach the shell only through env, the env vars are
//     the ones the CLI declares, the outputs come from the step that sets them;
//  2. its run step executed in bash with a stub CLI that records what it was given: exit codes
//     propagate, outputs are written whatever the outcome, hostile input stays a string;
//  3. its real steps end to end on a copy of this checkout: `npm ci` (which builds dist/ through
//     `prepare`), then the built CLI against a homeserver URL where nothing listens, whose
//     exit code (3, target unreachable) must come out of the action.
// Only actions/setup-node is not run: the test's own Node stands in for it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { OPTIONS } from '../../harness/cli/config.js';
import { freePort } from '../../harness/launch/child-process.js';
import { renderSynapseConfig } from '../../servers/synapse/config.js';
import { packagePath } from '../../harness/tool/package-root.js';
import { loadProfile } from '../../harness/model/profile.js';
import { copyCheckout } from './checkout-copy.js';
import { expressionsIn, readAction, runComposite, type ActionStep } from './composite-runner.js';

const ACTION_YML = packagePath('action.yml');
const action = readAction(ACTION_YML);
const steps = action.runs.steps;
const stepWithId = (id: string): ActionStep => {
  const step = steps.find((s) => s.id === id);
  if (!step) throw new Error(`action.yml has no step with id ${id}`);
  return step;
};
const declaredEnv = new Set(OPTIONS.flatMap((o) => (o.env ? [o.env] : [])));
const junitWired = OPTIONS.some((o) => o.flag === '--junit');

const work = mkdtempSync(join(tmpdir(), 'm3c-action-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let runs = 0;
const fresh = (name: string) => join(work, `${name}-${runs++}`);

describe('action.yml as data', () => {
  test('a composite action with the inputs the issue names, and sensible defaults', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(
      ['expectations', 'homeserver-url', 'identity-port', 'node-version', 'only', 'profile', 'results-dir', 'shared-secret', 'smtp-port', 'spec', 'strict', 'version'].sort(),
    );
    expect(action.inputs['homeserver-url']!.required).toBe(true);
    expect(action.inputs.profile!.required).toBe(true);
    expect(action.inputs['results-dir']!.default).toBe('conformance-results');
    expect(action.inputs['node-version']!.default).toBe('24');
    expect(action.inputs.version!.default).toBe('');
  });

  test('every input is used, and only in with: or env:', () => {
    const used = new Set<string>();
    for (const step of steps) {
      for (const value of [...Object.values(step.with ?? {}), ...Object.values(step.env ?? {})]) {
        for (const expression of expressionsIn(String(value))) {
          const m = /^inputs\.([a-z-]+)$/.exec(expression);
          if (m) used.add(m[1]!);
        }
      }
    }
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  test('no expression is spliced into a script (script injection)', () => {
    for (const step of steps) if (step.run !== undefined) expect(expressionsIn(step.run), step.name).toEqual([]);
  });

  test('the MATRIX_3PID_* variables it sets are the ones the CLI reads', () => {
    const set = steps.flatMap((s) => Object.keys(s.env ?? {})).filter((name) => name.startsWith('MATRIX_3PID_'));
    expect(set.length).toBeGreaterThan(0);
    for (const name of set) expect(declaredEnv.has(name), `${name} is not declared in harness/cli/config.ts`).toBe(true);
  });

  test('Node is set up with the node-version input before anything runs', () => {
    expect(steps[0]!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(steps[0]!.with?.['node-version']).toBe('${{ inputs.node-version }}');
  });

  test('outputs: results, junit and exit-code, from the run step, which writes them', () => {
    expect(action.outputs).toEqual({
      results: { description: expect.any(String), value: '${{ steps.run.outputs.results }}' },
      junit: { description: expect.any(String), value: '${{ steps.run.outputs.junit }}' },
      'exit-code': { description: expect.any(String), value: '${{ steps.run.outputs.exit-code }}' },
    });
    const script = stepWithId('run').run!;
    for (const name of ['results', 'junit', 'exit-code']) expect(script).toContain(`echo "${name}=`);
    expect(script).toMatch(/--results "\$results" --junit "\$junit"/);
    expect(stepWithId('run').env?.M3C_CLI).toBe('${{ steps.install.outputs.cli }}');
  });
});

// A CLI that records its arguments and MATRIX_3PID_* environment, writes the files it was
// asked for, and exits with STUB_EXIT.
const STUB = `
const fs = require('fs');
const args = process.argv.slice(2);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MATRIX_3PID_')));
fs.writeFileSync(process.env.STUB_RECORD, JSON.stringify({ args, env, cwd: process.cwd() }));
const at = (flag) => args[args.indexOf(flag) + 1];
fs.writeFileSync(at('--results'), '{}');
fs.writeFileSync(at('--junit'), '<testsuites/>');
process.exit(Number(process.env.STUB_EXIT || 0));
`;

interface Recorded {
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

async function runWithStub(inputs: Record<string, string>, exitCode = 0) {
  const dir = fresh('stub');
  mkdirSync(dir, { recursive: true });
  const cli = join(dir, 'cli.cjs');
  writeFileSync(cli, STUB);
  const record = join(dir, 'record.json');
  const workspace = join(dir, 'workspace');
  const run = await runComposite(
    action,
    {
      actionPath: packagePath(),
      workspace,
      runnerTemp: join(dir, 'runner'),
      inputs: { 'homeserver-url': 'http://127.0.0.1:9', profile: 'synapse', ...inputs },
      steps: { install: { outputs: { cli } } },
      env: { STUB_RECORD: record, STUB_EXIT: String(exitCode) },
      timeoutMs: 30_000,
    },
    (step) => step.id === 'run',
  );
  const recorded = existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as Recorded) : undefined;
  return { run, recorded, workspace };
}

describe('the run step, with a stub CLI', () => {
  test('passes every input as its environment variable and asks for results and JUnit in results-dir', async () => {
    const { run, recorded, workspace } = await runWithStub({
      spec: 'v1.13',
      expectations: 'ci/known-failures.yaml',
      'identity-port': '8090',
      'smtp-port': '2525',
      'shared-secret': 's3cret',
      only: 'register-email/*',
      strict: 'true',
      'results-dir': 'out/conformance run',
    });
    expect(run.code).toBe(0);
    expect(recorded!.env).toEqual({
      MATRIX_3PID_HOMESERVER: 'http://127.0.0.1:9',
      MATRIX_3PID_PROFILE: 'synapse',
      MATRIX_3PID_SPEC: 'v1.13',
      MATRIX_3PID_EXPECTATIONS: 'ci/known-failures.yaml',
      MATRIX_3PID_IDENTITY_PORT: '8090',
      MATRIX_3PID_SMTP_PORT: '2525',
      MATRIX_3PID_SHARED_SECRET: 's3cret',
      MATRIX_3PID_ONLY: 'register-email/*',
      MATRIX_3PID_STRICT: 'true',
    });
    expect(recorded!.args).toEqual(['--results', 'out/conformance run/results.json', '--junit', 'out/conformance run/junit.xml']);
    expect(recorded!.cwd).toBe(workspace);
    expect(run.outputs).toEqual({ results: 'out/conformance run/results.json', junit: 'out/conformance run/junit.xml', 'exit-code': '0' });
    expect(existsSync(join(workspace, 'out/conformance run/junit.xml'))).toBe(true);
  });

  test('unset optional inputs arrive empty, which the CLI treats as unset', async () => {
    const { recorded } = await runWithStub({});
    expect(recorded!.env.MATRIX_3PID_SPEC).toBe('');
    expect(recorded!.env.MATRIX_3PID_ONLY).toBe('');
    expect(recorded!.env.MATRIX_3PID_STRICT).toBe('');
    expect(recorded!.args).toEqual(['--results', 'conformance-results/results.json', '--junit', 'conformance-results/junit.xml']);
  });

  test.each([
    [0, undefined],
    [1, 'unexpected failures'],
    [2, 'usage or configuration error'],
    [3, 'could not be reached'],
  ] as const)('exit code %i comes out of the step, with outputs written and an annotation', async (code, annotation) => {
    const { run } = await runWithStub({}, code);
    expect(run.code).toBe(code);
    expect(run.outputs['exit-code']).toBe(String(code));
    expect(run.outputs.results).toBe('conformance-results/results.json');
    const stdout = run.steps[0]!.stdout;
    if (annotation) expect(stdout).toMatch(new RegExp(`^::error title=matrix-3pid-conformance::.*${annotation}`, 'm'));
    else expect(stdout).not.toContain('::error');
  });

  test('input that looks like shell stays a string: nothing runs, and workflow commands do not echo it', async () => {
    const hostile = 'http://x/$(touch PWNED1)`touch PWNED2`"; touch PWNED3; echo "\n::error::injected';
    const { run, recorded, workspace } = await runWithStub({ 'homeserver-url': hostile, profile: "p'; touch PWNED4; '" }, 3);
    expect(recorded!.env.MATRIX_3PID_HOMESERVER).toBe(hostile);
    expect(recorded!.env.MATRIX_3PID_PROFILE).toBe("p'; touch PWNED4; '");
    expect(readdirSync(workspace).filter((f) => f.startsWith('PWNED'))).toEqual([]);
    expect(run.steps[0]!.stdout).not.toContain('injected');
  });

  test('a results-dir over several lines is refused (it would forge outputs)', async () => {
    const { run, recorded } = await runWithStub({ 'results-dir': 'a\nexit-code=0' });
    expect(run.code).toBe(2);
    expect(recorded).toBeUndefined();
    expect(run.steps[0]!.stdout).toContain('results-dir must be a non-empty, single-line path');
  });
});

describe('the real steps on a copy of this checkout', () => {
  const expected = junitWired
    ? { code: 3, says: /cannot reach http:\/\/127\.0\.0\.1:\d+/ }
    : { code: 2, says: /unknown argument "--junit"/ };
  test(
    `npm ci builds the CLI; against a URL where nothing listens the action exits ${expected.code}` +
      (junitWired ? ' (target unreachable)' : ' (the CLI does not take --junit yet: usage error)'),
    { timeout: 600_000 },
    async () => {
      const dir = fresh('real');
      const actionPath = join(dir, 'action');
      copyCheckout(actionPath);
      const homeserver = `http://127.0.0.1:${await freePort()}`;
      const run = await runComposite(action, {
        actionPath,
        workspace: join(dir, 'workspace'),
        runnerTemp: join(dir, 'runner'),
        inputs: { 'homeserver-url': homeserver, profile: 'synapse', 'results-dir': 'results' },
        // Reuse the machine's npm cache where it can; the registry otherwise.
        env: { npm_config_prefer_offline: 'true' },
      });
      const [setup, install, main] = run.steps;
      expect(setup!.skipped).toBe(true);
      expect(install!.code, `${install!.stdout}\n${install!.stderr}`).toBe(0);
      expect(install!.outputs.cli).toBe(join(actionPath, 'dist/harness/cli/main.js'));
      expect(existsSync(install!.outputs.cli!)).toBe(true);

      expect(main!.code, main!.stderr).toBe(expected.code);
      expect(run.code).toBe(expected.code);
      expect(main!.stderr).toMatch(expected.says);
      expect(run.outputs).toEqual({ results: 'results/results.json', junit: 'results/junit.xml', 'exit-code': String(expected.code) });
      expect(existsSync(join(dir, 'workspace', 'results'))).toBe(true);

      // The installed CLI documents what the action relies on.
      const help = spawnSync(process.execPath, [install!.outputs.cli!, '--help'], { encoding: 'utf8' });
      expect(help.status).toBe(0);
      for (const name of Object.keys(main!.env).filter((n) => n.startsWith('MATRIX_3PID_'))) expect(help.stdout).toContain(name);
      expect(help.stdout).toContain('--results');
      if (junitWired) expect(help.stdout).toContain('--junit');
    },
  );
});

describe('docs/example-workflow.yml', () => {
  type Workflow = { jobs: Record<string, { env?: Record<string, string>; steps: Array<ActionStep & { with?: Record<string, string> }> }> };
  const workflow = parse(readFileSync(packagePath('docs', 'example-workflow.yml'), 'utf8')) as Workflow;
  const [job] = Object.values(workflow.jobs);
  const uses = job!.steps.find((s) => s.uses?.includes('/matrix-3pid-conformance@'));

  test('uses the action with known inputs only, and every required one', () => {
    expect(uses, 'no step uses the action').toBeDefined();
    for (const name of Object.keys(uses!.with ?? {})) expect(Object.keys(action.inputs)).toContain(name);
    for (const [name, input] of Object.entries(action.inputs)) if (input.required) expect(uses!.with?.[name]).toBeTruthy();
  });

  test('keeps the results whatever the outcome', () => {
    const upload = job!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(String(upload?.with?.path)).toContain(uses!.with!['results-dir']!);
  });

  test('its server configuration matches what the synapse profile expects of it', async () => {
    const configure = job!.steps.find((s) => s.run?.includes('homeserver.yaml <<EOF'))!;
    const dir = fresh('example');
    mkdirSync(dir, { recursive: true });
    const ran = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', configure.run!], {
      cwd: dir,
      env: { ...process.env, ...job!.env },
      encoding: 'utf8',
    });
    expect(ran.status, ran.stderr).toBe(0);
    const config = parse(readFileSync(join(dir, 'conformance-server', 'homeserver.yaml'), 'utf8')) as Record<string, any>;
    const profile = loadProfile(uses!.with!.profile!);
    expect(config.registration_shared_secret).toBe(job!.env!.REGISTRATION_SHARED_SECRET);
    expect(config.email).toMatchObject({ smtp_host: '127.0.0.1', smtp_port: Number(uses!.with!['smtp-port']), enable_tls: false });
    expect(config.account_threepid_delegates.msisdn).toBe(`http://127.0.0.1:${uses!.with!['identity-port']}`);
    expect(config.request_token_inhibit_3pid_errors).toBe(profile.privacy);
    // The same denials as the launched Synapse the profile describes.
    const template = parse(renderSynapseConfig({ port: 8008, serverName: 'localhost', workDir: '/w', identityPort: 1, smtpPort: 2, registrationSharedSecret: 'r', macaroonSecretKey: 'm', formSecret: 'f' })) as Record<string, any>;
    expect(config.allowed_local_3pids).toEqual(template.allowed_local_3pids);
    expect(config.database.args.database).toBe(join(dir, 'conformance-server', 'homeserver.db'));
  });
});
