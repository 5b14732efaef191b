// The report a person reads after a run: grouped by endpoint, failures with their evidence.
import type { Reporter } from './reporter.js';
import type { Results, ScenarioResult, Status } from './results.js';
import { asRunModel, type RunModel } from './run-model.js';
import { FAILING } from './status.js';

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

function scenarioLines(result: ScenarioResult): string[] {
  const lines = [`  ${MARK[result.status].padEnd(5)} ${result.id}  ${result.title} [${result.level}, ${result.durationMs} ms]`];
  for (const note of result.observed ?? []) lines.push(`          seen: ${note}`);
  if (FAILING.includes(result.status)) {
    lines.push(indent(`spec: ${result.specRef}`, '          '));
    if (result.reason) lines.push(indent(result.reason, '          '));
  } else if (result.status === 'skipped' || result.status === 'expected-failure') {
    lines.push(`          ${(result.reason ?? '').split('\n')[0]}`);
  }
  return lines;
}

export function formatConsoleReport(input: Results | RunModel): string {
  const { results, byEndpoint } = asRunModel(input);
  const out: string[] = [];
  for (const { key, scenarios, tally } of byEndpoint) {
    out.push('', `${key}: ${tally.byStatus.passed}/${tally.scenarios} passed`);
    for (const r of scenarios) out.push(...scenarioLines(r));
  }
  const s = results.summary;
  out.push(
    '',
    `target  ${results.target.url} (${results.target.server.name} ${results.target.server.version}), spec ${results.spec}, profile ${results.profile}`,
    `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.expectedFailures} expected failures, ${s.unexpectedPasses} unexpected passes in ${(results.durationMs / 1000).toFixed(1)} s`,
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
