// What a scenario saw, kept for its report: the last exchanges (bodies clipped), the notes it
// made, and how long the server took over all of its requests. Credentials are redacted as
// each exchange is kept, before clipping, so that no reporter ever sees them.
import type { Exchange } from '../http/exchange.js';
import { redactExchange } from '../http/redaction.js';

const EVIDENCE_BODY_CHARS = 4_096;
const EVIDENCE_EXCHANGES = 12;

export class Evidence {
  readonly exchanges: Exchange[] = [];
  readonly observed: string[] = [];
  /** The sum of the durations of every exchange with the target, the kept ones and the rest. */
  serverMs = 0;

  constructor(private readonly targetOrigin: string) {}

  exchange(exchange: Exchange): void {
    if (new URL(exchange.request.url).origin === this.targetOrigin) this.serverMs += exchange.durationMs;
    this.exchanges.push(clipped(redactExchange(exchange)));
    if (this.exchanges.length > EVIDENCE_EXCHANGES) this.exchanges.shift();
  }

  observe(note: string): void {
    this.observed.push(note);
  }
}

function clipped(exchange: Exchange): Exchange {
  const clip = (text: string) => (text.length > EVIDENCE_BODY_CHARS ? `${text.slice(0, EVIDENCE_BODY_CHARS)}…` : text);
  return {
    ...exchange,
    request: { ...exchange.request, ...(exchange.request.body !== undefined && { body: clip(exchange.request.body) }) },
    ...(exchange.response && { response: { ...exchange.response, body: clip(exchange.response.body) } }),
  };
}
