// Watches every exchange with the target to tell a dead or stalled server from one that is
// merely slow or misbehaving on some requests. A refused connection or a broken answer is
// confirmed by probing /versions; timeouts on one path from two scenarios in a row, with no
// answer on that path between them, by a canary request to it. Only a failed confirmation
// loses the target, so a server that answers slowly, or resets one kind of request, is not
// mistaken for a dead one.
import { HttpClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';

export interface TargetHealthOptions {
  url: string;
  /** The run's request timeout; a timed-out exchange took at least this long. */
  timeoutMs: number;
  /** Called once, when the target is judged lost. */
  onLost(reason: string): void;
}

/** How long a probe of /versions may take: a live server answers it at once. */
const PROBE_TIMEOUT_MS = 3_000;
const PROBE_RETRY_DELAY_MS = 500;
/** Scenarios whose requests to one path timed out in a row before the path is suspected. */
const STALL_SCENARIOS = 2;

export class TargetHealth {
  private readonly origin: string;
  /** Per path, the scenarios whose requests to it timed out since it last answered. */
  private readonly timedOut = new Map<string, Set<string>>();
  private checking: Promise<void> | undefined;
  private lostReason: string | undefined;

  constructor(private readonly options: TargetHealthOptions) {
    this.origin = new URL(options.url).origin;
  }

  get lost(): string | undefined {
    return this.lostReason;
  }

  observe(exchange: Exchange, scenarioId: string): void {
    if (this.lostReason !== undefined) return;
    const url = new URL(exchange.request.url);
    if (url.origin !== this.origin) return;
    const key = `${exchange.request.method} ${url.pathname}`;
    if (exchange.response) {
      this.timedOut.delete(key);
      return;
    }
    if (isTimeout(exchange)) {
      const scenarios = this.timedOut.get(key) ?? new Set<string>();
      scenarios.add(scenarioId);
      this.timedOut.set(key, scenarios);
      if (scenarios.size >= STALL_SCENARIOS) this.check(() => this.confirmStall(exchange, scenarios.size));
    } else if (!exchange.error?.startsWith('the run stopped')) {
      this.check(() => this.confirmDead(exchange.error ?? 'no answer'));
    }
  }

  /** Resolves when no confirmation is under way: the target is judged fine again, or lost. */
  settled(): Promise<void> {
    return this.checking ?? Promise.resolve();
  }

  private check(confirm: () => Promise<string | undefined>): void {
    if (this.checking) return;
    this.checking = confirm()
      .then((reason) => {
        if (reason !== undefined && this.lostReason === undefined) {
          this.lostReason = reason;
          this.options.onLost(reason);
        }
      })
      .finally(() => {
        this.checking = undefined;
      });
  }

  /** Twice, half a second apart: one refused connection may be a restart's blink. */
  private async confirmDead(seen: string): Promise<string | undefined> {
    const first = await this.probe('GET', '/_matrix/client/versions', PROBE_TIMEOUT_MS);
    if (first === undefined) return undefined;
    await new Promise((resolve) => setTimeout(resolve, PROBE_RETRY_DELAY_MS));
    const second = await this.probe('GET', '/_matrix/client/versions', PROBE_TIMEOUT_MS);
    if (second === undefined) return undefined;
    return `the server stopped answering: a request failed (${seen}) and GET /_matrix/client/versions then got no answer twice (${second})`;
  }

  /**
   * An empty JSON body to the path: any answer at all, an error included, shows the path is
   * served. Half the request timeout, since two full ones have already passed on it.
   */
  private async confirmStall(exchange: Exchange, scenarios: number): Promise<string | undefined> {
    const { method } = exchange.request;
    const path = new URL(exchange.request.url).pathname;
    const canary = await this.probe(method, path, Math.max(1_000, Math.round(this.options.timeoutMs / 2)));
    if (canary === undefined) {
      this.timedOut.delete(`${method} ${path}`);
      return undefined;
    }
    const versions = await this.probe('GET', '/_matrix/client/versions', PROBE_TIMEOUT_MS);
    const where = versions === undefined ? `it still answers /versions, but not ${method} ${path}` : 'nor /versions';
    return `the server stopped answering: requests to ${method} ${path} from ${scenarios} scenarios timed out after ${this.options.timeoutMs} ms, and so did a check request (${canary}); ${where}`;
  }

  /** Undefined when the server answered; otherwise why not. */
  private async probe(method: string, path: string, timeoutMs: number): Promise<string | undefined> {
    const http = new HttpClient({ baseUrl: this.options.url, timeoutMs, maxBodyBytes: 65_536 });
    try {
      const exchange = await http.send({ method, path, ...(method !== 'GET' && method !== 'HEAD' && { json: {} }) });
      return exchange.response ? undefined : (exchange.error ?? 'no answer');
    } finally {
      await http.close();
    }
  }
}

function isTimeout(exchange: Exchange): boolean {
  return exchange.error?.startsWith('no complete answer within') === true;
}
