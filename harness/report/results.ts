// The results file: the contract the dashboard and other tools read (see DESIGN.md).
import type { Expectation } from './expectations.js';
import type { Exchange } from '../http/exchange.js';
import { toCurl } from '../http/exchange.js';
import type { RawVerdict } from '../runner/run-scenarios.js';
import { warnsOnly, type Family, type Level, type Scenario } from '../model/scenario.js';
import type { SpecVersion } from '../model/spec-versions.js';
import type { Provenance } from './provenance.js';
import type { RunStatements } from './run-statements.js';
import { failsRun, STATUSES, SUMMARY_FIELDS, type Judged, type Status, type Summary } from './status.js';

export type { Status, Summary } from './status.js';

export interface ScenarioResult {
  id: string;
  endpoint: string;
  title: string;
  family?: Family;
  level: Level;
  specRef: string;
  /** The ids in spec/statements.yaml the scenario checks; absent where it names none (and in files before schemaVersion 3). */
  statements?: string[];
  status: Status;
  reason?: string;
  durationMs: number;
  /** The server's own time over the scenario's requests to it (the rest is the harness's and the fakes'). */
  serverMs?: number;
  /** Which of several allowed answers was seen, and other notes. */
  observed?: string[];
  evidence?: { exchanges: Array<Exchange & { curl: string }> };
}

export interface Results {
  /** Absent in files written before it was numbered (read as 1): see provenance.ts. */
  schemaVersion?: number;
  tool: { name: string; version: string };
  target: { url: string; server: { name: string; version: string } };
  spec: SpecVersion;
  profile: string;
  startedAt: string;
  durationMs: number;
  /** Absent in files written before schemaVersion 2. */
  provenance?: Provenance;
  summary: Summary;
  /** The spec statements the run checked; absent in files written before schemaVersion 3. */
  statements?: RunStatements;
  scenarios: ScenarioResult[];
}

/** The status a raw verdict has once the server's known failures are taken into account. */
export function judgedStatus(status: Status, known: boolean): Status {
  if (!known) return status;
  return status === 'failed' ? 'expected-failure' : status === 'passed' ? 'unexpected-pass' : status;
}

/** Joins a raw verdict with its definition and the server's known failures. */
export function toScenarioResult(scenario: Scenario, verdict: RawVerdict, expectation: Expectation | undefined): ScenarioResult {
  const status = judgedStatus(verdict.status, expectation !== undefined);
  let reason = verdict.reason;
  if (expectation && status === 'expected-failure') {
    reason = `known failure: ${expectation.reason}${expectation.link ? ` (${expectation.link})` : ''}\n${verdict.reason ?? ''}`;
  } else if (expectation && status === 'unexpected-pass') {
    reason = `listed as a known failure (${expectation.reason}), but passed: remove it from the expectations file`;
  }
  const failedAtAll = verdict.status === 'failed';
  return {
    id: scenario.id,
    endpoint: scenario.endpoint,
    title: scenario.title,
    family: scenario.family,
    level: scenario.level,
    specRef: scenario.specRef,
    ...(scenario.statements?.length && { statements: [...scenario.statements] }),
    status,
    ...(reason !== undefined && { reason }),
    durationMs: verdict.durationMs,
    ...(verdict.status !== 'skipped' && { serverMs: verdict.serverMs }),
    ...(verdict.observed.length && { observed: verdict.observed }),
    ...(failedAtAll && { evidence: { exchanges: verdict.exchanges.map((e) => ({ ...e, curl: toCurl(e.request) })) } }),
  };
}

export function summarise(results: readonly ScenarioResult[]): Summary {
  const count = (status: Status) => results.filter((r) => r.status === status).length;
  const failedWarning = (warning: boolean) => results.filter((r) => r.status === 'failed' && warnsOnly(r.level) === warning).length;
  return {
    ...(Object.fromEntries(STATUSES.map((status) => [SUMMARY_FIELDS[status], count(status)])) as Summary),
    failedMust: failedWarning(false),
    failedShould: failedWarning(true),
  };
}

/**
 * 0 when nothing unexpected happened, 1 otherwise (the CLI's documented exit codes): a failed
 * `must` or an unexpected pass; a failed `should` only under --strict (else it is a warning).
 */
export function exitCodeFor(results: readonly Judged[], { strict = false }: { strict?: boolean } = {}): 0 | 1 {
  return results.some((result) => failsRun(result, strict)) ? 1 : 0;
}
