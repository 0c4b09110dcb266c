import { sleep } from './processes';

/**
 * The soak's HTTP client, as a well-behaved API client: it retries a 503 after its Retry-After with
 * the same Idempotency-Key, and nothing else. Every response is counted by phase and status; every
 * answer the API must never give (a 5xx other than 503, a 503 without Retry-After, a 4xx the
 * caller did not expect, no answer at all) is kept as a violation.
 */

export interface Violation {
  readonly phase: string;
  readonly request: string;
  readonly problem: string;
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly retryAfter: string | null;
  /** From the first attempt to this answer, retries and their waits included. */
  readonly ms: number;
  /** How many 503s were retried before it. */
  readonly retries: number;
}

/** What a problem+json body says (its detail, else its title), or ''. */
export function detailOf(body: Record<string, unknown>): string {
  const said = body.detail ?? body.title;
  return typeof said === 'string' ? said : '';
}

export class Traffic {
  /** phase → status ("no answer" for a request that got none) → count. */
  readonly statuses: Record<string, Record<string, number>> = {};
  /** phase → the latency of each operation (first attempt to final answer, a create until its case is recorded), ms. */
  readonly latencies: Record<string, number[]> = {};
  readonly violations: Violation[] = [];

  count(phase: string, status: number | 'no answer'): void {
    const byStatus = (this.statuses[phase] ??= {});
    byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
  }

  latency(phase: string, ms: number): void {
    (this.latencies[phase] ??= []).push(ms);
  }

  violation(phase: string, request: string, problem: string): void {
    this.violations.push({ phase, request, problem });
  }

  /** Totals over every phase: 2xx, 409, 422, 503 and everything else. */
  totals(phase?: string): Record<string, number> {
    const totals: Record<string, number> = { '2xx': 0, '409': 0, '422': 0, '503': 0, other: 0 };
    for (const [name, byStatus] of Object.entries(this.statuses)) {
      if (phase !== undefined && name !== phase) continue;
      for (const [status, n] of Object.entries(byStatus)) {
        const key = /^2\d\d$/.test(status) ? '2xx' : status in totals ? status : 'other';
        totals[key] = (totals[key] ?? 0) + n;
      }
    }
    return totals;
  }
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** The Idempotency-Key: the same on every retry. */
  readonly key?: string;
  /** Statuses besides 2xx that this call may rightly get (409 for a real conflict, 422 for bad input). */
  readonly expect?: readonly number[];
  /** One attempt only (a probe during an outage): a 503 is returned, not retried. */
  readonly once?: boolean;
  /** Not a latency sample of its own (a poll that is part of a longer operation). */
  readonly unmeasured?: boolean;
}

export class SoakClient {
  constructor(
    readonly baseUrl: string,
    readonly traffic: Traffic,
    /** No operation retries past this instant (epoch ms): the soak's own deadline. */
    private readonly deadline: number,
    private readonly attemptTimeoutMs = 60_000,
  ) {}

  async call(phase: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const request = `${method} ${path}`;
    const started = Date.now();
    let retries = 0;
    for (;;) {
      let response: Response;
      try {
        response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...(options.key ? { 'idempotency-key': options.key } : {}),
          },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          // Never past the soak's deadline: a request that hangs fails the run in time, with a message.
          signal: AbortSignal.timeout(Math.max(1_000, Math.min(this.attemptTimeoutMs, this.deadline - Date.now()))),
        });
      } catch (error) {
        this.traffic.count(phase, 'no answer');
        this.traffic.violation(phase, request, `no answer: ${(error as Error).message}`);
        if (options.once || Date.now() + 1_000 > this.deadline) throw new Error(`${request}: no answer (${(error as Error).message})`, { cause: error });
        await sleep(1_000);
        retries += 1;
        continue;
      }
      const status = response.status;
      this.traffic.count(phase, status);
      const text = await response.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = { text };
      }
      const retryAfter = response.headers.get('retry-after');
      const answer = (): Answer => ({ status, body, retryAfter, ms: Date.now() - started, retries });
      if (status === 503) {
        const seconds = Number(retryAfter);
        if (!(retryAfter !== null && Number.isFinite(seconds) && seconds >= 0)) this.traffic.violation(phase, request, `503 without a usable Retry-After (${String(retryAfter)})`);
        if (options.once) return answer();
        const wait = Math.max(1, Number.isFinite(seconds) ? seconds : 1) * 1_000;
        if (Date.now() + wait > this.deadline) throw new Error(`${request}: still 503 when the soak's time ran out (${detailOf(body)})`);
        await sleep(wait);
        retries += 1;
        continue;
      }
      const expected = (status >= 200 && status < 300) || (options.expect ?? []).includes(status);
      if (!expected) this.traffic.violation(phase, request, `${status}: ${(detailOf(body) || text).slice(0, 300)}`);
      if (!options.once && !options.unmeasured) this.traffic.latency(phase, Date.now() - started);
      return answer();
    }
  }
}
