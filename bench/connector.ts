import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a Bot Framework channel's Connector service on loopback: it accepts the bot's
 * replies (POST /v3/conversations/{id}/activities[/{replyToId}]) and counts them.
 */
export interface Connector {
  readonly url: string;
  readonly replies: () => number;
  stop(): Promise<void>;
}

const CONNECTOR_PATH = /^\/v3\/conversations\/[^/]+\/activities(?:\/[^/]+)?$/;

export async function startConnector(): Promise<Connector> {
  let replies = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://connector').pathname;
      if (req.method !== 'POST' || !CONNECTOR_PATH.test(path)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"NotFound"}}');
        return;
      }
      replies += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${replies}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    replies: () => replies,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
