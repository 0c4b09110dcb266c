import type { Request, Response, Server } from 'restify';
import type { CaseWorkService } from '../services/case-work.service';
import { actorOf } from './auth-context';
import { caseNumberParams } from './case.schemas';
import { sendProblem } from './problem';
import type { RouteDeclaration } from './route';
import { parseOrProblem } from './validation';

/** The stream as the OpenAPI document and the authorization matrix see it (registered by hand below). */
export const caseEventsDeclaration: RouteDeclaration = {
  method: 'get',
  path: '/cases/{caseNumber}/events',
  tag: 'Cases',
  summary: "Server-sent events with the case's version whenever it changes (an open case page); the stream ends after 55 s, reconnect",
  roles: 'signed-in',
  params: caseNumberParams,
  responses: { 200: { description: '`event: version` with `{"caseNumber", "version", "status"}`: at once, then on every change', mediaType: 'text/event-stream' } },
};

/**
 * GET /cases/{n}/events: server-sent events that say when the case changed (its read-model
 * version moved), so an open case page refreshes within seconds instead of on its next poll.
 *
 * A first, simple form: each stream looks at the case's row every `pollMs`; a stream ends after
 * `maxStreamMs` and the client reconnects, so no connection outlives a deploy for long. Rows are
 * checked against the caller like GET /cases/{n} (404 for a case they may not see).
 */
export interface CaseEventsOptions {
  readonly pollMs?: number;
  readonly heartbeatMs?: number;
  readonly maxStreamMs?: number;
}

export function registerCaseEvents(server: Server, caseWork: Pick<CaseWorkService, 'get'>, options: CaseEventsOptions = {}): void {
  const pollMs = options.pollMs ?? 2_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxStreamMs = options.maxStreamMs ?? 55_000;

  server.get('/cases/:caseNumber/events', async (req: Request, res: Response) => {
    const actor = actorOf(req);
    const params = parseOrProblem(caseNumberParams, req.params, 'params');
    if (!params.ok) return sendProblem(res, params.problem);
    const { caseNumber } = params.value;
    let version = (await caseWork.get(caseNumber, actor)).version;

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // A look that finishes after the client left must not write to a closed response.
    const write = (text: string) => {
      if (!res.writableEnded && !res.destroyed) res.write(text);
    };
    const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('version', { caseNumber, version });

    await new Promise<void>((resolve) => {
      let looking = false;
      const stop = () => {
        clearInterval(poll);
        clearInterval(heartbeat);
        clearTimeout(end);
        resolve();
      };
      const poll = setInterval(() => {
        if (looking) return;
        looking = true;
        caseWork
          .get(caseNumber, actor)
          .then((record) => {
            if (record.version !== version) {
              version = record.version;
              send('version', { caseNumber, version, status: record.status });
            }
          })
          // A failed look (database busy, access withdrawn): end the stream; the client reconnects and is told why.
          .catch(() => res.end())
          .finally(() => {
            looking = false;
          });
      }, pollMs);
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
      const end = setTimeout(() => res.end(), maxStreamMs);
      res.once('close', stop);
      res.once('finish', stop);
    });
  });
}
