import { join } from 'node:path';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';

/**
 * The baselines' worker, in a process of its own as the app's worker is: the no-op workflows of
 * bench/workflows and a no-op activity. Prints "baseline worker ready" once it polls. Optional:
 * BENCH_MAX_CACHED_WORKFLOWS (the workflow cache, as the memory benchmark sets the app's) and
 * BENCH_METRICS_PORT (the SDK's Prometheus metrics, named as the app worker's are).
 */
async function main(): Promise<void> {
  const address = required('TEMPORAL_ADDRESS');
  const namespace = required('TEMPORAL_NAMESPACE');
  const taskQueue = required('TEMPORAL_TASK_QUEUE');
  const maxCached = process.env.BENCH_MAX_CACHED_WORKFLOWS;
  const metricsPort = process.env.BENCH_METRICS_PORT;
  if (metricsPort) {
    Runtime.install({
      telemetryOptions: {
        metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}`, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true } },
      },
    });
  }
  const { code } = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'workflows'), logger: quietBundler });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: { code },
    activities: { noop: () => Promise.resolve() },
    ...(maxCached ? { maxCachedWorkflows: Number(maxCached) } : {}),
  });
  const running = worker.run();
  process.stdout.write('baseline worker ready\n');
  process.once('SIGTERM', () => worker.shutdown());
  await running;
  await connection.close();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

const ignore = (): void => undefined;
const quietBundler = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (message: string) => console.error(message) };

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
