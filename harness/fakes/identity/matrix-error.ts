// Matrix's standard error response: `{errcode, error}` with an HTTP status. Handlers throw it;
// the dispatcher turns it into the reply, so a handler reads as the list of checks it makes.

export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
    this.name = 'MatrixError';
  }

  toJSON(): { errcode: string; error: string } {
    return { errcode: this.errcode, error: this.message };
  }
}
