/**
 * AWS behind narrow interfaces, built by one factory. The SDK clients are imported
 * lazily on first use, so a run loads only the services it calls (start-up budget),
 * and the SDK's own endpoint resolution (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECS, …)
 * points them at the local ECS with no code change.
 */
import type {
  ECSClient,
  Failure,
  RegisterTaskDefinitionCommandInput,
  RunTaskCommandInput,
  Service,
  Tag,
  Task,
  TaskDefinition,
  UpdateServiceCommandInput,
  ListTasksCommandInput
} from '@aws-sdk/client-ecs';
import type {
  Action,
  ElasticLoadBalancingV2Client,
  Listener,
  Rule,
  TargetGroup,
  TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CloudWatchClient, CompositeAlarm, MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { attempt, awsErrorCode } from './errors.js';

export interface EcsApi {
  /** A revision by ARN, `family:revision` or family (latest ACTIVE). */
  describeTaskDefinition(ref: string): Promise<{ taskDefinition: TaskDefinition; tags: Tag[] }>;
  /** The family's latest ACTIVE revision, or undefined when the family has none. */
  latestTaskDefinition(family: string): Promise<TaskDefinition | undefined>;
  registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<TaskDefinition>;
  /** Batched by 10 (the API's limit) in as few calls as possible. */
  describeServices(cluster: string, services: string[]): Promise<{ services: Service[]; failures: Failure[] }>;
  updateService(input: UpdateServiceCommandInput): Promise<Service>;
  listTasks(input: ListTasksCommandInput): Promise<string[]>;
  /** Batched by 100. */
  describeTasks(cluster: string, taskArns: string[]): Promise<Task[]>;
  runTask(input: RunTaskCommandInput): Promise<{ tasks: Task[]; failures: Failure[] }>;
  stopTask(cluster: string, task: string, reason: string): Promise<void>;
}

export interface ElbApi {
  describeListener(listenerArn: string): Promise<Listener>;
  modifyListenerDefaultActions(listenerArn: string, actions: Action[]): Promise<Listener>;
  describeRule(ruleArn: string): Promise<Rule>;
  modifyRuleActions(ruleArn: string, actions: Action[]): Promise<Rule>;
  describeTargetGroups(targetGroupArns: string[]): Promise<TargetGroup[]>;
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealthDescription[]>;
}

export interface CloudWatchApi {
  putMetricAlarm(input: PutMetricAlarmCommandInput): Promise<void>;
  describeAlarms(names: string[]): Promise<{ metricAlarms: MetricAlarm[]; compositeAlarms: CompositeAlarm[] }>;
  deleteAlarms(names: string[]): Promise<void>;
}

export interface Aws {
  ecs: EcsApi;
  elb: ElbApi;
  cloudwatch: CloudWatchApi;
}

export interface AwsOptions {
  /** Defaults to the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /**
   * Attempts per call. The SDK's standard retry strategy retries throttling and
   * transient errors with exponential backoff and jitter, and never retries
   * access-denied or validation errors: exactly the policy we want.
   */
  maxAttempts?: number;
}

const DEFAULT_ATTEMPTS = 8;

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createAws(options: AwsOptions = {}): Aws {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.maxAttempts ?? DEFAULT_ATTEMPTS
  };
  const ecsSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-ecs');
    return { sdk, client: new sdk.ECSClient(config) as ECSClient };
  });
  const elbSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
    return { sdk, client: new sdk.ElasticLoadBalancingV2Client(config) as ElasticLoadBalancingV2Client };
  });
  const cwSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-cloudwatch');
    return { sdk, client: new sdk.CloudWatchClient(config) as CloudWatchClient };
  });

  const ecs: EcsApi = {
    describeTaskDefinition: (ref) =>
      attempt(`describing task definition ${ref}`, async () => {
        const { sdk, client } = await ecsSdk();
        const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }));
        if (!out.taskDefinition) throw new Error('the response has no taskDefinition');
        return { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
      }),
    latestTaskDefinition: (family) =>
      attempt(`reading the latest revision of task definition family ${family}`, async () => {
        const { sdk, client } = await ecsSdk();
        try {
          const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: family }));
          return out.taskDefinition;
        } catch (error) {
          // ECS answers ClientException "Unable to describe task definition." for a family with no ACTIVE revision.
          if (awsErrorCode(error) === 'ClientException') return undefined;
          throw error;
        }
      }),
    registerTaskDefinition: (input) =>
      attempt(`registering a revision of task definition family ${input.family}`, async () => {
        const { sdk, client } = await ecsSdk();
        const out = await client.send(new sdk.RegisterTaskDefinitionCommand(input));
        if (!out.taskDefinition) throw new Error('the response has no taskDefinition');
        return out.taskDefinition;
      }),
    describeServices: (cluster, services) =>
      attempt(`describing service${services.length > 1 ? 's' : ''} ${services.join(', ')} in cluster ${cluster}`, async () => {
        const { sdk, client } = await ecsSdk();
        const result = { services: [] as Service[], failures: [] as Failure[] };
        for (const batch of chunks(services, 10)) {
          const out = await client.send(new sdk.DescribeServicesCommand({ cluster, services: batch }));
          result.services.push(...(out.services ?? []));
          result.failures.push(...(out.failures ?? []));
        }
        return result;
      }),
    updateService: (input) =>
      attempt(`updating service ${input.service} in cluster ${input.cluster}`, async () => {
        const { sdk, client } = await ecsSdk();
        const out = await client.send(new sdk.UpdateServiceCommand(input));
        if (!out.service) throw new Error('the response has no service');
        return out.service;
      }),
    listTasks: (input) =>
      attempt(`listing tasks in cluster ${input.cluster}`, async () => {
        const { sdk, client } = await ecsSdk();
        const arns: string[] = [];
        let nextToken: string | undefined;
        do {
          const out = await client.send(new sdk.ListTasksCommand({ ...input, nextToken }));
          arns.push(...(out.taskArns ?? []));
          nextToken = out.nextToken;
        } while (nextToken);
        return arns;
      }),
    describeTasks: (cluster, taskArns) =>
      attempt(`describing ${taskArns.length} task(s) in cluster ${cluster}`, async () => {
        const { sdk, client } = await ecsSdk();
        const tasks: Task[] = [];
        for (const batch of chunks(taskArns, 100)) {
          const out = await client.send(new sdk.DescribeTasksCommand({ cluster, tasks: batch }));
          tasks.push(...(out.tasks ?? []));
        }
        return tasks;
      }),
    runTask: (input) =>
      attempt(`running a task of ${input.taskDefinition} in cluster ${input.cluster}`, async () => {
        const { sdk, client } = await ecsSdk();
        const out = await client.send(new sdk.RunTaskCommand(input));
        return { tasks: out.tasks ?? [], failures: out.failures ?? [] };
      }),
    stopTask: (cluster, task, reason) =>
      attempt(`stopping task ${task} in cluster ${cluster}`, async () => {
        const { sdk, client } = await ecsSdk();
        await client.send(new sdk.StopTaskCommand({ cluster, task, reason }));
      })
  };

  const elb: ElbApi = {
    describeListener: (arn) =>
      attempt(`describing listener ${arn}`, async () => {
        const { sdk, client } = await elbSdk();
        const out = await client.send(new sdk.DescribeListenersCommand({ ListenerArns: [arn] }));
        const listener = out.Listeners?.[0];
        if (!listener) throw new Error('the response has no listener');
        return listener;
      }),
    modifyListenerDefaultActions: (arn, actions) =>
      attempt(`setting the default action of listener ${arn}`, async () => {
        const { sdk, client } = await elbSdk();
        const out = await client.send(new sdk.ModifyListenerCommand({ ListenerArn: arn, DefaultActions: actions }));
        const listener = out.Listeners?.[0];
        if (!listener) throw new Error('the response has no listener');
        return listener;
      }),
    describeRule: (arn) =>
      attempt(`describing listener rule ${arn}`, async () => {
        const { sdk, client } = await elbSdk();
        const out = await client.send(new sdk.DescribeRulesCommand({ RuleArns: [arn] }));
        const rule = out.Rules?.[0];
        if (!rule) throw new Error('the response has no rule');
        return rule;
      }),
    modifyRuleActions: (arn, actions) =>
      attempt(`setting the actions of listener rule ${arn}`, async () => {
        const { sdk, client } = await elbSdk();
        const out = await client.send(new sdk.ModifyRuleCommand({ RuleArn: arn, Actions: actions }));
        const rule = out.Rules?.[0];
        if (!rule) throw new Error('the response has no rule');
        return rule;
      }),
    describeTargetGroups: (arns) =>
      attempt(`describing target group${arns.length > 1 ? 's' : ''} ${arns.join(', ')}`, async () => {
        const { sdk, client } = await elbSdk();
        const out = await client.send(new sdk.DescribeTargetGroupsCommand({ TargetGroupArns: arns }));
        return out.TargetGroups ?? [];
      }),
    describeTargetHealth: (arn) =>
      attempt(`reading the health of the targets in ${arn}`, async () => {
        const { sdk, client } = await elbSdk();
        const out = await client.send(new sdk.DescribeTargetHealthCommand({ TargetGroupArn: arn }));
        return out.TargetHealthDescriptions ?? [];
      })
  };

  const cloudwatch: CloudWatchApi = {
    putMetricAlarm: (input) =>
      attempt(`creating alarm ${input.AlarmName}`, async () => {
        const { sdk, client } = await cwSdk();
        await client.send(new sdk.PutMetricAlarmCommand(input));
      }),
    describeAlarms: (names) =>
      attempt(`reading alarm${names.length > 1 ? 's' : ''} ${names.join(', ')}`, async () => {
        const { sdk, client } = await cwSdk();
        const result = { metricAlarms: [] as MetricAlarm[], compositeAlarms: [] as CompositeAlarm[] };
        for (const batch of chunks(names, 100)) {
          const out = await client.send(
            new sdk.DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })
          );
          result.metricAlarms.push(...(out.MetricAlarms ?? []));
          result.compositeAlarms.push(...(out.CompositeAlarms ?? []));
        }
        return result;
      }),
    deleteAlarms: (names) =>
      attempt(`deleting alarm${names.length > 1 ? 's' : ''} ${names.join(', ')}`, async () => {
        const { sdk, client } = await cwSdk();
        for (const batch of chunks(names, 100)) await client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: batch }));
      })
  };

  return { ecs, elb, cloudwatch };
}
