import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/** A Prometheus text exposition read as Prometheus does: metric families by name. */
export function metricFamilies(text: string): Map<string, PrometheusFamily> {
  return new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
}

/** One labelled series of a histogram: its cumulative bucket counts by `le`, count and sum. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: Readonly<Record<string, number>>;
  readonly count: number;
  readonly sum: number;
}

const SAMPLE = /^(\w+)\{(.*)\} (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * The series of a labelled histogram. parse-prometheus-text-format 1.1 folds every `_bucket` line
 * of a histogram into one series and drops the labels, which is right only for unlabelled ones.
 */
export function histogramSeries(text: string, name: string): HistogramSeries[] {
  const series = new Map<string, { labels: Record<string, string>; buckets: Record<string, number>; count: number; sum: number }>();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match || !match[1]!.startsWith(`${name}_`)) continue;
    const suffix = match[1]!.slice(name.length + 1);
    if (!['bucket', 'count', 'sum'].includes(suffix)) continue;
    const labels = Object.fromEntries([...match[2]!.matchAll(LABEL)].map(([, key, value]) => [key!, value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))]));
    const { le, ...own } = labels;
    const key = JSON.stringify(Object.entries(own).sort());
    const entry = series.get(key) ?? { labels: own, buckets: {}, count: NaN, sum: NaN };
    if (suffix === 'bucket' && le !== undefined) entry.buckets[le] = Number(match[3]);
    if (suffix === 'count') entry.count = Number(match[3]);
    if (suffix === 'sum') entry.sum = Number(match[3]);
    series.set(key, entry);
  }
  return [...series.values()];
}
