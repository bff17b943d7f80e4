/**
 * AWS behind narrow interfaces, built by one factory. The SDK clients are imported
 * lazily on first use, so a run loads only the services it calls (start-up budget),
 * and the SDK's own endpoint resolution (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECS, …)
 * points them at the local ECS with no code change. Every call has a deadline, can be
 * abandoned through a signal, and follows every page AWS returns.
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
  ListTasksCommandInput,
  DeploymentLifecycleHookAction,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceDeploymentStatus,
  ServiceRevision
} from '@aws-sdk/client-ecs';
import type {
  Action,
  ElasticLoadBalancingV2Client,
  Listener,
  Rule,
  TargetGroup,
  TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type {
  CloudWatchClient,
  CompositeAlarm,
  MetricAlarm,
  MetricDataQuery,
  MetricDataResult,
  PutMetricAlarmCommandInput
} from '@aws-sdk/client-cloudwatch';
import type {
  CodeDeployClient,
  CreateDeploymentCommandInput,
  DeploymentConfigInfo,
  DeploymentGroupInfo,
  DeploymentInfo,
  DeploymentStatus,
  DeploymentWaitType,
  StopDeploymentCommandOutput
} from '@aws-sdk/client-codedeploy';
import { noteFailedAttempts, noteFailedAttemptsOptions, withinLimits, type CallLimits } from './deadline.js';
import { attempt, awsErrorCode } from './errors.js';
import { JitteredRetry } from './retry.js';

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
  /** A service's deployments (ECS-native strategies), newest first, every page; `status` filters. */
  listServiceDeployments(cluster: string, service: string, status?: ServiceDeploymentStatus[]): Promise<ServiceDeploymentBrief[]>;
  /** Batched by 20 (the API's limit). */
  describeServiceDeployments(arns: string[]): Promise<{ serviceDeployments: ServiceDeployment[]; failures: Failure[] }>;
  /** Answers a PAUSE lifecycle hook: CONTINUE to the next stage, or ROLLBACK. */
  continueServiceDeployment(input: { serviceDeploymentArn: string; hookId: string; action: DeploymentLifecycleHookAction }): Promise<void>;
  /** Stops a deployment; ROLLBACK puts the previous service revision back. */
  stopServiceDeployment(serviceDeploymentArn: string, stopType: 'ROLLBACK'): Promise<void>;
  /** Batched by 20 (the API's limit). */
  describeServiceRevisions(arns: string[]): Promise<ServiceRevision[]>;
}

/** The ECS calls only the CLI's housekeeping commands make (revisions, deregister, on-demand rollback). */
export interface EcsAdminApi {
  /** Every revision ARN of one family (ACTIVE unless `status` says otherwise), oldest first, every page. */
  listTaskDefinitions(family: string, status?: 'ACTIVE' | 'INACTIVE'): Promise<string[]>;
  /** Marks one revision INACTIVE: running tasks keep running, but no service can be updated to it. */
  deregisterTaskDefinition(ref: string): Promise<TaskDefinition>;
  /** Every service ARN in a cluster, every page. */
  listServices(cluster: string): Promise<string[]>;
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
  /** Every page of one GetMetricData, each query's datapoints merged by Id. */
  getMetricData(queries: MetricDataQuery[], startTime: Date, endTime: Date): Promise<MetricDataResult[]>;
}

/** CodeDeploy, for services on the CODE_DEPLOY deployment controller. */
export interface CodeDeployApi {
  getDeploymentGroup(application: string, group: string): Promise<DeploymentGroupInfo>;
  getDeploymentConfig(name: string): Promise<DeploymentConfigInfo>;
  /** The new deployment's id. */
  createDeployment(input: CreateDeploymentCommandInput): Promise<string>;
  getDeployment(deploymentId: string): Promise<DeploymentInfo>;
  /** A group's deployment ids, newest first, every page; `statuses` filters. */
  listDeployments(application: string, group: string, statuses?: DeploymentStatus[]): Promise<string[]>;
  /** autoRollbackEnabled: CodeDeploy puts the original task set back behind the production listener. */
  stopDeployment(
    deploymentId: string,
    autoRollbackEnabled: boolean
  ): Promise<Pick<StopDeploymentCommandOutput, 'status' | 'statusMessage'>>;
  /** READY_WAIT: reroute production traffic now; TERMINATION_WAIT: end the termination wait now. */
  continueDeployment(deploymentId: string, waitType: DeploymentWaitType): Promise<void>;
}

