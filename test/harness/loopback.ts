// Real servers on 127.0.0.1 for the HTTP client's self-tests: well-behaved ones and ones
// that misbehave the way a broken homeserver (or a proxy in front of it) can.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Loopback {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** An HTTP server; `close` also drops connections a test left open. */
export async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Loopback> {
  const server = createHttpServer(handler);
  return onLoopback(server, () => server.closeAllConnections());
}

/** A bare TCP server: for peers that do not speak HTTP, or stop speaking it midway. */
export async function tcpServer(onConnection: (socket: Socket) => void): Promise<Loopback> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset seen from this side is expected in these tests, not an error.
    socket.on('error', () => {});
    onConnection(socket);
  });
  return onLoopback(server, () => {
    for (const socket of sockets) socket.destroy();
  });
}

/** Listens on a free port of 127.0.0.1; `close` drops what the server still holds open first, or it would wait for it. */
async function onLoopback(server: Server, dropConnections: () => void): Promise<Loopback> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}

export interface EchoedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw header list, names as sent and duplicates kept. */
  rawHeaders: string[];
  body: string;
}

/** Answers every request with a JSON description of it, and keeps a list of them. */
export async function echoServer(): Promise<Loopback & { received: EchoedRequest[] }> {
  const received: EchoedRequest[] = [];
  const server = await httpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echoed: EchoedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(echoed);
      res.setHeader('x-multi', ['one', 'two']);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(echoed));
    });
  });
  return { ...server, received };
}
