// The report a person reads after a run: grouped by endpoint, failures and warnings with
// their evidence, then the ids of those again, then the totals (must failures and should
// warnings apart) and the spec statements the run checked.
import type { Reporter } from './reporter.js';
import type { Results, ScenarioResult, Status } from './results.js';
import { asRunModel, failuresPhrase, type RunModel } from './run-model.js';
import { statementsLine } from './run-statements.js';
import { FAILING, isWarning } from './status.js';

const MARK: Record<Status, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  skipped: 'SKIP',
  'expected-failure': 'XFAIL',
  'unexpected-pass': 'XPASS',
};

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

/** The verdict's mark, padded: a failed `should` that does not fail the run reads as a warning. */
function markOf(result: ScenarioResult, strict: boolean): string {
  return (isWarning(result, strict) ? 'WARN' : MARK[result.status]).padEnd(5);
}

function scenarioLines(result: ScenarioResult, strict: boolean): string[] {
  const lines = [`  ${markOf(result, strict)} ${result.id}  ${result.title} [${result.level}, ${result.durationMs} ms]`];
  for (const note of result.observed ?? []) lines.push(`          seen: ${note}`);
  if (FAILING.includes(result.status)) {
    lines.push(indent(`spec: ${result.specRef}`, '          '));
    if (result.reason) lines.push(indent(result.reason, '          '));
  } else if (result.status === 'skipped' || result.status === 'expected-failure') {
    lines.push(`          ${(result.reason ?? '').split('\n')[0]}`);
  }
  return lines;
}

/**
 * What needs looking at, by id, just above the totals: the evidence is further up, among
 * hundreds of lines of passes, and a reader starts from the end.
 */
function attentionLines(all: readonly ScenarioResult[], strict: boolean): string[] {
  const flagged = all.filter((r) => FAILING.includes(r.status));
  if (flagged.length === 0) return [];
  return ['', 'to look at:', ...flagged.map((r) => `  ${markOf(r, strict)} ${r.id} [${r.level}]`)];
}

export function formatConsoleReport(input: Results | RunModel): string {
  const { results, strict, all, byEndpoint } = asRunModel(input);
  const out: string[] = [];
  for (const { key, scenarios, tally } of byEndpoint) {
    out.push('', `${key}: ${tally.byStatus.passed}/${tally.scenarios} passed`);
    for (const r of scenarios) out.push(...scenarioLines(r, strict));
  }
  out.push(...attentionLines(results.scenarios, strict));
  const s = results.summary;
  out.push(
    '',
    `target  ${results.target.url} (${results.target.server.name} ${results.target.server.version}), spec ${results.spec}, profile ${results.profile}`,
    ...(results.statements ? [statementsLine(results.spec, results.statements)] : []),
    `${s.passed} passed, ${failuresPhrase(all, strict)}, ${s.skipped} skipped, ${s.expectedFailures} expected failures, ${s.unexpectedPasses} unexpected passes in ${(results.durationMs / 1000).toFixed(1)} s`,
  );
  return out.join('\n');
}

/** Always: on standard output, after the report files are written. */
export const consoleReporter: Reporter = {
  name: 'console',
  wanted: () => true,
  async write(run, { print }) {
    print(formatConsoleReport(run));
    return {};
  },
};
