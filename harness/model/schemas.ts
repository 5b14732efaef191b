import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { packagePath } from '../tool/package-root.js';
import { compareSpec, isSpecVersion, type SpecVersion } from './spec-versions.js';

export type SchemaName = 'request-token-response' | 'error' | 'rate-limited';

interface Release {
  since: SpecVersion;
  validate: ValidateFunction;
}

// ajv-formats is CommonJS; under NodeNext its function arrives as the module's `default`.
const addFormats = addFormatsModule.default;

function compileAll(): Map<string, Release[]> {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const byName = new Map<string, Release[]>();
  const root = packagePath('schemas');
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const releases: Release[] = [];
    for (const file of readdirSync(`${root}/${entry.name}`)) {
      const since = file.replace(/\.json$/, '');
      if (!isSpecVersion(since)) throw new Error(`schemas/${entry.name}/${file}: not named after a spec release`);
      const schema = JSON.parse(readFileSync(`${root}/${entry.name}/${file}`, 'utf8'));
      releases.push({ since, validate: ajv.compile(schema) });
    }
    byName.set(entry.name, releases.sort((a, b) => compareSpec(a.since, b.since)));
  }
  return byName;
}

let compiled: Map<string, Release[]> | undefined;

/** Validators are compiled once per process, on first use. */
function releasesOf(name: SchemaName): Release[] {
  compiled ??= compileAll();
  const releases = compiled.get(name);
  if (!releases?.length) throw new Error(`no schema named ${name} in schemas/`);
  return releases;
}

export interface SchemaVerdict {
  valid: boolean;
  /** Which file was applied, e.g. `request-token-response/v1.1`. */
  schema: string;
  errors: string[];
}

/** Validates `value` against the schema for `name` in force at spec version `spec`. */
export function validateSchema(name: SchemaName, spec: SpecVersion, value: unknown): SchemaVerdict {
  const releases = releasesOf(name);
  const release = releases.filter((r) => compareSpec(r.since, spec) <= 0).at(-1) ?? releases[0]!;
  const valid = release.validate(value) as boolean;
  const errors = (release.validate.errors ?? []).map(
    (e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
  return { valid, schema: `${name}/${release.since}`, errors };
}
