// One scenario's view of the shared mail sink: the mailboxes of the addresses it claimed,
// and no others. Scenarios running side by side each hold one; the sink is never cleared.
import type { CapturedMail } from './captured-mail.js';
import type { ExpectQuietOptions, MailSink, WaitForOptions } from './mail-sink.js';

export class MailView {
  private readonly addresses = new Set<string>();

  constructor(private readonly sink: MailSink) {}

  claim(addresses: readonly string[]): void {
    for (const address of addresses) this.addresses.add(address.trim().toLowerCase());
  }

  mailbox(address: string): CapturedMail[] {
    return this.sink.mailbox(this.own(address));
  }

  waitFor(address: string, options: Omit<WaitForOptions, 'among'> = {}): Promise<CapturedMail> {
    return this.sink.waitFor(this.own(address), { ...options, among: [...this.addresses] });
  }

  expectQuiet(address: string, options: ExpectQuietOptions): Promise<void> {
    return this.sink.expectQuiet(this.own(address), options);
  }

  /** Reading another scenario's mailbox would make verdicts depend on what runs beside. */
  private own(address: string): string {
    if (!this.addresses.has(address.trim().toLowerCase())) {
      throw new Error(`internal: the mailbox of ${address} is not this scenario's (it claimed ${[...this.addresses].join(', ') || 'none'})`);
    }
    return address;
  }
}
