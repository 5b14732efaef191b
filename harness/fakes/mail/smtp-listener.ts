// The SMTP side of the mail sink: accepts whatever a homeserver sends on loopback and hands
// each complete message over as raw bytes. Knows nothing about parsing or waiting.

import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import {
  SMTPServer,
  type SMTPServerAuthentication,
  type SMTPServerAuthenticationResponse,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';

export const LOOPBACK_HOST = '127.0.0.1';

export interface ReceivedMessage {
  /** Lower-cased MAIL FROM address; '' for the null sender `<>`. */
  envelopeFrom: string;
  /** Lower-cased RCPT TO addresses, in the order given. */
  envelopeTo: string[];
  /** The user name the client authenticated as, if it authenticated at all. */
  authUser: string | undefined;
  raw: Buffer;
  receivedAt: number;
}

export interface OversizeDelivery {
  envelopeFrom: string;
  envelopeTo: string[];
  bytes: number;
  refusedAt: number;
}

/** Thrown by a message handler to refuse the message with a specific SMTP reply. */
export class SmtpRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SmtpRefusal';
  }
}

export interface SmtpListenerOptions {
  port: number;
  maxMessageBytes: number;
  /** Resolving accepts the message (250); rejecting refuses it, with SmtpRefusal's code if given. */
  onMessage(message: ReceivedMessage): Promise<void>;
  onOversize(delivery: OversizeDelivery): void;
}

export interface SmtpListener {
  readonly port: number;
  /** Stops listening and cuts open connections; never rejects. */
  close(): Promise<void>;
}

export async function listenForMail(options: SmtpListenerOptions): Promise<SmtpListener> {
  const server = new SMTPServer({
    // Synapse is configured with enable_tls: false; offering STARTTLS would only invite a
    // handshake with a certificate nobody trusts.
    disabledCommands: ['STARTTLS'],
    // Accept mail with or without AUTH, and any credentials, over plain TCP: the sink checks
    // what was sent, not who sent it.
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    onAuth: acceptAnyCredentials,
    // Advertised as SIZE, so well-behaved clients are refused at MAIL FROM; clients that do not
    // declare a size are refused after DATA by readCapped below.
    size: options.maxMessageBytes,
    // Reverse DNS of 127.0.0.1 can stall for seconds on machines without a resolver.
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      receive(stream, session, options).then(
        () => callback(null, 'OK: captured'),
        (error: unknown) => callback(asSmtpError(error)),
      );
    },
  });

  // smtp-server re-emits socket errors (a client resetting the connection, say) on the
  // server; without a listener Node would turn them into an uncaught exception.
  server.on('error', () => {});

  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    // Replies are small and many; without this, Nagle's algorithm holds each one back
    // until the client's delayed ACK, about 40 ms a mail.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onListenError = (error: Error) => reject(new Error(`mail sink could not listen on ${LOOPBACK_HOST}:${options.port}: ${error.message}`));
    server.server.once('error', onListenError);
    server.listen(options.port, LOOPBACK_HOST, () => {
      server.server.off('error', onListenError);
      const address = server.server.address();
      if (address === null || typeof address === 'string') reject(new Error('mail sink is listening on something other than a TCP port'));
      else resolve(address.port);
    });
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // smtp-server's close() waits for clients to hang up (30 s by default, on a timer);
        // destroying the sockets lets the server close now, which also clears that timer.
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function acceptAnyCredentials(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void): void {
  callback(null, { user: auth.username ?? 'anonymous' });
}

async function receive(stream: SMTPServerDataStream, session: SMTPServerSession, options: SmtpListenerOptions): Promise<void> {
  const envelopeFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address.toLowerCase();
  const envelopeTo = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
  const { raw, bytes } = await readCapped(stream, options.maxMessageBytes);
  if (raw === undefined || stream.sizeExceeded === true) {
    options.onOversize({ envelopeFrom, envelopeTo, bytes, refusedAt: Date.now() });
    throw new SmtpRefusal(552, `Message exceeds the mail sink's limit of ${options.maxMessageBytes} bytes`);
  }
  await options.onMessage({
    envelopeFrom,
    envelopeTo,
    authUser: typeof session.user === 'string' ? session.user : undefined,
    raw,
    receivedAt: Date.now(),
  });
}

/**
 * Reads the DATA stream to its end (smtp-server needs it drained to send a reply), but stops
 * keeping the bytes once there are too many, so an oversize message costs no memory.
 */
async function readCapped(stream: Readable, maxBytes: number): Promise<{ raw: Buffer | undefined; bytes: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buffer.length;
    if (bytes <= maxBytes) chunks.push(buffer);
    else chunks.length = 0;
  }
  return { raw: bytes <= maxBytes ? Buffer.concat(chunks) : undefined, bytes };
}

function asSmtpError(error: unknown): Error & { responseCode: number } {
  if (error instanceof SmtpRefusal) return error;
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`Mail sink could not take the message: ${message}`), { responseCode: 554 });
}
