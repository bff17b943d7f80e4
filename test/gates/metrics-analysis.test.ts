// The metric gates' verdicts: 5xx share, response time, thin traffic and the baseline comparison.
import { describe, expect, it } from '@jest/globals';
import { analyseMetrics, type GroupMinutes, type MetricGateSettings, type MinuteStats } from '../../src/gates/metrics-analysis.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0);
const min = (i: number): number => T0 + i * 60_000;

function group(name: string, rows: Array<[number, Partial<MinuteStats>]>): GroupMinutes {
  return { name, minutes: new Map(rows.map(([i, m]) => [min(i), { requests: 0, target5xx: 0, elb5xx: 0, ...m }])) };
}

const base: MetricGateSettings = { compareToBaseline: false, minRequests: 50 };
const errors = { ...base, maxErrorRate: 1 };
const p99 = { ...base, maxResponseTime: { stat: 'p99' as const, ms: 800 } };
const avg = { ...base, maxResponseTime: { stat: 'Average' as const, ms: 300 } };

describe('analyseMetrics', () => {
  const cases: Array<{
    what: string;
    canary: GroupMinutes;
    baseline?: GroupMinutes;
    since?: number;
    baselineBeforeSince?: boolean;
    settings: MetricGateSettings;
    phase: string;
    reason: RegExp;
  }> = [
    {
      what: '5xx above the threshold fails, naming the share, the requests and the window',
      canary: group('web-green', [
        [0, { requests: 600, target5xx: 20 }],
        [1, { requests: 610, target5xx: 31 }]
      ]),
      settings: errors,
      phase: 'fail',
      reason: /^web-green: 5xx 4\.21 % of 1,210 requests over the last 2 minutes > max-error-rate 1 %$/
    },
    {
      what: 'ELB 5xx count as errors too',
      canary: group('web-green', [[0, { requests: 600, elb5xx: 60 }]]),
      settings: errors,
      phase: 'fail',
      reason: /5xx 10 % of 600 requests over the last minute/
    },
    {
      what: 'under the threshold passes with the figures',
      canary: group('web-green', [
        [0, { requests: 600, target5xx: 3 }],
        [1, { requests: 600 }]
      ]),
      settings: errors,
      phase: 'pass',
      reason: /^web-green: 5xx 0\.25 % of 1,200 requests over the last 2 minutes$/
    },
    {
      what: 'only the newest two minutes are judged: an old bad minute has rolled out',
      canary: group('web-green', [
        [0, { requests: 600, target5xx: 600 }],
        [1, { requests: 600 }],
        [2, { requests: 600 }]
      ]),
      settings: errors,
      phase: 'pass',
      reason: /0 % of 1,200 requests/
    },
    {
      what: 'minutes before the new revision started belong to an older release',
      canary: group('web-green', [
        [0, { requests: 600, target5xx: 300 }],
        [5, { requests: 600 }]
      ]),
      since: min(4) + 30_000,
      settings: errors,
      phase: 'pass',
      reason: /0 % of 600 requests over the last minute/
    },
    {
      what: 'no data since the start is inconclusive',
      canary: group('web-green', [[0, { requests: 600, target5xx: 300 }]]),
      since: min(3),
      settings: errors,
      phase: 'inconclusive',
      reason: /no requests recorded since the new revision started/
    },
    {
      what: 'thin traffic is inconclusive, never green, even with no errors',
      canary: group('web-green', [
        [0, { requests: 20 }],
        [1, { requests: 9 }]
      ]),
      settings: errors,
      phase: 'inconclusive',
      reason: /^web-green: 29 requests over the last 2 minutes, fewer than min-requests 50: too few to judge$/
    },
    {
      what: 'thin traffic is inconclusive even when every request failed',
      canary: group('web-green', [[0, { requests: 10, target5xx: 10 }]]),
      settings: errors,
      phase: 'inconclusive',
      reason: /fewer than min-requests/
    },
    {
      what: 'p99 above the limit fails (the worst minute counts)',
      canary: group('web-green', [
        [0, { requests: 600, responseTime: 0.2 }],
        [1, { requests: 600, responseTime: 1.4 }]
      ]),
      settings: p99,
      phase: 'fail',
      reason: /^web-green: p99 1\.4 s over the last 2 minutes > max-response-time p99 800 ms$/
    },
    {
      what: 'average is weighted by requests',
      canary: group('web-green', [
        [0, { requests: 900, responseTime: 0.2 }],
        [1, { requests: 100, responseTime: 1.2 }]
      ]),
      settings: avg,
      phase: 'pass',
      reason: /avg 300 ms/
    },
    {
      what: 'average above the limit fails',
      canary: group('web-green', [
        [0, { requests: 500, responseTime: 0.2 }],
        [1, { requests: 500, responseTime: 0.5 }]
      ]),
      settings: avg,
      phase: 'fail',
      reason: /avg 350 ms over the last 2 minutes > max-response-time avg 300 ms/
    },
    {
      what: 'no response-time datapoint holds',
      canary: group('web-green', [[0, { requests: 600 }]]),
      settings: p99,
      phase: 'inconclusive',
      reason: /no TargetResponseTime p99 datapoint/
    },
    {
      what: 'baseline: a shared incident passes a release no worse than the live colour',
      canary: group('web-green', [
        [0, { requests: 300, target5xx: 30 }],
        [1, { requests: 300, target5xx: 33 }]
      ]),
      baseline: group('web-blue', [
        [0, { requests: 2700, target5xx: 270 }],
        [1, { requests: 2700, target5xx: 280 }]
      ]),
      settings: { ...errors, compareToBaseline: true },
      phase: 'pass',
      reason: /^web-green: 5xx 10.5 % of 600 requests vs 10.2 % on web-blue over the last 2 minutes$/
    },
    {
      what: 'baseline: worse than the live colour by more than the threshold fails although both are bad',
      canary: group('web-green', [
        [0, { requests: 300, target5xx: 60 }],
        [1, { requests: 300, target5xx: 60 }]
      ]),
      baseline: group('web-blue', [
        [0, { requests: 2700, target5xx: 270 }],
        [1, { requests: 2700, target5xx: 270 }]
      ]),
      settings: { ...errors, compareToBaseline: true },
      phase: 'fail',
      reason: /^web-green: 5xx 20 % of 600 requests vs 10 % on web-blue over the last 2 minutes, 10 points worse > max-error-rate 1 %$/
    },
    {
      what: "baseline: the same minutes are compared, not the baseline's newest",
      canary: group('web-green', [[0, { requests: 300, target5xx: 30 }]]),
      baseline: group('web-blue', [
        [0, { requests: 2700, target5xx: 270 }],
        [1, { requests: 3000 }]
      ]),
      settings: { ...errors, compareToBaseline: true },
      phase: 'pass',
      reason: /vs 10 % on web-blue/
    },
    {
      what: 'baseline: slower than the live colour by more than the threshold fails',
      canary: group('web-green', [[0, { requests: 300, responseTime: 2.0 }]]),
      baseline: group('web-blue', [[0, { requests: 2700, responseTime: 1.0 }]]),
      settings: { ...p99, compareToBaseline: true },
      phase: 'fail',
      reason: /p99 2\.0 s vs 1\.0 s on web-blue over the last minute, 1\.0 s slower > max-response-time p99 800 ms/
    },
    {
      what: 'baseline: a baseline with no traffic at all falls back to the thresholds alone, and says so',
      canary: group('web-green', [[0, { requests: 3000, target5xx: 3 }]]),
      baseline: group('web-blue', []),
      settings: { ...errors, compareToBaseline: true },
      phase: 'pass',
      reason: /baseline web-blue had 0 requests, fewer than min-requests 50: judged on the thresholds alone/
    },
    {
      what: "baseline: at 100 % the live colour's last minutes with traffic stand in (an incident that hurts both shows there too)",
      canary: group('web-green', [
        [3, { requests: 3000, target5xx: 1500 }],
        [4, { requests: 3000, target5xx: 1500 }]
      ]),
      baseline: group('web-blue', [
        [1, { requests: 1500, target5xx: 750 }],
        [2, { requests: 1500, target5xx: 740 }],
        [3, { requests: 0 }]
      ]),
      settings: { ...errors, maxErrorRate: 5, compareToBaseline: true },
      phase: 'pass',
      reason: /^web-green: 5xx 50 % of 6,000 requests vs 49.7 % on web-blue in its last 2 minutes with traffic over the last 2 minutes$/
    },
    {
      what: 'rolling: the same group before the deployment is the baseline',
      canary: group('web-rolling', [
        [0, { requests: 3000, target5xx: 30 }],
        [1, { requests: 3000, target5xx: 30 }],
        [3, { requests: 3000, target5xx: 600 }]
      ]),
      baseline: group('web-rolling', [
        [0, { requests: 3000, target5xx: 30 }],
        [1, { requests: 3000, target5xx: 30 }],
        [3, { requests: 3000, target5xx: 600 }]
      ]),
      since: min(2) + 10_000,
      baselineBeforeSince: true,
      settings: { ...errors, compareToBaseline: true },
      phase: 'fail',
      reason:
        /^web-rolling: 5xx 20 % of 3,000 requests vs 1 % on web-rolling before the deployment over the last minute, 19 points worse > max-error-rate 1 %$/
    }
  ];

  it.each(cases)('$what', ({ canary, baseline, since, baselineBeforeSince, settings, phase, reason }) => {
    const r = analyseMetrics(
      {
        canary,
        ...(baseline ? { baseline } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(baselineBeforeSince ? { baselineBeforeSince } : {})
      },
      settings
    );
    expect(r.phase).toBe(phase);
    expect(r.reason).toMatch(reason);
  });

  it('reports every failing threshold at once', () => {
    const r = analyseMetrics(
      { canary: group('web-green', [[0, { requests: 600, target5xx: 60, responseTime: 2 }]]) },
      { ...errors, maxResponseTime: { stat: 'p99', ms: 800 } }
    );
    expect(r.phase).toBe('fail');
    expect(r.reason).toMatch(/max-error-rate 1 %; web-green: p99 2\.0 s/);
  });
});
