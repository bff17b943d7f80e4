/**
 * The local ECS's tasks and task definitions through its handlers: RunTask exit codes
 * and behaviours, the task lifecycle and its timestamps, lookups and the validation a
 * user meets when a task definition is wrong.
 */
import { describe, expect, test } from '@jest/globals';
import { NETWORK, harness } from './ecs-harness.js';

const MINUTE = 60_000;

function withJob(image: string, environment: { name: string; value: string }[] = []) {
  const h = harness();
  h.call('CreateCluster', { clusterName: 'prod' });
  h.call('RegisterTaskDefinition', {
    family: 'job',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1024',
    containerDefinitions: [{ name: 'main', image, environment }]
  });
  return h;
}

function runOne(h: ReturnType<typeof harness>, overrides?: Record<string, unknown>): string {
  const out = h.call('RunTask', { cluster: 'prod', taskDefinition: 'job', networkConfiguration: NETWORK, startedBy: 'ci', overrides });
  expect(out.failures).toEqual([]);
  return out.tasks[0].taskArn;
}

describe('RunTask', () => {
  test.each([
    ['a healthy image', 0, 'job:v1', [], undefined],
    ['a crashing image', 1, 'job:v1-crash', [], undefined],
    ['SIM_EXIT_CODE on a crashing image', 3, 'job:v1-crash', [{ name: 'SIM_EXIT_CODE', value: '3' }], undefined],
    [
      'SIM_BEHAVIOUR=crash in the overrides',
      1,
      'job:v1',
      [],
      { containerOverrides: [{ name: 'main', environment: [{ name: 'SIM_BEHAVIOUR', value: 'crash' }] }] }
    ],
    [
      'a healthy override of a crashing image',
      0,
      'job:v1-crash',
      [],
      { containerOverrides: [{ name: 'main', environment: [{ name: 'SIM_BEHAVIOUR', value: 'healthy' }] }] }
    ],
    ['a command that exits 7', 7, 'job:v1', [], { containerOverrides: [{ name: 'main', command: ['sh', '-c', 'exit 7'] }] }]
  ])('%s exits with code %i', (_what, code, image, env, overrides) => {
    const h = withJob(image, env);
    const arn = runOne(h, overrides);
    h.advance(2 * MINUTE);
    const task = h.call('DescribeTasks', { cluster: 'prod', tasks: [arn] }).tasks[0];
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited'
    });
    expect(task.containers[0].exitCode).toBe(code);
    if (overrides) expect(task.overrides.containerOverrides).toEqual(overrides.containerOverrides);
  });

  test('a one-off task moves PROVISIONING → PENDING → RUNNING → STOPPED with ordered timestamps', () => {
    const h = withJob('job:v1');
    const arn = runOne(h);
    const seen: string[] = [];
    h.until(() => {
      const s = h.call('DescribeTasks', { cluster: 'prod', tasks: [arn] }).tasks[0].lastStatus as string;
      if (seen.at(-1) !== s) seen.push(s);
      return s === 'STOPPED';
    }, 2 * MINUTE);
    expect(seen[0]).toBe('PROVISIONING');
    expect(seen).toEqual(expect.arrayContaining(['PENDING', 'RUNNING', 'STOPPED']));
    const t = h.call('DescribeTasks', { cluster: 'prod', tasks: [arn] }).tasks[0];
    const order = [t.createdAt, t.pullStartedAt, t.pullStoppedAt, t.startedAt, t.stoppingAt, t.stoppedAt].map((d: Date) => d.getTime());
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(t).toMatchObject({ group: 'family:job', startedBy: 'ci', launchType: 'FARGATE', cpu: '512', memory: '1024' });
    expect(t.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/prod\/[0-9a-f]{32}$/);
    const eni = t.attachments[0];
    expect(eni.type).toBe('ElasticNetworkInterface');
    expect(eni.details.find((d: { name: string }) => d.name === 'privateIPv4Address').value).toBe(
      t.containers[0].networkInterfaces[0].privateIpv4Address
    );
  });

  test('StopTask stops a running task with the user reason; stopped tasks stay listed as STOPPED', () => {
    const h = withJob('job:v1-slow-start');
    const arn = runOne(h);
    h.advance(10_000);
    const out = h.call('StopTask', { cluster: 'prod', task: arn, reason: 'cancelled by the pipeline' }).task;
    expect(out).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'cancelled by the pipeline' });
    h.advance(10_000);
    expect(h.call('ListTasks', { cluster: 'prod', desiredStatus: 'STOPPED', family: 'job' }).taskArns).toEqual([arn]);
    expect(h.call('ListTasks', { cluster: 'prod', family: 'job' }).taskArns).toEqual([]);
    h.advance(60 * MINUTE);
    expect(h.call('DescribeTasks', { cluster: 'prod', tasks: [arn] }).tasks[0].lastStatus).toBe('STOPPED');
    expect(() => h.call('StopTask', { cluster: 'prod', task: 'f'.repeat(32) })).toThrow(
      expect.objectContaining({ code: 'InvalidParameterException' })
    );
  });

  test('DescribeTasks answers MISSING for an unknown task', () => {
    const h = withJob('job:v1');
    const arn = runOne(h);
    const out = h.call('DescribeTasks', { cluster: 'prod', tasks: [arn, 'deadbeef'] });
    expect(out.tasks).toHaveLength(1);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/deadbeef', reason: 'MISSING' }]);
  });

  test('a slow-start image stays PENDING for minutes', () => {
    const h = withJob('job:v1-slow-start');
    const arn = runOne(h);
    h.advance(3 * MINUTE);
    expect(h.call('DescribeTasks', { cluster: 'prod', tasks: [arn] }).tasks[0].lastStatus).toBe('PENDING');
    h.advance(2 * MINUTE);
    expect(h.call('DescribeTasks', { cluster: 'prod', tasks: [arn] }).tasks[0].lastStatus).not.toBe('PENDING');
  });
});

