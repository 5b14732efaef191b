import { isUtf8 } from 'node:buffer';
import { Agent, request as undiciRequest, errors as undiciErrors } from 'undici';
import type { Exchange, ExchangeRequest, ExchangeResponse } from './exchange.js';

export interface HttpClientOptions {
  baseUrl: string;
  /** Whole-request deadline: a server that hangs gives a failed exchange, not a hung run. */
  timeoutMs: number;
  /** Response bodies beyond this are cut and the exchange marked as failed. */
  maxBodyBytes: number;
  /** Called as each request goes out, so a watcher can say what the run waits for. */
  onRequest?: (request: ExchangeRequest) => void;
  /** Called with every exchange, so a scenario can keep its evidence. */
  onExchange?: (exchange: Exchange) => void;
  /** Ends every request in flight, and fails those still to come, once aborted (the run stopped). */
  signal?: AbortSignal;
  /** A certificate (PEM) to trust, for the harness's own HTTPS fake identity service. */
  ca?: string;
}

export interface RequestSpec {
  method?: string;
  path: string;
  /** Serialised as JSON with `content-type: application/json` (unless `contentType` is false). */
  json?: unknown;
  /**
   * false: send the JSON body with no Content-Type header at all. Clients "should supply" it
   * "but this is not required" (Client-Server API, API Standards), so a scenario tries without.
   */
  contentType?: false;
  /** Sent as is (for bodies that are deliberately not JSON). */
  body?: string;
  headers?: Record<string, string>;
  /** This request's deadline, where a scenario allows the server longer than usual. */
  timeoutMs?: number;
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly agent: Agent;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.agent = new Agent({
      connect: { timeout: options.timeoutMs, ...(options.ca && { ca: options.ca }) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      // Evidence must show exactly one request per exchange.
      pipelining: 0,
      // HTTP/1.1 even where TLS offers h2 (undici 8's default): the evidence and the
      // headers a scenario judges stay those of the requests the spec describes.
      allowH2: false,
    });
  }

  async send(spec: RequestSpec): Promise<Exchange> {
    const request = buildRequest(this.baseUrl, spec);
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs;
    const started = performance.now();
    const exchange: Exchange = { request, startedAt: new Date().toISOString(), durationMs: 0 };
    this.options.onRequest?.(request);
    try {
      exchange.response = await this.perform(request, timeoutMs);
      if (exchange.response.truncated) {
        exchange.error = `response body larger than ${this.options.maxBodyBytes} bytes`;
      }
    } catch (error) {
      const stopped = this.options.signal?.aborted ? this.options.signal.reason : undefined;
      exchange.error = stopped === undefined ? describeFailure(error, timeoutMs) : `the run stopped before an answer came: ${String(stopped)}`;
    }
    exchange.durationMs = Math.round(performance.now() - started);
    this.options.onExchange?.(exchange);
    return exchange;
  }

  post(path: string, json: unknown, headers?: Record<string, string>): Promise<Exchange> {
    return this.send({ method: 'POST', path, json, headers });
  }

  get(path: string, headers?: Record<string, string>): Promise<Exchange> {
    return this.send({ method: 'GET', path, headers });
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }

  private async perform(request: ExchangeRequest, timeoutMs: number): Promise<ExchangeResponse> {
    const response = await undiciRequest(request.url, {
      method: request.method as 'POST',
      headers: request.headers,
      body: request.body,
      dispatcher: this.agent,
      signal: this.options.signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), this.options.signal]) : AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const { bytes, truncated } = await readCapped(response.body, this.options.maxBodyBytes);
    const body = bytes.toString('utf8');
    // A body cut at the cap may end inside a character: only a whole one is judged.
    const notUtf8 = !truncated && !isUtf8(bytes);
    return { status: response.statusCode, headers: flattenHeaders(response.headers), body, truncated, ...(notUtf8 && { notUtf8 }) };
  }
}

function buildRequest(baseUrl: string, spec: RequestSpec): ExchangeRequest {
  const headers: Record<string, string> = { ...spec.headers };
  let body = spec.body;
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json);
    const labelled = Object.keys(headers).some((n) => n.toLowerCase() === 'content-type');
    if (!labelled && spec.contentType !== false) headers['content-type'] = 'application/json';
  }
  const url = /^https?:\/\//.test(spec.path) ? spec.path : baseUrl + spec.path;
  return { method: spec.method ?? 'GET', url, headers, ...(body !== undefined && { body }) };
}

async function readCapped(
  stream: AsyncIterable<Buffer> & { destroy(): void },
  cap: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const room = cap - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      // Stop reading: a server streaming without end must not fill our memory.
      stream.destroy();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `no complete answer within ${timeoutMs} ms`;
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return `no complete answer within ${timeoutMs} ms`;
  }
  if (error instanceof Error) {
    const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
