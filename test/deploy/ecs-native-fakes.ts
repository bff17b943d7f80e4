/**
 * A scripted ECS that runs native deployments for the ecs-native unit tests: one service on a
 * listener rule with two target groups, a deployment that advances one lifecycle stage per
 * DescribeServiceDeployments, stops at our PAUSE hooks until answered, shifts the rule's
 * weights at PRODUCTION_TRAFFIC_SHIFT and rolls back (weights first) when asked.
 */
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { DeploymentConfiguration, Service, ServiceDeployment, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { boundedAws, type Aws } from '../../src/aws/clients.js';
import { RecordingReporter } from '../../src/events.js';
import type { DeployContext } from '../../src/deploy/types.js';
import type { DeploySettings } from '../../src/deploy/settings.js';
import { FakeTimer, MemoryState } from './rolling-fakes.js';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
export const BLUE = `${ELB}:targetgroup/shop-blue/1111111111111111`;
export const GREEN = `${ELB}:targetgroup/shop-green/2222222222222222`;
export const PROD_RULE = `${ELB}:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
export const TEST_RULE = `${ELB}:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/1111b2d02a6cabee`;
export const SHOP1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1';
export const SHOP2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:2';
const SD_ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/shop/abc123';

export type Strategy = 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** The stages one deployment walks through; `pause` where a PAUSE hook of ours stops it. */
function stagesFor(config: DeploymentConfiguration): Array<{ stage: string; green?: number }> {
  const s: Array<{ stage: string; green?: number }> = [
    { stage: 'SCALE_UP' },
    { stage: 'POST_SCALE_UP' },
    { stage: 'TEST_TRAFFIC_SHIFT' },
    { stage: 'POST_TEST_TRAFFIC_SHIFT' }
  ];
  const steps =
    config.strategy === 'LINEAR'
      ? Array.from({ length: Math.ceil(100 / (config.linearConfiguration?.stepPercent ?? 10)) }, (_, i) =>
          Math.min(100, (i + 1) * (config.linearConfiguration?.stepPercent ?? 10))
        )
      : config.strategy === 'CANARY'
        ? [config.canaryConfiguration?.canaryPercent ?? 5, 100]
        : [100];
  for (const green of steps) s.push({ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' }, { stage: 'PRODUCTION_TRAFFIC_SHIFT', green });
  s.push({ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT' }, { stage: 'BAKE_TIME' }, { stage: 'CLEAN_UP' });
  return s;
}

export interface Call {
  op: string;
  detail?: string;
}

export class NativeWorld {
  readonly timer = new FakeTimer();
  readonly calls: Call[] = [];
  readonly updates: UpdateServiceCommandInput[] = [];
  readonly alarms = new Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>();
  config: DeploymentConfiguration;
  taskDefinition = SHOP1;
  /** Green's share of production, percent. */
  green = 0;
  deployment?: ServiceDeployment;
  private stages: Array<{ stage: string; green?: number }> = [];
  private at = -1;
  private hookSeq = 0;
  /** Called after each stage change: lets a test fire an alarm at a given stage. */
  onStage?: (stage: string) => void;
  /** ECS rolls back by itself when the deployment reaches this stage (circuit breaker). */
  ecsRollsBackAt?: string;
  /** DescribeServiceDeployments answers that a rollback takes before ROLLBACK_SUCCESSFUL; Infinity: never finishes. */
  rollbackReads = 1;
  private rollbackLeft = 0;
  /** UpdateService applies the change but its answer is lost. */
  loseUpdateAnswer = false;
  controller: 'ECS' | 'CODE_DEPLOY' = 'ECS';

  constructor(strategy: Strategy = 'BLUE_GREEN', extra: DeploymentConfiguration = {}) {
    this.config = { maximumPercent: 200, minimumHealthyPercent: 100, strategy, bakeTimeInMinutes: 1, ...extra };
  }

  log(op: string, detail?: string): void {
    this.calls.push({ op, ...(detail !== undefined ? { detail } : {}) });
  }

  ops(op?: string): string[] {
    return this.calls.filter((c) => !op || c.op === op).map((c) => (c.detail ? `${c.op} ${c.detail}` : c.op));
  }

  rule(): Action[] {
    return [
      {
        Type: 'forward',
        Order: 1,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE, Weight: 100 - this.green },
            { TargetGroupArn: GREEN, Weight: this.green }
          ]
        }
      }
    ];
  }

  private service(): Service {
    return structuredClone({
      serviceName: 'shop',
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/shop',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      taskDefinition: this.taskDefinition,
      deploymentController: { type: this.controller },
      deploymentConfiguration: this.config,
      currentServiceDeployment:
        this.deployment?.serviceDeploymentArn ?? 'arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/shop/old',
      loadBalancers: [
        {
          targetGroupArn: BLUE,
          containerName: 'shop',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn: GREEN,
            productionListenerRule: PROD_RULE,
            testListenerRule: TEST_RULE,
            roleArn: 'arn:aws:iam::123456789012:role/ecs-elb'
          }
        }
      ],
      deployments: [
        {
          id: 'ecs-svc/1',
          status: 'PRIMARY',
          taskDefinition: this.taskDefinition,
          desiredCount: 2,
          runningCount: 2,
          rolloutState: 'COMPLETED'
        }
      ],
      events: []
    } satisfies Service);
  }

  private startDeployment(config: DeploymentConfiguration, taskDefinition: string): void {
    this.stages = stagesFor(config);
    this.at = -1;
    this.deployment = {
      serviceDeploymentArn: SD_ARN,
      status: 'IN_PROGRESS',
      targetServiceRevision: { arn: `rev:${taskDefinition}`, requestedTaskCount: 2, runningTaskCount: 0 },
      sourceServiceRevisions: [{ arn: `rev:${this.taskDefinition}`, requestedTaskCount: 2, runningTaskCount: 2 }],
      lifecycleHookDetails: [],
      deploymentConfiguration: config
    };
    this.pendingTaskDefinition = taskDefinition;
  }
  private pendingTaskDefinition = SHOP2;

  private paused(): boolean {
    return (this.deployment?.lifecycleHookDetails ?? []).some((h) => h.status === 'AWAITING_ACTION');
  }

  /** One stage per read, unless paused or finished. */
  private advance(): void {
    const d = this.deployment;
    if (!d) return;
    if (d.status === 'ROLLBACK_REQUESTED' || d.status === 'ROLLBACK_IN_PROGRESS') {
      d.status = 'ROLLBACK_IN_PROGRESS';
      this.green = 0;
      if (this.rollbackLeft-- <= 0) {
        d.status = 'ROLLBACK_SUCCESSFUL';
        d.rollback = { ...(d.rollback ?? {}), serviceRevisionArn: `rev:${SHOP1}` };
      }
      return;
    }
    if (d.status !== 'IN_PROGRESS' || this.paused()) return;
    this.at++;
    const step = this.stages[this.at];
    if (!step) {
      d.status = 'SUCCESSFUL';
      this.taskDefinition = this.pendingTaskDefinition;
      return;
    }
    d.lifecycleStage = step.stage as ServiceDeployment['lifecycleStage'];
    if (step.stage === 'SCALE_UP') d.targetServiceRevision = { ...d.targetServiceRevision, runningTaskCount: 2 };
    if (step.green !== undefined) this.green = step.green;
    if (this.ecsRollsBackAt === step.stage) {
      this.rollBack('ECS deployment circuit breaker: tasks failed to start.');
      return;
    }
    const ours = (config: DeploymentConfiguration | undefined): boolean =>
      (config?.lifecycleHooks ?? []).some((h) => h.targetType === 'PAUSE' && (h.lifecycleStages ?? []).includes(step.stage as never));
    if (ours(d.deploymentConfiguration)) {
      d.lifecycleHookDetails = [
        { hookId: `ecs-pause-${++this.hookSeq}`, targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' }
      ];
    }
    this.onStage?.(step.stage);
  }

  private rollBack(reason: string): void {
    const d = this.deployment!;
    d.status = 'ROLLBACK_REQUESTED';
    d.rollback = { reason };
    d.lifecycleHookDetails = [];
    this.rollbackLeft = this.rollbackReads;
  }

  aws(): Aws {
    const unused = (what: string) => async (): Promise<never> => {
      throw new Error(`unexpected call: ${what}`);
    };
    return boundedAws({
      ecs: {
        describeTaskDefinition: unused('describeTaskDefinition'),
        latestTaskDefinition: unused('latestTaskDefinition'),
        registerTaskDefinition: unused('registerTaskDefinition'),
        describeServices: async () => {
          this.log('DescribeServices');
          return { services: [this.service()], failures: [] };
        },
        updateService: async (input) => {
          this.log('UpdateService', input.taskDefinition ? 'revision' : 'configuration');
          this.updates.push(structuredClone(input));
          if (input.deploymentConfiguration) this.config = input.deploymentConfiguration;
          if (input.taskDefinition) this.startDeployment(input.deploymentConfiguration ?? this.config, input.taskDefinition);
          if (this.loseUpdateAnswer && input.taskDefinition) throw new Error('socket hang up');
          return this.service();
        },
        listTasks: unused('listTasks'),
        describeTasks: async () => [],
        runTask: unused('runTask'),
        stopTask: unused('stopTask'),
        listServiceDeployments: async () => {
          this.log('ListServiceDeployments');
          return [];
        },
        describeServiceDeployments: async (arns) => {
          this.log('DescribeServiceDeployments');
          this.advance();
          const d = this.deployment;
          return d && arns.includes(d.serviceDeploymentArn!)
            ? { serviceDeployments: [structuredClone(d)], failures: [] }
            : { serviceDeployments: [], failures: [{ arn: arns[0], reason: 'MISSING' }] };
        },
        continueServiceDeployment: async (input) => {
          this.log('ContinueServiceDeployment', `${input.action} ${this.deployment?.lifecycleStage}`);
          const hook = this.deployment?.lifecycleHookDetails?.find((h) => h.hookId === input.hookId && h.status === 'AWAITING_ACTION');
          if (!hook) throw new Error(`InvalidParameterException: hook ${input.hookId} is not awaiting action`);
          if (input.action === 'ROLLBACK') this.rollBack('rolled back at a lifecycle hook');
          else this.deployment!.lifecycleHookDetails = [{ ...hook, status: 'SUCCEEDED' }];
        },
        stopServiceDeployment: async (_arn, stopType) => {
          this.log('StopServiceDeployment', `${stopType} ${this.deployment?.lifecycleStage}`);
          this.rollBack('stopped with ROLLBACK');
        },
        describeServiceRevisions: async (arns) => arns.map((arn) => ({ serviceRevisionArn: arn, taskDefinition: arn.replace(/^rev:/, '') }))
      },
      elb: {
        describeListener: unused('describeListener'),
        modifyListenerDefaultActions: unused('modifyListenerDefaultActions'),
        describeRule: async (arn) => {
          this.log('DescribeRules');
          return { RuleArn: arn, Actions: this.rule() };
        },
        modifyRuleActions: unused('modifyRuleActions'),
        describeTargetGroups: unused('describeTargetGroups'),
        describeTargetHealth: async (arn) => {
          const running = arn === GREEN ? (this.deployment?.targetServiceRevision?.runningTaskCount ?? 0) : 2;
          return Array.from({ length: running }, (_, i) => ({
            Target: { Id: `10.0.0.${i + 1}`, Port: 8080 },
            TargetHealth: { State: 'healthy' as const }
          }));
        }
      },
      cloudwatch: {
        putMetricAlarm: async (input) => {
          this.alarms.set(input.AlarmName!, 'INSUFFICIENT_DATA');
        },
        describeAlarms: async (names) => ({
          metricAlarms: names
            .filter((n) => this.alarms.has(n))
            .map((n): MetricAlarm => ({ AlarmName: n, StateValue: this.alarms.get(n)!, StateReason: `set to ${this.alarms.get(n)}` })),
          compositeAlarms: []
        }),
        deleteAlarms: async (names) => {
          for (const n of names) this.alarms.delete(n);
        },
        getMetricData: async () => []
      }
    });
  }

  context(signal: AbortSignal = new AbortController().signal): DeployContext & { reporter: RecordingReporter; state: MemoryState } {
    return { aws: this.aws(), reporter: new RecordingReporter(), timer: this.timer, signal, state: new MemoryState() };
  }
}

export function deploySettings(over: Partial<DeploySettings> = {}): DeploySettings {
  return {
    strategy: 'rolling',
    cluster: 'prod',
    service: 'shop',
    forceNewDeployment: false,
    circuitBreaker: true,
    waitForServiceStability: true,
    timeoutMs: 600_000,
    pollIntervalMs: 1_000,
    bakeTimeMs: 0,
    ...over
  };
}
