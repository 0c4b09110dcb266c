import type { Role } from '../domain/actor';
import type { ErrorStatus, RouteDeclaration } from './route';

type JsonSchema = Record<string, unknown>;

/** RFC 9457 problem details, as api/problem.ts writes them. */
export const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', format: 'uri', description: 'https://caseflow.dev/problems/<slug>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Each offending field, by a JSON pointer into the request: /body/title, /query/limit, /params/caseNumber',
      items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } }, required: ['pointer', 'detail'] },
    },
    context: { description: 'Extra facts, e.g. the open activities that block a resolution' },
  },
  required: ['type', 'title', 'status'],
};

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } } };

/** The reusable problem answers, by the name each operation refers to. */
const RESPONSES: Readonly<Record<ErrorStatus | 500, { readonly name: string; readonly description: string; readonly headers?: JsonSchema }>> = {
  400: { name: 'BadRequest', description: 'The body is not valid JSON' },
  401: {
    name: 'Unauthorized',
    description: 'No bearer token, or one that is not valid (expired, tampered): sign in with POST /auth/token',
    headers: { 'WWW-Authenticate': { description: 'Bearer realm="caseflow", when a token was sent and refused', schema: { type: 'string' } } },
  },
  403: { name: 'Forbidden', description: "The caller's role may not do this; the detail names the roles that may" },
  404: { name: 'NotFound', description: 'Unknown, or not visible to the caller (the same answer for both)' },
  409: { name: 'Conflict', description: 'Not possible in the current state; the detail says why' },
  412: { name: 'PreconditionFailed', description: 'The row changed since the version the request names' },
  413: { name: 'PayloadTooLarge', description: 'The body is larger than 256 KiB' },
  415: { name: 'UnsupportedMediaType', description: 'A body was sent that is not application/json' },
  422: { name: 'ValidationFailed', description: 'The request is not valid: `errors` names each field by a JSON pointer' },
  429: {
    name: 'TooManyRequests',
    description: 'Too many requests: per signed-in user, or per client address when signed out',
    headers: { 'Retry-After': { description: 'Seconds to wait, where the server knows (a sign-in lockout)', schema: { type: 'integer', minimum: 0 } } },
  },
  500: { name: 'Internal', description: 'An unexpected error, logged by the server (as problem details)' },
  503: { name: 'Unavailable', description: 'Temporal (or the database) is down or slow: try again after Retry-After', headers: retryAfter },
};

export const ERROR_RESPONSES: JsonSchema = Object.fromEntries(
  Object.values(RESPONSES).map(({ name, description, headers }) => [name, { description, ...(headers ? { headers } : {}), content: problemContent }]),
);

/**
 * The problem answers an operation can give. Most follow from the declaration: 401 unless public,
 * 403 when some role is left out, 404 for a path id, 422 for anything validated, 400/413/415 for a
 * body, 429 everywhere (the rate limiter), 503 where Temporal is on the way. `errors` and 4xx entries
 * of `responses` add to them or say more precisely when they happen.
 */
export function errorResponses(route: RouteDeclaration, allRoles: readonly Role[]): Record<string, JsonSchema> {
  const statuses = new Map<ErrorStatus, string | undefined>();
  // Several reasons for one status are all listed.
  const add = (status: ErrorStatus, when?: string) => {
    const before = statuses.get(status);
    statuses.set(status, before && when ? `${before}; or: ${when}` : (when ?? before));
  };
  if (route.body) [400, 413, 415].forEach((status) => add(status as ErrorStatus));
  if (route.roles !== 'public') add(401);
  if (Array.isArray(route.roles) && allRoles.some((role) => !route.roles.includes(role))) add(403, `Only for ${(route.roles as readonly Role[]).join(', ')}`);
  if (route.params) add(404);
  if (route.params || route.query || route.body || route.headers?.some((h) => h.schema)) add(422);
  add(429);
  if (route.reachesTemporal) add(503);
  // A 4xx/5xx declared with a schema of its own is not a problem answer (GET /health's 503).
  for (const [status, response] of Object.entries(route.responses)) if (Number(status) >= 400 && !response.schema) add(Number(status) as ErrorStatus, response.description);
  for (const [status, when] of Object.entries(route.errors ?? {})) add(Number(status) as ErrorStatus, when);
  return Object.fromEntries(
    [...statuses.entries()]
      .filter(([status]) => route.responses[status]?.schema === undefined)
      .sort(([a], [b]) => a - b)
      .map(([status, when]): [string, JsonSchema] => {
        const known = RESPONSES[status] as (typeof RESPONSES)[ErrorStatus] | undefined;
        if (!known) return [String(status), { description: when ?? 'A problem', content: problemContent }];
        const ref = { $ref: `#/components/responses/${known.name}` };
        return [String(status), when ? { ...ref, description: when } : ref];
      }),
  );
}
