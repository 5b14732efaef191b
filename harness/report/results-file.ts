// `--results FILE.json`: the results as they are, the contract in docs/results.schema.json.
import { writeReportFile, type Reporter } from './reporter.js';

export const resultsFileReporter: Reporter = {
  name: 'results',
  wanted: ({ config }) => Boolean(config.results),
  async write({ results }, { config }) {
    await writeReportFile(config.results!, `${JSON.stringify(results, null, 2)}\n`);
    return { log: `results written to ${config.results}` };
  },
};
