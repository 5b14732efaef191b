// Errors a scenario sees when the mail it waited for did not come, or a mail it did not want did.
// They carry the details as fields so a scenario can assert on them, and say everything in the
// message so a failing run explains itself.

import type { CapturedMail } from './captured-mail.js';

export class MailWaitTimeoutError extends Error {
  constructor(
    readonly address: string,
    readonly timeoutMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'MailWaitTimeoutError';
  }
}

export class UnexpectedMailError extends Error {
  constructor(
    readonly address: string,
    readonly mail: CapturedMail,
    message: string,
  ) {
    super(message);
    this.name = 'UnexpectedMailError';
  }
}

/** The sink was stopped (or never started), so the wait could never be satisfied. */
export class MailSinkNotRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailSinkNotRunningError';
  }
}
