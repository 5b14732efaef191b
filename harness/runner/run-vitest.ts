// Runs the scenarios in Vitest through its node API, collecting one raw verdict per scenario.
import { basename, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { startVitest } from 'vitest/node';
import type { Exchange } from '../http/exchange.js';
import type { ScenarioMeta } from './meta.js';
import type { Target } from './target.js';

export interface RawVerdict {
  id: string;
  status: 'passed' | 'failed' | 'skipped';
  reason?: string;
  durationMs: number;
  exchanges: Exchange[];
  observed: string[];
}

export class HarnessError extends Error {}

const here = fileURLToPath(import.meta.url);
// The entry sits beside this module, as .ts from source and as .js from dist/.
const ENTRY = `${dirname(here)}/scenarios.vitest${extname(here)}`;

export async function runScenarios(target: Target): Promise<RawVerdict[]> {
  const verdicts: RawVerdict[] = [];
  const loadErrors: string[] = [];
  const collector: Reporter = {
    onTestCaseResult(testCase: TestCase) {
      verdicts.push(toVerdict(testCase));
    },
    onTestModuleEnd(module: TestModule) {
      for (const error of module.errors()) loadErrors.push(error.stack ?? error.message);
    },
  };
  const vitest = await startVitest(
    [],
    {
      root: dirname(ENTRY),
      include: [basename(ENTRY)],
      // The published package lives under node_modules/, which Vitest excludes by default.
      exclude: [],
      config: false,
      watch: false,
      reporters: [collector],
      provide: { target },
      // Threads, not forks: every worker dies with this process, whatever ends it.
      pool: 'threads',
      // One worker that keeps its fixtures: the worker-scoped fake services live once per run.
      maxWorkers: 1,
      isolate: false,
      fileParallelism: false,
      hookTimeout: 60_000,
      silent: true,
    },
    { cacheDir: undefined, server: { watch: null } },
  );
  try {
    const unhandled = vitest.state.getUnhandledErrors();
    if (loadErrors.length || unhandled.length) {
      throw new HarnessError(`the scenarios could not run:\n${[...loadErrors, ...unhandled.map(String)].join('\n')}`);
    }
  } finally {
    await vitest.close();
  }
  return verdicts;
}

function toVerdict(testCase: TestCase): RawVerdict {
  const result = testCase.result();
  const meta = testCase.meta() as ScenarioMeta;
  const base = {
    id: testCase.name,
    durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
    exchanges: meta.exchanges ?? [],
    observed: meta.observed ?? [],
  };
  if (result.state === 'passed') return { ...base, status: 'passed' };
  if (result.state === 'failed') {
    const reason = (result.errors ?? []).map((e) => e.message).join('\n') || 'failed without a message';
    return { ...base, status: 'failed', reason };
  }
  return { ...base, status: 'skipped', reason: meta.skipReason ?? (result.state === 'skipped' ? result.note : undefined) ?? 'skipped' };
}
