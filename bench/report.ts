import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './measure';
import type { PhaseResults } from './phases';

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
  const header = ['database', 'benchmark', 'c', 'app/s', 'base/s', 'thru ratio', 'app p50/p95/p99 ms', 'base p50/p95/p99 ms', 'p50 ratio', 'p99 ratio', 'baseline', 'not 2xx/failures'];
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
    c.baseline.what,
    outcomeText(c.app.measured) || outcomeText(c.baseline.measured),
  ]);
  lines.push(table([header, ...rows]), '');
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
