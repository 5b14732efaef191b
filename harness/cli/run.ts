// One run, start to finish: profile, ports, the target (launched or reached), the
// scenarios, expectations, reports, exit code.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { SUITES } from '../../suites/index.js';
import type { Config } from './config.js';
import { UsageError } from '../tool/usage-error.js';
import { applying, formatExpectations, headerOf, readExpectations, updatedExpectations, type Expectation, type ExpectationBook } from '../report/expectations.js';
import { freePort } from '../launch/child-process.js';
import type { LaunchedHomeserver } from '../launch/launched-homeserver.js';
import { defaultProfileName, launchHomeserver, type Launchable } from '../../servers/index.js';
import { builtInFile } from '../tool/server-folders.js';
import { loadProfile, type Profile } from '../model/profile.js';
import { writeReports } from '../report/reporters.js';
import { exitCodeFor, judgedStatus, summarise, toScenarioResult, type Results, type ScenarioResult } from '../report/results.js';
import { provenanceFrom, RESULTS_SCHEMA_VERSION } from '../report/provenance.js';
import { runModel } from '../report/run-model.js';
import { runStatements } from '../report/run-statements.js';
import { NO_WATCHER, type RunWatcher } from '../runner/events.js';
import { runScenarios, type RawVerdict } from '../runner/run-scenarios.js';
import type { Target } from '../runner/target.js';
import { idFilter, onlyParts, unmatchedOnlyParts, type Scenario } from '../model/scenario.js';
import { NEWEST_SPEC, newestAdvertised } from '../model/spec-versions.js';
import { probeTarget } from '../target/probe.js';
import { TOOL_NAME, TOOL_VERSION } from '../tool/version.js';

export const ALL_SCENARIOS: ReadonlyMap<string, Scenario> = new Map(
  SUITES.flatMap((s) => s.scenarios).map((scenario) => [scenario.id, scenario]),
);

/** A built-in name (`servers/<family>/expectations/NAME.yaml`) or a path. */
export function expectationsPath(nameOrPath: string): string {
  return (!nameOrPath.includes('/') && builtInFile('expectations', `${nameOrPath}.yaml`)) || nameOrPath;
}

/** A launched server's known deviations: the built-in ones of its profile where it has its own, else the server's. */
export function launchedExpectations(launch: Launchable, profile: Profile): string | undefined {
  return [profile.name, defaultProfileName(launch)].find((name) => builtInFile('expectations', `${name}.yaml`) !== undefined);
}

export interface RunOutput {
  log(line: string): void;
  report(text: string): void;
  /** Follows the scenarios as they run (the live progress line); none when absent. */
  watcher?: RunWatcher;
}

export async function runConformance(config: Config, out: RunOutput): Promise<{ exitCode: number; results: Results }> {
  const startedAt = new Date();
  const launch = config.homeserver ? undefined : (config.launch ?? 'synapse');
  if (config.only !== undefined && onlyParts(config.only).length === 0) throw new UsageError(`--only: "${config.only}" names no scenario id`);
  const unmatched = config.only === undefined ? [] : unmatchedOnlyParts(config.only, ALL_SCENARIOS.keys());
  if (unmatched.length > 0) {
    throw new UsageError(`--only: ${unmatched.map((part) => `"${part}"`).join(', ')} matches no scenario id (ids are endpoint/name, e.g. register-email/in-use; SCENARIOS.md lists them)`);
  }
  const profile = loadProfile(config.profile ?? defaultProfileName(launch!));
  // A launched server's known deviations apply unless the caller names other ones.
  const expectationsName = config.expectations ?? (launch && launchedExpectations(launch, profile));
  const expectationsFile = expectationsName ? expectationsPath(expectationsName) : undefined;
  // Read (and so checked) before a launch that may take minutes; applied once the release is known.
  const book: ExpectationBook =
    expectationsFile && !(config.updateExpectations && !existsSync(expectationsFile))
      ? readExpectations(expectationsFile, new Set(ALL_SCENARIOS.keys()))
      : new Map();
  const identityPort = config.identityPort ?? (await freePort());
  const smtpPort = config.smtpPort ?? (await freePort());

  let launched: LaunchedHomeserver | undefined;
  try {
    if (launch) {
      out.log(`launching ${launch} (fake identity service on port ${identityPort}, mail sink on port ${smtpPort})…`);
      launched = await launchHomeserver(launch, { identityPort, smtpPort, log: out.log }, profile);
      out.log(`${launched.name} ${launched.version} is up at ${launched.url}`);
    }
    const { target, server } = await resolveTarget(config, profile, { identityPort, smtpPort }, launched);
    const expectations = applying(book, server.version);
    out.log(`testing ${target.url} at spec ${target.spec} with profile ${profile.name}${expectationsName ? `, expectations ${expectationsName}` : ''}`);

    const watcher = out.watcher ?? NO_WATCHER;
    const verdicts = await runScenarios(target, {
      concurrency: config.concurrency,
      // Said even with --quiet: it is why the rest of the run fails.
      watcher: {
        ...watcher,
        // Progress counts what will count in the report: a known failure is not a failure.
        finished: (scenario) => watcher.finished({ ...scenario, status: judgedStatus(scenario.status, expectations.has(scenario.id)) }),
        targetLost: (reason) => (watcher.targetLost(reason), out.log(`${reason}; every scenario not finished fails with this reason`)),
      },
    });
    const scenarios = judge(verdicts, config.only, expectations);
    const results = buildResults(target, server, scenarios, startedAt);
    const written = await writeReports(runModel(results, { strict: config.strict }), { config, env: process.env, print: (text) => out.report(text) });
    for (const line of written) out.log(line);
    if (config.updateExpectations && expectationsFile) {
      await rewriteExpectations(expectationsFile, book, results, out);
      return { exitCode: 0, results };
    }
    return { exitCode: exitCodeFor(results.scenarios, { strict: config.strict }), results };
  } finally {
    await launched?.stop();
  }
}