export interface Aws {
  ecs: EcsApi;
  ecsAdmin: EcsAdminApi;
  elb: ElbApi;
  cloudwatch: CloudWatchApi;
  codedeploy: CodeDeployApi;
  /**
   * The same clients (no new SDK client, same connections and retry quota), in which every
   * call also ends as soon as `signal` aborts: it rejects at once with an AwsCallError of code
   * `AbortError` (see `isAbort`) whose message carries the signal's reason. Views stack:
   * `aws.withSignal(a).withSignal(b)` ends on either.
   */
  withSignal(signal: AbortSignal): Aws;
  /**
   * The same clients with another per-call deadline (e.g. a gate's read that must give up
   * within one poll interval instead of riding out the SDK's throttling retries).
   */
  withCallTimeout(callTimeoutMs: number): Aws;
}

export interface AwsOptions {
  /** Defaults to the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /**
   * Attempts per request. Throttling and transient errors are retried with full-jitter
   * exponential back-off (the SDK's standard policy, see retry.ts); access-denied and
   * validation errors never are.
   */
  maxAttempts?: number;
  /**
   * The deadline of one logical call — every page and every retry of it — in ms (default
   * 30 000). Past it the call rejects with an AwsCallError of code `TimeoutError` (see `isTimeout`).
   */
  callTimeoutMs?: number;
  /**
   * The deadline of one HTTP attempt in ms (default: 10 000, or callTimeoutMs when shorter),
   * so a dead connection is retried within the call's deadline instead of using it all.
   */
  attemptTimeoutMs?: number;
}

const DEFAULT_ATTEMPTS = 8;
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** Connecting (TCP and TLS) to an AWS endpoint takes well under a second; longer means the network is gone. */
const CONNECTION_TIMEOUT_MS = 5_000;

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function positiveMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1) {
    throw new RangeError(`${name} must be a positive number of milliseconds below 2^31, not ${value}`);
  }
  return value;
}

