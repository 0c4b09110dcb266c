import type { Tracer } from '@opentelemetry/api';
import restify, { type Next, type Request, type RequestHandler, type Response, type Server } from 'restify';
import type { Logger } from 'pino';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, UnavailableError, ValidationError } from '../services/errors';
import { asUnavailable } from '../services/unavailable';
import { registerDocsRoutes } from './docs.routes';
import { registerRoutes, type RouteDefinition } from './route';
import { registerHealthRoute, type HealthDependencies } from './health.route';
import { problem, type Problem } from './problem';
import { registerRequestTracing } from './request-tracing';

const PROBLEM_JSON = 'application/problem+json';

type RestifyLikeError = Error & { statusCode?: number; body?: { message?: string }; toJSON?: () => unknown };

/** Registers a group of routes; each feature (cases, knowledge, auth, the bot…) brings its own. */
export type RouteRegistrar = (server: Server) => void;

export interface ApiDependencies {
  readonly logger: Logger;
  readonly health: HealthDependencies;
  /** Declared routes: registered, validated, role-checked and described in /openapi.json. */
  readonly definitions?: readonly RouteDefinition[];
  /** Runs before every route: sets the caller (api/auth-context.ts) from the request's credentials. */
  readonly authenticate?: RequestHandler;
  /** Runs after authentication: per-caller request rate limits. */
  readonly rateLimit?: RequestHandler;
  /** Routes outside the OpenAPI document (the bot endpoint, Direct Line, web pages). */
  readonly routes?: readonly RouteRegistrar[];
  readonly version?: string;
  /** When tracing is on (app/telemetry): a span per request, around everything it does. */
  readonly tracer?: Tracer;
}

/** Largest request body accepted, in bytes: cases and notes are text, attachments go through email. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * A request that carries a body must say it is JSON (415 otherwise); one without a body (a bare
 * `POST /cases/{n}/accept`) needs no content type at all.
 */
class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly statusCode = 415;
}

function requireJsonBody(req: Request, _res: Response, next: Next): void {
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  const type = req.header('content-type') ?? '';
  if (hasBody && !/^application\/(.+\+)?json\b/i.test(type)) {
    next(new UnsupportedMediaTypeError('send the body as application/json'));
    return;
  }
  next();
}

/** Builds the HTTP server (not yet listening), so tests and every entry point share one wiring. */
export function createApiServer(deps: ApiDependencies): Server {
  const server = restify.createServer({
    name: 'caseflow',
    handleUncaughtExceptions: false,
    formatters: { [PROBLEM_JSON]: (_req, _res, body) => JSON.stringify(body) },
  });
  if (deps.tracer) registerRequestTracing(server, deps.tracer);
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(requireJsonBody);
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES }));

  if (deps.authenticate) server.use(deps.authenticate);
  if (deps.rateLimit) server.use(deps.rateLimit);

  registerHealthRoute(server, deps.health);
  registerRoutes(server, deps.definitions ?? []);
  registerDocsRoutes(server, deps.definitions ?? [], deps.version ?? '0.0.0');
  for (const register of deps.routes ?? []) register(server);

  // Every error leaves as problem+json: the service's typed errors keep their meaning,
  // restify's own (bad JSON, too large, unknown route) keep their status.
  server.on('restifyError', (req: Request, res: Response, err: RestifyLikeError, next: () => void) => {
    // A dependency that is down or slow answers 503 with Retry-After, never a bare 500.
    const unavailable = asUnavailable(err);
    const body = toProblem(unavailable ?? err, req);
    if (unavailable) {
      res.header('retry-after', String(unavailable.retryAfterSeconds));
      deps.logger.warn({ err, path: req.path() }, 'dependency unavailable: answered 503');
    } else if (body.status >= 500) deps.logger.error({ err, path: req.path() }, 'request failed');
    // restify sends the error itself after this handler: give it our status, body and media type.
    err.statusCode = body.status;
    err.toJSON = () => body;
    res.header('content-type', PROBLEM_JSON);
    next();
  });
  return server;
}

function toProblem(err: RestifyLikeError, req: Request): Problem {
  const instance = req.path();
  if (err instanceof UnavailableError) {
    return problem(503, 'unavailable', 'Temporarily unavailable', { detail: err.message, instance, context: { retryAfterSeconds: err.retryAfterSeconds, mayStillHappen: err.mayStillHappen } });
  }
  if (err instanceof NotFoundError) return problem(404, 'not-found', 'Not found', { detail: err.message, instance });
  if (err instanceof UnauthorizedError) return problem(401, 'unauthorized', 'Sign in required', { detail: err.message, instance });
  if (err instanceof ForbiddenError) return problem(403, 'forbidden', 'Not allowed', { detail: err.message, instance });
  if (err instanceof ConflictError) {
    return problem(409, 'conflict', 'Not possible in the current state', { detail: err.message, instance, ...(err.details === undefined ? {} : { context: err.details }) });
  }
  if (err instanceof ValidationError) {
    return problem(422, 'validation', 'The request is not valid', {
      detail: `${err.field}: ${err.message}`,
      errors: [{ pointer: `/body/${err.field.replaceAll('.', '/')}`, detail: err.message }],
      instance,
    });
  }
  const status = err.statusCode ?? 500;
  if (status >= 500) return problem(500, 'internal', 'Internal error', { detail: 'the server could not complete the request; it has been logged', instance });
  const slug = status === 404 ? 'not-found' : status === 413 ? 'too-large' : status === 415 ? 'unsupported-media-type' : status === 429 ? 'too-many-requests' : 'bad-request';
  return problem(status, slug, err.name.replace(/Error$/, '') || 'Bad request', { detail: err.body?.message ?? err.message, instance });
}
