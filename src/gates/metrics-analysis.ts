/**
 * Pure analysis of a target group's ALB metrics (5xx share, response time) against the
 * metric gates' thresholds, optionally relative to the live colour over the same minutes.
 */
import type { GateResult } from './types.js';

/** A response-time statistic as CloudWatch names it: `Average` or a percentile `p50`…`p99.9`. */
export type ResponseTimeStat = 'Average' | `p${string}`;

export interface MaxResponseTime {
  stat: ResponseTimeStat;
  /** Milliseconds. */
  ms: number;
}

export interface MetricGateSettings {
  /** Percent of requests answered 5xx (target and ELB); undefined: not gated. */
  maxErrorRate?: number;
  maxResponseTime?: MaxResponseTime;
  /** Thresholds become margins over the live colour's figures for the same minutes. */
  compareToBaseline: boolean;
  /** Fewer requests than this in the evaluated window (either group) is inconclusive, never a pass. */
  minRequests: number;
}

/** One minute of one target group, as CloudWatch returned it; a metric with no datapoint is absent. */
export interface MinuteStats {
  requests: number;
  target5xx: number;
  elb5xx: number;
  /** Seconds, the configured statistic over the minute. */
  responseTime?: number;
}

export interface GroupMinutes {
  /** e.g. "web-green". */
  name: string;
  /** Keyed by the minute's start, in AWS's time. */
  minutes: ReadonlyMap<number, MinuteStats>;
}

export interface MetricObservation {
  canary: GroupMinutes;
  baseline?: GroupMinutes;
  /**
   * AWS's time the new revision started (its deployment's createdAt): older minutes of the
   * canary group belong to an earlier release and are ignored.
   */
  since?: number;
  /**
   * Rolling: the baseline is the same group before the deployment (its newest minutes
   * before `since`), not another group over the same minutes.
   */
  baselineBeforeSince?: boolean;
}

/** How many of the newest minutes are judged: short enough to react, long enough to smooth one bad minute's noise. */
export const WINDOW_MINUTES = 2;
export const MINUTE_MS = 60_000;

const pass = (reason: string): GateResult => ({ phase: 'pass', reason });
const fail = (reason: string): GateResult => ({ phase: 'fail', reason });
const inconclusive = (reason: string): GateResult => ({ phase: 'inconclusive', reason });

interface Totals {
  requests: number;
  errors: number;
  /** Undefined when no minute had a response-time datapoint. */
  responseTime?: number;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Two decimals below 10 (so 1.04 % never reads as the 1 % it exceeds), one above. */
function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(Math.abs(n) < 10 ? 2 : 1)));
}

export function formatPercent(p: number): string {
  return `${formatNumber(p)} %`;
}

