import { createServer } from 'node:net';

/** Resolves true when nothing listens on host:port, so start-up can name a taken port before it spawns anything. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const probe = createServer();
    probe.once('error', () => resolvePromise(false));
    probe.once('listening', () => probe.close(() => resolvePromise(true)));
    probe.listen(port, host);
  });
}
