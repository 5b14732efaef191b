// The run as JUnit XML, the format CI test reporters read (GitHub test-report actions,
// Jenkins, GitLab): one <testsuite> per endpoint, one <testcase> per scenario. A JUnit
// failure is exactly what fails the run, so that a reporter's red agrees with the exit code.
//
// Mapping of the suite's verdicts onto JUnit's three outcomes:
//   passed            -> a plain <testcase>
//   failed (must)     -> <failure type="failed">: reason, spec reference, evidence (replayable)
//   failed (should)   -> a warning: a passing <testcase> whose <system-out> opens with
//                        "warning (should):" and carries the same text; under --strict it
//                        fails the run, so it is a <failure type="should">
//   unexpected-pass   -> <failure type="unexpected-pass">: it fails the run, so it fails here too
//   expected-failure  -> a passing <testcase>: known failures do not fail the run; the reason
//                        stays readable in <system-out>
//   skipped           -> <skipped message="reason"/>
import { warnsOnly } from '../model/scenario.js';
import { formatExchange } from '../http/exchange.js';
import { writeReportFile, type Reporter } from './reporter.js';
import type { Results, ScenarioResult } from './results.js';
import { asRunModel, type RunModel } from './run-model.js';
import { failsRun, isWarning } from './status.js';

/**
 * Text that XML 1.0 can carry. Server bodies may hold anything; characters outside the
 * XML 1.0 `Char` production (C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF)
 * make the whole document unreadable, so each is replaced by a visible `\uXXXX`.
 */
export function xmlSafeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
      out += visible(code);
      continue;
    }
    if ((code >= 0xdc00 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) {
      out += visible(code);
      continue;
    }
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) {
      out += visible(code);
      continue;
    }
    out += text[i]!;
  }
  return out;
}

function visible(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Element content: `&`, `<`, `>` escaped (`>` for `]]>`), control characters made visible,
 * CR as a reference (a parser turns a literal CR or CRLF into LF).
 */
export function escapeText(text: string): string {
  return xmlSafeText(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '&#13;');
}

/**
 * An attribute value in double quotes. Tab, LF and CR are written as character references,
 * because an XML parser normalises the literal characters in attributes to spaces.
 */
export function escapeAttribute(text: string): string {
  return escapeText(text).replaceAll('"', '&quot;').replaceAll('\t', '&#9;').replaceAll('\n', '&#10;');
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

/** JUnit times are seconds, as decimals. */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}

/** The text under a <failure>: why, what the spec says, what was sent and received. */
function failureText(result: ScenarioResult): string {
  const parts = [result.reason ?? '(no reason recorded)', '', `spec: ${result.specRef} (${result.level})`];
  for (const note of result.observed ?? []) parts.push(`seen: ${note}`);
  const exchanges = result.evidence?.exchanges ?? [];
  exchanges.forEach((exchange, index) => {
    parts.push('', `evidence ${index + 1} of ${exchanges.length}:`, formatExchange(exchange));
  });
  return parts.join('\n');
}

function systemOut(result: ScenarioResult, strict: boolean): string | undefined {
  // A warning's text already holds what was seen.
  if (isWarning(result, strict)) return `warning (should): ${failureText(result)}`;
  const lines: string[] = [];
  if (result.status === 'expected-failure') lines.push(`expected failure: ${result.reason ?? ''}`);
  for (const note of result.observed ?? []) lines.push(`seen: ${note}`);
  return lines.length ? lines.join('\n') : undefined;
}

/** The <failure> type: the status, or for a `should` that fails the run only under --strict, "should". */
function failureType(result: ScenarioResult): string {
  return result.status === 'failed' && warnsOnly(result.level) ? result.level : result.status;
}

function testcase(result: ScenarioResult, strict: boolean, indent: string): string[] {
  const open = `${indent}<testcase${attributes({
    classname: result.endpoint,
    name: `${result.id}: ${result.title}`,
    time: seconds(result.durationMs),
  })}`;
  const inner: string[] = [];
  const deeper = `${indent}  `;
  if (failsRun(result, strict)) {
    inner.push(
      `${deeper}<failure${attributes({ message: firstLine(result.reason), type: failureType(result) })}>${escapeText(failureText(result))}</failure>`,
    );
  } else if (result.status === 'skipped') {
    inner.push(`${deeper}<skipped${attributes({ message: result.reason ?? 'skipped' })}/>`);
  }
  const out = systemOut(result, strict);
  if (out !== undefined) inner.push(`${deeper}<system-out>${escapeText(out)}</system-out>`);
  return inner.length ? [`${open}>`, ...inner, `${indent}</testcase>`] : [`${open}/>`];
}

/** The counts a <testsuite> or <testsuites> carries: failures are what fails the run. */
function counts(scenarios: readonly ScenarioResult[], strict: boolean): { tests: number; failures: number; errors: number; skipped: number } {
  return {
    tests: scenarios.length,
    failures: scenarios.filter((r) => failsRun(r, strict)).length,
    errors: 0,
    skipped: scenarios.filter((r) => r.status === 'skipped').length,
  };
}

/** ISO 8601 without fractional seconds or zone: the form the Ant schema's timestamp takes. */
function timestamp(iso: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return match?.[1];
}

export function formatJUnit(input: Results | RunModel): string {
  const { results, strict, byEndpoint } = asRunModel(input);

  const properties: Array<[string, string]> = [
    ['target.url', results.target.url],
    ['target.server', `${results.target.server.name} ${results.target.server.version}`],
    ['spec', results.spec],
    ['profile', results.profile],
    ['tool', `${results.tool.name} ${results.tool.version}`],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({
      name: `${results.tool.name} ${results.target.url}`,
      ...counts(results.scenarios, strict),
      time: seconds(results.durationMs),
    })}>`,
  ];
  let id = 0;
  for (const { key, scenarios, tally } of byEndpoint) {
    lines.push(
      `  <testsuite${attributes({
        name: key,
        ...counts(scenarios, strict),
        time: seconds(tally.durationMs),
        timestamp: timestamp(results.startedAt),
        id: id++,
      })}>`,
      '    <properties>',
      ...properties.map(([name, value]) => `      <property${attributes({ name, value })}/>`),
      '    </properties>',
      ...scenarios.flatMap((r) => testcase(r, strict, '    ')),
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** `--junit FILE.xml`. */
export const junitReporter: Reporter = {
  name: 'junit',
  wanted: ({ config }) => Boolean(config.junit),
  async write(run, { config }) {
    await writeReportFile(config.junit!, formatJUnit(run));
    return { log: `JUnit report written to ${config.junit}` };
  },
};
