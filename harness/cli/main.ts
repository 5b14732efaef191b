#!/usr/bin/env node
// The command line: argument errors in one line (exit 2), an unreachable target (exit 3),
// otherwise the run's own exit code.
import { readFileSync } from 'node:fs';
import { runDashboard } from '../dashboard/dashboard-command.js';
import { ExpectationsError, readExpectations, staleEntries } from '../report/expectations.js';
import type { Results } from '../report/results.js';
import { helpText, parseConfig, type Config } from './config.js';
import { freePort } from '../launch/child-process.js';
import { defaultProfileName, isLaunchable, LAUNCHABLE, launchHomeserver, whyNotLaunchable } from '../../servers/index.js';
import { UsageError } from '../tool/usage-error.js';
import { loadProfile, ProfileError } from '../model/profile.js';
import { invocation } from './invocation.js';
import { progressDisplay } from './progress.js';
import { ALL_SCENARIOS, expectationsPath, launchedExpectations, runConformance, type RunOutput } from './run.js';
import { UnreachableError } from '../target/probe.js';
import { TOOL_NAME, TOOL_VERSION } from '../tool/version.js';

const out: RunOutput = {
  log: (line: string) => process.stderr.write(`${line}\n`),
  report: (text: string) => process.stdout.write(`${text}\n`),
};

/** `launch synapse`: a configured server in the foreground, for an edit-run loop. */
async function keepLaunched(name: string, config: Config): Promise<number> {
  if (!isLaunchable(name)) throw new UsageError(`launch: ${whyNotLaunchable(name)}`);
  const identityPort = config.identityPort ?? (await freePort());
  const smtpPort = config.smtpPort ?? (await freePort());
  const profile = loadProfile(config.profile ?? defaultProfileName(name));
  const server = await launchHomeserver(name, { identityPort, smtpPort, log: out.log }, profile);
  const expectations = launchedExpectations(name, profile);
  out.report(
    [
      `${server.name} ${server.version} is running at ${server.url}`,
      `It expects the fake identity service on port ${identityPort} and the mail sink on port ${smtpPort}.`,
      'Run the suite against it, as often as you like:',
      `  ${invocation(process.env)} ${[
        '--homeserver', server.url, '--profile', profile.name,
        '--identity-port', identityPort, '--smtp-port', smtpPort,
        ...(server.registrationSharedSecret ? ['--shared-secret', server.registrationSharedSecret] : []),
        // A run against a URL applies no known deviations unless told to: the launched server's, as --launch would.
        ...(expectations ? ['--expectations', expectations] : []),
      ].join(' ')}`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  // Listening (not once) keeps this the handler that decides how the process ends, so the
  // work folder is removed before it does.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, () => resolve(name));
  });
  await server.stop();
  out.log(`${server.name} ${server.version} stopped`);
  return signal === 'SIGINT' ? 130 : 143;
}

/** `stale-expectations FILE RESULTS.json...`: entries whose releases none of the runs tested. */
function staleExpectations(args: string[]): number {
  const [file, ...resultsFiles] = args;
  if (!file || resultsFiles.length === 0) throw new UsageError('stale-expectations needs an expectations file and at least one results file');
  const book = readExpectations(expectationsPath(file), new Set(ALL_SCENARIOS.keys()));
  const versions = resultsFiles.map((path) => {
    try {
      return (JSON.parse(readFileSync(path, 'utf8')) as Results).target.server.version;
    } catch (error) {
      throw new UsageError(`stale-expectations: ${path} is not a readable results file (${(error as Error).message.split('\n')[0]})`);
    }
  });
  const stale = staleEntries(book, versions);
  for (const { id, versions: range } of stale) out.report(`stale: ${id} holds for ${range}, which none of the runs (${[...new Set(versions)].join(', ')}) is`);
  if (stale.length === 0) out.report(`no stale entries: every ranged entry holds for one of ${[...new Set(versions)].join(', ')}`);
  return stale.length === 0 ? 0 : 1;
}

async function main(given: string[]): Promise<number> {
  // -h, the one short flag, for every command: it is what people type first.
  const argv = given.map((arg) => (arg === '-h' ? '--help' : arg));
  if (argv[0] === 'stale-expectations') return staleExpectations(argv.slice(1));
  if (argv[0] === 'dashboard') return runDashboard(argv.slice(1), out);
  if (argv[0] === 'launch') {
    const [name, ...rest] = argv.slice(1);
    const named = name !== undefined && !name.startsWith('--');
    const config = named ? parseConfig(rest, process.env) : undefined;
    // Asking for help launches nothing, with or without a server name.
    if (config?.help || (!named && argv.includes('--help'))) {
      out.report(helpText(TOOL_VERSION));
      return 0;
    }
    if (!named || !config) throw new UsageError(`launch needs a server name (${LAUNCHABLE.join(', ')})`);
    return keepLaunched(name, config);
  }
  const config = parseConfig(argv, process.env);
  if (config.help) {
    out.report(helpText(TOOL_VERSION));
    return 0;
  }
  if (config.version) {
    out.report(TOOL_VERSION);
    return 0;
  }
  if (config.quiet) return (await runConformance(config, out)).exitCode;
  // Progress and the run's own lines share stderr: the display keeps them apart.
  const progress = progressDisplay({ stream: process.stderr, strict: config.strict });
  return (await runConformance(config, { ...out, log: progress.log, watcher: progress })).exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ProfileError || error instanceof ExpectationsError) {
      out.log(`${TOOL_NAME}: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof UnreachableError) {
      out.log(`${TOOL_NAME}: ${error.message}`);
      process.exit(3);
    }
    out.log(`${TOOL_NAME}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
