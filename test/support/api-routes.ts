import { handRegisteredRoutes } from '../../api/docs.routes';
import type { RouteDeclaration } from '../../api/route';
import { apiRouteDefinitions } from '../../app/wiring/http.wiring';
import type { AppServices } from '../../app/wiring/services.wiring';

/**
 * Every route the HTTP app serves with a declaration: the routes it registers through
 * registerRoutes (the same list app/wiring/http.wiring.ts registers) and those registered by hand
 * (sign-in, health, docs). Only the declarations are read, so the services behind them are empty.
 */
export function servedRoutes(): RouteDeclaration[] {
  const unused = new Proxy({}, { get: () => ({}) }) as AppServices;
  return [...handRegisteredRoutes, ...apiRouteDefinitions(unused)];
}

export const routeKey = (route: Pick<RouteDeclaration, 'method' | 'path'>): string => `${route.method.toUpperCase()} ${route.path}`;
