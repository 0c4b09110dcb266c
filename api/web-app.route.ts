import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Next, Request, Response, Server } from 'restify';

/**
 * The web desk (agents' inbox, case pages, the customers' portal), served by the app from its own
 * build (web/desk, built by `npm run build` into dist/desk): no CDN.
 *
 * Its pages share paths with the API (/cases/CAS-01000 is both a page and a resource), so a browser
 * navigation (Accept: text/html) gets the app's index.html and everything else reaches the API.
 */

/** The desk's client-side routes: a reload or a shared link lands on index.html. */
const PAGES = [/^\/$/, /^\/sign-in$/, /^\/inbox$/, /^\/cases\/[A-Z]+-\d+$/, /^\/cases\/[A-Z]+-\d+\/history$/, /^\/admin\/users$/, /^\/portal(\/[A-Za-z0-9/-]*)?$/];
const ASSET = /^\/assets\/[A-Za-z0-9._-]+$/;

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/** dist/desk beside the compiled code (dist/api/…), or under dist/ when running from source (tests). */
export function findDeskBuild(): string | undefined {
  return [join(__dirname, '..', 'desk'), join(__dirname, '..', 'dist', 'desk')].find((dir) => existsSync(join(dir, 'index.html')));
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>caseflow</title></head>
<body><main><h1>The web desk is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>), then reload.</p>
<p>The API is documented at <a href="/docs">/docs</a>; the chat page is at <a href="/chat">/chat</a>.</p></main></body></html>`;

function wantsPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.path();
  return PAGES.some((page) => page.test(path)) && (req.header('accept') ?? '').includes('text/html');
}

/** The file's bytes, or undefined when it is not there (not built yet, or being rebuilt). */
function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

export function registerWebApp(server: Server, options: { readonly buildDir?: string } = {}): void {
  // Looked up on each request: a build finished after the server started is served without a restart.
  const buildDir = (): string | undefined => options.buildDir ?? findDeskBuild();
  server.pre((req: Request, res: Response, next: Next) => {
    const path = req.path();
    const dir = buildDir();
    if (req.method === 'GET' && ASSET.test(path)) {
      const file = dir ? normalize(join(dir, path)) : undefined;
      const bytes = file?.startsWith(join(dir!, 'assets') + sep) ? readIfPresent(file) : undefined;
      if (!bytes) return next();
      // Vite names assets by content hash: they never change, so browsers may keep them.
      res.writeHead(200, { 'content-type': TYPES[extname(file!)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' });
      res.end(bytes);
      return next(false);
    }
    if (!wantsPage(req)) return next();
    const index = dir ? readIfPresent(join(dir, 'index.html')) : undefined;
    res.writeHead(index ? 200 : 503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' });
    res.end(index ?? NOT_BUILT);
    return next(false);
  });
}
