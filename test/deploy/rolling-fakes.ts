/**
 * Literal stubs of the AWS interfaces and a fake timer for the rolling deployment's unit tests.
 * DescribeServices answers come from a script: a function of the call number and of the
 * UpdateService calls made so far, so a test can describe "after the rollback was started…".
 */
import type {
  Deployment,
  ListTasksCommandInput,
  RunTaskCommandInput,
  Service,
  ServiceEvent,
  Task,
  UpdateServiceCommandInput
} from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { boundedAws, type Aws } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { RecordingReporter } from '../../src/events.js';
import type { DeployContext, StateStore } from '../../src/deploy/types.js';
import type { DeploySettings } from '../../src/deploy/settings.js';
import type { Timer } from '../../src/timer.js';

export const TD7 = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7';
export const TD8 = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8';
export const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-tg/abc';

export class FakeTimer implements Timer {
  t = 0;
  readonly sleeps: number[] = [];
  /** Called after each sleep with the new time: lets a test cancel "during" a wait. */
  onSleep?: (now: number) => void;
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.sleeps.push(ms);
    this.t += ms;
    this.onSleep?.(this.t);
  }
}

export class MemoryState implements StateStore {
  readonly saved: Array<{ key: string; value: unknown }> = [];
  save(key: string, value: unknown): void {
    this.saved.push({ key, value: structuredClone(value) });
  }
  load<T>(key: string): T | undefined {
    return [...this.saved].reverse().find((s) => s.key === key)?.value as T | undefined;
  }
  phases(): string[] {
    return this.saved.map((s) => (s.value as { phase: string }).phase);
  }
}

export type Script = (call: number, updates: UpdateServiceCommandInput[]) => Service | Error;

export interface FakeAwsOptions {
  /** Answers to DescribeServices; call 0 is the describe before the update. */
  describe: Script;
  /** UpdateService's answer; default: a PRIMARY deployment on the requested revision with id `ecs-svc/<n>`. */
  update?: (input: UpdateServiceCommandInput, n: number) => Service | Error;
  stoppedTasks?: Task[];
  runTask?: (input: RunTaskCommandInput) => { tasks: Task[] };
  /** DescribeTasks answers for the migration task, in order; the last repeats. */
  taskStates?: Task[];
  targetHealth?: TargetHealthDescription[];
  firstEssential?: string;
}

export function fakeAws(options: FakeAwsOptions) {
  const calls = {
    describeServices: 0,
    updates: [] as UpdateServiceCommandInput[],
    listTasks: [] as ListTasksCommandInput[],
    runTask: [] as RunTaskCommandInput[],
    stopTask: [] as string[],
    describeTasks: 0,
    targetHealth: [] as string[]
  };
  const unused = (what: string) => async (): Promise<never> => {
    throw new Error(`unexpected call: ${what}`);
  };
  const aws: Aws = boundedAws({
    ecs: {
      describeTaskDefinition: async (ref) => ({
        taskDefinition: {
          taskDefinitionArn: ref,
          containerDefinitions: [
            { name: 'log-router', essential: false },
            { name: options.firstEssential ?? 'app', essential: true }
          ]
        },
        tags: []
      }),
      latestTaskDefinition: unused('latestTaskDefinition'),
      registerTaskDefinition: unused('registerTaskDefinition'),
      describeServices: async (_cluster, names) => {
        const answer = options.describe(calls.describeServices++, calls.updates);
        if (answer instanceof Error) throw answer;
        return { services: names.length ? [answer] : [], failures: [] };
      },
      updateService: async (input) => {
        calls.updates.push(input);
        const answer = options.update?.(input, calls.updates.length) ?? {
          serviceName: input.service,
          deployments: [
            dep(`ecs-svc/${calls.updates.length}`, 'PRIMARY', input.taskDefinition ?? '?', { running: 0, desired: 2, state: 'IN_PROGRESS' })
          ]
        };
        if (answer instanceof Error) throw answer;
        return answer;
      },
      listTasks: async (input) => {
        calls.listTasks.push(input);
        return (options.stoppedTasks ?? []).map((t) => t.taskArn ?? '');
      },
      describeTasks: async (_cluster, arns) => {
        const n = calls.describeTasks++;
        if (options.taskStates) return [options.taskStates[Math.min(n, options.taskStates.length - 1)]];
        return (options.stoppedTasks ?? []).filter((t) => arns.includes(t.taskArn ?? ''));
      },
      runTask: async (input) => {
        calls.runTask.push(input);
        return { tasks: options.runTask?.(input).tasks ?? [{ taskArn: 'arn:aws:ecs:eu-west-1:1:task/prod/migr1' }], failures: [] };
      },
      stopTask: async (_cluster, task) => {
        calls.stopTask.push(task);
      },
      listServiceDeployments: unused('listServiceDeployments'),
      describeServiceDeployments: unused('describeServiceDeployments'),
      continueServiceDeployment: unused('continueServiceDeployment'),
      stopServiceDeployment: unused('stopServiceDeployment'),
      describeServiceRevisions: unused('describeServiceRevisions')
    },
    elb: {
      describeListener: unused('describeListener'),
      modifyListenerDefaultActions: unused('modifyListenerDefaultActions'),
      describeRule: unused('describeRule'),
      modifyRuleActions: unused('modifyRuleActions'),
      describeTargetGroups: unused('describeTargetGroups'),
      describeTargetHealth: async (arn) => {
        calls.targetHealth.push(arn);
        return options.targetHealth ?? [];
      }
    },
    cloudwatch: {
      putMetricAlarm: unused('putMetricAlarm'),
      describeAlarms: unused('describeAlarms'),
      deleteAlarms: unused('deleteAlarms'),
      getMetricData: unused('getMetricData')
    }
  });
  return { aws, calls };
}

