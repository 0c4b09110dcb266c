import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Next, Request, Response, Server } from 'restify';
import type { RouteDefinition } from './route';
import { openApiDocument } from './openapi';

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

/** GET /openapi.json (the document, generated from the routes' zod schemas) and GET /docs. */
export function registerDocsRoutes(server: Server, routes: readonly RouteDefinition[], version: string): void {
  const document = JSON.stringify(openApiDocument(routes, { version }));
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
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      next();
      return;
    }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
    res.end(readFileSync(join(swaggerUiDir, file)));
    next();
  });
}
