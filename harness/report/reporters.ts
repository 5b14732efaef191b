// Every report a run can write, in the order they are written. A new format is one module
// exporting a Reporter, and one entry here.
import { consoleReporter } from './console.js';
import { junitReporter } from './junit.js';
import type { ReportContext, Reporter } from './reporter.js';
import { resultsFileReporter } from './results-file.js';
import type { RunModel } from './run-model.js';
import { stepSummaryReporter } from './step-summary.js';

// The files first and the console last, so that the report a person reads ends the output;
// the lines saying where each file went follow it.
export const REPORTERS: readonly Reporter[] = [resultsFileReporter, junitReporter, stepSummaryReporter, consoleReporter];

/** Every report the run asked for; returns the lines that say where they went, in order. */
export async function writeReports(run: RunModel, context: ReportContext, reporters: readonly Reporter[] = REPORTERS): Promise<string[]> {
  const logs: string[] = [];
  for (const reporter of reporters.filter((r) => r.wanted(context))) {
    const { log } = await reporter.write(run, context);
    if (log !== undefined) logs.push(log);
  }
  return logs;
}