export function createAws(options: AwsOptions = {}): Aws {
  const callTimeoutMs = positiveMs('callTimeoutMs', options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  const attemptTimeoutMs = positiveMs('attemptTimeoutMs', options.attemptTimeoutMs ?? Math.min(DEFAULT_ATTEMPT_TIMEOUT_MS, callTimeoutMs));
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  // One retry strategy (and so one retry quota) per client, as the SDK's default does.
  const config = () => ({
    ...(options.region ? { region: options.region } : {}),
    maxAttempts,
    retryStrategy: new JitteredRetry(maxAttempts),
    // Given as options, not a NodeHttpHandler, so nothing beyond what the SDK loads anyway is imported.
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
    requestHandler: {
      connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, attemptTimeoutMs),
      requestTimeout: attemptTimeoutMs,
      throwOnRequestTimeout: true
    }
  });
  const ecsSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-ecs');
    const client: ECSClient = new sdk.ECSClient(config());
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const elbSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const client: ElasticLoadBalancingV2Client = new sdk.ElasticLoadBalancingV2Client(config());
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const cwSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-cloudwatch');
    const client: CloudWatchClient = new sdk.CloudWatchClient(config());
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const cdSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-codedeploy');
    const client: CodeDeployClient = new sdk.CodeDeployClient(config());
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });

  const view = (limits: CallLimits): Aws => {
    /** One logical call: wrapped with what was being done, bounded by the view's deadline and signals. */
    const call = <T>(action: string, body: (abortSignal: AbortSignal) => Promise<T>): Promise<T> =>
      attempt(action, () => withinLimits(action, limits, body));

    const ecs: EcsApi = {
      describeTaskDefinition: (ref) =>
        call(`describing task definition ${ref}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }), { abortSignal });
          if (!out.taskDefinition) throw new Error('the response has no taskDefinition');
          return { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
        }),
      latestTaskDefinition: (family) =>
        call(`reading the latest revision of task definition family ${family}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          try {
            const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: family }), { abortSignal });
            return out.taskDefinition;
          } catch (error) {
            // ECS answers ClientException "Unable to describe task definition." for a family with no ACTIVE revision.
            if (awsErrorCode(error) === 'ClientException') return undefined;
            throw error;
          }
        }),
      registerTaskDefinition: (input) =>
        call(`registering a revision of task definition family ${input.family}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const out = await client.send(new sdk.RegisterTaskDefinitionCommand(input), { abortSignal });
          if (!out.taskDefinition) throw new Error('the response has no taskDefinition');
          return out.taskDefinition;
        }),
      describeServices: (cluster, services) =>
        call(`describing service${services.length > 1 ? 's' : ''} ${services.join(', ')} in cluster ${cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const result = { services: [] as Service[], failures: [] as Failure[] };
          for (const batch of chunks(services, 10)) {
            const out = await client.send(new sdk.DescribeServicesCommand({ cluster, services: batch }), { abortSignal });
            result.services.push(...(out.services ?? []));
            result.failures.push(...(out.failures ?? []));
          }
          return result;
        }),
      updateService: (input) =>
        call(`updating service ${input.service} in cluster ${input.cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const out = await client.send(new sdk.UpdateServiceCommand(input), { abortSignal });
          if (!out.service) throw new Error('the response has no service');
          return out.service;
        }),
      listTasks: (input) =>
        call(`listing tasks in cluster ${input.cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const arns: string[] = [];
          let nextToken: string | undefined;
          do {
            // 100 is the most ECS returns per page (and its default).
            const out = await client.send(new sdk.ListTasksCommand({ maxResults: 100, ...input, nextToken }), { abortSignal });
            arns.push(...(out.taskArns ?? []));
            nextToken = out.nextToken;
          } while (nextToken);
          return arns;
        }),
      describeTasks: (cluster, taskArns) =>
        call(`describing ${taskArns.length} task(s) in cluster ${cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const tasks: Task[] = [];
          for (const batch of chunks(taskArns, 100)) {
            const out = await client.send(new sdk.DescribeTasksCommand({ cluster, tasks: batch }), { abortSignal });
            tasks.push(...(out.tasks ?? []));
          }
          return tasks;
        }),
      runTask: (input) =>
        call(`running a task of ${input.taskDefinition} in cluster ${input.cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const out = await client.send(new sdk.RunTaskCommand(input), { abortSignal });
          return { tasks: out.tasks ?? [], failures: out.failures ?? [] };
        }),
      stopTask: (cluster, task, reason) =>
        call(`stopping task ${task} in cluster ${cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          await client.send(new sdk.StopTaskCommand({ cluster, task, reason }), { abortSignal });
        }),
      listServiceDeployments: (cluster, service, status) =>
        call(`listing the deployments of service ${service} in cluster ${cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const out: ServiceDeploymentBrief[] = [];
          let nextToken: string | undefined;
          do {
            // 100 is the most ECS returns per page (20 by default).
            const page = await client.send(
              new sdk.ListServiceDeploymentsCommand({
                cluster,
                service,
                maxResults: 100,
                ...(status?.length ? { status } : {}),
                ...(nextToken ? { nextToken } : {})
              }),
              { abortSignal }
            );
            out.push(...(page.serviceDeployments ?? []));
            nextToken = page.nextToken;
          } while (nextToken);
          return out;
        }),
      describeServiceDeployments: (arns) =>
        call(`describing service deployment${arns.length > 1 ? 's' : ''} ${arns.join(', ')}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const result = { serviceDeployments: [] as ServiceDeployment[], failures: [] as Failure[] };
          for (const batch of chunks(arns, 20)) {
            const out = await client.send(new sdk.DescribeServiceDeploymentsCommand({ serviceDeploymentArns: batch }), { abortSignal });
            result.serviceDeployments.push(...(out.serviceDeployments ?? []));
            result.failures.push(...(out.failures ?? []));
          }
          return result;
        }),
      continueServiceDeployment: (input) =>
        call(
          `answering ${input.action} to lifecycle hook ${input.hookId} of service deployment ${input.serviceDeploymentArn}`,
          async (abortSignal) => {
            const { sdk, client } = await ecsSdk();
            await client.send(new sdk.ContinueServiceDeploymentCommand(input), { abortSignal });
          }
        ),
      stopServiceDeployment: (arn, stopType) =>
        call(`stopping service deployment ${arn} (${stopType})`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          await client.send(new sdk.StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType }), { abortSignal });
        }),
      describeServiceRevisions: (arns) =>
        call(`describing service revision${arns.length > 1 ? 's' : ''} ${arns.join(', ')}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const revisions: ServiceRevision[] = [];
          for (const batch of chunks(arns, 20)) {
            const out = await client.send(new sdk.DescribeServiceRevisionsCommand({ serviceRevisionArns: batch }), { abortSignal });
            revisions.push(...(out.serviceRevisions ?? []));
          }
          return revisions;
        })
    };

    const ecsAdmin: EcsAdminApi = {
      listTaskDefinitions: (family, status = 'ACTIVE') =>
        call(`listing the ${status} revisions of task definition family ${family}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const arns: string[] = [];
          let nextToken: string | undefined;
          do {
            // familyPrefix is the whole family name here (ECS does not match prefixes); 100 per page is the most ECS returns.
            const out = await client.send(
              new sdk.ListTaskDefinitionsCommand({
                familyPrefix: family,
                status,
                sort: 'ASC',
                maxResults: 100,
                ...(nextToken ? { nextToken } : {})
              }),
              { abortSignal }
            );
            arns.push(...(out.taskDefinitionArns ?? []));
            nextToken = out.nextToken;
          } while (nextToken);
          return arns;
        }),
      deregisterTaskDefinition: (ref) =>
        call(`deregistering task definition ${ref}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const out = await client.send(new sdk.DeregisterTaskDefinitionCommand({ taskDefinition: ref }), { abortSignal });
          if (!out.taskDefinition) throw new Error('the response has no taskDefinition');
          return out.taskDefinition;
        }),
      listServices: (cluster) =>
        call(`listing the services in cluster ${cluster}`, async (abortSignal) => {
          const { sdk, client } = await ecsSdk();
          const arns: string[] = [];
          let nextToken: string | undefined;
          do {
            const out = await client.send(new sdk.ListServicesCommand({ cluster, maxResults: 100, ...(nextToken ? { nextToken } : {}) }), {
              abortSignal
            });
            arns.push(...(out.serviceArns ?? []));
            nextToken = out.nextToken;
          } while (nextToken);
          return arns;
        })
    };

    const elb: ElbApi = {
      // One ARN asked for, so one page: DescribeListeners and DescribeRules need no paging here.
      describeListener: (arn) =>
        call(`describing listener ${arn}`, async (abortSignal) => {
          const { sdk, client } = await elbSdk();
          const out = await client.send(new sdk.DescribeListenersCommand({ ListenerArns: [arn] }), { abortSignal });
          const listener = out.Listeners?.[0];
          if (!listener) throw new Error('the response has no listener');
          return listener;
        }),
      modifyListenerDefaultActions: (arn, actions) =>
        call(`setting the default action of listener ${arn}`, async (abortSignal) => {
          const { sdk, client } = await elbSdk();
          const out = await client.send(new sdk.ModifyListenerCommand({ ListenerArn: arn, DefaultActions: actions }), { abortSignal });
          const listener = out.Listeners?.[0];
          if (!listener) throw new Error('the response has no listener');
          return listener;
        }),
      describeRule: (arn) =>
        call(`describing listener rule ${arn}`, async (abortSignal) => {
          const { sdk, client } = await elbSdk();
          const out = await client.send(new sdk.DescribeRulesCommand({ RuleArns: [arn] }), { abortSignal });
          const rule = out.Rules?.[0];
          if (!rule) throw new Error('the response has no rule');
          return rule;
        }),
      modifyRuleActions: (arn, actions) =>
        call(`setting the actions of listener rule ${arn}`, async (abortSignal) => {
          const { sdk, client } = await elbSdk();
          const out = await client.send(new sdk.ModifyRuleCommand({ RuleArn: arn, Actions: actions }), { abortSignal });
          const rule = out.Rules?.[0];
          if (!rule) throw new Error('the response has no rule');
          return rule;
        }),
      describeTargetGroups: (arns) =>
        call(`describing target group${arns.length > 1 ? 's' : ''} ${arns.join(', ')}`, async (abortSignal) => {
          const { sdk, client } = await elbSdk();
          const groups: TargetGroup[] = [];
          let marker: string | undefined;
          do {
            // PageSize 400 is the API's maximum; ELB pages with Marker / NextMarker.
            const out = await client.send(
              new sdk.DescribeTargetGroupsCommand({ TargetGroupArns: arns, PageSize: 400, ...(marker ? { Marker: marker } : {}) }),
              { abortSignal }
            );
            groups.push(...(out.TargetGroups ?? []));
            marker = out.NextMarker;
          } while (marker);
          return groups;
        }),
      describeTargetHealth: (arn) =>
        call(`reading the health of the targets in ${arn}`, async (abortSignal) => {
          const { sdk, client } = await elbSdk();
          // Not paginated: one answer holds every target of the group.
          const out = await client.send(new sdk.DescribeTargetHealthCommand({ TargetGroupArn: arn }), { abortSignal });
          return out.TargetHealthDescriptions ?? [];
        })
    };

    const cloudwatch: CloudWatchApi = {
      putMetricAlarm: (input) =>
        call(`creating alarm ${input.AlarmName}`, async (abortSignal) => {
          const { sdk, client } = await cwSdk();
          await client.send(new sdk.PutMetricAlarmCommand(input), { abortSignal });
        }),
      describeAlarms: (names) =>
        call(`reading alarm${names.length > 1 ? 's' : ''} ${names.join(', ')}`, async (abortSignal) => {
          const { sdk, client } = await cwSdk();
          const result = { metricAlarms: [] as MetricAlarm[], compositeAlarms: [] as CompositeAlarm[] };
          // AlarmNames takes at most 100 names; the answer comes in pages (50 alarms unless
          // MaxRecords says otherwise, 100 at most) chained by NextToken.
          for (const batch of chunks(names, 100)) {
            let nextToken: string | undefined;
            do {
              const out = await client.send(
                new sdk.DescribeAlarmsCommand({
                  AlarmNames: batch,
                  AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
                  MaxRecords: 100,
                  ...(nextToken ? { NextToken: nextToken } : {})
                }),
                { abortSignal }
              );
              result.metricAlarms.push(...(out.MetricAlarms ?? []));
              result.compositeAlarms.push(...(out.CompositeAlarms ?? []));
              nextToken = out.NextToken;
            } while (nextToken);
          }
          return result;
        }),
      deleteAlarms: (names) =>
        call(`deleting alarm${names.length > 1 ? 's' : ''} ${names.join(', ')}`, async (abortSignal) => {
          const { sdk, client } = await cwSdk();
          for (const batch of chunks(names, 100)) await client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: batch }), { abortSignal });
        }),
      getMetricData: (queries, startTime, endTime) =>
        call(
          `reading metric${queries.length > 1 ? 's' : ''} ${queries
            .map((q) => q.MetricStat?.Metric?.MetricName ?? q.Id)
            .filter((v, i, a) => a.indexOf(v) === i)
            .join(', ')}`,
          async (abortSignal) => {
            const { sdk, client } = await cwSdk();
            const merged = new Map<string, MetricDataResult>();
            // 500 queries per call at most; an answer over 100,800 datapoints continues by NextToken.
            // Pages are bounded so a misbehaving endpoint cannot keep us here for ever.
            for (const batch of chunks(queries, 500)) {
              let nextToken: string | undefined;
              let pages = 0;
              do {
                if (++pages > 100) throw new Error('GetMetricData returned more than 100 pages');
                const out = await client.send(
                  new sdk.GetMetricDataCommand({
                    MetricDataQueries: batch,
                    StartTime: startTime,
                    EndTime: endTime,
                    ...(nextToken ? { NextToken: nextToken } : {})
                  }),
                  { abortSignal }
                );
                for (const r of out.MetricDataResults ?? []) {
                  const id = r.Id ?? '';
                  const seen = merged.get(id);
                  if (!seen) merged.set(id, { ...r, Timestamps: [...(r.Timestamps ?? [])], Values: [...(r.Values ?? [])] });
                  else {
                    seen.Timestamps!.push(...(r.Timestamps ?? []));
                    seen.Values!.push(...(r.Values ?? []));
                    seen.StatusCode = r.StatusCode;
                  }
                }
                nextToken = out.NextToken;
              } while (nextToken);
            }
            return [...merged.values()];
          }
        )
    };

    const codedeploy: CodeDeployApi = {
      getDeploymentGroup: (application, group) =>
        call(`reading CodeDeploy deployment group ${group} of application ${application}`, async (abortSignal) => {
          const { sdk, client } = await cdSdk();
          const out = await client.send(new sdk.GetDeploymentGroupCommand({ applicationName: application, deploymentGroupName: group }), {
            abortSignal
          });
          if (!out.deploymentGroupInfo) throw new Error('the response has no deploymentGroupInfo');
          return out.deploymentGroupInfo;
        }),
      getDeploymentConfig: (name) =>
        call(`reading CodeDeploy deployment configuration ${name}`, async (abortSignal) => {
          const { sdk, client } = await cdSdk();
          const out = await client.send(new sdk.GetDeploymentConfigCommand({ deploymentConfigName: name }), { abortSignal });
          if (!out.deploymentConfigInfo) throw new Error('the response has no deploymentConfigInfo');
          return out.deploymentConfigInfo;
        }),
      createDeployment: (input) =>
        call(
          `creating a CodeDeploy deployment in group ${input.deploymentGroupName} of application ${input.applicationName}`,
          async (abortSignal) => {
            const { sdk, client } = await cdSdk();
            const out = await client.send(new sdk.CreateDeploymentCommand(input), { abortSignal });
            if (!out.deploymentId) throw new Error('the response has no deploymentId');
            return out.deploymentId;
          }
        ),
      getDeployment: (id) =>
        call(`reading CodeDeploy deployment ${id}`, async (abortSignal) => {
          const { sdk, client } = await cdSdk();
          const out = await client.send(new sdk.GetDeploymentCommand({ deploymentId: id }), { abortSignal });
          if (!out.deploymentInfo) throw new Error('the response has no deploymentInfo');
          return out.deploymentInfo;
        }),
      listDeployments: (application, group, statuses) =>
        call(`listing the CodeDeploy deployments of group ${group} of application ${application}`, async (abortSignal) => {
          const { sdk, client } = await cdSdk();
          const ids: string[] = [];
          let nextToken: string | undefined;
          do {
            const out = await client.send(
              new sdk.ListDeploymentsCommand({
                applicationName: application,
                deploymentGroupName: group,
                ...(statuses?.length ? { includeOnlyStatuses: statuses } : {}),
                ...(nextToken ? { nextToken } : {})
              }),
              { abortSignal }
            );
            ids.push(...(out.deployments ?? []));
            nextToken = out.nextToken;
          } while (nextToken);
          return ids;
        }),
      stopDeployment: (id, autoRollbackEnabled) =>
        call(`stopping CodeDeploy deployment ${id}${autoRollbackEnabled ? ' with rollback' : ''}`, async (abortSignal) => {
          const { sdk, client } = await cdSdk();
          const out = await client.send(new sdk.StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled }), { abortSignal });
          return { ...(out.status ? { status: out.status } : {}), ...(out.statusMessage ? { statusMessage: out.statusMessage } : {}) };
        }),
      continueDeployment: (id, waitType) =>
        call(`continuing CodeDeploy deployment ${id} (${waitType})`, async (abortSignal) => {
          const { sdk, client } = await cdSdk();
          await client.send(new sdk.ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: waitType }), { abortSignal });
        })
    };

    return {
      ecs,
      ecsAdmin,
      elb,
      cloudwatch,
      codedeploy,
      withSignal: (signal) => view({ ...limits, signals: [...limits.signals, signal] }),
      withCallTimeout: (ms) => view({ ...limits, timeoutMs: positiveMs('callTimeoutMs', ms) })
    };
  };

  return view({ timeoutMs: callTimeoutMs, signals: [] });
}

