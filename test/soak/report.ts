import type { SoakResult } from './runner';

/** Percentiles and the soak's printed tables. */

export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of the samples (exact: the soak keeps every sample). */
export function latencyStats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) ?? 0 };
}

/** A plain text table: the first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const ms = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

/** The soak's closing report: runs and outcomes per phase, faults, latencies, checks. */
export function formatSoakResult(result: SoakResult): string {
  const o = result.options;
  const out: string[] = [];
  out.push(
    `soak: ${o.cases} cases with worker kills every ${o.killEveryMs[0] / 1000}–${o.killEveryMs[1] / 1000} s${o.maxKills === undefined ? '' : ` (at most ${o.maxKills})`}${o.rampSeconds ? `, started over ${o.rampSeconds} s` : ''}` +
      `${o.baselineCases > 0 ? `, ${o.baselineCases} without` : ''}` +
      `${o.pgTerminateCases ? `; ${o.pgTerminateCases} while PostgreSQL connections are terminated` : ''}` +
      `${o.slaCases ? `; ${o.slaCases} with SLA timers due while no worker runs` : ''}` +
      `${o.channelPoison ? '; poison through chat and email' : ''}` +
      `; ${result.casesOpened} cases opened in all; ${Math.round(result.durationMs / 1000)} s`,
    '',
  );
  out.push(
    table(
      ['phase', 'time', 'kills', 'lifecycles', '2xx', '409', '422', '503', 'other', 'p50', 'p95', 'notes'],
      result.phases.map((p) => {
        const counts = { '2xx': 0, '409': 0, '422': 0, '503': 0, other: 0 } as Record<string, number>;
        for (const [status, n] of Object.entries(p.statuses)) {
          const key = /^2\d\d$/.test(status) ? '2xx' : status in counts ? status : 'other';
          counts[key] = (counts[key] ?? 0) + n;
        }
        const notes = [p.failures.length > 0 ? `${p.failures.length} failed: ${p.failures[0]}` : '', p.notes ?? ''].filter(Boolean).join('; ');
        return [
          p.name,
          ms(p.durationMs),
          String(p.workerKills),
          p.lifecycles ? `${p.lifecycles.completed}/${p.lifecycles.total}` : '',
          String(counts['2xx']),
          String(counts['409']),
          String(counts['422']),
          String(counts['503']),
          String(counts.other),
          p.requestLatency.count > 0 ? ms(p.requestLatency.p50) : '',
          p.requestLatency.count > 0 ? ms(p.requestLatency.p95) : '',
          notes,
        ];
      }),
    ),
  );
  const f = result.faults;
  const stops = f.devServerStops.map((s) => `${s.signal} (${ms(s.downMs)} down)`).join(', ');
  out.push(
    '',
    `faults injected: ${f.workerKills} worker SIGKILLs (${f.workerStarts} worker starts); ${f.workerUnexpectedExits.length} worker exits not ours` +
      `${f.workerUnexpectedExits.length > 0 ? ` (${[...new Set(f.workerUnexpectedExits.map((e) => e.phase))].join(', ')})` : ''}` +
      `; dev server stopped: ${stops || 'no'}`,
  );
  const l = result.latency;
  out.push(
    '',
    table(
      ['latency', 'without kills p50', 'p95', 'with kills p50', 'p95', 'extra p50', 'extra p95'],
      [
        ['per operation (retries included)', ms(l.withoutKills.requests.p50), ms(l.withoutKills.requests.p95), ms(l.withKills.requests.p50), ms(l.withKills.requests.p95), ms(l.extra.requestP50), ms(l.extra.requestP95)],
        ['per case lifecycle (8 operations)', ms(l.withoutKills.lifecycles.p50), ms(l.withoutKills.lifecycles.p95), ms(l.withKills.lifecycles.p50), ms(l.withKills.lifecycles.p95), ms(l.extra.lifecycleP50), ms(l.extra.lifecycleP95)],
      ],
    ),
  );
  out.push('', table(['check', 'expected', 'actual', 'ok'], result.checks.map((c) => [c.name, c.expected, c.actual, c.ok ? 'ok' : 'FAIL'])));
  if (result.reconciliation && !result.reconciliation.ok) {
    out.push('', 'reconcile mismatches:', ...result.reconciliation.mismatches.slice(0, 20).map((m) => `  [${m.check}] ${m.caseNumber ?? '-'}: ${m.problem}`));
  }
  if (result.violations.length > 0) {
    out.push('', `responses the API must not give (${result.violations.length}${result.violations.length >= 100 ? '+' : ''}):`, ...result.violations.slice(0, 10).map((v) => `  ${v.phase} ${v.request}: ${v.problem}`));
  }
  if (result.error) out.push('', `error: ${result.error}`);
  out.push('', result.ok ? 'SOAK PASSED' : `SOAK FAILED (logs: ${result.logs})`);
  return out.join('\n');
}
