// The ways the fake identity service can misbehave on one request; faults.ts decides which
// request gets which, and the recording notes the one it got.

export type Fault =
  /** A well-formed Matrix error, e.g. 400 M_INVALID_EMAIL or 400 M_INVALID_ADDRESS. */
  | { kind: 'matrix-error'; status: number; errcode: string; error?: string }
  /** A bare status, e.g. a 500 with an HTML body from a broken proxy. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** Accept the request and never answer (until stop()). */
  | { kind: 'hang' }
  /** Drop the connection without answering. */
  | { kind: 'reset' };
