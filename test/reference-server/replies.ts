// What a handler gives back: a Reply, or a thrown MatrixError that becomes the spec's
// standard error response. The server adds CORS and Server headers to either.

export interface Reply {
  status: number;
  /** Serialised as JSON unless it is a string. */
  body: unknown;
  /** Default application/json. */
  contentType?: string;
  headers?: Record<string, string>;
}

export function jsonReply(body: unknown, status = 200): Reply {
  return { status, body };
}

export function htmlReply(status: number, message: string): Reply {
  return { status, body: `<!DOCTYPE html><html><body><p>${message}</p></body></html>`, contentType: 'text/html; charset=utf-8' };
}

/** The standard error response `{errcode, error}`, with any fields the errcode defines. */
export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'MatrixError';
  }
}

/** A request the server refuses for its shape: M_NOT_JSON, M_BAD_JSON, M_MISSING_PARAM, M_INVALID_PARAM. */
export class BadInput extends MatrixError {
  constructor(errcode: 'M_NOT_JSON' | 'M_BAD_JSON' | 'M_MISSING_PARAM' | 'M_INVALID_PARAM', message: string) {
    super(400, errcode, message);
    this.name = 'BadInput';
  }
}

/** The identity service failed or refused; the status and errcode are what the client gets. */
export class RelayError extends MatrixError {
  constructor(status: number, errcode: string, message: string) {
    super(status, errcode, message);
    this.name = 'RelayError';
  }
}
