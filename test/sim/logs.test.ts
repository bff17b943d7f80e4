/** The local ECS's CloudWatch Logs, driven through the real SDK client: groups, streams, events, paging and errors as AWS answers them. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task
} from '@aws-sdk/client-ecs';
import type { Sim } from '../../sim/server.js';
import { frozenSim, rejection } from './helpers.js';

let sim: Sim;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  sim = await frozenSim();
  logs = new CloudWatchLogsClient({
    endpoint: sim.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSIMTEST', secretAccessKey: 'sim-secret' },
    maxAttempts: 1
  });
});
afterAll(() => sim.close());

describe('log groups', () => {
  it('creates groups and lists them by name with their ARNs, paged by limit and nextToken', async () => {
    for (const name of ['/ecs/zeta', '/ecs/alpha', '/ecs/mid', '/other/x'])
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/', limit: 2 }));
    expect(first.logGroups!.map((g) => g.logGroupName)).toEqual(['/ecs/alpha', '/ecs/mid']);
    expect(first.logGroups![0].arn).toBe('arn:aws:logs:us-east-1:123456789012:log-group:/ecs/alpha:*');
    expect(typeof first.logGroups![0].creationTime).toBe('number');
    expect(first.nextToken).toBeDefined();
    const second = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/', limit: 2, nextToken: first.nextToken }));
    expect(second.logGroups!.map((g) => g.logGroupName)).toEqual(['/ecs/zeta']);
    expect(second.nextToken).toBeUndefined();
  });

  it('answers an exact-name lookup for a missing group with an empty list, not an error', async () => {
    const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/does-not-exist' }));
    expect(out.logGroups).toEqual([]);
  });

  it('refuses a duplicate group, a bad name and an out-of-range limit with the exceptions of the Logs API', async () => {
    expect(await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/alpha' })))).toBeInstanceOf(
      ResourceAlreadyExistsException
    );
    const bad = await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' })));
    expect(bad).toBeInstanceOf(InvalidParameterException);
    expect(bad.message).toContain("at 'logGroupName'");
    const limit = await rejection(logs.send(new DescribeLogGroupsCommand({ limit: 51 })));
    expect(limit).toBeInstanceOf(InvalidParameterException);
    expect(limit.message).toContain('less than or equal to 50');
  });
});

describe('streams and events', () => {
  const group = '/ecs/events';
  const t0 = 1_700_000_000_000;

  beforeAll(async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'web/web/task1' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'web/web/task2' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'web/web/task1',
        logEvents: Array.from({ length: 30 }, (_, i) => ({
          timestamp: t0 + i * 1000,
          message: `line ${i}${i % 10 === 9 ? ' ERROR boom' : ''}`
        }))
      })
    );
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'web/web/task2',
        logEvents: [{ timestamp: t0 + 500, message: 'other ERROR' }]
      })
    );
  });

  it('GetLogEvents without a token returns the newest events, oldest first, and pages back with nextBackwardToken', async () => {
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'web/web/task1', limit: 5 }));
    expect(tail.events!.map((e) => e.message)).toEqual(['line 25', 'line 26', 'line 27', 'line 28', 'line 29 ERROR boom']);
    expect(tail.events![0].timestamp).toBe(t0 + 25_000);
    const before = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'web/web/task1', limit: 5, nextToken: tail.nextBackwardToken })
    );
    expect(before.events!.map((e) => e.message)).toEqual(['line 20', 'line 21', 'line 22', 'line 23', 'line 24']);
  });

  it('GetLogEvents from the head pages forward and hands back the same token at the end', async () => {
    const head = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'web/web/task1', limit: 25, startFromHead: true })
    );
    expect(head.events).toHaveLength(25);
    const rest = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'web/web/task1', limit: 25, nextToken: head.nextForwardToken })
    );
    expect(rest.events).toHaveLength(5);
    const end = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'web/web/task1', limit: 25, nextToken: rest.nextForwardToken })
    );
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(rest.nextForwardToken);
  });

  it('FilterLogEvents matches terms across streams in time order', async () => {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR' }));
    expect(out.events!.map((e) => `${e.logStreamName}: ${e.message}`)).toEqual([
      'web/web/task2: other ERROR',
      'web/web/task1: line 9 ERROR boom',
      'web/web/task1: line 19 ERROR boom',
      'web/web/task1: line 29 ERROR boom'
    ]);
    const one = await logs.send(
      new FilterLogEventsCommand({ logGroupName: group, logStreamNames: ['web/web/task1'], filterPattern: '"ERROR boom" -19', limit: 1 })
    );
    expect(one.events!.map((e) => e.message)).toEqual(['line 9 ERROR boom']);
    const next = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: group,
        logStreamNames: ['web/web/task1'],
        filterPattern: '"ERROR boom" -19',
        nextToken: one.nextToken
      })
    );
    expect(next.events!.map((e) => e.message)).toEqual(['line 29 ERROR boom']);
  });

  it('DescribeLogStreams lists streams by name or by last event time', async () => {
    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: 'web/web/' }));
    expect(byName.logStreams!.map((s) => s.logStreamName)).toEqual(['web/web/task1', 'web/web/task2']);
    expect(byName.logStreams![0].lastEventTimestamp).toBe(t0 + 29_000);
    const newest = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true, limit: 1 })
    );
    expect(newest.logStreams!.map((s) => s.logStreamName)).toEqual(['web/web/task1']);
    const both = await rejection(
      logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', logStreamNamePrefix: 'web' }))
    );
    expect(both).toBeInstanceOf(InvalidParameterException);
  });

  it('a missing group or stream is ResourceNotFoundException, and a batch out of time order is refused', async () => {
    const noGroup = await rejection(logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/nope', logStreamName: 'x' })));
    expect(noGroup).toBeInstanceOf(ResourceNotFoundException);
    expect(noGroup.message).toBe('The specified log group does not exist.');
    const noStream = await rejection(logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'nope' })));
    expect(noStream.message).toBe('The specified log stream does not exist.');
    const unordered = await rejection(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 'web/web/task2',
          logEvents: [
            { timestamp: t0 + 2, message: 'b' },
            { timestamp: t0 + 1, message: 'a' }
          ]
        })
      )
    );
    expect(unordered).toBeInstanceOf(InvalidParameterException);
  });
});

describe('what the local ECS writes through the awslogs driver, and tasks that never start', () => {
  const ecs = (): ECSClient =>
    new ECSClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSIMTEST', secretAccessKey: 'sim-secret' },
      maxAttempts: 1
    });
  const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' as const } };
  let family = 0;

  /** Runs one task of `image` whose container logs to /ecs/jobs (prefix job), and lets two simulated minutes pass. */
  async function runJob(image: string, extra: Record<string, unknown> = {}): Promise<{ id: string; task: Task; stream: string }> {
    const client = ecs();
    const name = `job${++family}`;
    await client.send(new CreateClusterCommand({ clusterName: 'jobs' }));
    await client.send(
      new RegisterTaskDefinitionCommand({
        family: name,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        containerDefinitions: [
          {
            name: 'main',
            image,
            essential: true,
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/jobs', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'job' }
            },
            ...extra
          }
        ]
      })
    );
    const run = await client.send(
      new RunTaskCommand({ cluster: 'jobs', taskDefinition: name, launchType: 'FARGATE', networkConfiguration: NETWORK })
    );
    const id = run.tasks![0].taskArn!.split('/').pop()!;
    sim.advance(2 * 60_000);
    const task = (await client.send(new DescribeTasksCommand({ cluster: 'jobs', tasks: [id] }))).tasks![0];
    return { id, task, stream: `job/main/${id}` };
  }

  beforeAll(async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/jobs' }));
  });

  test('a crash prints its stack trace and the exit, in the stream named prefix/container/task-id', async () => {
    const { task, stream } = await runJob('registry.example.com/job:v2-crash');
    expect(task.containers![0].exitCode).toBe(1);
    const out = await logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/jobs', logStreamName: stream }));
    const text = out.events!.map((e) => e.message).join('\n');
    expect(text).toMatch(/INFO {2}main: listening on 0\.0\.0\.0:8080/);
    expect(text).toMatch(/TypeError: Cannot read properties of undefined \(reading 'split'\)\n {4}at parseConfig/);
    expect(out.events!.at(-1)!.message).toMatch(/FATAL main: exiting with code 1$/);
    // Oldest first, as GetLogEvents returns them.
    const times = out.events!.map((e) => e.timestamp!);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  test('an image that cannot be pulled: TaskFailedToStart with ECS’s CannotPullContainerError wording, no exit code, no log stream', async () => {
    const { task, stream } = await runJob('registry.example.com/job:v9-image-pull-fail');
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason:
        'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/job:v9-image-pull-fail: registry.example.com/job:v9-image-pull-fail: not found'
    });
    expect(task.startedAt).toBeUndefined();
    expect(task.containers![0].exitCode).toBeUndefined();
    expect(task.containers![0].reason).toBe(task.stoppedReason);
    expect(await rejection(logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/jobs', logStreamName: stream })))).toBeInstanceOf(
      ResourceNotFoundException
    );
  });

  test('a secret the execution role cannot read: ResourceInitializationError naming the secret and the role', async () => {
    const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:job/api-key-Xy12Zw';
    const { task } = await runJob('registry.example.com/job:v2-secret-fail', { secrets: [{ name: 'API_KEY', valueFrom: secret }] });
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.stoppedReason).toMatch(
      /^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: /
    );
    expect(task.stoppedReason).toContain(
      `failed to fetch secret ${secret} from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/`
    );
  });

  test('a group that does not exist gets no output (and the task still runs)', async () => {
    const client = ecs();
    await client.send(
      new RegisterTaskDefinitionCommand({
        family: 'nogroup',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'main',
            image: 'job:v1',
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/missing', 'awslogs-stream-prefix': 'x' } }
          }
        ]
      })
    );
    await client.send(
      new RunTaskCommand({ cluster: 'jobs', taskDefinition: 'nogroup', launchType: 'FARGATE', networkConfiguration: NETWORK })
    );
    sim.advance(60_000);
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/missing' }))).logGroups).toEqual([]);
  });
});
