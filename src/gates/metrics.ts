/**
 * The built-in traffic gate: a target group's `AWS/ApplicationELB` metrics (5xx share,
 * response time), optionally against the live colour's group, read with ONE GetMetricData
 * per check for every query of every metric threshold.
 */
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Service } from '@aws-sdk/client-ecs';
import type { Aws } from '../aws/clients.js';
import { targetGroupName } from '../deploy/colours.js';
import {
  analyseMetrics,
  MINUTE_MS,
  WINDOW_MINUTES,
  type GroupMinutes,
  type MetricGateSettings,
  type MinuteStats
} from './metrics-analysis.js';
import type { InconclusivePolicy } from './settings.js';
import type { Gate } from './types.js';

export interface MetricGateContext {
  aws: Pick<Aws, 'cloudwatch' | 'elb'>;
}

/** The CloudWatch dimensions of one target group's ALB metrics. */
export interface MetricDimensions {
  /** `targetgroup/name/id`. */
  targetGroup: string;
  /** `app/name/id`. */
  loadBalancer: string;
}

export interface MetricGateTargets {
  /** The group that serves the new revision. */
  canary: string;
  /** The group that serves the live revision (blue/green: the live colour's). */
  baseline?: string;
  /** AWS's time the new revision started (e.g. its deployment's createdAt); earlier minutes of the canary are an older release's. */
  since?: () => Date | undefined;
  /** Rolling: compare with the canary group's own minutes before `since` (there is no second group). */
  baselineBeforeSince?: boolean;
}

/** `targetgroup/web-green/0123abcd` from a target group ARN; `app/web-alb/0123abcd` from a load balancer ARN. */
export function arnSuffix(arn: string, kind: 'targetgroup' | 'app'): string {
  const marker = kind === 'app' ? ':loadbalancer/app/' : ':targetgroup/';
  const i = arn.indexOf(marker);
  if (i < 0) throw new Error(`${arn} is not a${kind === 'app' ? 'n application load balancer' : ' target group'} ARN`);
  return arn.slice(kind === 'app' ? i + ':loadbalancer/'.length : i + 1);
}

/**
 * Each group's dimensions, from one DescribeTargetGroups: its load balancer is the first
 * of LoadBalancerArns (ALB metrics are published per target group and load balancer).
 * Called once (at preflight or the first check): a group does not change load balancer mid-deployment.
 */
export async function metricDimensions(targetGroupArns: string[], ctx: MetricGateContext): Promise<Map<string, MetricDimensions>> {
  const unique = [...new Set(targetGroupArns)];
  const found = await ctx.aws.elb.describeTargetGroups(unique);
  const out = new Map<string, MetricDimensions>();
  for (const arn of unique) {
    const tg = found.find((t) => t.TargetGroupArn === arn);
    if (!tg) throw new Error(`target group ${arn} does not exist`);
    const lb = tg.LoadBalancerArns?.[0];
    if (!lb) throw new Error(`target group ${targetGroupName(arn)} is not attached to a load balancer, so it has no ALB metrics`);
    out.set(arn, { targetGroup: arnSuffix(arn, 'targetgroup'), loadBalancer: arnSuffix(lb, 'app') });
  }
  return out;
}

const COUNTS = [
  { key: 'requests', metric: 'RequestCount' },
  { key: 't5xx', metric: 'HTTPCode_Target_5XX_Count' },
  { key: 'e5xx', metric: 'HTTPCode_ELB_5XX_Count' }
] as const;

/** The queries for one group: counts as Sum, response time as the configured statistic, all per minute. */
export function metricQueries(prefix: string, dims: MetricDimensions, settings: MetricGateSettings): MetricDataQuery[] {
  const Dimensions = [
    { Name: 'TargetGroup', Value: dims.targetGroup },
    { Name: 'LoadBalancer', Value: dims.loadBalancer }
  ];
  const metric = (MetricName: string) => ({ Namespace: 'AWS/ApplicationELB', MetricName, Dimensions });
  const queries: MetricDataQuery[] = COUNTS.map((c) => ({
    Id: `${prefix}_${c.key}`,
    MetricStat: { Metric: metric(c.metric), Period: 60, Stat: 'Sum' },
    ReturnData: true
  }));
  if (settings.maxResponseTime) {
    queries.push({
      Id: `${prefix}_rt`,
      MetricStat: { Metric: metric('TargetResponseTime'), Period: 60, Stat: settings.maxResponseTime.stat },
      ReturnData: true
    });
  }
  return queries;
}

/** One group's minutes from the results of its queries; a count with no datapoint in a minute that has requests is 0. */
export function groupMinutes(name: string, prefix: string, results: MetricDataResult[]): GroupMinutes {
  const series = (id: string): Map<number, number> => {
    const r = results.find((x) => x.Id === `${prefix}_${id}`);
    const m = new Map<number, number>();
    (r?.Timestamps ?? []).forEach((t, i) => {
      const v = r?.Values?.[i];
      if (v !== undefined) m.set(new Date(t).getTime(), v);
    });
    return m;
  };
  const requests = series('requests');
  const t5xx = series('t5xx');
  const e5xx = series('e5xx');
  const rt = series('rt');
  const minutes = new Map<number, MinuteStats>();
  for (const t of new Set([...requests.keys(), ...t5xx.keys(), ...e5xx.keys()])) {
    const responseTime = rt.get(t);
    minutes.set(t, {
      requests: requests.get(t) ?? 0,
      target5xx: t5xx.get(t) ?? 0,
      elb5xx: e5xx.get(t) ?? 0,
      ...(responseTime !== undefined ? { responseTime } : {})
    });
  }
  return { name, minutes };
}

