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
  /** Request headers worth documenting (e.g. Idempotency-Key). */
  readonly headers?: readonly { readonly name: string; readonly description: string; readonly required?: boolean }[];
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: z.ZodType }>>;
  readonly handler: (input: RouteInput<P, Q, B>) => Promise<RouteResult>;
}

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
