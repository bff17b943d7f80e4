/**
 * Metric alarm evaluation every minute (every 10 s for high-resolution periods) on a sliding
 * window of the data readable then, with DatapointsToAlarm and TreatMissingData, and state
 * reasons worded like AWS's.
 */
import type { MetricId, MetricStore } from './metrics.js';
import { statistic } from './metrics.js';
import type { AlarmState } from './rule.js';

export interface MetricAlarm {
  name: string;
  arn: string;
  description?: string;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  metric: MetricId;
  /** The statistic evaluated (Statistic or ExtendedStatistic). */
  stat: string;
  extended: boolean;
  periodSeconds: number;
  unit?: string;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData?: string;
  evaluateLowSampleCountPercentile?: string;
  /** The Metrics (metric math) form as given, when the alarm was created with it. */
  metrics?: Record<string, unknown>[];
  state: AlarmState;
  stateReason: string;
  stateReasonData?: string;
  stateUpdated: number;
  stateTransitioned: number;
  configUpdated: number;
  lastBoundary: number;
}

const OPERATOR_WORDS: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to'
};
export const COMPARISON_OPERATORS = Object.keys(OPERATOR_WORDS);
export const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'];

function breaches(op: string, value: number, threshold: number): boolean {
  switch (op) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    default:
      return value <= threshold;
  }
}

/** Numbers as CloudWatch prints them (Java doubles): 90 → 90.0. */
export function javaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** dd/MM/yy HH:mm:ss in UTC, as in "95.2 (27/11/26 03:01:00)". */
export function reasonDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** 2026-11-27T03:01:00.000+0000, the StateReasonData date format. */
export function reasonDataDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function setState(alarm: MetricAlarm, state: AlarmState, reason: string, reasonData: string | undefined, now: number): void {
  const changed = alarm.state !== state;
  alarm.state = state;
  alarm.stateReason = reason;
  alarm.stateReasonData = reasonData;
  alarm.stateUpdated = now;
  if (changed) alarm.stateTransitioned = now;
}

/**
 * Periods beyond EvaluationPeriods that an evaluation looks back over (its "evaluation range").
 * AWS says only that it retrieves more datapoints than EvaluationPeriods (its worked example uses
 * 5 for 3); here at least 2, and enough to reach past the minutes still in ingestion, so a service
 * that publishes every minute always has EvaluationPeriods readable datapoints in range.
 */
export function extraRangePeriods(periodSeconds: number, maxIngestionDelayMs: number): number {
  return Math.max(2, Math.ceil((maxIngestionDelayMs + 60_000) / (periodSeconds * 1000)));
}

/** How often CloudWatch evaluates an alarm: every 10 s for 10–30 s periods, every minute otherwise. */
export function evaluationIntervalMs(periodSeconds: number): number {
  return periodSeconds < 60 ? 10_000 : 60_000;
}

/**
 * Evaluates the alarm at `at` (an evaluation instant) on a sliding window, as CloudWatch does:
 * the newest N periods that have readable data inside the evaluation range (N + extra periods
 * ending at `at`), so data still in ingestion neither counts nor trips TreatMissingData while
 * older datapoints exist. Only when fewer than N datapoints exist is the rest filled per
 * TreatMissingData; with none at all, `missing` is INSUFFICIENT_DATA and `ignore` keeps the state.
 * The state changes only when the outcome does.
 */
export function evaluate(alarm: MetricAlarm, store: MetricStore, at: number, now: number, maxIngestionDelayMs = 0): void {
  const p = alarm.periodSeconds * 1000;
  const n = alarm.evaluationPeriods;
  const m = alarm.datapointsToAlarm ?? n;
  const range = n + extraRangePeriods(alarm.periodSeconds, maxIngestionDelayMs);
  const start = at - range * p;
  const buckets = store.buckets(alarm.metric, start, at, p, alarm.unit, at);
  const real: { t: number; value: number; count: number }[] = [];
  for (let i = range - 1; i >= 0 && real.length < n; i--) {
    const t = start + i * p;
    const agg = buckets.get(t);
    const value = agg ? statistic(agg, alarm.stat) : undefined;
    if (value !== undefined) real.push({ t, value, count: agg!.count });
  }
  const missing = n - real.length;
  const treat = alarm.treatMissingData ?? 'missing';
  const breaching = real.filter((x) => breaches(alarm.comparisonOperator, x.value, alarm.threshold)).length;

  let next: AlarmState;
  if (!real.length && (treat === 'missing' || treat === 'ignore')) {
    if (treat === 'ignore') return;
    next = 'INSUFFICIENT_DATA';
  } else {
    const counted = breaching + (treat === 'breaching' ? missing : 0);
    next = counted >= m ? 'ALARM' : 'OK';
  }
  if (next === alarm.state) return;

  const newestFirst = real;
  const listed = newestFirst.map((x) => `${javaDouble(round(x.value))} (${reasonDate(x.t)})`).join(', ');
  const words = OPERATOR_WORDS[alarm.comparisonOperator] ?? alarm.comparisonOperator;
  let reason: string;
  if (next === 'INSUFFICIENT_DATA') {
    reason = `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`;
  } else {
    const count =
      next === 'ALARM' ? breaching + (treat === 'breaching' ? missing : 0) : n - breaching - (treat === 'breaching' ? missing : 0);
    const shown = count === 1 && n === 1 ? '1 out of the last 1 datapoints' : `${count} out of the last ${n} datapoints`;
    const verb = count === 1 ? 'was' : 'were';
    const min = next === 'ALARM' ? m : 1;
    reason =
      `Threshold Crossed: ${shown} [${listed}] ${verb} ${next === 'OK' ? 'not ' : ''}${words} the threshold (${javaDouble(alarm.threshold)}) ` +
      `(minimum ${min} datapoint${min === 1 ? '' : 's'} for ${alarm.state} -> ${next} transition).`;
  }
  const oldestFirst = [...real].reverse();
  const data = {
    version: '1.0',
    queryDate: reasonDataDate(now),
    startDate: reasonDataDate(oldestFirst[0]?.t ?? at - n * p),
    ...(alarm.extended ? { extendedStatistic: alarm.stat } : { statistic: alarm.stat }),
    ...(alarm.unit ? { unit: alarm.unit } : {}),
    period: alarm.periodSeconds,
    recentDatapoints: oldestFirst.map((x) => round(x.value)),
    threshold: alarm.threshold,
    evaluatedDatapoints: newestFirst.map((x) => ({ timestamp: reasonDataDate(x.t), sampleCount: x.count, value: round(x.value) }))
  };
  setState(alarm, next, reason, JSON.stringify(data), now);
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