export function context(aws: Aws, signal = new AbortController().signal) {
  const reporter = new RecordingReporter();
  const timer = new FakeTimer();
  const state = new MemoryState();
  const ctx: DeployContext = { aws, reporter, timer, signal, state };
  return { ctx, reporter, timer, state };
}

export function dep(
  id: string,
  status: 'PRIMARY' | 'ACTIVE',
  taskDefinition: string,
  c: {
    running?: number;
    desired?: number;
    pending?: number;
    failed?: number;
    state?: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
    reason?: string;
  } = {}
): Deployment {
  return {
    id,
    status,
    taskDefinition,
    runningCount: c.running ?? 0,
    desiredCount: c.desired ?? 2,
    pendingCount: c.pending ?? 0,
    failedTasks: c.failed ?? 0,
    ...(c.state ? { rolloutState: c.state } : {}),
    ...(c.reason ? { rolloutStateReason: c.reason } : {})
  };
}

/** An event `seconds` after an arbitrary AWS epoch (deliberately far from the runner's clock). */
export function ev(id: string, seconds: number, message: string): ServiceEvent {
  return { id, createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)), message };
}

export function svc(deployments: Deployment[], events: ServiceEvent[] = [], extra: Partial<Service> = {}): Service {
  return {
    serviceName: 'web',
    status: 'ACTIVE',
    desiredCount: 2,
    taskDefinition: deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition,
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: true, rollback: true }
    },
    loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' }
    },
    launchType: 'FARGATE',
    deployments,
    events: [...events].reverse(), // ECS lists newest first; tests write them oldest first
    ...extra
  };
}

/** The service before our update: web:7 stable. */
export const stableOn7 = (events: ServiceEvent[] = [ev('e0', 0, '(service web) has reached a steady state.')]): Service =>
  svc([dep('ecs-svc/old', 'PRIMARY', TD7, { running: 2, desired: 2, state: 'COMPLETED' })], events);

export function throttle(): AwsCallError {
  return new AwsCallError('describing service web in cluster prod', 'ThrottlingException', 'Rate exceeded');
}

export function settings(over: Partial<DeploySettings> = {}): DeploySettings {
  return {
    strategy: 'rolling',
    cluster: 'prod',
    service: 'web',
    forceNewDeployment: false,
    circuitBreaker: true,
    waitForServiceStability: true,
    timeoutMs: 60_000,
    pollIntervalMs: 5_000,
    bakeTimeMs: 0,
    ...over
  };
}
