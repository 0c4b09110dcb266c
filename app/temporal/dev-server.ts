import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { isPortFree } from '../process/network';
import { commandLineOf, livePidIn, removePidFile, removePidFileOf, writePidFile } from '../process/pid-files';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { findTemporalTool } from './tools';
import { StartupError } from '../process/lifecycle';

export interface DevServerOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly uiPort: number;
  readonly namespace: string;
  readonly logger: Logger;
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string;
  stop(): Promise<void>;
}

/**
 * SQLite pragmas for the dev server's file database:
 * - journal_mode=wal: readers no longer block the single writer, which is what makes file mode fast
 *   enough for many concurrent workflows (temporalite#26);
 * - synchronous=normal: with WAL, a power cut can lose the last commits but never corrupts the file;
 *   a crash of the process loses nothing.
 */
const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/** Starts `temporal server start-dev` with a file database under data/, and waits until it answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const { host, port, uiPort, logger } = options;
  const dir = join(options.dataDir, 'temporal');
  const pidFile = join(dir, 'dev-server.pid');
  // A caseflow killed with -9 leaves its dev server running on these files: stop it first (the
  // data folder's lock says no live caseflow uses them).
  await stopOrphan(pidFile, logger);
  for (const [what, p] of [['Temporal dev server port', port], ['Temporal Web UI port', uiPort]] as const) {
    if (!(await isPortFree(host, p))) {
      throw new StartupError(
        `${what} ${host}:${p} is already in use: stop what holds it, or set TEMPORAL_ADDRESS to use a running Temporal server`,
      );
    }
  }
  const binary = findTemporalTool('temporal');
  mkdirSync(dir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', host,
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--db-filename', join(dir, 'temporal.db'),
    '--namespace', options.namespace,
    '--log-level', 'warn',
    ...SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    // The case's search attributes, registered before the server answers (the workflow upserts them).
    ...CASE_SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) writePidFile(pidFile, child.pid);
  let exited = false;
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<void>((resolvePromise) => child.once('exit', () => {
    exited = true;
    removePidFileOf(pidFile, child.pid);
    resolvePromise();
  }));

  const address = `${host}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new StartupError(`The Temporal dev server exited during start-up: ${lastLine(output)}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new StartupError(`The Temporal dev server did not answer on ${address} within 60 s: ${lastLine(output)}`);
      }
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 250));
    }
  }
  logger.info({ address, database: join(dir, 'temporal.db') }, 'Temporal dev server started');
  return {
    address,
    uiUrl: `http://${host}:${uiPort}`,
    stop: () => stopChild(child, exit, () => exited),
  };
}

async function stopChild(child: ChildProcess, exit: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (hasExited()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exit;
  clearTimeout(timer);
}

/** Stops a dev server a previous, killed caseflow left running (by its pid file), if it is still one. */
async function stopOrphan(pidFile: string, logger: Logger): Promise<void> {
  const pid = livePidIn(pidFile);
  if (pid === null) return removePidFile(pidFile);
  if (!/temporal.*start-dev/.test(commandLineOf(pid))) return removePidFile(pidFile);
  logger.warn({ pid }, 'stopping a Temporal dev server left running by a previous caseflow');
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; livePidIn(pidFile) !== null; waited += 100) {
    if (waited >= 10_000) process.kill(pid, 'SIGKILL');
    if (waited >= 15_000) throw new StartupError(`A Temporal dev server left running (pid ${pid}) does not stop: kill it, then start again`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
  removePidFile(pidFile);
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '(no output)';
}
