import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { isSpecVersion } from '../harness/model/spec-versions.js';
import { CATALOGUE_FILE, formatCatalogue } from '../harness/report/catalogue.js';
import { SUITES } from '../suites/index.js';

test('SCENARIOS.md is generated from the current scenario definitions (npm run catalogue)', () => {
  expect(readFileSync(CATALOGUE_FILE, 'utf8'), 'SCENARIOS.md is out of date: run `npm run catalogue`').toBe(formatCatalogue());
});

test('every scenario id is unique and of the form <endpoint>/<name>', () => {
  const ids = SUITES.flatMap((s) => s.scenarios.map((scenario) => scenario.id));
  expect(new Set(ids).size).toBe(ids.length);
  for (const suite of SUITES) {
    for (const scenario of suite.scenarios) expect(scenario.id).toMatch(new RegExp(`^${suite.endpoint}/[a-z0-9-]+$`));
  }
});

test('every scenario cites a spec version and section', () => {
  for (const scenario of SUITES.flatMap((s) => s.scenarios)) {
    expect(scenario.specRef, scenario.id).toMatch(/\b(r0\.\d\.\d|v1\.\d+)\b/);
    expect(scenario.title.length, scenario.id).toBeGreaterThan(10);
  }
});

test('every release a specRef or title names is one the registry knows', () => {
  for (const scenario of SUITES.flatMap((s) => s.scenarios)) {
    const named = [...`${scenario.specRef} ${scenario.title}`.matchAll(/\b(?:r\d+\.\d+\.\d+|v\d+\.\d+)\b/g)].map(([name]) => name);
    expect(named.filter((name) => !isSpecVersion(name)), scenario.id).toEqual([]);
  }
});
