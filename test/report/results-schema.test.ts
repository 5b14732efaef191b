// docs/results.schema.json is written by hand, for readers; its lists are the code's lists
// (statuses, summary fields, endpoints), and real results files keep it.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { ENDPOINTS } from '../../harness/model/endpoints.js';
import { readRuns, snapshotFiles } from '../../harness/report/compat-table.js';
import { summarise } from '../../harness/report/results.js';
import { STATUSES, SUMMARY_FIELDS } from '../../harness/report/status.js';
import { packagePath } from '../../harness/tool/package-root.js';
import { SAMPLE_STATEMENTS, sampleResults, SCENARIOS, SHOULD_FAILED } from './sample-results.js';

interface SchemaNode {
  type?: string;
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

  test('summary: the counts summarise writes beyond one per status are declared (failures by level)', () => {
    const extra = Object.keys(summarise([])).filter((key) => !schema.properties!.summary!.required!.includes(key));
    expect(extra).toEqual(Object.keys(schema.properties!.summary!.properties!));
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

  test('a schemaVersion 3 run: failures by level, the statements checked, each scenario\'s statements', () => {
    const results = {
      ...sampleResults([...SCENARIOS, { ...SHOULD_FAILED, statements: ['cors-headers'] }]),
      schemaVersion: 3,
      statements: SAMPLE_STATEMENTS,
    };
    expect(results.summary).toMatchObject({ failed: 2, failedMust: 1, failedShould: 1 });
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
  });

  test.each<[string, (results: ReturnType<typeof sampleResults>) => void]>([
    ['a status the code does not know', (r) => ((r.scenarios[0]!.status as string) = 'flaky')],
    ['an endpoint the code does not know', (r) => (r.scenarios[0]!.endpoint = 'login-email')],
    ['a failure without a reason', (r) => delete r.scenarios[0]!.reason],
    ['a summary without a count', (r) => delete (r.summary as Partial<typeof r.summary>).unexpectedPasses],
    ['a negative count of should failures', (r) => (r.summary.failedShould = -1)],
    ['statements without the not-checked list', (r) => (r.statements = { checked: [], weak: [] } as unknown as typeof r.statements)],
    ['a scenario whose statements are not a list', (r) => ((r.scenarios[0]!.statements as unknown) = 'A1')],
  ])('but not one with %s', (_, spoil) => {
    const results = structuredClone(sampleResults());
    spoil(results);
    expect(validate(results)).toBe(false);
  });
});
