/** Reading a worker's Prometheus endpoint (the Temporal SDK's own metrics, TEMPORAL_WORKER_METRICS_PORT). */

/** Workflows the worker holds in its cache (sticky cache). */
export const STICKY_CACHE_SIZE = 'temporal_sticky_cache_size';
/** Workflow tasks and activity tasks the worker has run (histogram counts). */
export const WORKFLOW_TASKS_RUN = 'temporal_workflow_task_execution_latency_seconds_count';
export const ACTIVITIES_RUN = 'temporal_activity_execution_latency_seconds_count';

const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/;

/** The sum of every series of `name` in a Prometheus text exposition (0 when it has none yet). */
export function sumSamples(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match?.[1] !== name) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

export async function readMetric(url: string, name: string): Promise<number> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return sumSamples(await response.text(), name);
}
