/** The release's polling layer: many watchers' reads become one call per 10 services, never staler than allowed, never from before a change. */
import { describe, expect, test } from '@jest/globals';
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { Service } from '@aws-sdk/client-ecs';
import type { Aws, CloudWatchApi, CodeDeployApi, EcsAdminApi, EcsApi, ElbApi } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { batchedAws } from '../../src/release/batch.js';

interface Fake {
  aws: Aws;
  calls: string[][];
  alarmCalls: string[][];
  metricCalls: Array<{ ids: string[]; start: number; end: number }>;
  metricFailure: { error?: Error };
  revision: Map<string, string>;
  throttle: { on: boolean };
}

function fake(): Fake {
  const calls: string[][] = [];
  const alarmCalls: string[][] = [];
  const metricCalls: Fake['metricCalls'] = [];
  const metricFailure: Fake['metricFailure'] = {};
  const revision = new Map<string, string>();
  const throttle = { on: false };
  const ecs: Pick<EcsApi, 'describeServices' | 'updateService'> = {
    describeServices: async (_cluster, names) => {
      await new Promise((r) => setTimeout(r, 5));
      if (throttle.on) throw new AwsCallError('describing services', 'ThrottlingException', 'Rate exceeded');
      for (let i = 0; i < names.length; i += 10) calls.push(names.slice(i, i + 10));
      const services: Service[] = names
        .filter((n) => n !== 'gone')
        .map((n) => ({ serviceName: n, taskDefinition: revision.get(n) ?? `${n}:1` }));
      return {
        services,
        failures: names.filter((n) => n === 'gone').map((n) => ({ arn: `arn:aws:ecs:us-east-1:1:service/prod/${n}`, reason: 'MISSING' }))
      };
    },
    updateService: async (input) => {
      revision.set(input.service!, input.taskDefinition!);
      return {};
    }
  };
  const cloudwatch: Pick<CloudWatchApi, 'describeAlarms' | 'getMetricData'> = {
    describeAlarms: async (names) => {
      alarmCalls.push(names);
      return { metricAlarms: names.map((n) => ({ AlarmName: n, StateValue: 'OK' as const })), compositeAlarms: [] };
    },
    // One datapoint a minute over the window asked for; each value names its query and minute.
    getMetricData: async (queries, start, end) => {
      await new Promise((r) => setTimeout(r, 5));
      if (metricFailure.error) throw metricFailure.error;
      metricCalls.push({ ids: queries.map((q) => q.Id!), start: start.getTime(), end: end.getTime() });
      const minutes: number[] = [];
      for (let t = start.getTime(); t < end.getTime(); t += 60_000) minutes.push(t);
      return queries.map((q) => ({
        Id: q.Id!,
        Label: q.MetricStat?.Metric?.MetricName,
        StatusCode: 'Complete' as const,
        Timestamps: minutes.map((t) => new Date(t)).reverse(),
        Values: minutes.map((t) => t / 60_000).reverse()
      }));
    }
  };
  // Only the calls the layer makes; any other would fail the test with "not a function".
  const aws: Aws = {
    ecs: ecs as EcsApi,
    ecsAdmin: {} as EcsAdminApi,
    elb: {} as ElbApi,
    cloudwatch: cloudwatch as CloudWatchApi,
    codedeploy: {} as CodeDeployApi,
    withSignal: () => aws,
    withCallTimeout: () => aws
  };
  return { aws, calls, alarmCalls, metricCalls, metricFailure, revision, throttle };
}

const names = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

describe('batched reads', () => {
  test('25 watchers polling at the same time: 3 DescribeServices calls of at most 10 services', async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000 });
    const answers = await Promise.all(names.map((n) => aws.ecs.describeServices('prod', [n])));
    expect(answers.map((a) => a.services[0]?.serviceName)).toEqual(names);
    expect(f.calls.length).toBeLessThanOrEqual(3);
    expect(f.calls.every((c) => c.length <= 10)).toBe(true);
    expect(aws.stats.serviceReads).toBe(25);
  });

  test('watchers polling at different moments within the age limit share one fetch of every watched service', async () => {
    const f = fake();
    let now = 0;
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000, now: () => now });
    await Promise.all(names.map((n) => aws.ecs.describeServices('prod', [n])));
    const first = f.calls.length;
    // The next poll round, spread over 900 ms: every read is answered by one new round of fetches at most.
    for (const [i, n] of names.entries()) {
      now = 2_000 + i * 36;
      await aws.ecs.describeServices('prod', [n]);
    }
    expect(f.calls.length - first).toBeLessThanOrEqual(3);
  });

  test('after an UpdateService the next read of that service is fresh, not the cached answer', async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 60_000 });
    expect((await aws.ecs.describeServices('prod', ['web'])).services[0]?.taskDefinition).toBe('web:1');
    await aws.ecs.updateService({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    expect((await aws.ecs.describeServices('prod', ['web'])).services[0]?.taskDefinition).toBe('web:2');
  });

  test('a missing service is a failure, as DescribeServices reports it', async () => {
    const aws = batchedAws(fake().aws, { maxAgeMs: 1_000 });
    const out = await aws.ecs.describeServices('prod', ['web', 'gone']);
    expect(out.services.map((s) => s.serviceName)).toEqual(['web']);
    expect(out.failures).toEqual([expect.objectContaining({ reason: 'MISSING' })]);
  });

  test('throttled: the last answer stands in (counted), instead of an error', async () => {
    const f = fake();
    let now = 0;
    const aws = batchedAws(f.aws, { maxAgeMs: 100, now: () => now });
    await aws.ecs.describeServices('prod', ['web']);
    f.throttle.on = true;
    now = 500;
    expect((await aws.ecs.describeServices('prod', ['web'])).services[0]?.taskDefinition).toBe('web:1');
    expect(aws.stats.throttled).toBe(1);
    // With no earlier answer there is nothing to stand in: the throttling error goes to the caller.
    await expect(aws.ecs.describeServices('prod', ['other'])).rejects.toThrow(/ThrottlingException/);
  });

  test("one caller's signal ends its own wait, not the shared read", async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000 });
    const stop = new AbortController();
    const mine = aws.withSignal(stop.signal).ecs.describeServices('prod', ['a']);
    const other = aws.ecs.describeServices('prod', ['b']);
    stop.abort('cancelled (SIGINT)');
    await expect(mine).rejects.toMatchObject({ code: 'AbortError' });
    expect((await other).services[0]?.serviceName).toBe('b');
  });

  test('every alarm of the release in one DescribeAlarms', async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000 });
    const got = await Promise.all([['a', 'b'], ['c'], ['a', 'd']].map((n) => aws.cloudwatch.describeAlarms(n)));
    expect(got.map((g) => g.metricAlarms.map((a) => a.AlarmName))).toEqual([['a', 'b'], ['c'], ['a', 'd']]);
    expect(f.alarmCalls).toHaveLength(1);
  });
});

