// The run as GitHub-flavoured Markdown for a job's summary page ($GITHUB_STEP_SUMMARY):
// a heading naming the target, a table of verdicts per endpoint (must failures and should
// warnings apart), the spec statements checked, and the failures and warnings folded away
// in <details>.
import { appendFile } from 'node:fs/promises';
import type { Reporter } from './reporter.js';
import { exitCodeFor, type Results, type ScenarioResult } from './results.js';
import { asRunModel, failuresPhrase, type RunModel, type Tally } from './run-model.js';
import { statementsLine } from './run-statements.js';
import { failsRun, isWarning } from './status.js';

/** Markdown table cell: pipes escaped (GFM splits cells on them even inside code), one line. */
export function tableCell(text: string): string {
  return escapeHtml(text).replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

/** Text placed inside HTML blocks (<details>) or list items: no tags, no entities by accident. */
function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An identifier in backticks; a backtick inside it would end the code span. */
function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

function columns(strict: boolean): Array<{ heading: string; count: (t: Tally) => number }> {
  return [
    { heading: 'Passed', count: (t) => t.byStatus.passed },
    { heading: 'Failed (must)', count: (t) => t.failedByLevel.must },
    { heading: strict ? 'Failed (should, --strict)' : 'Warnings (should)', count: (t) => t.failedByLevel.should },
    { heading: 'Expected failures', count: (t) => t.byStatus['expected-failure'] },
    { heading: 'Unexpected passes', count: (t) => t.byStatus['unexpected-pass'] },
    { heading: 'Skipped', count: (t) => t.byStatus.skipped },
  ];
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]?.trim() ?? '';
}

function listItem(result: ScenarioResult): string {
  const reason = firstLine(result.reason);
  return `- ${code(result.id)} ${escapeHtml(result.title)}${reason ? ` — ${escapeHtml(reason)}` : ''}`;
}

function details(summary: string, items: readonly ScenarioResult[]): string[] {
  if (items.length === 0) return [];
  // The blank lines around the list let GitHub render Markdown inside the HTML block.
  return ['', '<details>', `<summary>${summary} (${items.length})</summary>`, '', ...items.map(listItem), '', '</details>'];
}

export function formatStepSummary(input: Results | RunModel): string {
  const { results, strict, all, byEndpoint } = asRunModel(input);
  const { server } = results.target;
  const s = results.summary;
  const verdict = exitCodeFor(results.scenarios, { strict }) === 1 ? 'failed' : all.failedByLevel.should > 0 ? 'passed with warnings' : 'passed';
  const shown = columns(strict);
  const lines = [
    `### Matrix 3PID conformance: ${escapeHtml(server.name)} ${escapeHtml(server.version)} at ${escapeHtml(results.target.url)}, spec ${escapeHtml(results.spec)}`,
    '',
    `Run ${verdict}: ${s.passed} passed, ${failuresPhrase(all, strict)}, ${s.expectedFailures} expected failures, ` +
      `${s.unexpectedPasses} unexpected passes, ${s.skipped} skipped in ${(results.durationMs / 1000).toFixed(1)} s ` +
      `(profile ${code(results.profile)}, ${escapeHtml(results.tool.name)} ${escapeHtml(results.tool.version)}).`,
    ...(results.statements ? ['', `Spec ${escapeHtml(statementsLine(results.spec, results.statements))}.`] : []),
    '',
    `| Endpoint | ${shown.map((c) => c.heading).join(' | ')} |`,
    `|---|${shown.map(() => '---:').join('|')}|`,
  ];
  for (const { key, tally } of byEndpoint) {
    lines.push(`| ${tableCell(key)} | ${shown.map((c) => c.count(tally)).join(' | ')} |`);
  }
  lines.push(`| **Total** | ${shown.map((c) => `**${c.count(all)}**`).join(' | ')} |`);

  lines.push(
    ...details(
      'Failures',
      results.scenarios.filter((r) => failsRun(r, strict)),
    ),
    ...details(
      'Warnings: failed should-level scenarios',
      results.scenarios.filter((r) => isWarning(r, strict)),
    ),
    ...details(
      'Expected failures',
      results.scenarios.filter((r) => r.status === 'expected-failure'),
    ),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Appends the summary to the file GitHub Actions names in GITHUB_STEP_SUMMARY; does nothing
 * outside Actions. Returns the file written to, if any.
 */
export async function appendStepSummary(input: Results | RunModel, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return undefined;
  await appendFile(file, `${formatStepSummary(input)}\n`);
  return file;
}

/** Inside GitHub Actions: `$GITHUB_STEP_SUMMARY` names the job summary's file. */
export const stepSummaryReporter: Reporter = {
  name: 'github-step-summary',
  wanted: ({ env }) => Boolean(env.GITHUB_STEP_SUMMARY),
  async write(run, { env }) {
    const file = await appendStepSummary(run, env);
    return { log: `summary appended to ${file}` };
  },
};
