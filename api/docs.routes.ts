import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Next, Request, Response, Server } from 'restify';
import { z } from 'zod';
import { authRouteDeclarations } from './auth.docs';
import { caseEventsDeclaration } from './case-events.route';
import { caseListEventsDeclaration } from './case-list-events.route';
import { healthRouteDeclaration } from './health.route';
import type { RouteDeclaration, RouteDefinition } from './route';
import { openApiDocument } from './openapi';
import { problem, sendProblem } from './problem';

const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

/** A page that renders the OpenAPI document with Swagger UI, served from the package: no CDN. */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>caseflow API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true });
  </script>
</body>
</html>`;

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

const html = 'text/html';

/** The docs routes as the document describes them (registered by hand below). */
export const docsRouteDeclarations: readonly RouteDeclaration[] = [
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'Docs',
    summary: 'This OpenAPI 3.1 document, generated from the route declarations',
    roles: 'public',
    responses: { 200: { description: 'The document', schema: z.record(z.string(), z.unknown()) } },
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'Docs',
    summary: 'Swagger UI on this document (sign in with POST /auth/token, then Authorize)',
    roles: 'public',
    responses: { 200: { description: 'The page', mediaType: html } },
  },
  {
    method: 'get',
    path: '/docs/assets/{file}',
    tag: 'Docs',
    summary: "Swagger UI's script and style sheet, served from the installed package",
    roles: 'public',
    params: z.object({ file: z.enum(['swagger-ui.css', 'swagger-ui-bundle.js']) }),
    responses: { 200: { description: 'The file: text/css or application/javascript', mediaType: '*/*' } },
  },
];

/**
 * The routes registered by hand rather than through registerRoutes: sign-in (api/auth.ts), health
 * and the docs. The document and the authorization matrix take them with the declared routes.
 */
export const handRegisteredRoutes: readonly RouteDeclaration[] = [...authRouteDeclarations, healthRouteDeclaration, ...docsRouteDeclarations, caseListEventsDeclaration, caseEventsDeclaration];

/** GET /openapi.json (the document, generated from the routes' zod schemas) and GET /docs. */
export function registerDocsRoutes(server: Server, routes: readonly RouteDefinition[], version: string): void {
  const document = JSON.stringify(openApiDocument([...handRegisteredRoutes, ...routes], { version }));
  server.get('/openapi.json', (_req: Request, res: Response, next: Next) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(document);
    next();
  });
  server.get('/docs', (_req: Request, res: Response, next: Next) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(DOCS_PAGE);
    next();
  });
  server.get('/docs/assets/:file', (req: Request, res: Response, next: Next) => {
    const file = String((req.params as Record<string, string>).file);
    const type = ASSETS[file];
    if (!type) {
      sendProblem(res, problem(404, 'not-found', 'Not found', { detail: `no asset ${file}: ${Object.keys(ASSETS).join(' or ')}` }));
      next();
      return;
    }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
    res.end(readFileSync(join(swaggerUiDir, file)));
    next();
  });
}
