/** The AWS access layer, with the SDK clients mocked (aws-sdk-client-mock): batching, paging, wrapping, not-found handling, deadlines. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { boundedAws, createAws, type AwsApis } from '../../src/aws/clients.js';
import { AwsCallError, isAbort, isTimeout } from '../../src/aws/errors.js';

const ecs = mockClient(ECSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const cw = mockClient(CloudWatchClient);

beforeEach(() => {
  ecs.reset();
  elb.reset();
  cw.reset();
});

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

describe('ECS', () => {
  test('DescribeServices is batched by 10, the API limit', async () => {
    ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
      services: input.services.map((serviceName) => ({ serviceName })),
      failures: []
    }));
    const names = Array.from({ length: 23 }, (_, i) => `svc-${i}`);
    const out = await createAws({ region: 'us-east-1' }).ecs.describeServices('prod', names);
    expect(out.services.map((s) => s.serviceName)).toEqual(names);
    expect(ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input.services?.length)).toEqual([10, 10, 3]);
  });

  test('errors say what was being done, with the AWS code and a hint', async () => {
    ecs.on(UpdateServiceCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: ecs:UpdateService'));
    const call = createAws({ region: 'us-east-1' }).ecs.updateService({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    await expect(call).rejects.toBeInstanceOf(AwsCallError);
    await expect(call).rejects.toThrow(
      /^updating service web in cluster prod: AccessDeniedException: User is not authorized to perform: ecs:UpdateService \(the role .* lacks this permission/
    );
  });

  test('a family with no ACTIVE revision is "none", not an error', async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(awsError('ClientException', 'Unable to describe task definition.'));
    await expect(createAws({ region: 'us-east-1' }).ecs.latestTaskDefinition('web')).resolves.toBeUndefined();
  });

  test('other errors while reading the latest revision are not swallowed', async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(awsError('ServerException', 'boom'));
    await expect(createAws({ region: 'us-east-1' }).ecs.latestTaskDefinition('web')).rejects.toThrow(
      'reading the latest revision of task definition family web: ServerException: boom'
    );
  });
});

describe('ELB and CloudWatch', () => {
  test('a listener that is not there is a clear error', async () => {
    elb.on(DescribeListenersCommand).rejects(awsError('ListenerNotFoundException', 'One or more listeners not found'));
    await expect(createAws({ region: 'us-east-1' }).elb.describeListener('arn:l')).rejects.toThrow(
      'describing listener arn:l: ListenerNotFoundException: One or more listeners not found'
    );
  });

  test('one DescribeAlarms call for metric and composite alarms together', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'a' }], CompositeAlarms: [{ AlarmName: 'b' }] });
    const out = await createAws({ region: 'us-east-1' }).cloudwatch.describeAlarms(['a', 'b']);
    expect(out.metricAlarms.map((a) => a.AlarmName)).toEqual(['a']);
    expect(out.compositeAlarms.map((a) => a.AlarmName)).toEqual(['b']);
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input.AlarmTypes).toEqual(['MetricAlarm', 'CompositeAlarm']);
  });
});

describe('paging: every page AWS returns is followed', () => {
  test('DescribeAlarms follows NextToken (100 a page) and sends at most 100 names a call: 151 alarms, all found', async () => {
    const names = Array.from({ length: 151 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    // AWS pages what matches the names given; composite alarms come in the same pages.
    cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[]; MaxRecords?: number; NextToken?: string }) => {
      const start = Number(input.NextToken ?? 0);
      const page = input.AlarmNames.slice(start, start + (input.MaxRecords ?? 50));
      const next = start + page.length < input.AlarmNames.length ? String(start + page.length) : undefined;
      return {
        MetricAlarms: page.filter((n) => !n.endsWith('7')).map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
        CompositeAlarms: page.filter((n) => n.endsWith('7')).map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
        ...(next ? { NextToken: next } : {})
      };
    });
    const out = await createAws({ region: 'us-east-1' }).cloudwatch.describeAlarms(names);
    const found = [...out.metricAlarms, ...out.compositeAlarms].map((a) => a.AlarmName).sort();
    expect(found).toEqual(names);
    const calls = cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.AlarmNames?.length, c.MaxRecords, c.NextToken])).toEqual([
      [100, 100, undefined],
      [51, 100, undefined]
    ]);
  });

  test('DescribeAlarms follows NextToken when AWS answers in pages of 50 (its default)', async () => {
    const names = Array.from({ length: 51 }, (_, i) => `alarm-${i}`);
    cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[]; NextToken?: string }) => {
      const start = Number(input.NextToken ?? 0);
      const page = input.AlarmNames.slice(start, start + 50);
      return {
        MetricAlarms: page.map((AlarmName) => ({ AlarmName, StateValue: AlarmName === 'alarm-50' ? 'ALARM' : 'OK' })),
        ...(start + 50 < input.AlarmNames.length ? { NextToken: String(start + 50) } : {})
      };
    });
    const out = await createAws({ region: 'us-east-1' }).cloudwatch.describeAlarms(names);
    expect(out.metricAlarms).toHaveLength(51);
    expect(out.metricAlarms.find((a) => a.StateValue === 'ALARM')?.AlarmName).toBe('alarm-50');
    expect(cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, '50']);
  });

  test('DescribeTargetGroups follows NextMarker', async () => {
    const arns = ['tg-a', 'tg-b', 'tg-c'];
    elb.on(DescribeTargetGroupsCommand).callsFake((input: { TargetGroupArns: string[]; Marker?: string }) => {
      const i = Number(input.Marker ?? 0);
      return {
        TargetGroups: [{ TargetGroupArn: input.TargetGroupArns[i] }],
        ...(i + 1 < input.TargetGroupArns.length ? { NextMarker: String(i + 1) } : {})
      };
    });
    const out = await createAws({ region: 'us-east-1' }).elb.describeTargetGroups(arns);
    expect(out.map((g) => g.TargetGroupArn)).toEqual(arns);
    expect(elb.commandCalls(DescribeTargetGroupsCommand).map((c) => c.args[0].input.Marker)).toEqual([undefined, '1', '2']);
  });

  test('ListTasks follows nextToken', async () => {
    ecs
      .on(ListTasksCommand)
      .resolvesOnce({ taskArns: ['t1', 't2'], nextToken: 'p2' })
      .resolvesOnce({ taskArns: ['t3'], nextToken: 'p3' })
      .resolvesOnce({ taskArns: ['t4'] });
    const out = await createAws({ region: 'us-east-1' }).ecs.listTasks({ cluster: 'prod', serviceName: 'web' });
    expect(out).toEqual(['t1', 't2', 't3', 't4']);
    expect(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'p2', 'p3']);
  });
});

describe('deadlines and signals over any client', () => {
  const never = (): Promise<never> => new Promise<never>(() => undefined);

  test('a call that never settles ends at the deadline of the view, pages included', async () => {
    cw.on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'a' }], NextToken: 'p2' })
      .callsFake(never);
    const aws = createAws({ region: 'us-east-1', callTimeoutMs: 10_000 }).withCallTimeout(100);
    const call = aws.cloudwatch.describeAlarms(['a', 'b']);
    await expect(call).rejects.toThrow(/^reading alarms a, b: TimeoutError: AWS did not answer within 100 ms/);
    await expect(call).rejects.toMatchObject({ code: 'TimeoutError' });
    expect(isTimeout(await call.catch((e: unknown) => e))).toBe(true);
  });

  test('the SDK receives the abort signal, so it can drop the request', async () => {
    ecs.on(UpdateServiceCommand).callsFake(never);
    const controller = new AbortController();
    const aws = createAws({ region: 'us-east-1' }).withSignal(controller.signal);
    const call = aws.ecs.updateService({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    while (ecs.commandCalls(UpdateServiceCommand).length === 0) await new Promise((r) => setImmediate(r));
    // The mock's typing leaves out send's second argument, which is what this test is about.
    const options: unknown = (ecs.commandCalls(UpdateServiceCommand)[0]?.args as unknown[] | undefined)?.[1];
    const seen = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
    expect(seen?.aborted).toBe(false);
    controller.abort('the deployment lock was lost');
    await expect(call).rejects.toThrow(
      'updating service web in cluster prod: AbortError: abandoned before AWS answered: the deployment lock was lost'
    );
    expect(seen?.aborted).toBe(true);
  });

  test('boundedAws gives fakes the same semantics: a hung fake ends on the signal with AbortError', async () => {
    const hung: AwsApis = {
      ecs: {
        describeTaskDefinition: never,
        latestTaskDefinition: never,
        registerTaskDefinition: never,
        describeServices: never,
        updateService: never,
        listTasks: never,
        describeTasks: never,
        runTask: never,
        stopTask: never,
        listServiceDeployments: never,
        describeServiceDeployments: never,
        continueServiceDeployment: never,
        stopServiceDeployment: never,
        describeServiceRevisions: never
      },
      elb: {
        describeListener: never,
        modifyListenerDefaultActions: never,
        describeRule: never,
        modifyRuleActions: never,
        describeTargetGroups: never,
        describeTargetHealth: never
      },
      cloudwatch: { putMetricAlarm: never, describeAlarms: never, deleteAlarms: never, getMetricData: never }
    };
    const controller = new AbortController();
    const call = boundedAws(hung, 60_000).withSignal(controller.signal).ecs.describeServices('prod', ['web']);
    controller.abort(new Error('cancelled (SIGTERM)'));
    const error = await call.catch((e: unknown) => e);
    expect(isAbort(error)).toBe(true);
    expect(String(error)).toMatch(/calling ecs\.describeServices: AbortError: abandoned before AWS answered: cancelled \(SIGTERM\)/);
    await expect(boundedAws(hung, 50).elb.describeTargetHealth('tg')).rejects.toThrow(/^calling elb\.describeTargetHealth: TimeoutError/);
  });
});
