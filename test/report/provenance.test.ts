// Provenance in the results file: from the GitHub Actions variables where all are set, left
// out otherwise, and within the schema either way; files without it still read.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { provenanceFrom, RESULTS_SCHEMA_VERSION, schemaVersionOf } from '../../harness/report/provenance.js';
import { packagePath } from '../../harness/tool/package-root.js';
import { sampleResults } from './sample-results.js';

const validate = (() => {
  const ajv = new Ajv2020({ allErrors: true });
  addFormatsModule.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(packagePath('docs', 'results.schema.json'), 'utf8')));
})();

const STARTED = new Date('2026-11-28T02:00:00.000Z');
const CI = { GITHUB_SHA: 'f00dfeed', GITHUB_SERVER_URL: 'https://github.com/', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42' };

describe('provenanceFrom', () => {
  test('in GitHub Actions: the commit and the run URL', () => {
    expect(provenanceFrom(CI, STARTED)).toEqual({
      runDate: '2026-11-28T02:00:00.000Z',
      toolCommit: 'f00dfeed',
      ciRunUrl: 'https://github.com/o/r/actions/runs/42',
    });
  });

  test('elsewhere, or with a variable missing, only what is known', () => {
    expect(provenanceFrom({}, STARTED)).toEqual({ runDate: '2026-11-28T02:00:00.000Z' });
    expect(provenanceFrom({ ...CI, GITHUB_RUN_ID: undefined }, STARTED)).not.toHaveProperty('ciRunUrl');
  });
});

describe('the schema', () => {
  test(`takes a file with schemaVersion ${RESULTS_SCHEMA_VERSION} and provenance`, () => {
    const results = { ...sampleResults(), schemaVersion: RESULTS_SCHEMA_VERSION, provenance: provenanceFrom(CI, STARTED) };
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
  });

  test('still takes a file without either, read as schemaVersion 1', () => {
    expect(validate(sampleResults())).toBe(true);
    expect(schemaVersionOf(sampleResults())).toBe(1);
  });

  test.each([
    ['a schemaVersion that is not a whole number', { schemaVersion: 'two' }],
    ['provenance without a runDate', { provenance: { toolCommit: 'x' } }],
    ['a CI run URL that is not a URL', { provenance: { runDate: '2026-11-28T02:00:00.000Z', ciRunUrl: 'not a url' } }],
  ])('but not %s', (_, spoil) => {
    expect(validate({ ...sampleResults(), ...spoil })).toBe(false);
  });
});
