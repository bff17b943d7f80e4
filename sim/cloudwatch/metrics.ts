/**
 * The metric store: datapoints per metric (namespace, name, dimensions), and the
 * statistics CloudWatch computes over a period.
 */

export interface Datapoint {
  t: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Individual values when known, for percentiles. */
  values: number[];
  unit?: string;
  /** When the datapoint becomes readable (ingestion delay); absent: at once. */
  visibleAt?: number;
}

export interface MetricId {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

export interface Aggregate {
  sum: number;
  count: number;
  min: number;
  max: number;
  values: number[];
  unit?: string;
}

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
const RETENTION_MS = 3 * 24 * 3600_000;

export function metricKey(m: MetricId): string {
  const dims = Object.keys(m.dimensions)
    .sort()
    .map((k) => `${k}=${m.dimensions[k]}`)
    .join(',');
  return `${m.namespace}|${m.metricName}|${dims}`;
}

export class MetricStore {
  private readonly series = new Map<string, { id: MetricId; points: Datapoint[] }>();

  put(id: MetricId, point: Datapoint): void {
    const key = metricKey(id);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { id, points: [] }));
    s.points.push(point);
    // Kept sorted by time; most puts are in order, so this is usually a no-op.
    if (s.points.length > 1 && s.points[s.points.length - 2].t > point.t) s.points.sort((a, b) => a.t - b.t);
  }

  /** Points in [from, to) that are readable at `asOf` (every point when it is undefined). */
  points(id: MetricId, from: number, to: number, asOf?: number): Datapoint[] {
    const s = this.series.get(metricKey(id));
    return s ? s.points.filter((p) => p.t >= from && p.t < to && (asOf === undefined || (p.visibleAt ?? -Infinity) <= asOf)) : [];
  }

  /** One aggregate per period bucket in [from, to) that has data readable at `asOf`, keyed by bucket start. */
  buckets(id: MetricId, from: number, to: number, periodMs: number, unit?: string, asOf?: number): Map<number, Aggregate> {
    const out = new Map<number, Aggregate>();
    for (const p of this.points(id, from, to, asOf)) {
      if (unit && p.unit && p.unit !== unit) continue;
      const start = from + Math.floor((p.t - from) / periodMs) * periodMs;
      const a = out.get(start);
      if (!a) out.set(start, { sum: p.sum, count: p.count, min: p.min, max: p.max, values: [...p.values], unit: p.unit });
      else {
        a.sum += p.sum;
        a.count += p.count;
        a.min = Math.min(a.min, p.min);
        a.max = Math.max(a.max, p.max);
        a.values.push(...p.values);
      }
    }
    return out;
  }

  /** Metrics with at least one datapoint readable at `asOf`. */
  list(asOf?: number): MetricId[] {
    return [...this.series.values()]
      .filter((s) => asOf === undefined || s.points.some((p) => (p.visibleAt ?? -Infinity) <= asOf))
      .map((s) => s.id);
  }

  prune(now: number): void {
    for (const s of this.series.values()) {
      const keepFrom = s.points.findIndex((p) => p.t >= now - RETENTION_MS);
      if (keepFrom > 0) s.points.splice(0, keepFrom);
      else if (keepFrom < 0) s.points.length = 0;
    }
  }
}

/** A statistic of an aggregate: SampleCount, Average, Sum, Minimum, Maximum or pNN(.N). */
export function statistic(a: Aggregate, stat: string): number | undefined {
  switch (stat) {
    case 'SampleCount':
      return a.count;
    case 'Average':
      return a.count ? a.sum / a.count : undefined;
    case 'Sum':
      return a.sum;
    case 'Minimum':
      return a.min;
    case 'Maximum':
      return a.max;
  }
  const p = /^p(\d{1,2}(?:\.\d+)?|100)$/.exec(stat);
  if (p && a.values.length) {
    const sorted = [...a.values].sort((x, y) => x - y);
    const rank = Math.ceil((Number(p[1]) / 100) * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }
  return undefined;
}

export function isStatistic(stat: string): boolean {
  return (STATISTICS as readonly string[]).includes(stat) || /^p(\d{1,2}(?:\.\d+)?|100)$/.test(stat);
}
