// A bare-bones SMTP client for the self-tests that nodemailer cannot express: DATA without a
// declared SIZE (how Twisted, and so Synapse, sends), bytes that are not a valid message, and
// reading the EHLO reply itself.

import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  lines: string[];
}

export class SmtpDialogue {
  private buffered = '';
  private readonly replies: SmtpReply[] = [];
  private waiting: ((reply: SmtpReply) => void) | undefined;
  private pendingLines: string[] = [];

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
  }

  static async open(port: number): Promise<{ dialogue: SmtpDialogue; greeting: SmtpReply }> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const dialogue = new SmtpDialogue(socket);
    return { dialogue, greeting: await dialogue.nextReply() };
  }

  command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`, 'latin1');
    return this.nextReply();
  }

  /** Sends a message body after DATA was accepted: dot-stuffed, then the terminating dot. */
  sendBody(body: string | Buffer): Promise<SmtpReply> {
    const text = typeof body === 'string' ? body : body.toString('latin1');
    const stuffed = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.socket.write(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
    return this.nextReply();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private nextReply(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\r\n')) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 2);
      this.pendingLines.push(line);
      // "250-..." continues a multi-line reply; "250 ..." ends it.
      if (line.charAt(3) === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), lines: this.pendingLines };
      this.pendingLines = [];
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting !== undefined) waiting(reply);
      else this.replies.push(reply);
    }
  }
}
