// Every results file under a folder, whatever its layout (one folder per night, per job, or
// flat): the files that keep the contract are read, the others named with the reason. Files
// written before evidence was redacted may still carry credentials: they are redacted here,
// by the same rules as a run's, before anything of them reaches the site.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { toCurl } from '../http/exchange.js';
import { redactExchange, redactText } from '../http/redaction.js';
import type { Results, ScenarioResult } from '../report/results.js';
import { checkResults } from './results-validator.js';

export interface LoadedRun {
  /** The file, relative to the folder read. */
  file: string;
  results: Results;
}

export interface RejectedFile {
  file: string;
  why: string;
}

function jsonFilesUnder(dir: string, skipped: readonly string[]): string[] {
  const skip = skipped.map((folder) => resolve(folder) + sep);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !skip.some((folder) => resolve(path).startsWith(folder)))
    .sort();
}

function readOne(path: string): { results: Results } | { why: string } {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { why: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const checked = checkResults(value);
  return 'results' in checked ? { results: redacted(checked.results) } : checked;
}

function redactedScenario(result: ScenarioResult): ScenarioResult {
  return {
    ...result,
    ...(result.reason !== undefined && { reason: redactText(result.reason) }),
    ...(result.observed && { observed: result.observed.map(redactText) }),
    ...(result.evidence && {
      evidence: {
        exchanges: result.evidence.exchanges.map((exchange) => {
          const { curl: _old, ...rest } = redactExchange(exchange);
          return { ...rest, curl: toCurl(rest.request) };
        }),
      },
    }),
  };
}

/** Evidence written before redaction, redacted as a run now writes it. */
export function redacted(results: Results): Results {
  return { ...results, scenarios: results.scenarios.map(redactedScenario) };
}

/** `skipped`: folders under `dir` not to read, such as the site being written into it. */
export function loadResultsFolder(dir: string, skipped: readonly string[] = []): { runs: LoadedRun[]; rejected: RejectedFile[] } {
  const runs: LoadedRun[] = [];
  const rejected: RejectedFile[] = [];
  for (const path of jsonFilesUnder(dir, skipped)) {
    const file = relative(dir, path);
    const outcome = readOne(path);
    if ('results' in outcome) runs.push({ file, results: outcome.results });
    else rejected.push({ file, why: outcome.why });
  }
  return { runs, rejected };
}
