import type { Response } from 'restify';

/** RFC 9457 problem details. `errors` names each offending field, JSON-pointer style. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: ReadonlyArray<{ readonly pointer: string; readonly detail: string }>;
  /** Extra facts for the caller, e.g. the open activities that block a resolution. */
  readonly context?: unknown;
}

const TYPE_BASE = 'https://caseflow.dev/problems/';

export function problem(status: number, slug: string, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: `${TYPE_BASE}${slug}`, title, status, ...extra };
}

export function sendProblem(res: Response, body: Problem): void {
  const payload = JSON.stringify(body);
  res.writeHead(body.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
