import type { Request, Response, Server } from 'restify';
import type { CaseListChanges } from '../services/case-list-changes';
import { actorOf } from './auth-context';
import type { RouteDeclaration } from './route';

/** The stream as the OpenAPI document and the authorization matrix see it (registered by hand below). */
export const caseListEventsDeclaration: RouteDeclaration = {
  method: 'get',
  path: '/cases/events',
  tag: 'Cases',
  summary: 'Server-sent events naming the cases the caller may see as they change (the live inbox); the stream ends after 55 s, reconnect',
  roles: 'signed-in',
  responses: {
    200: { description: '`event: ready`, then `event: changed` with `{"cases": ["CAS-01000", …]}` whenever some of them change', mediaType: 'text/event-stream' },
  },
};

/**
 * GET /cases/events: server-sent events that say when cases the caller may see change (opened,
 * taken, moved, answered, resolved, an SLA turning), so an inbox or portal list refreshes within
 * seconds instead of on its next poll. `event: changed` carries the case numbers; only cases the
 * caller may see are named (services/case-list-changes.ts). Streams end after `maxStreamMs` and the
 * client reconnects, so no connection outlives a deploy for long.
 */
export interface CaseListEventsOptions {
  readonly heartbeatMs?: number;
  readonly maxStreamMs?: number;
}

export function registerCaseListEvents(server: Server, changes: Pick<CaseListChanges, 'subscribe'>, options: CaseListEventsOptions = {}): void {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxStreamMs = options.maxStreamMs ?? 55_000;

  server.get('/cases/events', async (req: Request, res: Response) => {
    const actor = actorOf(req);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const write = (text: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(text);
    };
    const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // Tells the client the stream is up: it may poll less.
    send('ready', { retryMs: 5_000 });

    await new Promise<void>((resolve) => {
      const unsubscribe = changes.subscribe(actor, (caseNumbers) => send('changed', { cases: caseNumbers }));
      const stop = () => {
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(end);
        resolve();
      };
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
      const end = setTimeout(() => res.end(), maxStreamMs);
      res.once('close', stop);
      res.once('finish', stop);
    });
  });
}
