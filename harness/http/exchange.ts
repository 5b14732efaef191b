// One request and what came back: the evidence a verdict rests on. Kept as plain data so
// it can go to the reporters and into the results file as it is.

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body was cut at the client's size cap. */
  truncated: boolean;
  /** The body's bytes are not UTF-8 ("All JSON data … must be encoded using UTF-8"); `body` has them with U+FFFD. */
  notUtf8?: true;
}

export interface Exchange {
  request: ExchangeRequest;
  response?: ExchangeResponse;
  /** Why no complete response was had: timeout, reset, not HTTP, too large. */
  error?: string;
  startedAt: string;
  durationMs: number;
}

/** The response body parsed as JSON, or undefined where it is not JSON. */
export function jsonOf(exchange: Exchange): unknown {
  const body = exchange.response?.body;
  if (body === undefined || exchange.response?.truncated) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A curl command that sends the same request again. */
export function toCurl(request: ExchangeRequest): string {
  const parts = ['curl', '-sS', '-i', '-g', '-X', request.method, shellQuote(request.url)];
  for (const [name, value] of Object.entries(request.headers)) {
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (request.body !== undefined && !Object.keys(request.headers).some((n) => n.toLowerCase() === 'content-type')) parts.push('-H', shellQuote('Content-Type:'));
  if (request.body !== undefined) parts.push('--data-raw', shellQuote(request.body));
  return parts.join(' ');
}

const SHOWN_BODY_CHARS = 2_000;

function clip(text: string): string {
  return text.length > SHOWN_BODY_CHARS
    ? `${text.slice(0, SHOWN_BODY_CHARS)}… (${text.length - SHOWN_BODY_CHARS} more characters)`
    : text;
}

function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);
}

/** The exchange as a reader wants it under a failed scenario. */
export function formatExchange(exchange: Exchange): string {
  const { request, response } = exchange;
  const lines = [`> ${request.method} ${request.url}`, ...headerLines(request.headers)];
  if (request.body !== undefined) lines.push(`  ${clip(request.body)}`);
  if (response) {
    lines.push(`< ${response.status} (${exchange.durationMs} ms)`, ...headerLines(response.headers));
    if (response.body !== '') lines.push(`  ${clip(response.body)}`);
    if (response.truncated) lines.push('  (body cut at the size cap)');
  }
  if (exchange.error) lines.push(`< no response: ${exchange.error} (after ${exchange.durationMs} ms)`);
  lines.push(`replay: ${toCurl(request)}`);
  return lines.join('\n');
}

/** The body's errcode, where it is a JSON object with a string one. */
function errcodeOf(exchange: Exchange): string | undefined {
  const errcode = (jsonOf(exchange) as { errcode?: unknown } | undefined)?.errcode;
  return typeof errcode === 'string' ? errcode : undefined;
}

/** An answer's status and errcode, for observations: "400 M_INVALID_PARAM", "200 (no errcode)", "no answer: …". */
export function statusAndErrcode(exchange: Exchange): string {
  if (!exchange.response) return `no answer: ${exchange.error}`;
  return `${exchange.response.status} ${errcodeOf(exchange) ?? '(no errcode)'}`;
}

/** An answer a rate limit refused, told by either of its marks: a 429, or the errcode M_LIMIT_EXCEEDED whatever the status. */
export function isRateLimited(exchange: Exchange): boolean {
  return exchange.response?.status === 429 || errcodeOf(exchange) === 'M_LIMIT_EXCEEDED';
}