type Server = Results['target']['server'];

/** The target as the scenarios see it: reached (probed for its spec versions), launched or not. */
async function resolveTarget(
  config: Config,
  profile: Profile,
  ports: { identityPort: number; smtpPort: number },
  launched: LaunchedHomeserver | undefined,
): Promise<{ target: Target; server: Server }> {
  const url = config.homeserver ?? launched!.url;
  const probe = await probeTarget(url, config.timeoutMs);
  const spec = config.spec ?? newestAdvertised(probe.versions) ?? NEWEST_SPEC;
  const target: Target = {
    url,
    spec,
    profile,
    identityPort: ports.identityPort,
    identityTls: profile.identityServers.tls === true,
    ...(launched?.identityServerName && { identityServerName: launched.identityServerName }),
    smtpPort: ports.smtpPort,
    timeoutMs: config.timeoutMs,
    maxBodyBytes: config.maxBodyBytes,
    quick: config.quick,
    ...((config.sharedSecret ?? launched?.registrationSharedSecret) && {
      sharedSecret: config.sharedSecret ?? launched?.registrationSharedSecret,
    }),
    ...(config.only && { only: config.only }),
  };
  const server = launched
    ? { name: launched.name, version: launched.version }
    : (probe.server ?? { name: profile.server ?? 'unknown', version: 'unknown' });
  return { target, server };
}

/** Each verdict joined with its scenario and the server's known failures; every selected scenario must have one. */
function judge(verdicts: readonly RawVerdict[], only: Config['only'], expectations: ReadonlyMap<string, Expectation>): ScenarioResult[] {
  const scenarios = verdicts.map((verdict) => {
    const scenario = ALL_SCENARIOS.get(verdict.id);
    if (!scenario) throw new Error(`internal: the runner reported an unknown scenario ${verdict.id}`);
    return toScenarioResult(scenario, verdict, expectations.get(verdict.id));
  });
  const selected = idFilter(only);
  const missing = [...ALL_SCENARIOS.keys()].filter((id) => selected(id) && !verdicts.some((v) => v.id === id));
  if (missing.length) throw new Error(`internal: no verdict for ${missing.join(', ')}`);
  return scenarios;
}

function buildResults(target: Target, server: Server, scenarios: ScenarioResult[], startedAt: Date): Results {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target: { url: target.url, server },
    spec: target.spec,
    profile: target.profile.name,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    provenance: provenanceFrom(process.env, startedAt),
    summary: summarise(scenarios),
    statements: runStatements(target.spec, scenarios.filter((s) => s.status !== 'skipped')),
    scenarios,
  };
}

/**
 * `--update-expectations`: the file rewritten from this run's failures, under the comment it
 * opened with (whoever reviewed its reasons said so there); left alone when nothing changed.
 */
async function rewriteExpectations(file: string, previous: ExpectationBook, results: Results, out: RunOutput): Promise<void> {
  const updated = updatedExpectations(previous, results.scenarios, results.target.server.version);
  const { server } = results.target;
  const before = existsSync(file) ? await readFile(file, 'utf8') : '';
  // The line this tool writes first names the run the file was written from: it follows the run.
  const written = `Known failures of ${server.name} ${server.version} (profile ${results.profile}), one per scenario with the reason.`;
  const kept = headerOf(before)?.replace(/^Known failures of .+ \(profile .+\), one per scenario with the reason\./, written);
  const header = kept ?? `${written}\nWritten by --update-expectations; review every "unreviewed" reason.`;
  const text = formatExpectations(updated, header);
  if (text === before) return out.log(`expectations in ${file} unchanged (${updated.size} known failures)`);
  await writeFile(file, text);
  out.log(`expectations written to ${file} (${updated.size} known failures)`);
}
