import { createServer, type Socket } from 'node:net';
import { afterEach } from 'vitest';

/**
 * A loopback TCP server that misbehaves the way a half-dead endpoint does:
 * - `stall`: accepts the connection and reads the request, never answers;
 * - `slowBody`: answers 200 with headers and a promised body that trickles in a byte at a time.
 * It counts requests and closes every socket on `close()`, so nothing it holds outlives the test.
 */
export interface StalledServer {
  readonly url: string;
  /** Requests received (one per SDK attempt). */
  readonly requests: () => number;
  /** Connections the client still holds open. */
  readonly openSockets: () => number;
  close(): Promise<void>;
}

export const startStalledServer = async (
  mode: 'stall' | 'slowBody' = 'stall',
): Promise<StalledServer> => {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      // A request line starts a request; later chunks are its body.
      if (!chunk.toString('latin1').includes(' HTTP/1.1\r\n')) return;
      requests++;
      if (mode === 'stall') return;
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: text/xml;charset=UTF-8\r\ncontent-length: 100000\r\n\r\n<',
      );
      const timer = setInterval(() => socket.write(' '), 100);
      timers.add(timer);
      socket.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

/** Stalled servers for one test file: each one started is closed after its test. */
export const stalledServers = () => {
  const open: StalledServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (mode: 'stall' | 'slowBody' = 'stall'): Promise<StalledServer> => {
    const server = await startStalledServer(mode);
    open.push(server);
    return server;
  };
};
