import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Actor, Role } from '../domain/actor';
import { actorOf, actorWithRole } from './auth-context';
import { sendProblem } from './problem';
import { parseOrProblem } from './validation';

/**
 * One HTTP route, declared once: the same definition registers the restify handler, validates the
 * request, checks the caller's role and describes the route in the OpenAPI document.
 */
export interface RouteDefinition<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /cases/{caseNumber}. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** Who may call it: these roles, any signed-in caller, or anyone (`public`, no token needed). */
  readonly roles: readonly Role[] | 'signed-in' | 'public';
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Request headers worth documenting (e.g. Idempotency-Key), with the rule the server checks them by. */
  readonly headers?: readonly RequestHeader[];
  readonly responses: Readonly<Record<number, DocumentedResponse>>;
  /**
   * Refusals the declaration cannot show by itself (401, 403, 404, 422 … are derived from `roles`,
   * `params`, `query` and `body`): e.g. 409 for an action the case's state refuses, or 422 for an
   * id that must name an existing row. Status → when it happens.
   */
  readonly errors?: Readonly<Partial<Record<ErrorStatus, string>>>;
  /** The route waits on Temporal: when it is down or slow the answer is 503 with Retry-After. */
  readonly reachesTemporal?: boolean;
  readonly handler: (input: RouteInput<P, Q, B>) => Promise<RouteResult>;
}

/** The statuses of problem+json answers a route may document. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 503;

export interface RequestHeader {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** What the server accepts; a plain string when absent. */
  readonly schema?: z.ZodType;
}

export interface DocumentedResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** The media type of the body when it is not JSON (e.g. the docs page). */
  readonly mediaType?: string;
  /** Response headers worth documenting (Location, Retry-After …), name → description. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What the OpenAPI document and the authorization matrix need of a route: everything but the
 * handler. Routes registered by hand (sign-in, health, the docs) are declared this way beside them.
 */
export type RouteDeclaration = Omit<RouteDefinition, 'handler'>;

export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  /** The caller; null only on public routes without a token. */
  readonly actor: Actor | null;
  readonly params: z.infer<P>;
  readonly query: z.infer<Q>;
  readonly body: z.infer<B>;
  readonly req: Request;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Keeps the generic types of a definition while collecting definitions in one list. */
export function defineRoute<P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUnknown>(
  definition: RouteDefinition<P, Q, B>,
): RouteDefinition {
  return definition;
}

const empty = z.object({});

export function registerRoutes(server: Server, routes: readonly RouteDefinition[]): void {
  for (const route of routes) {
    const path = route.path.replace(/\{(\w+)\}/g, ':$1');
    server[route.method === 'delete' ? 'del' : route.method](path, async (req: Request, res: Response) => {
      const actor =
        route.roles === 'public' ? ((req as Request & { actor?: Actor }).actor ?? null) : route.roles === 'signed-in' ? actorOf(req) : actorWithRole(req, route.roles);
      const params = parseOrProblem(route.params ?? empty, req.params, 'params');
      if (!params.ok) return sendProblem(res, params.problem);
      const query = parseOrProblem(route.query ?? empty, req.query, 'query');
      if (!query.ok) return sendProblem(res, query.problem);
      const body = route.body ? parseOrProblem(route.body, req.body, 'body') : ({ ok: true, value: undefined } as const);
      if (!body.ok) return sendProblem(res, body.problem);
      const result = await route.handler({ actor, params: params.value, query: query.value, body: body.value, req });
      for (const [name, value] of Object.entries(result.headers ?? {})) res.header(name, value);
      if (result.body === undefined) {
        res.send(result.status);
      } else {
        res.send(result.status, result.body);
      }
    });
  }
}
