import pidusage from 'pidusage';

/** A process's resident memory and the CPU time it has used so far (pidusage: /proc on Linux, ps elsewhere). */
export interface ProcessUsage {
  readonly rssBytes: number;
  /** User + system CPU time since the process started, in milliseconds. */
  readonly cpuMs: number;
}

export async function usageOf(pid: number): Promise<ProcessUsage> {
  const stats = await pidusage(pid);
  return { rssBytes: stats.memory, cpuMs: stats.ctime };
}

/** The median RSS of `samples` readings `intervalMs` apart: one reading can catch a GC half done. */
export async function settledRss(pid: number, samples = 5, intervalMs = 1_000): Promise<number> {
  const readings: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    readings.push((await usageOf(pid)).rssBytes);
  }
  return median(readings);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Lets pidusage drop what it keeps between readings. */
export function forgetUsage(): void {
  pidusage.clear();
}

export const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
