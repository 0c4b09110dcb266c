import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'restify';
import { StartupError } from '../../app/process/lifecycle';
import { close, freePort, listen } from '../../app/process/network';
import { livePidIn, lockDataDir, writePidFile } from '../../app/process/pid-files';
import { startDevServer } from '../../app/temporal/dev-server';

/**
 * Found from outside: `kill -9` of `npm start` left the embedded dev server running, so the next
 * start failed on a taken port; and a second `npm start` on the same DATA_DIR ran happily beside
 * the first, two processes on the same database files.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'caseflow-processes-'));

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('one caseflow per data folder', () => {
  it('a live holder keeps the folder; a dead one\'s lock is taken over', async () => {
    const lockFile = join(dataDir, 'lock-test.pid');
    const holder = spawn('sleep', ['30']);
    try {
      writePidFile(lockFile, holder.pid!);
      expect(lockDataDir(dataDir, lockFile)).toEqual({ heldBy: holder.pid });
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    const lock = lockDataDir(dataDir, lockFile);
    expect('release' in lock).toBe(true);
    expect(livePidIn(lockFile)).toBe(process.pid);
    if ('release' in lock) lock.release();
    expect(livePidIn(lockFile)).toBeNull();
  });
});

describe('the embedded dev server', () => {
  it('left running by a killed caseflow is stopped by the next start, which then starts its own on the same port', async () => {
    const logger = pino({ level: 'silent' });
    const [port, uiPort] = [await freePort(), await freePort()];
    const options = { dataDir, host: '127.0.0.1', port, uiPort, namespace: 'default', logger };
    // The first start's server is never stopped by it: its process "died" (as under kill -9).
    await startDevServer(options);
    const orphan = livePidIn(join(dataDir, 'temporal', 'dev-server.pid'));
    expect(orphan).not.toBeNull();

    const second = await startDevServer(options);
    try {
      expect(livePidIn(join(dataDir, 'temporal', 'dev-server.pid'))).not.toBe(orphan);
      expect(() => process.kill(orphan!, 0)).toThrow();
      expect(second.address).toBe(`127.0.0.1:${port}`);
    } finally {
      await second.stop();
    }
    expect(livePidIn(join(dataDir, 'temporal', 'dev-server.pid'))).toBeNull();
  });
});

describe('a taken port', () => {
  it('is one start-up line naming PORT, not an unhandled restify error event', async () => {
    const first = createServer();
    const port = await freePort();
    await listen(first, '127.0.0.1', port);
    const second = createServer();
    try {
      const refused = await listen(second, '127.0.0.1', port).then(() => undefined, (error: unknown) => error);
      expect(refused).toBeInstanceOf(StartupError);
      expect((refused as Error).message).toBe(`PORT ${port} is already in use on 127.0.0.1: stop what holds it or set PORT`);
    } finally {
      first.close();
    }
  });
});

describe('stopping the HTTP server', () => {
  it('waits for a handler whose client has hung up, so what it uses is not stopped under it', async () => {
    const server = createServer();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let handlerFinished = false;
    let handlerStarted!: () => void;
    const started = new Promise<void>((resolve) => (handlerStarted = resolve));
    server.get('/slow', async (_req, res) => {
      handlerStarted();
      await released; // a database call still running
      handlerFinished = true;
      res.send(200, { ok: true });
    });
    const port = await freePort();
    await listen(server, '127.0.0.1', port);
    const client = new AbortController();
    const request = fetch(`http://127.0.0.1:${port}/slow`, { signal: client.signal }).catch(() => undefined);
    await started;
    client.abort(); // the client hangs up; the handler goes on
    await request;
    let closed = false;
    const closing = close(server, 10_000).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(handlerFinished).toBe(true);
  });
});
