import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Server } from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../api/server';
import { registerWebApp } from '../../api/web-app.route';
import { close, listen } from '../../app/process/network';

/**
 * The desk's pages share paths with the API (/cases/CAS-01000): a browser navigation gets the
 * app's index.html, an API call the resource. Over real HTTP, with a stand-in build.
 */
const INDEX = '<!doctype html><title>desk</title><div id="root"></div>';
let dir: string;
let servers: Server[] = [];

async function serve(buildDir: string): Promise<string> {
  const server = createApiServer({
    logger: pino({ level: 'silent' }),
    health: {} as never,
    routes: [
      (s) => registerWebApp(s, { buildDir }),
      (s) =>
        s.get('/cases/:caseNumber', (_req, res, next) => {
          res.send(200, { api: true });
          next();
        }),
    ],
  });
  await listen(server, '127.0.0.1', 0);
  servers.push(server);
  return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
}

let url: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'desk-build-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("desk")');
  url = await serve(dir);
});

afterAll(async () => {
  for (const server of servers) await close(server);
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

const page = (path: string, base = url) => fetch(`${base}${path}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });

describe('the web desk served by the app', () => {
  it('answers a browser navigation to any desk page with index.html', async () => {
    for (const path of ['/', '/sign-in', '/inbox', '/cases/CAS-01000', '/portal', '/portal/cases/CAS-01000']) {
      const response = await page(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain('text/html');
      expect(await response.text(), path).toBe(INDEX);
    }
  });

  it('leaves API calls to the API, on the same paths', async () => {
    const response = await fetch(`${url}/cases/CAS-01000`, { headers: { accept: 'application/json' } });
    expect(await response.json()).toEqual({ api: true });
    const bare = await fetch(`${url}/cases/CAS-01000`);
    expect(await bare.json()).toEqual({ api: true });
  });

  it('serves the built assets, and nothing outside them', async () => {
    const asset = await fetch(`${url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/assets/..%2Findex.html`)).status).toBe(404);
  });

  it('says how to build the desk when it is not built', async () => {
    const base = await serve(join(dir, 'no-such-build'));
    const response = await page('/inbox', base);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
  });
});
