// Runs the selected scenarios against the target, up to `concurrency` at a time, and returns
// one raw verdict per scenario in catalogue order. Each scenario gets its own views of the
// fake identity service and mail sink, so nothing is reset between them and running side by
// side changes no verdict. Slow scenarios start first, so that their waits overlap the rest;
// scenarios that need the server to themselves run alone after the others; `concurrency` 1
// runs the catalogue in order. When the target is lost, every scenario still running or not
// yet started fails with the reason, at once.
import { SUITES } from '../../suites/index.js';
import type { Exchange } from '../http/exchange.js';
import { FakeIdentityService } from '../fakes/identity/fake-identity-service.js';
import { MailSink } from '../fakes/mail/mail-sink.js';
import type { EndpointKey } from '../model/endpoints.js';
import { NotApplicable } from '../model/matchers.js';
import { idFilter, inapplicability, type Scenario } from '../model/scenario.js';
import { NO_WATCHER, type RunWatcher } from './events.js';
import { IdentityPool } from './identity-pool.js';
import { openContext, type RunResources } from './scenario-context.js';
import type { Target } from './target.js';
import { UsageError } from '../tool/usage-error.js';
import { redactText, SecretBook } from '../http/redaction.js';
import { TargetHealth } from './target-health.js';

export interface RawVerdict {
  id: string;
  status: 'passed' | 'failed' | 'skipped';
  reason?: string;
  durationMs: number;
  /** The server's own time over all the scenario's requests to it. */
  serverMs: number;
  exchanges: Exchange[];
  observed: string[];
}

export interface RunOptions {
  /** Scenarios at once; 1 runs them one after another in catalogue order. */
  concurrency: number;
  watcher?: RunWatcher;
}

// Long enough for a mail round trip and a bounded "no second mail" window, and for a slow
// scenario's own deadline; the HTTP client's deadline keeps a hanging server well inside it.
const SCENARIO_TIMEOUT_MS = 90_000;

/** The scenarios `--only` selects, in catalogue order. */
export function selectedScenarios(only: string | undefined): Scenario[] {
  const selected = idFilter(only);
  return SUITES.flatMap((suite) => suite.scenarios).filter((scenario) => selected(scenario.id));
}

/** The order scenarios start in: see the header. */
export function startOrder(scenarios: readonly Scenario[], concurrency: number): { together: Scenario[]; alone: Scenario[] } {
  if (concurrency <= 1) return { together: [...scenarios], alone: [] };
  const shared = scenarios.filter((scenario) => scenario.exclusive === undefined);
  return {
    together: [...shared.filter((s) => s.slow !== undefined), ...shared.filter((s) => s.slow === undefined)],
    alone: scenarios.filter((scenario) => scenario.exclusive !== undefined),
  };
}

