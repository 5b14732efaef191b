// What the runner tells whoever watches a run while it goes (the live progress line, a
// benchmark): plain calls, in the order things happen, never awaited.
import type { EndpointKey } from '../model/endpoints.js';
import type { Level } from '../model/scenario.js';
import type { Status } from '../report/status.js';

export interface ScenarioStarted {
  id: string;
  endpoint: EndpointKey;
  at: number;
}

export interface ScenarioFinished {
  id: string;
  endpoint: EndpointKey;
  /** As the runner saw it (passed, failed, skipped), or as the server's expectations judge it. */
  status: Status;
  /** The scenario's level: a failed `should` is a warning unless the run is --strict. */
  level: Level;
  durationMs: number;
}

export interface RunWatcher {
  /** Once, before the first scenario: how many scenarios the run holds, skipped ones included. */
  planned(total: number, byEndpoint: ReadonlyMap<EndpointKey, number>): void;
  started(scenario: ScenarioStarted): void;
  /**
   * What a running scenario waits for now, in words ("POST …/requestToken", "mail to …",
   * "waiting out the server's identity-service timeout"); undefined when it waits for nothing.
   */
  waiting(id: string, what: string | undefined): void;
  finished(scenario: ScenarioFinished): void;
  /** The target stopped answering: every scenario not yet finished fails with this reason. */
  targetLost(reason: string): void;
  /** After the last scenario. */
  done(): void;
}

export const NO_WATCHER: RunWatcher = {
  planned: () => undefined,
  started: () => undefined,
  waiting: () => undefined,
  finished: () => undefined,
  targetLost: () => undefined,
  done: () => undefined,
};
