import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './measure';
import type { KnowledgeReport } from './knowledge';
import type { MemoryReport } from './memory';
import type { PhaseResults } from './phases';
import type { ScaleReport } from './scale';
import type { TargetVerdict } from './targets';

/** The bench's answer: a table on stdout and the whole run as JSON in bench/results/. */

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly freeMemoryGiBAtStart: number;
  readonly loadAverageAtStart: readonly number[];
  readonly node: string;
  readonly platform: string;
  readonly temporalCli: string;
}

export interface BenchReport extends PhaseResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly mode: 'quick' | 'full';
  readonly machine: Machine;
  readonly settings: {
    readonly durationSeconds: number;
    readonly maxCount: number;
    readonly concurrencies: readonly number[];
    readonly slaCases: number;
    readonly maxMinutes: number;
    readonly databases: readonly string[];
    readonly benchmarks: readonly string[];
  };
  readonly notDone: readonly { readonly benchmark: string; readonly why: string }[];
  readonly note: string;
  readonly memory?: MemoryReport | undefined;
  readonly scale?: ScaleReport | undefined;
  readonly knowledge?: KnowledgeReport | undefined;
  /** Issue #13's targets, pass or short (targets.ts). */
  readonly targets: readonly TargetVerdict[];
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const latencies = (m: Measurement): string => `${fixed(m.latencyMs.p50)} / ${fixed(m.latencyMs.p95)} / ${fixed(m.latencyMs.p99)}`;
const outcomeText = (m: Measurement): string =>
  m.failures + m.other === 0 ? '' : Object.entries(m.outcomes).map(([what, count]) => `${what}×${count}`).join(' ');

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    '',
    `caseflow bench (${report.mode}), ${report.startedAt}`,
    `machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory (${m.freeMemoryGiBAtStart} GiB free), load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}, node ${m.node}, ${m.platform}, ${m.temporalCli}`,
    `each load: ${report.settings.durationSeconds} s or ${report.settings.maxCount} operations; ratio = app ÷ baseline (throughput: below 1 is slower; latency: above 1 is slower)`,
    '',
  ];
  const header = ['database', 'benchmark', 'c', 'app/s', 'base/s', 'thru ratio', 'app p50/p95/p99 ms', 'base p50/p95/p99 ms', 'p50 ratio', 'p99 ratio', 'load', 'baseline', 'not 2xx/failures'];
  const rows = report.comparisons.map((c) => [
    c.database,
    c.benchmark,
    String(c.concurrency),
    fixed(c.app.measured.perSecond),
    fixed(c.baseline.measured.perSecond),
    fixed(c.ratios.throughput, 3),
    latencies(c.app.measured),
    latencies(c.baseline.measured),
    `${fixed(c.ratios.p50, 2)}×`,
    `${fixed(c.ratios.p99, 2)}×`,
    fixed(c.loadAverage ?? Number.NaN, 2),
    c.baseline.what,
    outcomeText(c.app.measured) || outcomeText(c.baseline.measured),
  ]);
  if (rows.length > 0) lines.push(table([header, ...rows]), '');
  if (report.tasks.length > 0) {
    lines.push('Temporal tasks (from workflow histories):');
    lines.push(
      table([
        ['database', 'what', 'app WFT', 'app activities', 'app events', 'base WFT', 'base activities', 'base events'],
        ...report.tasks.map((t) => [
          t.database,
          t.what,
          fixed(t.app.workflowTasks),
          fixed(t.app.activityTasks),
          fixed(t.app.events),
          fixed(t.baseline.workflowTasks),
          fixed(t.baseline.activityTasks),
          fixed(t.baseline.events),
        ]),
      ]),
      '',
    );
  }
  if (report.memory) lines.push(...formatMemory(report.memory));
  if (report.scale) lines.push(...formatScale(report.scale));
  if (report.knowledge) lines.push(...formatKnowledge(report.knowledge));
  if (report.targets.length > 0) {
    lines.push("Issue #13's targets:");
    lines.push(
      table([
        ['target', 'where', 'measured', 'limit', 'verdict', 'by'],
        ...report.targets.map((t) => [t.target, t.where, figure(t.measured, t.unit), `${t.sense} ${figure(t.limit, t.unit)}`, t.pass ? 'pass' : 'SHORT', t.by]),
      ]),
      '',
    );
  }
  const notes = [...new Set(report.comparisons.flatMap((c) => (c.note ? [`${c.benchmark}: ${c.note}`] : [])))];
  for (const note of notes) lines.push(`note: ${note}`);
  for (const skipped of report.skipped) lines.push(`skipped: ${skipped.database} ${skipped.benchmark} c=${skipped.concurrency}: ${skipped.why}`);
  for (const item of report.notDone) lines.push(`not done: ${item.benchmark}: ${item.why}`);
  lines.push(report.note, '');
  return lines.join('\n');
}

