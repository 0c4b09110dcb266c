import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';

/** One measured load: how many operations, how fast, and the latency percentiles (hdr-histogram-js). */
export interface Measurement {
  /** Every operation, answered or failed; the latencies and the rate are of the successful ones only. */
  readonly count: number;
  readonly failures: number;
  /** Answers that are not the expected one but not errors either (e.g. 202 "still opening"). */
  readonly other: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Status codes of the HTTP answers, or error names of the bare calls. */
  readonly outcomes: Record<string, number>;
}

export interface LoadLimits {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly maxCount: number;
  /** Requests per second over all connections (autocannon's overallRate); unset: as fast as answers come. */
  readonly ratePerSecond?: number;
  /** Called about once a second with the operations done so far. */
  readonly onProgress?: (done: number, elapsedMs: number) => void;
}

/** Latencies in microseconds, up to 10 minutes, three significant digits. */
function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

function summarize(histogram: hdr.Histogram, seconds: number, failures: number, other: number, outcomes: Record<string, number>): Measurement {
  const ms = (percentile: number): number => histogram.getValueAtPercentile(percentile) / 1_000;
  return {
    count: histogram.totalCount + failures + other,
    failures,
    other,
    seconds,
    perSecond: seconds > 0 ? histogram.totalCount / seconds : 0,
    latencyMs: { p50: ms(50), p95: ms(95), p99: ms(99), max: histogram.maxValue / 1_000, mean: histogram.mean / 1_000 },
    outcomes,
  };
}

/**
 * `concurrency` callers, each calling `operation(caller)` again as soon as the last call returns,
 * until the time or the count is up. The bare-Temporal baselines run through this.
 */
export async function runCalls(limits: LoadLimits, operation: (caller: number) => Promise<unknown>): Promise<Measurement> {
  const histogram = newHistogram();
  const outcomes: Record<string, number> = {};
  let started = 0;
  let failures = 0;
  const begin = performance.now();
  const ticker = setInterval(() => limits.onProgress?.(histogram.totalCount + failures, performance.now() - begin), 1_000);
  const caller = async (index: number): Promise<void> => {
    while (performance.now() - begin < limits.durationMs && started < limits.maxCount) {
      started += 1;
      const t0 = performance.now();
      let outcome = 'ok';
      try {
        await operation(index);
        histogram.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1_000)));
      } catch (error) {
        failures += 1;
        outcome = error instanceof Error ? error.name : 'error';
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: limits.concurrency }, (_, index) => caller(index)));
  } finally {
    clearInterval(ticker);
  }
  const result = summarize(histogram, (performance.now() - begin) / 1_000, failures, 0, outcomes);
  histogram.destroy();
  return result;
}

export interface HttpLoad {
  readonly url: string;
  readonly method: 'POST' | 'GET';
  /** The path and body of a connection's next request; `connection` numbers the connections 0…concurrency-1. */
  readonly next: (connection: number) => { path: string; body?: unknown; token: string };
  /** The status that counts as done; other 2xx count as "other", everything else as failures. */
  readonly expectStatus: number;
}

/** HTTP load with autocannon: `concurrency` keep-alive connections, one request in flight on each. */
export async function runHttp(limits: LoadLimits, load: HttpLoad): Promise<Measurement> {
  const histogram = newHistogram();
  const outcomes: Record<string, number> = {};
  let failures = 0;
  let other = 0;
  let connections = 0;
  let answered = 0;
  const begin = performance.now();
  const ticker = setInterval(() => limits.onProgress?.(answered, performance.now() - begin), 1_000);
  let settle: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const instance = autocannon({
    url: load.url,
    connections: limits.concurrency,
    pipelining: 1,
    ...(limits.ratePerSecond ? { overallRate: limits.ratePerSecond } : {}),
    duration: Math.max(1, Math.round(limits.durationMs / 1_000)),
    timeout: 30,
    initialContext: {},
    requests: [
      {
        method: load.method,
        setupRequest: (request, context: { connection?: number }) => {
          context.connection ??= connections++ % limits.concurrency;
          const { path, body, token } = load.next(context.connection);
          return {
            ...request,
            path,
            headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          };
        },
      },
    ],
  }, (error: unknown, result) => (error ? fail(error) : settle(result)));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    answered += 1;
    outcomes[statusCode] = (outcomes[statusCode] ?? 0) + 1;
    // autocannon ignores its duration when given an amount: stop at the cap here instead.
    if (answered === limits.maxCount) instance.stop();
    if (statusCode === load.expectStatus) {
      histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1_000)));
      return;
    }
    if (statusCode >= 200 && statusCode < 300) other += 1;
    else failures += 1;
  });
  let result: autocannon.Result;
  try {
    result = await finished;
  } finally {
    clearInterval(ticker);
  }
  const errors = result.errors + result.timeouts;
  if (errors > 0) outcomes['connection errors or timeouts'] = errors;
  const measured = summarize(histogram, (performance.now() - begin) / 1_000, failures + errors, other, outcomes);
  histogram.destroy();
  return measured;
}

/** Latencies measured elsewhere (e.g. timer lateness from histories), in milliseconds, summarized the same way. */
export function measureValues(valuesMs: readonly number[], failures: number, outcomes: Record<string, number>): Measurement {
  const histogram = newHistogram();
  for (const value of valuesMs) histogram.recordValue(Math.max(1, Math.round(value * 1_000)));
  const measured = summarize(histogram, Number.NaN, failures, 0, failures > 0 ? outcomes : {});
  histogram.destroy();
  return { ...measured, perSecond: Number.NaN };
}
