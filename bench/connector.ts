import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a Bot Framework channel's Connector service on loopback: it accepts the bot's
 * replies (POST /v3/conversations/{id}/activities[/{replyToId}]), counts them and keeps each
 * conversation's last text (what a user would answer next depends on it).
 */
export interface Connector {
  readonly url: string;
  readonly replies: () => number;
  /**
   * The text of the bot's last reply to the activity with this id ('' if none): what a user would
   * answer next. Keyed by the replied-to activity, so a proactive message in between is not taken for it.
   */
  readonly replyTo: (activityId: string) => string;
  stop(): Promise<void>;
}

const CONNECTOR_PATH = /^\/v3\/conversations\/[^/]+\/activities(?:\/([^/]+))?$/;

export async function startConnector(): Promise<Connector> {
  let replies = 0;
  const replyTexts = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://connector').pathname;
      const match = CONNECTOR_PATH.exec(path);
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"NotFound"}}');
        return;
      }
      replies += 1;
      try {
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown };
        if (match[1] && typeof activity.text === 'string' && activity.text !== '') replyTexts.set(decodeURIComponent(match[1]), activity.text);
      } catch {
        // Not JSON: counted, not kept.
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${replies}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    replies: () => replies,
    replyTo: (activityId) => replyTexts.get(activityId) ?? '',
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
