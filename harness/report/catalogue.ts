// SCENARIOS.md, generated from the scenario definitions: `npm run catalogue` rewrites it (and
// docs/COVERAGE.md), and a test fails when a checked-in page is out of date.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SUITES } from '../../suites/index.js';
import { CAPABILITIES } from '../model/profile.js';
import { packagePath } from '../tool/package-root.js';
import type { Scenario, Suite } from '../model/scenario.js';
import { COVERAGE_FILE, formatCoverage } from './coverage.js';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function applicability(scenario: Scenario): string {
  const versions = scenario.until ? `${scenario.since} to ${scenario.until}` : `${scenario.since}+`;
  const needs = (scenario.needs ?? []).map((need) => `\`${need}\``).join(', ');
  return [versions, needs, scenario.slow ? 'slow' : '', scenario.exclusive ? 'runs alone' : ''].filter(Boolean).join('; ');
}

export function formatCatalogue(suites: readonly Suite[] = SUITES): string {
  const total = suites.reduce((n, s) => n + s.scenarios.length, 0);
  const lines = [
    '# Scenario catalogue',
    '',
    '<!-- Generated from suites/ by `npm run catalogue`; do not edit by hand. -->',
    '',
    `${total} scenarios over ${suites.length} endpoints. Level, from the spec's own word (quoted under "the spec says"): \`must\` for MUST and`,
    'plain normative text, `should` for SHOULD, "recommended" and "is expected to", `may` for an option (checked only where the profile says',
    'the server takes it); a failed `should` or `may` is a warning unless the run is `--strict`. Statements: the ids in',
    '[`spec/statements.yaml`](spec/statements.yaml) the scenario checks ([coverage](docs/COVERAGE.md)).',
    'Applies: the spec releases it holds in, then the capabilities the target\'s profile must declare.',
    '',
    '| endpoint | scenarios |',
    '| --- | --- |',
    ...suites.map((s) => `| [${s.endpoint}](#${s.endpoint}) | ${s.scenarios.length} |`),
    '',
  ];
  for (const suite of suites) {
    lines.push(`## ${suite.endpoint}`, '', '| id | title | level | the spec says | statements | spec reference | applies |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const s of suite.scenarios) {
      const says = s.says ? `"${cell(s.says)}"` : '';
      lines.push(`| \`${s.id}\` | ${cell(s.title)} | ${s.level} | ${says} | ${(s.statements ?? []).join(', ')} | ${cell(s.specRef)} | ${cell(applicability(s))} |`);
    }
    lines.push('');
  }
  lines.push('## Capabilities', '', '| capability | what the profile must declare |', '| --- | --- |');
  for (const [name, capability] of Object.entries(CAPABILITIES)) lines.push(`| \`${name}\` | ${cell(capability.needs)} |`);
  return `${lines.join('\n')}\n`;
}

export const CATALOGUE_FILE = packagePath('SCENARIOS.md');

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CATALOGUE_FILE, formatCatalogue());
  writeFileSync(COVERAGE_FILE, formatCoverage(SUITES.flatMap((suite) => suite.scenarios)));
  process.stdout.write(`wrote ${CATALOGUE_FILE} and ${COVERAGE_FILE}\n`);
}
