// Before any scenario: is there a Matrix homeserver at the URL at all?
import { HttpClient } from '../http/client.js';
import { jsonOf } from '../http/exchange.js';

export class UnreachableError extends Error {}

export interface ProbeResult {
  versions: string[];
  /** From the Server response header where the server sends one (Synapse does). */
  server: { name: string; version: string } | undefined;
}

export async function probeTarget(url: string, timeoutMs: number): Promise<ProbeResult> {
  const http = new HttpClient({ baseUrl: url, timeoutMs, maxBodyBytes: 1_048_576 });
  try {
    const exchange = await http.get('/_matrix/client/versions');
    if (!exchange.response || exchange.error) {
      throw new UnreachableError(`cannot reach ${url}: ${exchange.error ?? 'no response'}`);
    }
    const body = jsonOf(exchange) as { versions?: unknown } | undefined;
    if (exchange.response.status !== 200 || !Array.isArray(body?.versions)) {
      throw new UnreachableError(
        `${url} does not look like a Matrix homeserver: GET /_matrix/client/versions answered ${exchange.response.status} without a versions list`,
      );
    }
    const header = exchange.response.headers.server?.match(/^([^/\s]+)\/(\S+)/);
    return {
      versions: body.versions.filter((v): v is string => typeof v === 'string'),
      server: header ? { name: header[1]!.toLowerCase(), version: header[2]! } : undefined,
    };
  } finally {
    await http.close();
  }
}
