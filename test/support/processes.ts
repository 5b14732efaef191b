// What the launch and interrupt tests look at: which processes still run, which ports are taken.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { freePort, processIsAlive } from '../../harness/launch/child-process.js';

/** Live (non-zombie) processes whose command line mentions `needle`. */
export function processesMentioning(needle: string): number[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(processIsAlive);
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * For the enclosing describe: a port that something holds and answers nothing on, so a server
 * told to use it cannot start. Returns a getter, as the port is known only once beforeAll ran.
 */
export function useBlockedPort(): () => number {
  let blocker: Server;
  const connections = new Set<Socket>();
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    blocker = createServer((socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
    });
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });
  return () => port;
}
