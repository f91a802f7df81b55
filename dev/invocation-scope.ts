import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Which simulated Lambda invocation sent an HTTP request, for the fault proxy's history. The delivery
 * scheduler runs each invocation inside `runAs(id)`; every outgoing request made in that async context
 * tags its socket's local port with the invocation, and the proxy (in the same process) looks it up by
 * the remote port of the connection it receives. Keep-alive sockets are re-tagged per request, and a
 * socket carries one request at a time, so the lookup is exact. Requests outside any invocation are
 * untagged.
 */
export interface Invocation {
  readonly id: string;
  /**
   * True once the invocation has returned or thrown. Work it left running (a handler that middy's
   * timeout abandoned keeps going in this process) is work Lambda would have killed with the
   * execution environment.
   */
  ended: boolean;
}

const scope = new AsyncLocalStorage<Invocation>();
const invocationByPort = new Map<number, Invocation | undefined>();

const tag = (socket: Socket, invocation: Invocation | undefined) => {
  if (socket.localPort !== undefined) invocationByPort.set(socket.localPort, invocation);
};

subscribe('http.client.request.start', (message) => {
  const { request } = message as { request: ClientRequest };
  const invocation = scope.getStore();
  const onSocket = (socket: Socket) => {
    if (socket.connecting) socket.once('connect', () => tag(socket, invocation));
    else tag(socket, invocation);
  };
  // The socket is usually assigned before the channel fires; otherwise it comes with the 'socket' event.
  if (request.socket) onSocket(request.socket as Socket);
  else request.once('socket', onSocket);
});

export const runAs = async <T>(id: string, run: () => Promise<T>): Promise<T> => {
  const invocation: Invocation = { id, ended: false };
  try {
    return await scope.run(invocation, run);
  } finally {
    invocation.ended = true;
  }
};

export const invocationOnPort = (port: number | undefined): Invocation | undefined =>
  port === undefined ? undefined : invocationByPort.get(port);
