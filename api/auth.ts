import restify, { type Next, type Request, type RequestHandler, type Response, type Server } from 'restify';
import { z } from 'zod';
import type { Actor } from '../domain/actor';
import { SignInLockedError, type AuthService } from '../services/auth.service';
import { UnauthorizedError } from '../services/errors';
import { actorOf, type AuthenticatedRequest } from './auth-context';
import { problem, sendProblem } from './problem';
import { parseOrProblem } from './validation';

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

export interface AuthenticatorOptions {
  /**
   * Paths that carry a channel's own tokens, checked by that channel (Direct Line, its connector,
   * /api/messages); the wiring that mounts the channel says which.
   */
  readonly channelAuthorized?: (path: string) => boolean;
}

/**
 * Sets the caller from `Authorization: Bearer <token>`. No header: the request goes on anonymous and
 * each route decides (actorOf / actorWithRole answer 401). Any other scheme, or a token that is not
 * valid: 401, before any route runs.
 */
export function createAuthenticator(auth: AuthService, options: AuthenticatorOptions = {}): RequestHandler {
  const channelAuthorized = options.channelAuthorized ?? (() => false);
  return async function authenticate(req: Request, res: Response): Promise<void> {
    const header = req.header('authorization');
    if (header === undefined || header === '') return;
    if (channelAuthorized(req.path())) return;
    let actor: Actor;
    try {
      const token = BEARER.exec(header)?.[1];
      if (!token) throw new UnauthorizedError('the Authorization header must be "Bearer <token>" (POST /auth/token)');
      actor = await auth.verify(token);
    } catch (err) {
      // RFC 6750 §3: say which scheme is expected and that the credentials sent were refused.
      if (err instanceof UnauthorizedError) res.header('www-authenticate', 'Bearer realm="caseflow", error="invalid_token"');
      throw err;
    }
    (req as AuthenticatedRequest).actor = actor;
    // restify's throttle keys its per-user buckets on req.username.
    req.username = actor.userId;
  };
}

const requiredString = { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : 'must be a string') };
const tokenRequest = z.object({
  username: z.string(requiredString).trim().min(1, 'must not be empty').max(200),
  password: z.string(requiredString).min(1, 'must not be empty').max(1024),
});

/**
 * POST /auth/token signs a user in (429 with Retry-After while the name or the address is locked
 * after failed attempts); GET /auth/me says who the bearer token stands for.
 */
export function registerAuthRoutes(server: Server, auth: AuthService): void {
  server.post('/auth/token', async (req: Request, res: Response) => {
    const body = parseOrProblem(tokenRequest, req.body, 'body');
    if (!body.ok) return sendProblem(res, body.problem);
    let issued;
    try {
      // The connection's own address: a client cannot choose it (X-Forwarded-For it could).
      issued = await auth.issueToken(body.value.username, body.value.password, { remoteAddress: req.socket.remoteAddress });
    } catch (err) {
      if (!(err instanceof SignInLockedError)) throw err;
      // RFC 6585 §4: 429 with Retry-After; the same answer whether or not the password was right.
      res.header('retry-after', String(err.retryAfterSeconds));
      return sendProblem(res, problem(429, 'sign-in-locked', 'Too many failed sign-ins', { detail: err.message, instance: req.path(), context: { retryAfterSeconds: err.retryAfterSeconds } }));
    }
    // RFC 6749 §5.1: a response carrying a token is never cached.
    res.header('cache-control', 'no-store');
    res.header('pragma', 'no-cache');
    res.send(200, issued);
  });

  // Callback style: nothing to await, and restify turns only next(err) or a rejection into a response.
  server.get('/auth/me', (req: Request, res: Response, next: Next) => {
    let actor: Actor;
    try {
      actor = actorOf(req);
    } catch (err) {
      next(err);
      return;
    }
    res.header('cache-control', 'no-store');
    res.send(200, actor);
    next();
  });
}

export interface RateLimitOptions {
  /** Requests a caller may make at once. */
  readonly burst?: number;
  /** Requests per second refilled. */
  readonly rate?: number;
  /**
   * Paths with buckets of their own per client IP and these limits: the Bot Framework's channels
   * post every user's turns from a few addresses, so the per-address limit of people would cap
   * the whole bot near 20 turns/s (measured by npm run bench).
   */
  readonly channels?: { readonly matches: (path: string) => boolean; readonly burst: number; readonly rate: number };
}

/**
 * Token-bucket rate limiting with restify's throttle: one bucket per signed-in user (req.username,
 * set by the authenticator, so it must run after it), and one per client IP for anonymous callers
 * (sign-in attempts among them). Over the limit: restify's TooManyRequestsError, status 429.
 *
 * restify's throttle keys on exactly one of ip, xff and username, and lets a request without that
 * key through unthrottled, so two throttles are combined here.
 */
export function createRateLimiter(options: RateLimitOptions = {}): RequestHandler {
  const limits = { burst: options.burst ?? 50, rate: options.rate ?? 20 };
  const perUser = restify.plugins.throttle({ ...limits, username: true });
  const perIp = restify.plugins.throttle({ ...limits, ip: true });
  const channels = options.channels;
  const perChannelIp = channels && restify.plugins.throttle({ burst: channels.burst, rate: channels.rate, ip: true });
  return function rateLimit(req: Request, res: Response, next: Next): void {
    if (perChannelIp && channels.matches(req.path())) perChannelIp(req, res, next);
    else if (req.username) perUser(req, res, next);
    else perIp(req, res, next);
  };
}