/** The services without the views; CodeDeploy is optional (most fakes never deploy through it). */
export type AwsApis = Pick<Aws, 'ecs' | 'elb' | 'cloudwatch'> & { codedeploy?: CodeDeployApi; ecsAdmin?: EcsAdminApi };

/** Stands in for the housekeeping calls in fakes that have none. */
const noEcsAdmin: EcsAdminApi = {
  listTaskDefinitions: () => Promise.reject(new Error('this AWS implementation cannot list task definitions')),
  deregisterTaskDefinition: () => Promise.reject(new Error('this AWS implementation cannot deregister task definitions')),
  listServices: () => Promise.reject(new Error('this AWS implementation cannot list services'))
};

/** Stands in for CodeDeploy in fakes that have none: every call says so. */
const noCodeDeploy: CodeDeployApi = {
  getDeploymentGroup: () => Promise.reject(new Error('this AWS implementation has no CodeDeploy')),
  getDeploymentConfig: () => Promise.reject(new Error('this AWS implementation has no CodeDeploy')),
  createDeployment: () => Promise.reject(new Error('this AWS implementation has no CodeDeploy')),
  getDeployment: () => Promise.reject(new Error('this AWS implementation has no CodeDeploy')),
  listDeployments: () => Promise.reject(new Error('this AWS implementation has no CodeDeploy')),
  stopDeployment: () => Promise.reject(new Error('this AWS implementation has no CodeDeploy')),
  continueDeployment: () => Promise.reject(new Error('this AWS implementation has no CodeDeploy'))
};

