/** The release's polling layer: many watchers' reads become one call per 10 services, never staler than allowed, never from before a change. */
import { describe, expect, test } from '@jest/globals';
import type { Service } from '@aws-sdk/client-ecs';
import type { Aws, CloudWatchApi, CodeDeployApi, EcsAdminApi, EcsApi, ElbApi } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { batchedAws } from '../../src/release/batch.js';

interface Fake {
  aws: Aws;
  calls: string[][];
  alarmCalls: string[][];
  revision: Map<string, string>;
  throttle: { on: boolean };
}

function fake(): Fake {
  const calls: string[][] = [];
  const alarmCalls: string[][] = [];
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
  const cloudwatch: Pick<CloudWatchApi, 'describeAlarms'> = {
    describeAlarms: async (names) => {
      alarmCalls.push(names);
      return { metricAlarms: names.map((n) => ({ AlarmName: n, StateValue: 'OK' as const })), compositeAlarms: [] };
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
  return { aws, calls, alarmCalls, revision, throttle };
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
