// Runs the `run:` steps of a composite action the way a GitHub runner does, close enough to
// test action.yml without GitHub: `${{ }}` expressions in `env:` and `with:` evaluated from the
// inputs (with their defaults), earlier steps' outputs and `github.action_path`; each bash step
// run as `bash --noprofile --norc -eo pipefail FILE` with a fresh GITHUB_OUTPUT file and the
// runner's variables; `uses:` steps recorded, not run.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface ActionStep {
  name?: string;
  id?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
  if?: string;
}

export interface ActionFile {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function readAction(path: string): ActionFile {
  return parse(readFileSync(path, 'utf8')) as ActionFile;
}

export interface Context {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
  github: Record<string, string>;
}

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/** The value of one `${{ }}` expression; only plain property paths, as action.yml uses. */
export function evaluate(expression: string, context: Context): string {
  const path = expression.split('.');
  if (!path.every((part) => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(part))) {
    throw new Error(`unsupported expression \${{ ${expression} }}`);
  }
  const [root, ...rest] = path;
  let value: unknown = (context as unknown as Record<string, unknown>)[root!];
  if (value === undefined) throw new Error(`unknown context ${root} in \${{ ${expression} }}`);
  for (const key of rest) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[key];
  // Missing properties evaluate to '' when interpolated into a string.
  return value === undefined || value === null ? '' : String(value);
}

export function interpolate(text: string, context: Context): string {
  return text.replace(EXPRESSION, (_, expression: string) => evaluate(expression, context));
}

/** Every `${{ }}` expression in a text. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(EXPRESSION)].map((m) => m[1]!);
}

/** name=value lines and name<<DELIMITER blocks, as the runner reads GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`unterminated ${heredoc[1]}<<${heredoc[2]} in GITHUB_OUTPUT`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`malformed GITHUB_OUTPUT line: ${line}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

export interface StepRun {
  step: ActionStep;
  /** For `uses:` steps: not run. */
  skipped: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
}

export interface RunOptions {
  /** The action's directory (GITHUB_ACTION_PATH). */
  actionPath: string;
  /** The job's working directory (GITHUB_WORKSPACE, the steps' cwd). */
  workspace: string;
  /** RUNNER_TEMP and the runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, …). */
  runnerTemp: string;
  inputs: Record<string, string>;
  /** Outputs to pretend earlier steps set, for running a step alone. */
  steps?: Context['steps'];
  /** Extra environment (the job's). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface ActionRun {
  steps: StepRun[];
  /** The action's outputs, evaluated after the steps. */
  outputs: Record<string, string>;
  stepSummary: string;
  /** Exit code of the first failing step, or 0. */
  code: number;
}

let counter = 0;

function runBash(script: string, env: NodeJS.ProcessEnv, cwd: string, dir: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = join(dir, `step-${counter++}.sh`);
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the given steps (default: all) in order, stopping at the first failure, as a runner does. */
export async function runComposite(action: ActionFile, options: RunOptions, only?: (step: ActionStep) => boolean): Promise<ActionRun> {
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) inputs[name] = input.default ?? '';
  Object.assign(inputs, options.inputs);
  for (const [name, input] of Object.entries(action.inputs)) {
    if (input.required && !inputs[name]) throw new Error(`required input ${name} not given`);
  }
  const context: Context = {
    inputs,
    steps: { ...options.steps },
    github: { action_path: options.actionPath, workspace: options.workspace },
  };
  mkdirSync(options.runnerTemp, { recursive: true });
  mkdirSync(options.workspace, { recursive: true });
  const summaryFile = join(options.runnerTemp, 'step-summary.md');
  writeFileSync(summaryFile, '');
  // The runner puts the Node that setup-node selected first on PATH; here, the test's own.
  const path = [dirname(process.execPath), options.env?.PATH ?? process.env.PATH ?? ''].join(delimiter);

  const runs: StepRun[] = [];
  let code = 0;
  for (const step of action.runs.steps) {
    if (only && !only(step)) continue;
    if (step.if !== undefined) throw new Error(`step ${step.name}: "if:" is not supported by this runner`);
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), context)]));
    if (step.uses !== undefined || step.run === undefined) {
      runs.push({ step, skipped: true, code: null, stdout: '', stderr: '', outputs: {}, env });
      continue;
    }
    if (step.shell !== 'bash') throw new Error(`step ${step.name}: composite run steps need shell: bash here`);
    const outputFile = join(options.runnerTemp, `output-${counter++}`);
    writeFileSync(outputFile, '');
    const result = await runBash(
      step.run,
      {
        ...process.env,
        ...options.env,
        PATH: path,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: options.actionPath,
        GITHUB_WORKSPACE: options.workspace,
        RUNNER_TEMP: options.runnerTemp,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_ENV: join(options.runnerTemp, 'env'),
        GITHUB_PATH: join(options.runnerTemp, 'path'),
        ...env,
      },
      options.workspace,
      options.runnerTemp,
      options.timeoutMs ?? 600_000,
    );
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (step.id) context.steps[step.id] = { outputs };
    runs.push({ step, skipped: false, code: result.code, stdout: result.stdout, stderr: result.stderr, outputs, env });
    if (result.code !== 0) {
      code = result.code ?? 1;
      break;
    }
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([name, o]) => [name, interpolate(o.value, context)]));
  return { steps: runs, outputs, stepSummary: readFileSync(summaryFile, 'utf8'), code };
}
