// The results file's contract, docs/results.schema.json, as a check: the dashboard reads
// files from many nights and many jobs, and shows only what keeps it.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { packagePath } from '../tool/package-root.js';
import type { Results } from '../report/results.js';

const validate = (() => {
  const ajv = new Ajv2020({ allErrors: true });
  addFormatsModule.default(ajv);
  return ajv.compile<Results>(JSON.parse(readFileSync(packagePath('docs', 'results.schema.json'), 'utf8')));
})();

function describeError(error: ErrorObject): string {
  return `${error.instancePath || '(top level)'} ${error.message ?? 'is not valid'}`;
}

/** The results, or why the value is not a results file (the first few schema errors). */
export function checkResults(value: unknown): { results: Results } | { why: string } {
  if (validate(value)) return { results: value };
  const errors = validate.errors ?? [];
  const shown = errors.slice(0, 3).map(describeError).join('; ');
  return { why: `not a results file: ${shown}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}` };
}
