// A real SMTP server on 127.0.0.1 that the homeserver under test sends its validation mails to.
// Scenarios point the homeserver's `email.smtp_port` at `sink.port`, trigger a requestToken,
// then `await sink.waitFor(address)` and read the token or link from the result.

import { describeMail, parseCapturedMail, type CapturedMail } from './captured-mail.js';
import { MailSinkNotRunningError, MailWaitTimeoutError, UnexpectedMailError } from './mail-wait-errors.js';
import { LOOPBACK_HOST, listenForMail, SmtpRefusal, type ReceivedMessage, type SmtpListener } from './smtp-listener.js';

export type { CapturedMail } from './captured-mail.js';
export { MailSinkNotRunningError, MailWaitTimeoutError, UnexpectedMailError } from './mail-wait-errors.js';

export interface MailSinkOptions {
  /** 0 or absent: an ephemeral port, read it from `sink.port` after start(). */
  port?: number;
  /** Larger messages are refused with SMTP 552. Default 1 MiB, far above any validation mail. */
  maxMessageBytes?: number;
}

export interface WaitForOptions {
  /** Default 10 000. */
  timeoutMs?: number;
  /** Wait until the mailbox holds at least this many matching mails. Default 1. */
  count?: number;
  /**
   * Only count mails received strictly after this Date.now() timestamp. Strictly, so that
   * `after: previous.receivedAt` (or a Date.now() taken right after the previous mail arrived)
   * never matches that previous mail again.
   */
  after?: number;
  /**
   * The addresses whose mail a timeout's explanation lists; default every mail. A scenario's
   * view lists its own, so that its evidence is not buried under other scenarios' mail.
   */
  among?: readonly string[];
}

export interface ExpectQuietOptions {
  forMs: number;
  /** Mails received strictly after this timestamp count as new, even if they arrived before the call. */
  after?: number;
  /**
   * The mailbox's length at some earlier moment: mails to the address beyond these count as
   * new, even if they arrived before the call. Unlike `after`, a count cannot miss a mail
   * received within the millisecond it was taken.
   */
  alreadySeen?: number;
}

/** A delivery the sink answered with an SMTP error instead of capturing it. */
export interface RefusedDelivery {
  envelopeFrom: string;
  envelopeTo: string[];
  reason: string;
  refusedAt: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
// Enough to see what went astray without burying the message.
const MAILS_LISTED_IN_ERRORS = 10;

type SinkEvent = { kind: 'mail'; mail: CapturedMail } | { kind: 'stopped' };
type Watcher = (event: SinkEvent) => void;

export class MailSink {
  readonly host = LOOPBACK_HOST;