function boundedApi<T extends object>(service: string, api: T, limits: CallLimits): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(api) as [string, unknown][]) {
    if (typeof value !== 'function') continue;
    const action = `calling ${service}.${name}`;
    const run = async (args: unknown[]): Promise<unknown> => {
      const result: unknown = await Reflect.apply(value, api, args);
      return result;
    };
    out[name] = (...args: unknown[]): Promise<unknown> => attempt(action, () => withinLimits(action, limits, () => run(args)));
  }
  return out as T;
}

/**
 * Any implementation of the services (test fakes, a recording wrapper) with the same
 * deadline and signal semantics as createAws: each method rejects with `TimeoutError` after
 * `callTimeoutMs` and with `AbortError` once a `withSignal` signal aborts, even if the
 * implementation never settles.
 */
export function boundedAws(apis: AwsApis, callTimeoutMs: number = DEFAULT_CALL_TIMEOUT_MS): Aws {
  const view = (limits: CallLimits): Aws => ({
    ecs: boundedApi('ecs', apis.ecs, limits),
    ecsAdmin: boundedApi('ecs', apis.ecsAdmin ?? noEcsAdmin, limits),
    elb: boundedApi('elb', apis.elb, limits),
    cloudwatch: boundedApi('cloudwatch', apis.cloudwatch, limits),
    codedeploy: boundedApi('codedeploy', apis.codedeploy ?? noCodeDeploy, limits),
    withSignal: (signal) => view({ ...limits, signals: [...limits.signals, signal] }),
    withCallTimeout: (ms) => view({ ...limits, timeoutMs: positiveMs('callTimeoutMs', ms) })
  });
  return view({ timeoutMs: positiveMs('callTimeoutMs', callTimeoutMs), signals: [] });
}
