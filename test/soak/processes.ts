import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Connection } from '@temporalio/client';
import { findTemporalTool } from '../../app/temporal/tools';

/** The soak's processes: a Temporal dev server on a file database, and the app's server and worker, each a child it can kill. */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined) or the time is up; the error names what was awaited. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message.split('\n')[0]}` : '';
      throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s${why}`);
    }
    await sleep(intervalMs);
  }
}

/** A child process whose output goes to a log file, with the last lines kept for error messages. */
export class Child {
  private readonly process: ChildProcess;
  private tail = '';
  private readonly listeners: ((chunk: string) => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    log: WriteStream,
  ) {
    this.process = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      const text = chunk.toString();
      log.write(text);
      this.tail = (this.tail + text).slice(-4_000);
      for (const listener of this.listeners) listener(text);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
      this.process.once('error', (error) => {
        keep(Buffer.from(`spawn failed: ${error.message}\n`));
        this.done = true;
        resolve({ code: -1, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  lastLines(count = 5): string {
    return this.tail.trim().split('\n').slice(-count).join('\n');
  }

  /** Resolves when the output shows `pattern`; fails if the process exits first or the time is up. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (pattern.test(this.tail)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let seen = this.tail;
      const timer = setTimeout(() => reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs / 1000} s; last output:\n${this.lastLines()}`)), timeoutMs);
      this.listeners.push((chunk) => {
        seen = (seen + chunk).slice(-8_000);
        if (pattern.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before printing ${pattern}; last output:\n${this.lastLines()}`));
      });
    });
  }

  /** Sends the signal and waits for the exit; SIGTERM escalates to SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (this.done) return;
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export function openLog(path: string): WriteStream {
  mkdirSync(dirname(path), { recursive: true });
  return createWriteStream(path, { flags: 'a' });
}

/** `temporal server start-dev` on a fixed port and a file database: stopped and started again, it keeps every workflow and timer. */
export class DevServer {
  private child: Child | undefined;
  readonly address: string;

  constructor(
    private readonly options: { readonly dir: string; readonly port: number; readonly log: WriteStream },
  ) {
    this.address = `127.0.0.1:${options.port}`;
  }

  async start(): Promise<void> {
    mkdirSync(this.options.dir, { recursive: true });
    const args = [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(this.options.port),
      '--headless',
      '--db-filename', join(this.options.dir, 'temporal.db'),
      '--log-level', 'warn',
      '--sqlite-pragma', 'journal_mode=wal',
      '--sqlite-pragma', 'synchronous=normal',
    ];
    this.child = new Child('temporal dev server', findTemporalTool('temporal'), args, { PATH: process.env.PATH, HOME: process.env.HOME }, this.options.log);
    const child = this.child;
    await waitFor(`the Temporal dev server to answer on ${this.address}`, 60_000, async () => {
      if (!child.running) throw new Error(`it exited: ${child.lastLines(2)}`);
      const connection = await Connection.connect({ address: this.address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    });
  }

  get running(): boolean {
    return this.child?.running ?? false;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.child?.stop(signal);
  }
}

/** The worker processes: one at a time, SIGKILLed and started again on demand, restarted when one exits on its own. */
export class Workers {
  current: Child | undefined;
  kills = 0;
  starts = 0;
  phase = 'setup';
  readonly unexpectedExits: { phase: string; code: number | null; signal: string | null }[] = [];
  private readonly expected = new WeakSet<Child>();
  private supervising = true;

  constructor(private readonly spawnWorker: () => Child) {}

  /** Starts a worker; one that exits on its own is counted and started again a second later. */
  start(): Child {
    const child = this.spawnWorker();
    this.starts += 1;
    this.current = child;
    void child.exited.then(({ code, signal }) => {
      if (this.expected.has(child) || this.current !== child) return;
      this.unexpectedExits.push({ phase: this.phase, code, signal });
      setTimeout(() => {
        if (this.supervising && this.current === child) this.start();
      }, 1_000);
    });
    return child;
  }

  async kill(): Promise<void> {
    const child = this.current;
    if (!child) return;
    this.expected.add(child);
    await child.stop('SIGKILL');
    this.kills += 1;
    this.start();
  }

  /** SIGKILLs the worker and starts none: no worker runs until start(). */
  async killAndHold(): Promise<void> {
    const child = this.current;
    if (!child) return;
    this.expected.add(child);
    this.current = undefined;
    await child.stop('SIGKILL');
    this.kills += 1;
  }

  async stop(): Promise<void> {
    this.supervising = false;
    if (this.current) {
      this.expected.add(this.current);
      await this.current.stop('SIGTERM', 5_000);
    }
  }
}
