// What every report format is to the run: asked whether this run wants it, then handed the
// run's one grouped model. The formats themselves are listed in reporters.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../cli/config.js';
import type { RunModel } from './run-model.js';

export interface ReportContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  /** The run's standard output, for the report a person reads. */
  print(text: string): void;
}

export interface ReportOutcome {
  /** The line that tells the user where the report went, logged once every report is written. */
  log?: string;
}

export interface Reporter {
  name: string;
  /** Whether this run asked for the report: a flag, an environment variable, or always. */
  wanted(context: ReportContext): boolean;
  write(run: RunModel, context: ReportContext): Promise<ReportOutcome>;
}

/** Writes a report file, making its folder first. */
export async function writeReportFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
