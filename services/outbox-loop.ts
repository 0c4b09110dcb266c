import type { Logger } from 'pino';

export interface OutboxDeliverer {
  deliverPending(limit: number): Promise<{ readonly delivered: number; readonly failed: number }>;
}

/**
 * Polls an outbox deliverer: a full batch is followed at once by the next, otherwise it waits
 * `intervalMs`. `stop()` ends it after the batch in flight.
 */
export function startOutboxLoop(options: {
  readonly name: string;
  readonly delivery: OutboxDeliverer;
  readonly logger: Pick<Logger, 'error'>;
  readonly intervalMs?: number;
  readonly batchSize?: number;
}): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 5_000;
  const batchSize = options.batchSize ?? 20;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const running = (async () => {
    while (!stopped) {
      let full = false;
      try {
        const report = await options.delivery.deliverPending(batchSize);
        full = report.delivered + report.failed >= batchSize;
      } catch (error) {
        options.logger.error({ err: error }, `${options.name} run failed`);
      }
      if (stopped) break;
      if (!full) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, intervalMs);
        });
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await running;
    },
  };
}
