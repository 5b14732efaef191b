import { endpointPath, type EndpointKey } from '../model/endpoints.js';
import type { HttpClient } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import type { SpecVersion } from '../model/spec-versions.js';

export interface RawRequest {
  method?: string;
  /** A body sent as is, for bodies that are deliberately not JSON. */
  body?: string;
  /** A JSON body, as requestToken sends it; with `contentType: false`, unlabelled. */
  json?: unknown;
  contentType?: false;
  headers?: Record<string, string>;
}

/** The homeserver under test, addressed at the spec version it is tested at. */
export class Homeserver {
  constructor(
    readonly http: HttpClient,
    readonly spec: SpecVersion,
  ) {}

  get url(): string {
    return this.http.baseUrl;
  }

  path(endpoint: EndpointKey): string {
    return endpointPath(endpoint, this.spec);
  }

  /** POST a JSON body to one of the requestToken endpoints. */
  requestToken(endpoint: EndpointKey, body: unknown, headers?: Record<string, string>): Promise<Exchange> {
    return this.http.post(this.path(endpoint), body, headers);
  }

  /** Any other request to a requestToken endpoint: another method, a body that is not JSON. */
  requestTokenRaw(endpoint: EndpointKey, request: RawRequest): Promise<Exchange> {
    return this.http.send({ method: 'POST', ...request, path: this.path(endpoint) });
  }
}
