import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Pid files: who holds the data folder, and which dev server a start left running. A `kill -9`
 * of caseflow leaves both behind; the next start checks them instead of failing on a taken port
 * (or, worse, running a second instance on the same files).
 */

/** The pid recorded in `file`, if that process is still alive. */
export function livePidIn(file: string): number | null {
  let pid: number;
  try {
    pid = Number((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, but not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/** The process's command line (Linux), or '' where it cannot be read. */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

export function writePidFile(file: string, pid: number): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid, startedAt: new Date().toISOString() }));
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

/** Removes the pid file only if it still names `pid` (a later process may have written its own). */
export function removePidFileOf(file: string, pid: number | undefined): void {
  try {
    if (Number((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid) === pid) removePidFile(file);
  } catch {
    // No file, or not ours to read: nothing to remove.
  }
}

/**
 * Claims the data folder for this process: one caseflow (all-in-one) per DATA_DIR, since PGlite and
 * the dev server's SQLite file each take one process. Returns the release function, or the pid of
 * the live process that holds it.
 */
export function lockDataDir(dataDir: string, lockFile = `${dataDir}/caseflow.pid`): { release: () => void } | { heldBy: number } {
  const holder = livePidIn(lockFile);
  if (holder !== null && holder !== process.pid) return { heldBy: holder };
  writePidFile(lockFile, process.pid);
  return {
    release: () => {
      if (livePidIn(lockFile) === process.pid) removePidFile(lockFile);
    },
  };
}
