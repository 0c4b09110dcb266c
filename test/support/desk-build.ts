import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the desk's build reads. */
const INPUTS = ['web/desk', 'web/desk/vite.config.mts', 'package-lock.json'];
const OUT = join('dist', 'desk');
const STAMP = join('dist', '.desk-source-hash');
const LOCK = join('dist', '.desk-build.lock');

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules')
    .flatMap((entry) => files(join(path, entry.name)));
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [...new Set(INPUTS.flatMap(files))].sort()) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds the web desk into dist/desk (where the app serves it from) unless it is already built from
 * these very sources. The browser test files run in parallel processes: a lock directory makes the
 * second one wait for the first one's build instead of overwriting the files the first one serves.
 */
export function buildDeskOnce(): void {
  mkdirSync('dist', { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed run: older than any build takes.
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() - started > 300_000) throw new Error(`waited 5 min for another test's desk build (${LOCK})`);
      sleep(500);
    }
  }
  try {
    const hash = sourceHash();
    if (existsSync(join(OUT, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return;
    execFileSync(process.execPath, [join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/desk/vite.config.mts', '--logLevel', 'error'], { stdio: 'inherit' });
    writeFileSync(STAMP, hash);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
