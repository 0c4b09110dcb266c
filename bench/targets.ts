/**
 * Issue #13's targets, each judged pass or short from a run's figures, with by how much. Pure:
 * the figures come in, verdicts go out (test/unit/bench-targets.test.ts).
 */

/** Which bare-Temporal call a comparison's baseline is. */
export type BaselineKind = 'start' | 'start+activity' | 'update' | 'update+activity' | 'echo' | 'timer';

/** The parts of a comparison the targets read (phases.ts Comparison has them all). */
export interface ComparedFigures {
  readonly database: string;
  readonly benchmark: string;
  readonly concurrency: number;
  readonly baselineKind: BaselineKind | undefined;
  readonly app: Figures;
  readonly baseline: Figures;
}

export interface Figures {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export interface MemoryFigures {
  readonly database: string;
  /** The largest open-case count both sides reached. */
  readonly cases: number;
  readonly appBytesPerCase: number;
  readonly baselineBytesPerCase: number;
}

export interface ScaleFigures {
  /** Each process's share of the work, 0…1, e.g. { 'server 1': 0.52, 'server 2': 0.48, 'worker 1': … }. */
  readonly shares: Readonly<Record<string, number>>;
  /** 2+2 ÷ 1+1 throughput (cases opened per second). */
  readonly throughputRatio: number;
}

export interface TargetVerdict {
  readonly target: string;
  readonly where: string;
  /** The measured figure, and the limit it is held to, in the same unit. */
  readonly measured: number;
  readonly limit: number;
  readonly unit: 'ratio' | 'ms' | 'share';
  /** 'at least': measured ≥ limit passes; 'at most': measured ≤ limit passes. */
  readonly sense: 'at least' | 'at most';
  readonly pass: boolean;
  /** "1.3× under the limit" / "short by 42%" / "missing: …". */
  readonly by: string;
}

export const TARGETS = {
  openingThroughput: 0.5,
  openingP99: 3,
  actionP50: 2,
  botP50UpdateFactor: 1.5,
  botP99Ms: 1_000,
  slaP99: 1.5,
  slaP99Ms: 1_000,
  memoryPerCase: 1.5,
  shareLow: 0.35,
  shareHigh: 0.65,
  scaleThroughput: 1,
} as const;

const percent = (x: number): string => `${Math.round(x * 100)}%`;

/** How far a figure is from its limit, in words a reader of the table understands. */
export function describeMargin(measured: number, limit: number, sense: 'at least' | 'at most'): string {
  if (!Number.isFinite(measured)) return 'not measured';
  if (sense === 'at most') {
    if (measured <= limit) return limit === 0 ? 'at the limit' : `${percent(1 - measured / limit)} below the limit`;
    return limit === 0 ? `over by ${measured}` : `over by ${percent(measured / limit - 1)} (needs ${(measured / limit).toFixed(2)}× less)`;
  }
  if (measured >= limit) return limit === 0 ? 'at the limit' : `${percent(measured / limit - 1)} above the limit`;
  return measured <= 0 ? 'none measured' : `short by ${percent(1 - measured / limit)} (needs ${(limit / measured).toFixed(2)}× more)`;
}

export function verdict(target: string, where: string, measured: number, limit: number, sense: 'at least' | 'at most', unit: TargetVerdict['unit']): TargetVerdict {
  const pass = Number.isFinite(measured) && (sense === 'at most' ? measured <= limit : measured >= limit);
  return { target, where, measured, limit, unit, sense, pass, by: describeMargin(measured, limit, sense) };
}

const where = (c: { database: string; concurrency: number }): string => `${c.database} c=${c.concurrency}`;

/** Every target the run measured enough for; a target with nothing measured is left out (the report says what was not run). */
export function evaluateTargets(input: { comparisons: readonly ComparedFigures[]; memory?: readonly MemoryFigures[]; scale?: ScaleFigures | undefined }): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const find = (database: string, benchmark: string, concurrency: number, kind: BaselineKind): ComparedFigures | undefined =>
    input.comparisons.find((c) => c.database === database && c.benchmark === benchmark && c.concurrency === concurrency && c.baselineKind === kind);

  for (const c of input.comparisons) {
    if (c.benchmark === 'case opening' && c.baselineKind === 'start') {
      verdicts.push(verdict('case opening throughput ≥ 0.5× bare start', where(c), c.app.perSecond / c.baseline.perSecond, TARGETS.openingThroughput, 'at least', 'ratio'));
      verdicts.push(verdict('case opening p99 ≤ 3× bare start p99', where(c), c.app.p99 / c.baseline.p99, TARGETS.openingP99, 'at most', 'ratio'));
    }
    if ((c.benchmark === 'case action (customer note)' || c.benchmark === 'case action (agent reply)') && c.baselineKind === 'update') {
      const action = c.benchmark === 'case action (agent reply)' ? 'agent reply' : 'customer note';
      verdicts.push(verdict('case action p50 ≤ 2× bare Update p50', `${where(c)}, ${action}`, c.app.p50 / c.baseline.p50, TARGETS.actionP50, 'at most', 'ratio'));
    }
    if ((c.benchmark === 'bot turn (status)' || c.benchmark === 'bot turn (take next)') && c.baselineKind === 'echo') {
      const turn = c.benchmark === 'bot turn (take next)' ? 'take next' : 'status';
      const update = find(c.database, 'case action (customer note)', c.concurrency, 'update');
      if (update) {
        const limit = c.baseline.p50 + TARGETS.botP50UpdateFactor * update.baseline.p50;
        verdicts.push(verdict('bot turn p50 ≤ echo p50 + 1.5× bare Update p50', `${where(c)}, ${turn}`, c.app.p50, limit, 'at most', 'ms'));
      }
      verdicts.push(verdict('bot turn p99 ≤ 1 s', `${where(c)}, ${turn}`, c.app.p99, TARGETS.botP99Ms, 'at most', 'ms'));
    }
    if (c.benchmark === 'SLA warning lateness' && c.baselineKind === 'timer') {
      verdicts.push(verdict('SLA warning lateness p99 ≤ 1.5× bare timer p99', where(c), c.app.p99 / c.baseline.p99, TARGETS.slaP99, 'at most', 'ratio'));
      verdicts.push(verdict('SLA warning lateness p99 < 1 s', where(c), c.app.p99, TARGETS.slaP99Ms, 'at most', 'ms'));
    }
  }
  for (const m of input.memory ?? []) {
    verdicts.push(
      verdict('worker memory per cached case ≤ 1.5× a no-op workflow', `${m.database} ${m.cases} cases`, m.appBytesPerCase / m.baselineBytesPerCase, TARGETS.memoryPerCase, 'at most', 'ratio'),
    );
  }
  if (input.scale) {
    for (const [process, share] of Object.entries(input.scale.shares)) {
      // One verdict a process, held to the bound it is nearer to.
      const low = share < (TARGETS.shareLow + TARGETS.shareHigh) / 2;
      verdicts.push(verdict('2+2: each process takes 35–65% of its kind\'s work', process, share, low ? TARGETS.shareLow : TARGETS.shareHigh, low ? 'at least' : 'at most', 'share'));
    }
    verdicts.push(verdict('2+2 not slower than 1+1 (throughput ratio ≥ 1)', 'postgres', input.scale.throughputRatio, TARGETS.scaleThroughput, 'at least', 'ratio'));
  }
  return verdicts;
}
