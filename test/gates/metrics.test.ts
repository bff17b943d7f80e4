// The metric gate against a fake CloudWatch and ELB: one GetMetricData per check, dimensions, the window, the verdict.
import { describe, expect, it } from '@jest/globals';
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CloudWatchApi, ElbApi } from '../../src/aws/clients.js';
import type { EcsApi } from '../../src/aws/clients.js';
import { arnSuffix, metricGate, metricPolicy, queryWindow, rollingMetricGate, type MetricGateContext } from '../../src/gates/metrics.js';
import type { MetricGateSettings } from '../../src/gates/metrics-analysis.js';

const ACCOUNT = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const GREEN = `${ACCOUNT}:targetgroup/web-green/2222`;
const BLUE = `${ACCOUNT}:targetgroup/web-blue/1111`;
const ALB = `${ACCOUNT}:loadbalancer/app/web-alb/abcd`;
// AWS's clock, far from ours: the window must follow it, not Date.now().
const T0 = Date.UTC(2031, 0, 1, 10, 0);

type Series = Record<string, Array<[number, number]>>;

function fakes(
  data: Series,
  groups: TargetGroup[] = [
    { TargetGroupArn: GREEN, LoadBalancerArns: [ALB] },
    { TargetGroupArn: BLUE, LoadBalancerArns: [ALB] }
  ]
) {
  const calls: Array<{ queries: MetricDataQuery[]; start: Date; end: Date }> = [];
  let describes = 0;
  const cloudwatch = {
    getMetricData: async (queries: MetricDataQuery[], start: Date, end: Date): Promise<MetricDataResult[]> => {
      calls.push({ queries, start, end });
      return queries.map((q) => {
        const tg = q.MetricStat!.Metric!.Dimensions!.find((d) => d.Name === 'TargetGroup')!.Value!;
        const key = `${tg.split('/')[1]}:${q.MetricStat!.Metric!.MetricName}`;
        const rows = (data[key] ?? []).filter(([t]) => t >= start.getTime() && t < end.getTime());
        return { Id: q.Id, Timestamps: rows.map(([t]) => new Date(t)), Values: rows.map(([, v]) => v), StatusCode: 'Complete' };
      });
    }
  } as Pick<CloudWatchApi, 'getMetricData'> as CloudWatchApi;
  const elb = {
    describeTargetGroups: async (arns: string[]) => {
      describes++;
      return groups.filter((g) => arns.includes(g.TargetGroupArn!));
    }
  } as Pick<ElbApi, 'describeTargetGroups'> as ElbApi;
  const ctx: MetricGateContext = { aws: { cloudwatch, elb } };
  return { ctx, calls, describes: () => describes };
}

const min = (i: number): number => T0 + i * 60_000;
const settings: MetricGateSettings = {
  maxErrorRate: 1,
  maxResponseTime: { stat: 'p99', ms: 800 },
  compareToBaseline: true,
  minRequests: 50
};