describe('service task behaviours', () => {
  test('a memory leak gets the container killed with 137 and the OutOfMemory reason', () => {
    const h = harness();
    h.steadyWeb();
    h.registerWeb('app:v2-memory-leak');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    h.until(() => h.call('ListTasks', { cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' }).taskArns.length >= 4, 15 * MINUTE);
    const stopped = h.call('DescribeTasks', {
      cluster: 'prod',
      tasks: h.call('ListTasks', { cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' }).taskArns
    }).tasks;
    const oom = stopped.filter((t: { stopCode: string }) => t.stopCode === 'EssentialContainerExited');
    expect(oom.length).toBeGreaterThan(0);
    for (const t of oom)
      expect(t.containers[0]).toMatchObject({ exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });
  });

  test('a container health check that fails stops the task with ECS reason', () => {
    const h = harness();
    h.steadyWeb();
    h.registerWeb('app:v2', [{ name: 'SIM_BEHAVIOUR', value: 'unhealthy' }], {
      healthCheck: { command: ['CMD-SHELL', 'curl -f localhost:8080/health'], interval: 10, retries: 2 }
    });
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2', healthCheckGracePeriodSeconds: 3600 });
    h.until(() => h.call('ListTasks', { cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' }).taskArns.length >= 3, 10 * MINUTE);
    const stopped = h.call('DescribeTasks', {
      cluster: 'prod',
      tasks: h.call('ListTasks', { cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' }).taskArns
    }).tasks;
    expect(
      stopped.some((t: { stoppedReason: string; healthStatus: string }) => t.stoppedReason === 'Task failed container health checks')
    ).toBe(true);
  });
});

describe('task definitions', () => {
  const good = {
    family: 'api',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'api', image: 'api:v1', portMappings: [{ containerPort: 80 }] }]
  };

  test.each([
    [
      'a Fargate CPU/memory pair that does not exist',
      { cpu: '256', memory: '4096' },
      'No Fargate configuration exists for given values: 256 CPU, 4096 memory.'
    ],
    ['no containers', { containerDefinitions: [] }, 'Container list cannot be empty.'],
    ['a container without an image', { containerDefinitions: [{ name: 'api' }] }, 'Container.image should not be null or empty.'],
    ['a container without a name', { containerDefinitions: [{ image: 'api:v1' }] }, 'Container.name should not be null or empty.'],
    ['Fargate in bridge mode', { networkMode: 'bridge' }, "Fargate only supports network mode 'awsvpc'."],
    ['Fargate without task cpu', { cpu: undefined }, "Fargate requires that 'cpu' be defined at the task level."],
    [
      'no essential container',
      { containerDefinitions: [{ name: 'api', image: 'api:v1', essential: false }] },
      'at least one essential container'
    ],
    [
      'duplicate container names',
      {
        containerDefinitions: [
          { name: 'a', image: 'x' },
          { name: 'a', image: 'y' }
        ]
      },
      'Duplicate container name'
    ]
  ])('%s is a ClientException', (_what, change, message) => {
    const h = harness();
    let caught: unknown;
    try {
      h.call('RegisterTaskDefinition', { ...good, ...change });
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'ClientException', message: expect.stringContaining(message) });
  });

  test('registered revisions get ECS defaults, and describe finds them by ARN, family:revision and family', () => {
    const h = harness();
    const first = h.call('RegisterTaskDefinition', { ...good, cpu: '0.25 vCPU', tags: [{ key: 'app', value: 'api' }] }).taskDefinition;
    expect(first).toMatchObject({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1',
      revision: 1,
      status: 'ACTIVE',
      cpu: '256',
      compatibilities: ['EC2', 'FARGATE']
    });
    expect(first.containerDefinitions[0]).toMatchObject({
      cpu: 0,
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]
    });
    expect(first.registeredAt).toBeInstanceOf(Date);
    h.call('RegisterTaskDefinition', good);
    expect(h.call('DescribeTaskDefinition', { taskDefinition: 'api' }).taskDefinition.revision).toBe(2);
    expect(h.call('DescribeTaskDefinition', { taskDefinition: 'api:1' }).taskDefinition.revision).toBe(1);
    expect(h.call('DescribeTaskDefinition', { taskDefinition: first.taskDefinitionArn, include: ['TAGS'] }).tags).toEqual([
      { key: 'app', value: 'api' }
    ]);
    expect(h.call('DescribeTaskDefinition', { taskDefinition: 'api:1' }).tags).toBeUndefined();

    h.call('DeregisterTaskDefinition', { taskDefinition: 'api:2' });
    expect(h.call('DescribeTaskDefinition', { taskDefinition: 'api' }).taskDefinition.revision).toBe(1);
    expect(h.call('DescribeTaskDefinition', { taskDefinition: 'api:2' }).taskDefinition.status).toBe('INACTIVE');
    expect(h.call('ListTaskDefinitions', { familyPrefix: 'api' }).taskDefinitionArns).toEqual([first.taskDefinitionArn]);
    expect(h.call('ListTaskDefinitions', { familyPrefix: 'api', status: 'INACTIVE' }).taskDefinitionArns).toEqual([
      'arn:aws:ecs:us-east-1:123456789012:task-definition/api:2'
    ]);
    h.call('DeregisterTaskDefinition', { taskDefinition: 'api:1' });
    expect(() => h.call('DescribeTaskDefinition', { taskDefinition: 'api' })).toThrow(
      expect.objectContaining({ code: 'ClientException', message: 'Unable to describe task definition.' })
    );
  });

  test('ListTaskDefinitions sorts and pages', () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.call('RegisterTaskDefinition', good);
    const first = h.call('ListTaskDefinitions', { sort: 'DESC', maxResults: 2 });
    expect(first.taskDefinitionArns.map((a: string) => a.split(':').pop())).toEqual(['3', '2']);
    const rest = h.call('ListTaskDefinitions', { sort: 'DESC', maxResults: 2, nextToken: first.nextToken });
    expect(rest.taskDefinitionArns.map((a: string) => a.split(':').pop())).toEqual(['1']);
    expect(rest.nextToken).toBeUndefined();
  });

  test('a service cannot start on an unknown or inactive revision', () => {
    const h = harness();
    h.call('CreateCluster', { clusterName: 'prod' });
    h.call('RegisterTaskDefinition', good);
    h.call('DeregisterTaskDefinition', { taskDefinition: 'api:1' });
    const create = (taskDefinition: string) => () =>
      h.call('CreateService', { cluster: 'prod', serviceName: 'api', taskDefinition, desiredCount: 1, networkConfiguration: NETWORK });
    expect(create('api:1')).toThrow(expect.objectContaining({ code: 'ClientException', message: 'TaskDefinition is inactive' }));
    expect(create('api:9')).toThrow(expect.objectContaining({ code: 'ClientException', message: 'TaskDefinition not found.' }));
  });
});

describe('clusters', () => {
  test('CreateCluster is idempotent and DescribeClusters reports MISSING for unknown ones', () => {
    const h = harness();
    const a = h.call('CreateCluster', { clusterName: 'prod' }).cluster;
    const b = h.call('CreateCluster', { clusterName: 'prod' }).cluster;
    expect(a.clusterArn).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/prod');
    expect(b.clusterArn).toBe(a.clusterArn);
    const out = h.call('DescribeClusters', { clusters: ['prod', 'nope'] });
    expect(out.clusters.map((c: { clusterName: string }) => c.clusterName)).toEqual(['prod']);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope', reason: 'MISSING' }]);
  });
});
