import { describe, expect, it } from 'vitest';
import { describeMargin, evaluateTargets, type ComparedFigures } from '../../bench/targets';

const figures = (perSecond: number, p50: number, p99: number) => ({ perSecond, p50, p99 });
const compared = (benchmark: string, baselineKind: ComparedFigures['baselineKind'], app: ComparedFigures['app'], baseline: ComparedFigures['baseline'], concurrency = 8): ComparedFigures => ({
  database: 'postgres',
  benchmark,
  concurrency,
  baselineKind,
  app,
  baseline,
});

describe("the bench's verdicts on issue #13's targets", () => {
  it('passes case opening at half the bare start rate and fails it below, saying by how much', () => {
    const [throughput, p99] = evaluateTargets({ comparisons: [compared('case opening', 'start', figures(50, 100, 299), figures(100, 10, 100))] });
    expect(throughput).toMatchObject({ pass: true, measured: 0.5, limit: 0.5 });
    expect(p99).toMatchObject({ pass: true, measured: 2.99 });
    const [slow, late] = evaluateTargets({ comparisons: [compared('case opening', 'start', figures(25, 100, 450), figures(100, 10, 100))] });
    expect(slow).toMatchObject({ pass: false, by: 'short by 50% (needs 2.00× more)' });
    expect(late).toMatchObject({ pass: false, by: 'over by 50% (needs 1.50× less)' });
  });

  it('judges only the comparison against the bare start, not the one against start + activity', () => {
    const verdicts = evaluateTargets({ comparisons: [compared('case opening', 'start+activity', figures(1, 1, 1), figures(100, 1, 1))] });
    expect(verdicts).toEqual([]);
  });

  it("holds a bot turn's p50 to the echo bot's plus 1.5 bare Updates at the same concurrency, and its p99 to 1 s", () => {
    const update = compared('case action (customer note)', 'update', figures(10, 30, 60), figures(100, 20, 40));
    const bot = compared('bot turn (status)', 'echo', figures(15, 32, 1_001), figures(15, 2, 5));
    const verdicts = evaluateTargets({ comparisons: [update, bot] });
    expect(verdicts.find((v) => v.target.startsWith('case action'))).toMatchObject({ pass: true, measured: 1.5 });
    expect(verdicts.find((v) => v.target.startsWith('bot turn p50'))).toMatchObject({ pass: true, measured: 32, limit: 32 });
    expect(verdicts.find((v) => v.target.startsWith('bot turn p99'))).toMatchObject({ pass: false, unit: 'ms' });
    // A bot turn at another concurrency has no Update to be measured against: only its p99 is judged.
    const alone = evaluateTargets({ comparisons: [update, { ...bot, concurrency: 1 }] });
    expect(alone.filter((v) => v.target.startsWith('bot'))).toHaveLength(1);
  });

  it("judges an agent's reply against the bare Update as a note is, and says which action each verdict is for", () => {
    const note = compared('case action (customer note)', 'update', figures(10, 30, 60), figures(100, 20, 40));
    const reply = compared('case action (agent reply)', 'update', figures(10, 50, 90), figures(100, 20, 40));
    const verdicts = evaluateTargets({ comparisons: [note, reply] });
    expect(verdicts.map((v) => [v.where, v.measured, v.pass])).toEqual([
      ['postgres c=8, customer note', 1.5, true],
      ['postgres c=8, agent reply', 2.5, false],
    ]);
    // Openings by email or chat are reported beside the bare start, but the targets are POST /cases's.
    expect(evaluateTargets({ comparisons: [compared('case opening by email', 'start', figures(1, 500, 900), figures(100, 10, 20))] })).toEqual([]);
  });

  it('holds SLA lateness to 1.5× the bare timer and under a second', () => {
    const verdicts = evaluateTargets({ comparisons: [compared('SLA warning lateness', 'timer', figures(Number.NaN, 100, 200), figures(Number.NaN, 80, 180), 48)] });
    expect(verdicts.map((v) => v.pass)).toEqual([true, true]);
  });

  it('holds memory per cached case to 1.5× the no-op workflow', () => {
    const [ok] = evaluateTargets({ comparisons: [], memory: [{ database: 'postgres', cases: 2_000, appBytesPerCase: 30_000, baselineBytesPerCase: 20_000 }] });
    expect(ok).toMatchObject({ pass: true, measured: 1.5 });
    const [heavy] = evaluateTargets({ comparisons: [], memory: [{ database: 'postgres', cases: 2_000, appBytesPerCase: 60_000, baselineBytesPerCase: 20_000 }] });
    expect(heavy).toMatchObject({ pass: false, by: 'over by 100% (needs 2.00× less)' });
  });

  it('wants every scaled-out process between 35% and 65%, and 2+2 at least as fast as 1+1', () => {
    const verdicts = evaluateTargets({ comparisons: [], scale: { shares: { 'server 1': 0.7, 'server 2': 0.3, 'worker 1': 0.5 }, throughputRatio: 0.98 } });
    expect(verdicts.map((v) => [v.where, v.pass])).toEqual([
      ['server 1', false],
      ['server 2', false],
      ['worker 1', true],
      ['postgres', false],
    ]);
    expect(verdicts[1]).toMatchObject({ limit: 0.35, sense: 'at least' });
  });

  it('calls an unmeasured figure a miss, not a pass', () => {
    const [throughput] = evaluateTargets({ comparisons: [compared('case opening', 'start', figures(0, Number.NaN, Number.NaN), figures(0, 1, 1))] });
    expect(throughput?.pass).toBe(false);
    expect(describeMargin(Number.NaN, 1, 'at most')).toBe('not measured');
  });
});
