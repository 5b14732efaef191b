// docs/results.schema.json is written by hand, for readers; its lists are the code's lists
// (statuses, summary fields, endpoints), and real results files keep it.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { ENDPOINTS } from '../../harness/model/endpoints.js';
import { readRuns, snapshotFiles } from '../../harness/report/compat-table.js';
import { STATUSES, SUMMARY_FIELDS } from '../../harness/report/status.js';
import { packagePath } from '../../harness/tool/package-root.js';
import { sampleResults } from './sample-results.js';

interface SchemaNode {
  enum?: string[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  allOf?: Array<{ if: SchemaNode; then: SchemaNode }>;
}

const schema = JSON.parse(readFileSync(packagePath('docs', 'results.schema.json'), 'utf8')) as SchemaNode & object;
const scenario = schema.properties!.scenarios!.items!;
const validate = (() => {
  const ajv = new Ajv2020({ allErrors: true });
  addFormatsModule.default(ajv);
  return ajv.compile(schema);
})();

describe('the schema lists what the code lists', () => {
  test('scenario status: STATUSES', () => {
    expect(scenario.properties!.status!.enum).toEqual([...STATUSES]);
  });

  test('every status but passed needs a reason', () => {
    const needsReason = scenario.allOf!.find((rule) => rule.then.required?.includes('reason'));
    expect(needsReason?.if.properties!.status!.enum?.toSorted()).toEqual(STATUSES.filter((s) => s !== 'passed').toSorted());
  });

  test('summary: one count per status', () => {
    expect(schema.properties!.summary!.required).toEqual(STATUSES.map((status) => SUMMARY_FIELDS[status]));
  });

  test('scenario endpoint: the keys of ENDPOINTS', () => {
    expect(scenario.properties!.endpoint!.enum).toEqual(Object.keys(ENDPOINTS));
  });
});

describe('results files keep the schema', () => {
  test.each(snapshotFiles().map((file) => [file.split('/').at(-1)!, file]))('the snapshot %s', (_, file) => {
    const [results] = readRuns([file]);
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
  });

  test('a run with every status', () => {
    expect(validate(sampleResults()), JSON.stringify(validate.errors)).toBe(true);
  });

  test.each<[string, (results: ReturnType<typeof sampleResults>) => void]>([
    ['a status the code does not know', (r) => ((r.scenarios[0]!.status as string) = 'flaky')],
    ['an endpoint the code does not know', (r) => (r.scenarios[0]!.endpoint = 'login-email')],
    ['a failure without a reason', (r) => delete r.scenarios[0]!.reason],
    ['a summary without a count', (r) => delete (r.summary as Partial<typeof r.summary>).unexpectedPasses],
  ])('but not one with %s', (_, spoil) => {
    const results = structuredClone(sampleResults());
    spoil(results);
    expect(validate(results)).toBe(false);
  });
});