describe('metricGate', () => {
  it('reads every query of both groups in ONE GetMetricData per check, with the ALB dimensions', async () => {
    const f = fakes({
      'web-green:RequestCount': [
        [min(1), 300],
        [min(2), 300]
      ],
      'web-green:HTTPCode_Target_5XX_Count': [[min(2), 150]],
      'web-green:TargetResponseTime': [
        [min(1), 0.05],
        [min(2), 0.05]
      ],
      'web-blue:RequestCount': [
        [min(1), 2700],
        [min(2), 2700]
      ],
      'web-blue:TargetResponseTime': [
        [min(1), 0.05],
        [min(2), 0.05]
      ]
    });
    const gate = metricGate({ canary: GREEN, baseline: BLUE, since: () => new Date(min(1)) }, settings, f.ctx);
    const r = await gate.check();
    expect(r.phase).toBe('fail');
    expect(r.reason).toBe(
      'web-green: 5xx 25 % of 600 requests vs 0 % on web-blue over the last 2 minutes, 25 points worse > max-error-rate 1 %'
    );
    expect(f.calls).toHaveLength(1);
    const q = f.calls[0].queries;
    expect(q.map((x) => x.Id)).toEqual([
      'canary_requests',
      'canary_t5xx',
      'canary_e5xx',
      'canary_rt',
      'baseline_requests',
      'baseline_t5xx',
      'baseline_e5xx',
      'baseline_rt'
    ]);
    expect(q[0].MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'RequestCount',
        Dimensions: [
          { Name: 'TargetGroup', Value: 'targetgroup/web-green/2222' },
          { Name: 'LoadBalancer', Value: 'app/web-alb/abcd' }
        ]
      },
      Period: 60,
      Stat: 'Sum'
    });
    expect(q[3].MetricStat!.Stat).toBe('p99');
    // The window comes from AWS's time (the deployment's start), not from our clock.
    expect(f.calls[0].start.getTime()).toBeLessThanOrEqual(min(1));
    expect(f.calls[0].end.getTime()).toBeGreaterThan(min(2));

    await gate.check();
    expect(f.calls).toHaveLength(2);
    expect(f.describes()).toBe(1);
    // Anchored on AWS's start of the deployment, reaching past the newest datapoint AWS returned.
    expect(f.calls[1].start.getTime()).toBe(min(1) - 4 * 60_000);
    expect(f.calls[1].end.getTime()).toBeGreaterThan(min(2) + 3_600_000);
  });

  it('passes a good release with its figures', async () => {
    const f = fakes({
      'web-green:RequestCount': [[min(1), 300]],
      'web-green:TargetResponseTime': [[min(1), 0.05]],
      'web-blue:RequestCount': [[min(1), 2700]],
      'web-blue:TargetResponseTime': [[min(1), 0.05]]
    });
    const r = await metricGate({ canary: GREEN, baseline: BLUE, since: () => new Date(min(0)) }, settings, f.ctx).check();
    expect(r).toEqual({
      phase: 'pass',
      reason: 'web-green: 5xx 0 % of 300 requests vs 0 % on web-blue, p99 50 ms vs 50 ms on web-blue over the last minute'
    });
  });

  it('without compare-to-baseline reads the canary only', async () => {
    const f = fakes({ 'web-green:RequestCount': [[min(1), 20]] });
    const r = await metricGate(
      { canary: GREEN, baseline: BLUE, since: () => new Date(min(0)) },
      { ...settings, compareToBaseline: false },
      f.ctx
    ).check();
    expect(r.phase).toBe('inconclusive');
    expect(r.reason).toMatch(/20 requests over the last minute, fewer than min-requests 50/);
    expect(f.calls[0].queries.every((q) => q.Id!.startsWith('canary_'))).toBe(true);
  });

  it('a target group without a load balancer is an error naming it (the gate loop holds it as inconclusive)', async () => {
    const f = fakes({}, [{ TargetGroupArn: GREEN, LoadBalancerArns: [] }]);
    await expect(metricGate({ canary: GREEN }, { ...settings, compareToBaseline: false }, f.ctx).check()).rejects.toThrow(
      'target group web-green is not attached to a load balancer'
    );
  });
});

describe('rollingMetricGate', () => {
  it("judges the one group from the minute ECS started the deployment (read once), not the old revision's minutes", async () => {
    const f = fakes({
      'web-green:RequestCount': [
        [min(0), 3000],
        [min(1), 3000],
        [min(5), 3000]
      ],
      'web-green:HTTPCode_Target_5XX_Count': [[min(5), 300]],
      'web-green:TargetResponseTime': [[min(5), 0.05]]
    });
    let describes = 0;
    const ecs = {
      describeServices: async () => {
        describes++;
        return {
          services: [
            {
              deployments: [
                { status: 'PRIMARY', taskDefinition: 'web:2', createdAt: new Date(min(4) + 5000) },
                { status: 'ACTIVE', taskDefinition: 'web:1', createdAt: new Date(min(-60)) }
              ]
            }
          ],
          failures: []
        };
      }
    } as Pick<EcsApi, 'describeServices'> as EcsApi;
    const gate = rollingMetricGate(
      'prod',
      'web',
      GREEN,
      'web:2',
      { maxErrorRate: 1, compareToBaseline: false, minRequests: 50 },
      { aws: { ...f.ctx.aws, ecs } }
    );
    const r = await gate.check();
    expect(r).toEqual({ phase: 'fail', reason: 'web-green: 5xx 10 % of 3,000 requests over the last minute > max-error-rate 1 %' });
    await gate.check();
    expect(describes).toBe(1);
  });
});

describe('helpers', () => {
  it('arnSuffix gives the CloudWatch dimension values', () => {
    expect(arnSuffix(GREEN, 'targetgroup')).toBe('targetgroup/web-green/2222');
    expect(arnSuffix(ALB, 'app')).toBe('app/web-alb/abcd');
  });

  it('queryWindow: minute-aligned, anchored on AWS times when known', () => {
    const w = queryWindow(min(10), min(3), Date.UTC(2020, 0, 1));
    expect(w.start.getTime()).toBe(min(-1));
    expect(w.end.getTime()).toBeGreaterThan(min(10));
    const a = queryWindow(min(10), undefined, Date.UTC(2020, 0, 1));
    expect(a.start.getTime()).toBe(min(6));
    const s = queryWindow(undefined, min(3) + 12_345, Date.UTC(2020, 0, 1));
    expect(s.start.getTime()).toBe(min(-1));
  });

  it('metricPolicy holds at least the metrics delay worth of polls', () => {
    expect(metricPolicy({ limit: 10, decide: 'fail' }, 5000)).toEqual({ limit: 60, decide: 'fail' });
    expect(metricPolicy({ limit: 10, decide: 'fail' }, 60_000)).toEqual({ limit: 10, decide: 'fail' });
  });
});
