// One run, start to finish: profile, ports, the target (launched or reached), the
// scenarios in Vitest, expectations, reports, exit code.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SUITES } from '../../suites/index.js';
import type { Config } from './config.js';
import { formatExpectations, loadExpectations, updatedExpectations, type Expectation } from '../report/expectations.js';
import { freePort } from '../launch/child-process.js';
import type { LaunchedHomeserver } from '../launch/launched-homeserver.js';
import { defaultProfileName, launchHomeserver } from '../../servers/index.js';
import { builtInFile } from '../tool/server-folders.js';
import { loadProfile } from '../model/profile.js';
import { formatConsoleReport } from '../report/console.js';
import { formatJUnit } from '../report/junit.js';
import { appendStepSummary } from '../report/step-summary.js';
import { exitCodeFor, summarise, toScenarioResult, type Results } from '../report/results.js';
import { runScenarios } from '../runner/run-vitest.js';
import type { Target } from '../runner/target.js';
import { idFilter, type Scenario } from '../model/scenario.js';
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

/** A launched server's known deviations: those of its profile where it has its own, else the server's. */
function builtInExpectations(...names: string[]): string | undefined {
  return names.find((name) => builtInFile('expectations', `${name}.yaml`) !== undefined);
}

export interface RunOutput {
  log(line: string): void;
  report(text: string): void;
}

export async function runConformance(config: Config, out: RunOutput): Promise<{ exitCode: number; results: Results }> {
  const startedAt = new Date();
  const launch = config.homeserver ? undefined : (config.launch ?? 'synapse');
  const profile = loadProfile(config.profile ?? defaultProfileName(launch!));
  // A launched server's known deviations apply unless the caller names other ones.
  const expectationsName = config.expectations ?? (launch && builtInExpectations(profile.name, launch));
  const expectationsFile = expectationsName ? expectationsPath(expectationsName) : undefined;
  const expectations: Map<string, Expectation> =
    expectationsFile && !(config.updateExpectations && !existsSync(expectationsFile))
      ? loadExpectations(expectationsFile, new Set(ALL_SCENARIOS.keys()))
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
    const url = config.homeserver ?? launched!.url;
    const probe = await probeTarget(url, config.timeoutMs);
    const spec = config.spec ?? newestAdvertised(probe.versions) ?? NEWEST_SPEC;
    const target: Target = {
      url,
      spec,
      profile,
      identityPort,
      identityTls: profile.identityServers.tls === true,
      ...(launched?.identityServerName && { identityServerName: launched.identityServerName }),
      smtpPort,
      timeoutMs: config.timeoutMs,
      maxBodyBytes: config.maxBodyBytes,
      quick: config.quick,
      ...((config.sharedSecret ?? launched?.registrationSharedSecret) && {
        sharedSecret: config.sharedSecret ?? launched?.registrationSharedSecret,
      }),
      ...(config.only && { only: config.only }),
    };
    out.log(`testing ${url} at spec ${spec} with profile ${profile.name}${expectationsName ? `, expectations ${expectationsName}` : ''}`);

    const verdicts = await runScenarios(target);
    const selected = idFilter(config.only);
    const scenarios = verdicts.map((verdict) => {
      const scenario = ALL_SCENARIOS.get(verdict.id);
      if (!scenario) throw new Error(`internal: Vitest reported an unknown scenario ${verdict.id}`);
      return toScenarioResult(scenario, verdict, expectations.get(verdict.id));
    });
    const missing = [...ALL_SCENARIOS.keys()].filter((id) => selected(id) && !verdicts.some((v) => v.id === id));
    if (missing.length) throw new Error(`internal: no verdict for ${missing.join(', ')}`);

    const summary = summarise(scenarios);
    const server = launched
      ? { name: launched.name, version: launched.version }
      : (probe.server ?? { name: profile.server ?? 'unknown', version: 'unknown' });
    const results: Results = {
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      target: { url, server },
      spec,
      profile: profile.name,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      summary,
      scenarios,
    };
    if (config.results) {
      await mkdir(dirname(config.results), { recursive: true });
      await writeFile(config.results, `${JSON.stringify(results, null, 2)}\n`);
    }
    if (config.junit) {
      await mkdir(dirname(config.junit), { recursive: true });
      await writeFile(config.junit, formatJUnit(results));
    }
    const summaryFile = await appendStepSummary(results);
    out.report(formatConsoleReport(results));
    if (config.results) out.log(`results written to ${config.results}`);
    if (config.junit) out.log(`JUnit report written to ${config.junit}`);
    if (summaryFile) out.log(`summary appended to ${summaryFile}`);
    if (config.updateExpectations && expectationsFile) {
      const updated = updatedExpectations(expectations, scenarios);
      const header = `Known failures of ${server.name} ${server.version} (profile ${profile.name}), one per scenario with the reason.\nWritten by --update-expectations; review every "unreviewed" reason.`;
      await writeFile(expectationsFile, formatExpectations(updated, header));
      out.log(`expectations written to ${expectationsFile} (${updated.size} known failures)`);
      return { exitCode: 0, results };
    }
    return { exitCode: exitCodeFor(summary), results };
  } finally {
    await launched?.stop();
  }
}
