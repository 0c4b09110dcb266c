import type { Request } from 'restify';
import type { Actor, Role } from '../domain/actor';
import { ForbiddenError, UnauthorizedError } from '../services/errors';

/** The authenticated caller, set on the request by the authentication handler (api/auth.ts). */
export type AuthenticatedRequest = Request & { actor?: Actor };

/** The caller, or 401 when the request carries no valid bearer token. */
export function actorOf(req: Request): Actor {
  const actor = (req as AuthenticatedRequest).actor;
  if (!actor) throw new UnauthorizedError('sign in: send "Authorization: Bearer <token>" (POST /auth/token)');
  return actor;
}

/** Every route declares its roles: the caller, or 403 naming the roles allowed. */
export function actorWithRole(req: Request, roles: readonly Role[]): Actor {
  const actor = actorOf(req);
  if (!roles.includes(actor.role)) throw new ForbiddenError(`this needs the role ${roles.join(' or ')} (you are ${actor.role})`);
  return actor;
}
