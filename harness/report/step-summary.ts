// The run as GitHub-flavoured Markdown for a job's summary page ($GITHUB_STEP_SUMMARY):
// a heading naming the target, a table of verdicts per endpoint, and the failures folded
// away in <details>.
import { appendFile } from 'node:fs/promises';
import type { Reporter } from './reporter.js';
import { exitCodeFor, type Results, type ScenarioResult, type Status } from './results.js';
import { asRunModel, type RunModel } from './run-model.js';
import { FAILING } from './status.js';

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

const COLUMNS: Array<{ heading: string; status: Status }> = [
  { heading: 'Passed', status: 'passed' },
  { heading: 'Failed', status: 'failed' },
  { heading: 'Expected failures', status: 'expected-failure' },
  { heading: 'Unexpected passes', status: 'unexpected-pass' },
  { heading: 'Skipped', status: 'skipped' },
];

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
  const { results, all, byEndpoint } = asRunModel(input);
  const { server } = results.target;
  const s = results.summary;
  const verdict = exitCodeFor(s) === 0 ? 'passed' : 'failed';
  const lines = [
    `### Matrix 3PID conformance: ${escapeHtml(server.name)} ${escapeHtml(server.version)} at ${escapeHtml(results.target.url)}, spec ${escapeHtml(results.spec)}`,
    '',
    `Run ${verdict}: ${s.passed} passed, ${s.failed} failed, ${s.expectedFailures} expected failures, ` +
      `${s.unexpectedPasses} unexpected passes, ${s.skipped} skipped in ${(results.durationMs / 1000).toFixed(1)} s ` +
      `(profile ${code(results.profile)}, ${escapeHtml(results.tool.name)} ${escapeHtml(results.tool.version)}).`,
    '',
    `| Endpoint | ${COLUMNS.map((c) => c.heading).join(' | ')} |`,
    `|---|${COLUMNS.map(() => '---:').join('|')}|`,
  ];
  for (const { key, tally } of byEndpoint) {
    lines.push(`| ${tableCell(key)} | ${COLUMNS.map((c) => tally.byStatus[c.status]).join(' | ')} |`);
  }
  lines.push(`| **Total** | ${COLUMNS.map((c) => `**${all.byStatus[c.status]}**`).join(' | ')} |`);

  lines.push(
    ...details(
      'Failures',
      results.scenarios.filter((r) => FAILING.includes(r.status)),
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