export function writeReport(report: BenchReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}

function figure(value: number, unit: TargetVerdict['unit']): string {
  if (unit === 'ms') return `${fixed(value)} ms`;
  if (unit === 'share') return Number.isFinite(value) ? `${Math.round(value * 100)}%` : '–';
  return `${fixed(value, 2)}×`;
}

const percentiles = (m: Measurement): string => latencies(m);

function formatMemory(memory: MemoryReport): string[] {
  const lines = [
    `Worker memory (postgres; TEMPORAL_MAX_CACHED_WORKFLOWS=${memory.maxCachedWorkflows} for both workers; after warm-up: app worker ${memory.idle.appRssMiB} MiB with ${memory.idle.appCached} cached, no-op worker ${memory.idle.baselineRssMiB} MiB with ${memory.idle.baselineCached}):`,
  ];
  if (memory.points.length > 0) {
    lines.push(
      table([
        ['point', 'app cached', 'app RSS MiB', 'app KiB/case', 'no-op cached', 'no-op RSS MiB', 'no-op KiB/case', 'ratio', 'caches full', 'load'],
        ...memory.points.map((p) => [p.label, String(p.app.cached), fixed(p.app.rssMiB), fixed(p.appKiBPerCase), String(p.baseline.cached), fixed(p.baseline.rssMiB), fixed(p.baselineKiBPerCase), `${fixed(p.ratio, 2)}×`, p.complete ? 'yes' : 'no (backlog)', fixed(p.loadAverage, 2)]),
      ]),
    );
  }
  if (memory.opening) lines.push(`opening the steady cases (c=${memory.settings.steadyConcurrency}): ${fixed(memory.opening.perSecond)}/s, p50/p95/p99 ${percentiles(memory.opening)} ms${outcomeText(memory.opening) ? `; ${outcomeText(memory.opening)}` : ''}`);
  if (memory.burst) {
    const b = memory.burst;
    lines.push(
      `burst: ${b.cases} new cases at c=${b.concurrency}: ${fixed(b.measured.perSecond)}/s over ${fixed(b.measured.seconds)} s, p50/p95/p99 ${percentiles(b.measured)} ms; answers ${Object.entries(b.statuses).map(([s, n]) => `${s}×${n}`).join(' ')}; ${b.recorded} recorded; worker peak RSS ${b.workerPeakRssMiB} MiB, worker exits ${b.workerExits}; load ${fixed(b.loadAverage, 2)}`,
    );
  }
  if (memory.ladder.length > 0) {
    lines.push('dev server start bursts (bare workflow.start, all at once):');
    lines.push(
      table([
        ['starts', 'ok', 'failed', 'seconds', 'p50 ms', 'p99 ms', 'max ms', 'load', 'errors'],
        ...memory.ladder.map((l) => [String(l.starts), String(l.ok), String(l.failed), fixed(l.seconds), fixed(l.p50Ms), fixed(l.p99Ms), fixed(l.maxMs), fixed(l.loadAverage, 2), Object.entries(l.errors).map(([e, n]) => `${e}×${n}`).join('; ')]),
      ]),
    );
  }
  if (memory.resolution) {
    const r = memory.resolution;
    lines.push(
      `resolution: ${r.resolved}/${r.attempted} cases resolved (6 actions each) in ${fixed(r.seconds)} s, a case p50/p99 ${fixed(r.perCase.latencyMs.p50)}/${fixed(r.perCase.latencyMs.p99)} ms${Object.keys(r.failedActions).length > 0 ? `; failed: ${Object.entries(r.failedActions).map(([a, n]) => `${a}×${n}`).join(' ')}` : ''}; load ${fixed(r.loadAverage, 2)}`,
    );
    lines.push(`entitlements ${r.exact ? 'exact' : 'NOT EXACT'}:`);
    lines.push(
      table([
        ['entitlement', 'resolved by the bench', 'resolved cases', 'usages', 'terms charged', 'decrement', 'exact'],
        ...r.ledgers.map((l) => [l.entitlementId, String(l.expectedResolved), String(l.resolvedCases), String(l.usages), fixed(l.termsCharged, 0), fixed(l.decrement, 0), l.exact ? 'yes' : 'NO']),
      ]),
    );
  }
  for (const note of memory.notes) lines.push(`memory note: ${note}`);
  lines.push('');
  return lines;
}

