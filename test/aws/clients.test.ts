/** The AWS access layer, with the SDK clients mocked (aws-sdk-client-mock): batching, wrapping, not-found handling. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { createAws } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';

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
    expect(cw.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input.AlarmTypes).toEqual(['MetricAlarm', 'CompositeAlarm']);
  });
});