  private readonly requestedPort: number;
  private readonly maxMessageBytes: number;
  private readonly captured: CapturedMail[] = [];
  private readonly refusals: RefusedDelivery[] = [];
  private readonly watchers = new Set<Watcher>();
  private listener: SmtpListener | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: MailSinkOptions = {}) {
    this.requestedPort = options.port ?? 0;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isInteger(this.requestedPort) || this.requestedPort < 0 || this.requestedPort > 65535) {
      throw new RangeError(`MailSink port must be an integer in 0..65535, got ${this.requestedPort}`);
    }
    if (!Number.isInteger(this.maxMessageBytes) || this.maxMessageBytes < 1) {
      throw new RangeError(`MailSink maxMessageBytes must be a positive integer, got ${this.maxMessageBytes}`);
    }
  }

  /** The port to configure as the homeserver's SMTP port. */
  get port(): number {
    if (this.listener !== undefined) return this.listener.port;
    if (this.requestedPort !== 0) return this.requestedPort;
    // Handing out 0 would make a homeserver config point nowhere, silently.
    throw new Error('MailSink uses an ephemeral port, which is only known after start() has resolved');
  }

  /** Every mail captured since start (or the last clear()), oldest first. */
  get messages(): readonly CapturedMail[] {
    return [...this.captured];
  }

  /** Deliveries refused with an SMTP error (oversize, unparsable), oldest first. */
  get refused(): readonly RefusedDelivery[] {
    return [...this.refusals];
  }

  start(): Promise<void> {
    if (this.starting === undefined) {
      const starting = this.open();
      this.starting = starting;
      // A failed start leaves the sink stopped, so a later start() tries again.
      starting.catch(() => {
        if (this.starting === starting) this.starting = undefined;
      });
    }
    return this.starting;
  }

  stop(): Promise<void> {
    const starting = this.starting;
    if (starting === undefined) return this.stopping ?? Promise.resolve();
    this.starting = undefined;
    this.notify({ kind: 'stopped' });
    const stopping = starting
      .catch(() => {}) // a failed start has nothing to close
      .then(() => this.listener?.close())
      .then(() => {
        this.listener = undefined;
        if (this.stopping === stopping) this.stopping = undefined;
      });
    this.stopping = stopping;
    return stopping;
  }

  /** Mails whose envelope recipients include `address`, compared case-insensitively. */
  mailbox(address: string): CapturedMail[] {
    const wanted = normalizeAddress(address);
    return this.captured.filter((mail) => mail.envelopeTo.includes(wanted));
  }

  /**
   * Resolves with the newest mail to `address` once the mailbox holds at least `count` mails
   * received after `after`; rejects with MailWaitTimeoutError if that takes longer than
   * `timeoutMs`, or MailSinkNotRunningError if the sink is stopped meanwhile.
   */
  waitFor(address: string, options: WaitForOptions = {}): Promise<CapturedMail> {
    const wanted = normalizeAddress(address);
    const { timeoutMs = DEFAULT_WAIT_TIMEOUT_MS, count = 1, after, among } = options;
    if (!Number.isInteger(count) || count < 1) return Promise.reject(new RangeError(`waitFor count must be a positive integer, got ${count}`));
    if (!isDuration(timeoutMs)) return Promise.reject(new RangeError(`waitFor timeoutMs must be between 0 and 2^31-1 ms, got ${timeoutMs}`));

    const satisfied = (): CapturedMail | undefined => {
      const matching = this.mailbox(wanted).filter((mail) => after === undefined || mail.receivedAt > after);
      return matching.length >= count ? matching[matching.length - 1] : undefined;
    };

    const already = satisfied();
    if (already !== undefined) return Promise.resolve(already);
    if (!this.isRunning) return Promise.reject(new MailSinkNotRunningError(`MailSink is not running, so no mail to ${wanted} can arrive`));

    return new Promise<CapturedMail>((resolve, reject) => {
      this.watch(timeoutMs, (event) => {
        if (event === 'timeout') {
          reject(new MailWaitTimeoutError(wanted, timeoutMs, this.explainTimeout(wanted, timeoutMs, count, after, among)));
        } else if (event.kind === 'stopped') {
          reject(new MailSinkNotRunningError(`MailSink was stopped while waiting for mail to ${wanted}`));
        } else {
          const mail = satisfied();
          if (mail === undefined) return false;
          resolve(mail);
        }
        return true;
      });
    });
  }

  /**
   * Resolves if no new mail to `address` arrives within `forMs`; rejects with
   * UnexpectedMailError carrying the mail as soon as one does (or at once, if one received
   * after `after`, or beyond `alreadySeen`, is already there).
   */
  expectQuiet(address: string, options: ExpectQuietOptions): Promise<void> {
    const wanted = normalizeAddress(address);
    const { forMs, after, alreadySeen } = options;
    if (!isDuration(forMs)) return Promise.reject(new RangeError(`expectQuiet forMs must be between 0 and 2^31-1 ms, got ${forMs}`));
    if (alreadySeen !== undefined && !(Number.isInteger(alreadySeen) && alreadySeen >= 0)) {
      return Promise.reject(new RangeError(`expectQuiet alreadySeen must be a non-negative integer, got ${alreadySeen}`));
    }

    const since = [after === undefined ? '' : ` after ${iso(after)}`, alreadySeen === undefined ? '' : ` beyond the first ${alreadySeen}`].join('');
    const unexpected = (mail: CapturedMail) =>
      new UnexpectedMailError(wanted, mail, `Expected no mail to ${wanted}${since}, but received: ${describeMail(mail)}`);

    const early = this.mailbox(wanted).find(
      (mail, index) => (after !== undefined && mail.receivedAt > after) || (alreadySeen !== undefined && index >= alreadySeen),
    );
    if (early !== undefined) return Promise.reject(unexpected(early));
    // A stopped sink is always quiet; letting that pass would hide a broken setup.
    if (!this.isRunning) return Promise.reject(new MailSinkNotRunningError(`MailSink is not running, so it cannot tell whether mail to ${wanted} was sent`));

    return new Promise<void>((resolve, reject) => {
      this.watch(forMs, (event) => {
        if (event === 'timeout') {
          resolve();
        } else if (event.kind === 'stopped') {
          reject(new MailSinkNotRunningError(`MailSink was stopped while checking that no mail goes to ${wanted}`));
        } else {
          if (!event.mail.envelopeTo.includes(wanted)) return false;
          reject(unexpected(event.mail));
        }
        return true;
      });
    });
  }

  /** Forgets captured and refused mail; waits in progress keep waiting. */
  clear(): void {
    this.captured.length = 0;
    this.refusals.length = 0;
  }

  private get isRunning(): boolean {
    return this.starting !== undefined;
  }

  private async open(): Promise<void> {
    await this.stopping; // a restart must not race the previous close for the port
    this.listener = await listenForMail({
      port: this.requestedPort,
      maxMessageBytes: this.maxMessageBytes,
      onMessage: (message) => this.capture(message),
      onOversize: ({ envelopeFrom, envelopeTo, bytes, refusedAt }) =>
        this.refusals.push({ envelopeFrom, envelopeTo, reason: `${bytes} bytes exceed the limit of ${this.maxMessageBytes}`, refusedAt }),
    });
  }

  private async capture(message: ReceivedMessage): Promise<void> {
    let mail: CapturedMail;
    try {
      mail = await parseCapturedMail(message);
    } catch (error) {
      const reason = `unparsable: ${error instanceof Error ? error.message : String(error)}`;
      this.refusals.push({ envelopeFrom: message.envelopeFrom, envelopeTo: message.envelopeTo, reason, refusedAt: Date.now() });
      throw new SmtpRefusal(554, `Mail sink could not parse the message: ${reason}`);
    }
    this.captured.push(mail);
    this.notify({ kind: 'mail', mail });
  }

  /**
   * Calls `onEvent` for each sink event and once with 'timeout' after `timeoutMs`, until it
   * returns true; then unregisters and clears the timer, so nothing outlives the wait.
   */
  private watch(timeoutMs: number, onEvent: (event: SinkEvent | 'timeout') => boolean): void {
    const finish = () => {
      clearTimeout(timer);
      this.watchers.delete(watcher);
    };
    const watcher: Watcher = (event) => {
      if (onEvent(event)) finish();
    };
    const timer = setTimeout(() => {
      finish();
      onEvent('timeout');
    }, timeoutMs);
    this.watchers.add(watcher);
  }

  private notify(event: SinkEvent): void {
    // Copy: watchers unregister themselves while being notified.
    for (const watcher of [...this.watchers]) watcher(event);
  }

  private explainTimeout(
    address: string,
    timeoutMs: number,
    count: number,
    after: number | undefined,
    among: readonly string[] | undefined,
  ): string {
    const wanted = `${count === 1 ? 'a mail' : `${count} mails`}${after === undefined ? '' : ` received after ${iso(after)}`}`;
    const lines = [`Timed out after ${timeoutMs} ms waiting for mail to ${address} (wanted ${wanted}; its mailbox holds ${this.mailbox(address).length} in all).`];
    const listed = among?.map(normalizeAddress);
    const toListed = (recipients: readonly string[]) => listed === undefined || recipients.some((to) => listed.includes(normalizeAddress(to)));
    const captured = this.captured.filter((mail) => toListed(mail.envelopeTo));
    const refusals = this.refusals.filter((refusal) => toListed(refusal.envelopeTo));
    if (captured.length === 0) {
      lines.push(listed === undefined ? 'The sink received no mail at all.' : `The sink received no mail to ${listed.join(', ')}.`);
    } else {
      const shown = captured.slice(-MAILS_LISTED_IN_ERRORS);
      const omitted = captured.length - shown.length;
      lines.push(`The sink received ${captured.length} mail(s)${omitted > 0 ? `, the last ${shown.length} being` : ''}:`);
      for (const mail of shown) lines.push(`  - ${describeMail(mail)}`);
    }
    if (refusals.length > 0) {
      lines.push(`The sink refused ${refusals.length} delivery(ies):`);
      for (const refusal of refusals.slice(-MAILS_LISTED_IN_ERRORS)) {
        lines.push(`  - ${iso(refusal.refusedAt)} to ${refusal.envelopeTo.join(', ')} from ${refusal.envelopeFrom || '<>'}: ${refusal.reason}`);
      }
    }
    return lines.join('\n');
  }
}

function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

// setTimeout fires at once for delays beyond 2^31-1 ms, which would turn a long wait into none.
const MAX_TIMER_MS = 2 ** 31 - 1;

function isDuration(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS;
}

function iso(timestamp: number): string {
  return new Date(timestamp).toISOString();
}