function formatScale(scale: ScaleReport): string[] {
  const shares = (list: readonly { name: string; share: number; cpuMs: number }[]): string => list.map((p) => `${p.name} ${fixed(p.share * 100, 0)}% (${p.cpuMs} ms CPU)`).join(', ');
  const lines = [`Scale-out (postgres, one Temporal dev server; POST /cases for ${scale.settings.durationMs / 1_000} s at c=${scale.settings.concurrency}):`];
  lines.push(
    table([
      ['layout', 'cases', 'cases/s', 'p50/p95/p99 ms', 'servers', 'workers', 'app CPU ms/case', 'Temporal CPU ms/case', 'load', 'not 201'],
      ...scale.layouts.map((l) => [l.layout, String(l.opened), fixed(l.measured.perSecond), percentiles(l.measured), shares(l.servers), shares(l.workers), fixed(l.appCpuMsPerCase), fixed(l.temporalCpuMsPerCase), fixed(l.loadAverage, 2), outcomeText(l.measured)]),
    ]),
  );
  lines.push(`2+2 ÷ 1+1: throughput ${fixed(scale.throughputRatio, 2)}×, p50 ${fixed(scale.p50Ratio, 2)}×, p99 ${fixed(scale.p99Ratio, 2)}×`);
  for (const note of scale.notes) lines.push(`scale note: ${note}`);
  lines.push('');
  return lines;
}

function formatKnowledge(knowledge: KnowledgeReport): string[] {
  const lines = [`Knowledge search (postgres, ${knowledge.articles} articles; queries: ${knowledge.queries.map((q) => `${q.q} → ${q.total}`).join(' | ')}):`];
  lines.push(
    table([
      ['c', 'API/s', 'API p50/p95/p99 ms', 'SQL/s', 'SQL p50/p95/p99 ms', 'p50 ratio', 'p99 ratio', 'load', 'not 200'],
      ...knowledge.comparisons.map((k) => [String(k.concurrency), fixed(k.app.perSecond), percentiles(k.app), fixed(k.bareSql.perSecond), percentiles(k.bareSql), `${fixed(k.p50Ratio, 2)}×`, `${fixed(k.p99Ratio, 2)}×`, fixed(k.loadAverage, 2), outcomeText(k.app)]),
    ]),
  );
  for (const note of knowledge.notes) lines.push(`knowledge note: ${note}`);
  lines.push('');
  return lines;
}