export function formatSeconds(seconds: number): string {
  const ms = seconds * 1000;
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

function statLabel(stat: ResponseTimeStat): string {
  return stat === 'Average' ? 'avg' : stat;
}

/**
 * The window's totals. Errors count target and ELB 5xx; the share is taken of whichever is
 * larger, RequestCount or the errors, so a minute of ELB 503s alone (no target chosen, which
 * AWS may leave out of RequestCount) still reads as 100 %, never as more. Response time:
 * the average weighted by requests, or for a percentile the worst minute's value (a
 * percentile of minutes cannot be recombined exactly; the worst minute errs on the safe side).
 */
function totals(minutes: MinuteStats[], stat: ResponseTimeStat | undefined): Totals {
  const requests = minutes.reduce((s, m) => s + m.requests, 0);
  const errors = minutes.reduce((s, m) => s + m.target5xx + m.elb5xx, 0);
  const timed = minutes.filter((m) => m.responseTime !== undefined && m.requests > 0);
  let responseTime: number | undefined;
  if (timed.length && stat === 'Average') {
    const weight = timed.reduce((s, m) => s + m.requests, 0);
    responseTime = timed.reduce((s, m) => s + m.responseTime! * m.requests, 0) / weight;
  } else if (timed.length && stat) {
    responseTime = Math.max(...timed.map((m) => m.responseTime!));
  }
  return { requests: Math.max(requests, errors), errors, ...(responseTime !== undefined ? { responseTime } : {}) };
}

/** The newest WINDOW_MINUTES minutes of the canary with requests, at or after `since`'s minute. */
export function windowOf(canary: GroupMinutes, since: number | undefined): number[] {
  const from = since === undefined ? -Infinity : Math.floor(since / MINUTE_MS) * MINUTE_MS;
  return [...canary.minutes.entries()]
    .filter(([t, m]) => t >= from && (m.requests > 0 || m.elb5xx > 0 || m.target5xx > 0))
    .map(([t]) => t)
    .sort((a, b) => b - a)
    .slice(0, WINDOW_MINUTES);
}

function pick(group: GroupMinutes, window: number[]): MinuteStats[] {
  return window.map((t) => group.minutes.get(t)).filter((m): m is MinuteStats => m !== undefined);
}

/** The newest WINDOW_MINUTES minutes of `group` with requests, strictly before `before`. */
function minutesBefore(group: GroupMinutes, before: number): number[] {
  return [...group.minutes.entries()]
    .filter(([t, m]) => t < before && m.requests > 0)
    .map(([t]) => t)
    .sort((a, b) => b - a)
    .slice(0, WINDOW_MINUTES);
}

function over(window: number[]): string {
  return window.length === 1 ? 'over the last minute' : `over the last ${window.length} minutes`;
}

/** pass | fail | inconclusive for the metric gates, with the figures that decided it. */
export function analyseMetrics(obs: MetricObservation, settings: MetricGateSettings): GateResult {
  const { canary, baseline } = obs;
  const window = windowOf(canary, obs.since);
  if (window.length === 0) return inconclusive(`${canary.name}: no requests recorded since the new revision started yet`);
  const stat = settings.maxResponseTime?.stat;
  const c = totals(pick(canary, window), stat);
  const span = over(window);
  if (c.requests < settings.minRequests) {
    return inconclusive(
      `${canary.name}: ${formatCount(c.requests)} requests ${span}, fewer than min-requests ${settings.minRequests}: too few to judge`
    );
  }
  let b: Totals | undefined;
  let note = '';
  // How the baseline is named in reasons: "web-blue", or where its minutes came from.
  let on = baseline?.name ?? '';
  if (settings.compareToBaseline && baseline) {
    const before = obs.baselineBeforeSince && obs.since !== undefined ? Math.floor(obs.since / MINUTE_MS) * MINUTE_MS : undefined;
    if (before !== undefined) {
      const earlier = minutesBefore(baseline, before);
      b = totals(pick(baseline, earlier), stat);
      on = `${baseline.name} before the deployment`;
    } else {
      b = totals(pick(baseline, window), stat);
      // The live colour takes (almost) no traffic in these minutes, e.g. at 100 %: its newest
      // minutes that had traffic are the closest picture of what served before (an incident
      // that hurts both shows there too).
      if (b.requests < settings.minRequests) {
        const earlier = minutesBefore(baseline, Math.min(...window));
        const e = totals(pick(baseline, earlier), stat);
        if (e.requests >= settings.minRequests) {
          b = e;
          on = `${baseline.name} in its last ${earlier.length === 1 ? 'minute' : `${earlier.length} minutes`} with traffic`;
        }
      }
    }
    // Nothing to compare with: the thresholds apply as they are rather than holding a release that may be fine.
    if (b.requests < settings.minRequests) {
      note = ` (baseline ${on} had ${formatCount(b.requests)} requests, fewer than min-requests ${settings.minRequests}: judged on the thresholds alone)`;
      b = undefined;
    }
  } else if (settings.compareToBaseline) {
    note = ' (no baseline target group: judged on the thresholds alone)';
  }

  const failures: string[] = [];
  const held: string[] = [];
  const figures: string[] = [];

  if (settings.maxErrorRate !== undefined) {
    const rate = (100 * c.errors) / c.requests;
    const what = `5xx ${formatPercent(rate)} of ${formatCount(c.requests)} requests`;
    if (b && baseline) {
      const base = (100 * b.errors) / b.requests;
      const worse = rate - base;
      const vs = `${what} vs ${formatPercent(base)} on ${on}`;
      if (worse > settings.maxErrorRate)
        failures.push(
          `${canary.name}: ${vs} ${span}, ${formatNumber(worse)} points worse > max-error-rate ${formatPercent(settings.maxErrorRate)}`
        );
      else figures.push(vs);
    } else if (rate > settings.maxErrorRate) {
      failures.push(`${canary.name}: ${what} ${span} > max-error-rate ${formatPercent(settings.maxErrorRate)}`);
    } else figures.push(what);
  }

  if (settings.maxResponseTime) {
    const { stat: s, ms } = settings.maxResponseTime;
    const limit = `${formatSeconds(ms / 1000)}`;
    const label = statLabel(s);
    if (c.responseTime === undefined) {
      held.push(`${canary.name}: no TargetResponseTime ${label} datapoint ${span}`);
    } else if (b && baseline) {
      if (b.responseTime === undefined) held.push(`baseline ${on}: no TargetResponseTime ${label} datapoint`);
      else {
        const worse = c.responseTime - b.responseTime;
        const vs = `${label} ${formatSeconds(c.responseTime)} vs ${formatSeconds(b.responseTime)} on ${on}`;
        if (worse * 1000 > ms)
          failures.push(`${canary.name}: ${vs} ${span}, ${formatSeconds(worse)} slower > max-response-time ${label} ${limit}`);
        else figures.push(vs);
      }
    } else if (c.responseTime * 1000 > ms) {
      failures.push(`${canary.name}: ${label} ${formatSeconds(c.responseTime)} ${span} > max-response-time ${label} ${limit}`);
    } else figures.push(`${label} ${formatSeconds(c.responseTime)}`);
  }

  if (failures.length) return fail(failures.join('; ') + note);
  if (held.length) return inconclusive(held.join('; ') + note);
  return pass(`${canary.name}: ${figures.join(', ')} ${span}${note}`);
}
