import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';

const gzipAsync = promisify(gzip);

/** web/ at the repository root: one level up from bot/ under vitest, two from dist/bot/ when built. */
function findWebDir(): string {
  const candidates = [resolve(__dirname, '..', 'web'), resolve(__dirname, '..', '..', 'web')];
  return candidates.find((dir) => existsSync(join(dir, 'chat.html'))) ?? candidates[0]!;
}

/** The UMD bundle of the installed botframework-webchat (its package exports hide dist/, so go from its main file). */
function webChatBundlePath(): string {
  const main = createRequire(__filename).resolve('botframework-webchat');
  return join(dirname(main), '..', 'dist', 'webchat.js');
}

/**
 * Web Chat is served by the app (no CDN is reachable, and the page must work offline): scripts from
 * this origin only; inline styles, which Web Chat injects; the Direct Line websocket to this origin.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

interface Asset {
  readonly body: Buffer;
  readonly gzipped?: Buffer;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}

function send(req: Request, res: Response, asset: Asset, headers: Record<string, string>): void {
  const useGzip = asset.gzipped !== undefined && /\bgzip\b/.test(req.header('accept-encoding') ?? '');
  const body = useGzip ? asset.gzipped : asset.body;
  res.writeHead(200, {
    ...headers,
    'content-length': String(body.length),
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...(useGzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(body);
}

export interface WebChatOptions {
  /** Folder holding chat.html; found next to the code by default. */
  readonly webDir?: string;
}

/**
 * GET /chat: the customer chat page (web/chat.html), Bot Framework Web Chat talking to the app's own
 * Direct Line endpoint (bot/direct-line). GET /assets/webchat.js: the Web Chat bundle from
 * node_modules (3.9 MB, gzipped once in memory on first request).
 */
export function registerWebChat(server: Server, options: WebChatOptions = {}): void {
  const webDir = options.webDir ?? findWebDir();
  const page = once(async (): Promise<Asset> => ({ body: await readFile(join(webDir, 'chat.html')) }));
  const bundle = once(async (): Promise<Asset> => {
    const body = await readFile(webChatBundlePath());
    return { body, gzipped: await gzipAsync(body) };
  });

  server.get('/chat', async (req, res) => {
    send(req, res, await page(), {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'referrer-policy': 'no-referrer',
    });
  });

  server.get('/assets/webchat.js', async (req, res) => {
    send(req, res, await bundle(), {
      'content-type': 'application/javascript; charset=utf-8',
      // Same URL for every Web Chat version: cached for an hour, not forever.
      'cache-control': 'public, max-age=3600',
    });
  });
}