/** How far past the newest datapoint the query reaches: no deployment outlives it between two polls. */
const HORIZON_MS = 24 * 3_600_000;

/**
 * The query window. Our clock is used for nothing else, and only when AWS has told us no
 * time yet: the window then reaches generously either side of it (a runner's skew, or the
 * local ECS's compressed clock running ahead, stays inside). Once AWS returns a start time
 * or a datapoint, the window is anchored on those, so skew cannot hide data. It starts a
 * few minutes before the deployment (the baseline's minutes before it, and the live
 * colour's last minutes with traffic after 100 %, stay in view; a day of minutes is still
 * far under GetMetricData's 100,800 datapoints). Aligned to the minute so CloudWatch's
 * period buckets are the minutes the ALB published.
 */
export function queryWindow(anchor: number | undefined, since: number | undefined, now: number): { start: Date; end: Date } {
  const lookback = (WINDOW_MINUTES + 2) * MINUTE_MS;
  const from = since !== undefined ? since - lookback : anchor !== undefined ? anchor - lookback : now - 3 * 3_600_000;
  const start = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  const base = Math.max(anchor ?? -Infinity, since ?? -Infinity, anchor === undefined && since === undefined ? now : -Infinity);
  return { start: new Date(start), end: new Date(Math.floor(base / MINUTE_MS) * MINUTE_MS + HORIZON_MS) };
}

/**
 * The metric gate. Every check is one GetMetricData for the canary's (and the baseline's)
 * queries; the load balancer of each group is looked up once, at the first check unless
 * `dimensions` were resolved at preflight.
 */
export function metricGate(
  targets: MetricGateTargets,
  settings: MetricGateSettings,
  ctx: MetricGateContext,
  name = 'metrics',
  dimensions?: Map<string, MetricDimensions>
): Gate {
  let dims = dimensions;
  let anchor: number | undefined;
  const withBaseline = settings.compareToBaseline && targets.baseline !== undefined && !targets.baselineBeforeSince;
  return {
    name,
    check: async () => {
      const arns = withBaseline ? [targets.canary, targets.baseline!] : [targets.canary];
      if (!dims || arns.some((a) => !dims!.has(a))) dims = await metricDimensions(arns, ctx);
      const since = targets.since?.()?.getTime();
      const queries = [
        ...metricQueries('canary', dims.get(targets.canary)!, settings),
        ...(withBaseline ? metricQueries('baseline', dims.get(targets.baseline!)!, settings) : [])
      ];
      const { start, end } = queryWindow(anchor, since, Date.now());
      const results = await ctx.aws.cloudwatch.getMetricData(queries, start, end);
      const newest = Math.max(...results.flatMap((r) => (r.Timestamps ?? []).map((t) => new Date(t).getTime())));
      if (Number.isFinite(newest)) anchor = Math.max(anchor ?? newest, newest);
      const canary = groupMinutes(targetGroupName(targets.canary), 'canary', results);
      const baseline = withBaseline
        ? groupMinutes(targetGroupName(targets.baseline!), 'baseline', results)
        : targets.baselineBeforeSince
          ? canary
          : undefined;
      return analyseMetrics(
        {
          canary,
          ...(baseline ? { baseline } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(targets.baselineBeforeSince ? { baselineBeforeSince: true } : {})
        },
        settings
      );
    }
  };
}

/** When `taskDefinitionArn`'s deployment of the service started, as ECS returned it (AWS's time, not ours). */
export function deploymentStart(service: Service | undefined, taskDefinitionArn: string): Date | undefined {
  const d =
    service?.deployments?.find((x) => x.taskDefinition === taskDefinitionArn && x.status === 'PRIMARY') ??
    service?.deployments?.find((x) => x.taskDefinition === taskDefinitionArn);
  return d?.createdAt;
}

/** ALB metrics arrive one to three minutes late on AWS: held at least this long before the inconclusive policy decides. */
export const METRIC_DELAY_MS = 5 * MINUTE_MS;

/** The inconclusive policy for a metric gate: never fewer checks than cover the metrics' delay. */
export function metricPolicy(policy: InconclusivePolicy, pollIntervalMs: number): InconclusivePolicy {
  return { ...policy, limit: Math.max(policy.limit, Math.ceil(METRIC_DELAY_MS / Math.max(1, pollIntervalMs))) };
}

/** The target group of a rolling service's metric gates: its first load balancer's (ALB metrics are per group). */
export function serviceTargetGroup(service: Service): string | undefined {
  return service.loadBalancers?.find((lb) => lb.targetGroupArn)?.targetGroupArn;
}

/**
 * Rolling: one target group serves old and new tasks alike, so the gate judges the whole
 * group from the minute the deployment started (read once from ECS, AWS's time); with
 * compare-to-baseline, against the same group's minutes before that.
 */
export function rollingMetricGate(
  cluster: string,
  service: string,
  targetGroupArn: string,
  taskDefinitionArn: string,
  settings: MetricGateSettings,
  ctx: MetricGateContext & { aws: Pick<Aws, 'ecs'> }
): Gate {
  let since: Date | undefined;
  const gate = metricGate({ canary: targetGroupArn, since: () => since, baselineBeforeSince: true }, settings, ctx);
  return {
    name: gate.name,
    check: async () => {
      if (!since) {
        const { services } = await ctx.aws.ecs.describeServices(cluster, [service]);
        since = deploymentStart(services[0], taskDefinitionArn);
        if (!since) return { phase: 'inconclusive', reason: `service ${service} has no deployment of ${taskDefinitionArn} yet` };
      }
      return gate.check();
    }
  };
}
