import os from 'node:os';
import { join } from 'node:path';
import { openLog, type Child } from '../test/soak/processes';
import type { Temporal } from './servers';

/** What the benchmarks that start the app as separate processes (memory, scale, knowledge) share. */
export interface ProcessBenchContext {
  readonly temporal: Temporal;
  readonly adminUrl: string;
  readonly workDir: string;
  readonly quick: boolean;
  /** The whole run's end (ms since the epoch): a benchmark stops early, and says so, rather than pass it. */
  readonly deadline: number;
  /** Undone in reverse order at the end of the run, whatever happens. */
  readonly cleanups: { what: string; run: () => Promise<void> }[];
}

export const logOf = (context: ProcessBenchContext, name: string) => openLog(join(context.workDir, 'logs', `${name}.log`));

/** Stops a child now and forgets its cleanup. */
export async function stopChild(context: ProcessBenchContext, child: Child): Promise<void> {
  const index = context.cleanups.findIndex((cleanup) => cleanup.what === child.name);
  if (index >= 0) context.cleanups.splice(index, 1);
  await child.stop();
}

export function track(context: ProcessBenchContext, child: Child): Child {
  context.cleanups.push({ what: child.name, run: () => child.stop() });
  return child;
}

/** The 1-minute load average, rounded, for the figures measured now (the machine is shared). */
export const loadNow = (): number => Math.round(os.loadavg()[0]! * 100) / 100;