export async function runScenarios(target: Target, options: RunOptions): Promise<RawVerdict[]> {
  const watcher = options.watcher ?? NO_WATCHER;
  const scenarios = selectedScenarios(target.only);
  const byEndpoint = new Map<EndpointKey, number>();
  for (const scenario of scenarios) byEndpoint.set(scenario.endpoint, (byEndpoint.get(scenario.endpoint) ?? 0) + 1);
  watcher.planned(scenarios.length, byEndpoint);

  const secrets = new SecretBook();
  secrets.learn(target.sharedSecret, 'registration shared secret');
  const verdicts = new Map<string, RawVerdict>();
  const settle = (scenario: Scenario, verdict: RawVerdict) => {
    verdicts.set(scenario.id, withoutSecrets(verdict, secrets));
    watcher.finished({ id: scenario.id, endpoint: scenario.endpoint, status: verdict.status, level: scenario.level, durationMs: verdict.durationMs });
  };

  const runnable: Scenario[] = [];
  for (const scenario of scenarios) {
    const reason = inapplicability(scenario, target.spec, target.profile, { quick: target.quick });
    if (reason) settle(scenario, { ...emptyVerdict(scenario.id), status: 'skipped', reason });
    else runnable.push(scenario);
  }

  // Started before the first scenario even where it asks for neither: the server mails or
  // calls them on requests of its own.
  const is = new FakeIdentityService({ port: target.identityPort, tls: target.identityTls });
  const mail = new MailSink({ port: target.smtpPort });
  const starting = await Promise.allSettled([is.start(), mail.start()]);
  const refused = starting.find((outcome) => outcome.status === 'rejected');
  if (refused) {
    await Promise.all([is.stop(), mail.stop()]);
    // Nearly always a port given with --identity-port or --smtp-port that something else holds.
    throw new UsageError(String((refused.reason as Error).message ?? refused.reason));
  }
  const stop = new AbortController();
  const health = new TargetHealth({
    url: target.url,
    timeoutMs: target.timeoutMs,
    onLost: (reason) => {
      watcher.targetLost(reason);
      stop.abort(reason);
    },
  });
  const run: RunResources = {
    target,
    is,
    mail,
    pool: new IdentityPool(),
    secrets,
    signal: stop.signal,
    onExchange: (exchange, id) => health.observe(exchange, id),
    onWaiting: (id, what) => watcher.waiting(id, what),
  };
  const lost = new Promise<string>((resolve) => stop.signal.addEventListener('abort', () => resolve(String(stop.signal.reason)), { once: true }));

  try {
    const runOne = async (scenario: Scenario): Promise<void> => {
      // While the target is suspected, nothing new starts: it would only fail the same way.
      await health.settled();
      if (stop.signal.aborted) {
        settle(scenario, { ...emptyVerdict(scenario.id), status: 'failed', reason: `not run: ${String(stop.signal.reason)}` });
        return;
      }
      settle(scenario, await runScenario(scenario, run, lost, watcher));
    };
    const { together, alone } = startOrder(runnable, options.concurrency);
    await inParallel(together, options.concurrency, runOne);
    for (const scenario of alone) await runOne(scenario);
    await health.settled();
  } finally {
    await Promise.all([is.stop(), mail.stop()]);
    watcher.done();
  }
  return scenarios.map((scenario) => verdicts.get(scenario.id)!);
}

async function runScenario(scenario: Scenario, run: RunResources, lost: Promise<string>, watcher: RunWatcher): Promise<RawVerdict> {
  const started = performance.now();
  watcher.started({ id: scenario.id, endpoint: scenario.endpoint, at: Date.now() });
  const opened = openContext(scenario, run);
  type Outcome = { finished: boolean; error?: unknown };
  const ran: Promise<Outcome> = Promise.resolve()
    .then(() => scenario.run(opened.context))
    .then(
      () => ({ finished: true }),
      (error: unknown) => ({ finished: true, error }),
    );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ finished: false, error: new Error(`the scenario did not finish within ${SCENARIO_TIMEOUT_MS / 1000} s`) }), SCENARIO_TIMEOUT_MS);
  });
  const stopped = lost.then((reason): Outcome => ({ finished: false, error: new Error(`stopped: ${reason}`) }));
  const outcome = await Promise.race([ran, timedOut, stopped]);
  clearTimeout(timer);
  await opened.close(outcome.finished);
  const { evidence } = opened;
  const base = {
    id: scenario.id,
    durationMs: Math.round(performance.now() - started),
    serverMs: evidence.serverMs,
    exchanges: [...evidence.exchanges],
    observed: [...evidence.observed],
  };
  if (outcome.error === undefined) return { ...base, status: 'passed' };
  if (outcome.error instanceof NotApplicable) return { ...base, status: 'skipped', reason: `not applicable to this server: ${outcome.error.message}` };
  const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  return { ...base, status: 'failed', reason: reason || 'failed without a message' };
}

/**
 * Everything of a verdict that reaches a report, without the run's known secrets. The
 * exchanges were redacted by name as evidence.ts kept them; the reason and notes are redacted
 * by name here. Known secrets go last, as some (an account's token) are learned after the
 * exchange that carried them.
 */
function withoutSecrets(verdict: RawVerdict, secrets: SecretBook): RawVerdict {
  const scrub = (text: string) => secrets.scrub(redactText(text));
  return {
    ...verdict,
    ...(verdict.reason !== undefined && { reason: scrub(verdict.reason) }),
    observed: verdict.observed.map(scrub),
    exchanges: secrets.scrubAll(verdict.exchanges),
  };
}

function emptyVerdict(id: string): Omit<RawVerdict, 'status'> {
  return { id, durationMs: 0, serverMs: 0, exchanges: [], observed: [] };
}

/** Calls `work` on every item, at most `limit` at a time, starting them in order. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