const metric = (id: string, name = 'RequestCount'): MetricDataQuery => ({
  Id: id,
  MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name }, Period: 60, Stat: 'Sum' },
  ReturnData: true
});
const minute = (m: number): Date => new Date(m * 60_000);

describe('batched metric reads', () => {
  test("3 services' metric gates in one tick: one GetMetricData, each gate answered with its own Ids and window", async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000 });
    // The same Ids in every gate (canary_requests...), windows that differ and overlap.
    const [a, b, c] = await Promise.all([
      aws.cloudwatch.getMetricData([metric('canary_requests'), metric('canary_t5xx', 'HTTPCode_Target_5XX_Count')], minute(10), minute(13)),
      aws.cloudwatch.getMetricData([metric('canary_requests')], minute(12), minute(15)),
      aws.cloudwatch.getMetricData([metric('canary_requests'), metric('baseline_requests')], minute(5), minute(7))
    ]);
    expect(f.metricCalls).toHaveLength(1);
    expect(f.metricCalls[0]).toMatchObject({ start: minute(5).getTime(), end: minute(15).getTime() });
    expect(new Set(f.metricCalls[0].ids).size).toBe(5);
    expect(a.map((r) => r.Id)).toEqual(['canary_requests', 'canary_t5xx']);
    expect(a[0].Values).toEqual([12, 11, 10]);
    expect(a[0].Timestamps).toEqual([minute(12), minute(11), minute(10)]);
    expect(a[1].Label).toBe('HTTPCode_Target_5XX_Count');
    expect(b.map((r) => [r.Id, r.Values])).toEqual([['canary_requests', [14, 13, 12]]]);
    expect(c.map((r) => [r.Id, r.Values])).toEqual([
      ['canary_requests', [6, 5]],
      ['baseline_requests', [6, 5]]
    ]);
    expect(aws.stats).toMatchObject({ getMetricDataCalls: 1, metricReads: 3 });
    expect(aws.stats.line()).toContain('1 GetMetricData for 3 metric reads');
  });

  test('more than 500 queries in one tick: 2 calls, every gate still answered in full', async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000 });
    const gates = Array.from({ length: 130 }, () => ['r', 't', 'e', 'rt'].map((k) => metric(`canary_${k}`)));
    const got = await Promise.all(gates.map((q) => aws.cloudwatch.getMetricData(q, minute(0), minute(2))));
    expect(f.metricCalls.map((c) => c.ids.length)).toEqual([500, 20]);
    expect(got.every((r) => r.map((x) => x.Id).join() === 'canary_r,canary_t,canary_e,canary_rt')).toBe(true);
    expect(got.every((r) => r.every((x) => x.Values!.join() === '1,0'))).toBe(true);
  });

  test('a failed GetMetricData reaches every gate that rode on it', async () => {
    const f = fake();
    f.metricFailure.error = new AwsCallError(
      'reading metric RequestCount',
      'AccessDenied',
      'not authorized to perform cloudwatch:GetMetricData'
    );
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000 });
    const calls = [1, 2, 3].map(() => aws.cloudwatch.getMetricData([metric('canary_requests')], minute(0), minute(2)));
    for (const c of calls) await expect(c).rejects.toThrow(/reading metric RequestCount.*not authorized/);
    expect(aws.stats.getMetricDataCalls).toBe(1);
  });

  test('a gate using metric math keeps its own call, so its expressions still name its Ids', async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 1_000 });
    const math = [metric('m1'), { Id: 'ratio', Expression: 'm1 / 2', ReturnData: true }];
    await Promise.all([
      aws.cloudwatch.getMetricData(math, minute(0), minute(2)),
      aws.cloudwatch.getMetricData([metric('canary_requests')], minute(0), minute(2))
    ]);
    expect(f.metricCalls.map((c) => c.ids).sort()).toEqual([['b0_canary_requests'], ['m1', 'ratio']]);
  });

  test('gates checking at different moments are separate calls (nothing is served from an older answer)', async () => {
    const f = fake();
    const aws = batchedAws(f.aws, { maxAgeMs: 60_000 });
    await aws.cloudwatch.getMetricData([metric('canary_requests')], minute(0), minute(2));
    const later = await aws.cloudwatch.getMetricData([metric('canary_requests')], minute(0), minute(3));
    expect(f.metricCalls).toHaveLength(2);
    expect(later[0].Values).toEqual([2, 1, 0]);
  });
});
