import type { Response } from 'restify';

/**
 * RFC 9457 problem details for the bot's HTTP endpoints (/api/messages, Direct Line). The same shape
 * and type URLs as the REST API's (api/problem.ts), written here because a channel never imports
 * another (bot/ may not import api/). `extension` adds members beside the standard ones, e.g. Direct
 * Line's `error: { code, message }`, which Web Chat and the Direct Line clients read.
 */
export interface BotProblem {
  readonly status: number;
  /** Last segment of the type URL: `bad-request`, `forbidden`… */
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: ReadonlyArray<{ readonly pointer: string; readonly detail: string }>;
  readonly extension?: Readonly<Record<string, unknown>>;
}

const TYPE_BASE = 'https://caseflow.dev/problems/';

export function sendBotProblem(res: Response, problem: BotProblem, instance?: string): void {
  const body = {
    ...problem.extension,
    type: `${TYPE_BASE}${problem.slug}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(instance ? { instance } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
  const payload = JSON.stringify(body);
  if (problem.status === 401 && !res.getHeader('www-authenticate')) res.header('www-authenticate', 'Bearer');
  res.writeHead(problem.status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
}
