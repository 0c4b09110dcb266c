import { createServer } from 'node:net';
import type { Server } from 'restify';
import { StartupError } from './lifecycle';

/** Resolves true when nothing listens on host:port, so start-up can name a taken port before it spawns anything. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const probe = createServer();
    probe.once('error', () => resolvePromise(false));
    probe.once('listening', () => probe.close(() => resolvePromise(true)));
    probe.listen(port, host);
  });
}

/** A port nothing listens on right now, chosen by the system. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePromise(port));
    });
  });
}

/** Listens, turning "address in use" and similar into one line naming the variable to change. */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE') reject(new StartupError(`PORT ${port} is already in use on ${host}: stop what holds it or set PORT`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new StartupError(`HOST ${host} is not an address of this machine`));
      else reject(error);
    };
    // restify re-emits the HTTP server's 'error' on itself: with no listener there, an address in
    // use would crash the process with an unhandled 'error' event instead of this one line.
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePromise();
    });
  });
}

/**
 * Stops accepting connections and waits for the requests in flight (each bounded: a case action
 * answers within CASE_ANSWER_TIMEOUT_SECONDS), closing idle keep-alive connections at once and any
 * still open after `graceMs`, so a shutdown never hangs on a client.
 *
 * A request whose client hung up still runs its handler after its connection is gone: the close
 * also waits (within the same grace) until restify counts no request in flight, so the database
 * and the Temporal client, stopped next, are not pulled from under a handler (which answered 500,
 * "aborted", found by the bench stopping a server right after a load).
 */
export function close(server: Server, graceMs = 15_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => server.server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      const settled = (): void => {
        if (server.inflightRequests() === 0 || Date.now() >= deadline) resolvePromise();
        else setTimeout(settled, 20);
      };
      settled();
    });
    server.server.closeIdleConnections();
  });
}
