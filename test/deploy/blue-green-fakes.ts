/**
 * A small in-memory world for the blue/green tests, behind literal stubs of the Aws
 * interfaces: one listener (and one rule) with weighted forwards, ECS services whose
 * deployments converge one DescribeServices after an UpdateService, target health that
 * follows each service's running tasks, and CloudWatch alarms whose state a test sets.
 * Every call is logged with the fake clock's time, so tests can assert order and latency.
 */
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Deployment, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { Action, TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { boundedAws, type Aws } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import type { BlueGreenSettings } from '../../src/deploy/blue-green-settings.js';
import { RecordingReporter } from '../../src/events.js';
import type { DeployContext } from '../../src/deploy/types.js';
import type { DeploySettings } from '../../src/deploy/settings.js';
import { FakeTimer, MemoryState } from './rolling-fakes.js';

const PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
export const BLUE_TG = `${PREFIX}:targetgroup/web-blue/1111111111111111`;
export const GREEN_TG = `${PREFIX}:targetgroup/web-green/2222222222222222`;
export const LB = `${PREFIX}:loadbalancer/app/web/50dc6c495c0c9188`;
export const LISTENER = `${PREFIX}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;
export const RULE = `${PREFIX}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
export const td = (n: number): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`;

/** How tasks of a revision behave. */
export type Behaviour = 'good' | 'unhealthy' | 'crash' | 'initial';

export interface FakeService {
  name: string;
  targetGroupArn: string;
  desiredCount: number;
  deployments: Deployment[];
}

export interface Call {
  op: string;
  at: number;
  detail?: string;
}

export class World {
  readonly timer = new FakeTimer();
  readonly calls: Call[] = [];
  /** Percent (relative weights) by target group, for the listener and the rule. */
  actions: { listener: Action[]; rule: Action[] };
  readonly services = new Map<string, FakeService>();
  readonly behaviours = new Map<string, Behaviour>();
  readonly alarms = new Map<string, { state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'; updatedAt: number; reason?: string }>();
  /** Writes to ignore: each entry is the write's number (1-based) that ELB acknowledges and drops. */
  ignoreWrites: (n: number) => boolean = () => false;
  /** Called after every applied weight change with the green share. */
  onWeights?: (weights: Record<string, number>) => void;
  private writes = 0;
  private nextDeployment = 1;

  constructor(blueWeight = 100, greenWeight = 0) {
    this.actions = { listener: [forward(blueWeight, greenWeight)], rule: [forward(blueWeight, greenWeight)] };
    this.addService('web-blue', BLUE_TG, td(7), 2);
    this.addService('web-green', GREEN_TG, td(7), 0);
  }

  addService(
    name: string,
    targetGroupArn: string,
    taskDefinition: string,
    desired: number,
    createdAt = new Date(Date.UTC(2030, 0, 1))
  ): void {
    this.services.set(name, {
      name,
      targetGroupArn,
      desiredCount: desired,
      deployments: [
        {
          id: `ecs-svc/${name}-0`,
          status: 'PRIMARY',
          taskDefinition,
          desiredCount: desired,
          runningCount: desired,
          pendingCount: 0,
          failedTasks: 0,
          rolloutState: 'COMPLETED',
          createdAt
        }
      ]
    });
  }

  log(op: string, detail?: string): void {
    this.calls.push({ op, at: this.timer.now(), ...(detail !== undefined ? { detail } : {}) });
  }

  ops(filter?: string): string[] {
    return this.calls.filter((c) => !filter || c.op === filter).map((c) => (c.detail ? `${c.op} ${c.detail}` : c.op));
  }

  /** Green's share of the listener, in percent. */
  weights(which: 'listener' | 'rule' = 'listener'): { blue: number; green: number } {
    const tgs = this.actions[which].find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
    const w = (arn: string): number => tgs.find((t) => t.TargetGroupArn === arn)?.Weight ?? 0;
    const total = w(BLUE_TG) + w(GREEN_TG);
    return { blue: Math.round((w(BLUE_TG) * 100) / total), green: Math.round((w(GREEN_TG) * 100) / total) };
  }

  setAlarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', reason = `set by the test to ${state}`): void {
    this.alarms.set(name, { state, updatedAt: Date.UTC(2030, 0, 1) + this.timer.now(), reason });
  }

  service(name: string): FakeService {
    const s = this.services.get(name);
    if (!s) throw new Error(`no service ${name}`);
    return s;
  }

  primary(name: string): Deployment {
    return this.service(name).deployments.find((d) => d.status === 'PRIMARY')!;
  }

  /** One step of ECS: in-progress deployments converge (or crash and roll back). */
  private tick(s: FakeService): void {
    const primary = s.deployments.find((d) => d.status === 'PRIMARY')!;
    if (primary.rolloutState !== 'IN_PROGRESS') return;
    if (primary.desiredCount === 0) {
      primary.runningCount = 0;
      primary.rolloutState = 'COMPLETED';
      s.deployments = [primary];
      return;
    }
    const behaviour = this.behaviours.get(primary.taskDefinition!) ?? 'good';
    if (behaviour === 'crash') {
      primary.failedTasks = (primary.failedTasks ?? 0) + 2;
      if (primary.failedTasks < 3) return;
      primary.rolloutState = 'FAILED';
      primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
      primary.status = 'ACTIVE';
      const previous = s.deployments.find((d) => d !== primary);
      const back: Deployment = {
        id: `ecs-svc/${this.nextDeployment++}`,
        status: 'PRIMARY',
        taskDefinition: previous?.taskDefinition ?? td(7),
        desiredCount: s.desiredCount,
        runningCount: s.desiredCount,
        pendingCount: 0,
        failedTasks: 0,
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment circuit breaker: rolling back to the previous deployment.'
      };
      s.deployments = [back, primary];
      return;
    }
    primary.runningCount = primary.desiredCount;
    primary.rolloutState = 'COMPLETED';
    s.deployments = [primary];
  }

  private describe(s: FakeService): Service {
    this.tick(s);
    const primary = s.deployments.find((d) => d.status === 'PRIMARY')!;
    const running = s.deployments.reduce((n, d) => n + (d.runningCount ?? 0), 0);
    return structuredClone({
      serviceName: s.name,
      serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/prod/${s.name}`,
      status: 'ACTIVE',
      desiredCount: s.desiredCount,
      runningCount: running,
      pendingCount: 0,
      taskDefinition: primary.taskDefinition,
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      loadBalancers: [{ targetGroupArn: s.targetGroupArn, containerName: 'web', containerPort: 8080 }],
      deployments: s.deployments,
      events: []
    } satisfies Service);
  }

  private update(input: UpdateServiceCommandInput): Service {
    const s = this.service(input.service!);
    if (input.desiredCount !== undefined) s.desiredCount = input.desiredCount;
    const primary = s.deployments.find((d) => d.status === 'PRIMARY')!;
    if (input.taskDefinition && (input.taskDefinition !== primary.taskDefinition || input.forceNewDeployment)) {
      primary.status = 'ACTIVE';
      s.deployments = [
        {
          id: `ecs-svc/${this.nextDeployment++}`,
          status: 'PRIMARY',
          taskDefinition: input.taskDefinition,
          desiredCount: s.desiredCount,
          runningCount: 0,
          pendingCount: s.desiredCount,
          failedTasks: 0,
          rolloutState: 'IN_PROGRESS',
          createdAt: new Date(Date.UTC(2030, 0, 2) + this.timer.now())
        },
        ...s.deployments.filter((d) => d.status !== 'PRIMARY' || d === primary)
      ];
    } else if (input.desiredCount !== undefined && primary.desiredCount !== input.desiredCount) {
      primary.desiredCount = input.desiredCount;
      primary.rolloutState = 'IN_PROGRESS';
    }
    return this.describeNoTick(s);
  }

  private describeNoTick(s: FakeService): Service {
    return structuredClone({ serviceName: s.name, deployments: s.deployments, desiredCount: s.desiredCount });
  }

  private health(targetGroupArn: string): TargetHealthDescription[] {
    const s = [...this.services.values()].find((x) => x.targetGroupArn === targetGroupArn);
    if (!s) return [];
    const out: TargetHealthDescription[] = [];
    for (const d of s.deployments) {
      const behaviour = this.behaviours.get(d.taskDefinition!) ?? 'good';
      for (let i = 0; i < (d.runningCount ?? 0); i++) {
        const Target = { Id: `10.0.${d.id?.length ?? 0}.${out.length + 1}`, Port: 8080 };
        if (behaviour === 'unhealthy') {
          out.push({
            Target,
            TargetHealth: {
              State: 'unhealthy',
              Reason: 'Target.ResponseCodeMismatch',
              Description: 'Health checks failed with these codes: [500]'
            }
          });
        } else if (behaviour === 'initial') {
          out.push({ Target, TargetHealth: { State: 'initial', Reason: 'Elb.InitialHealthChecking' } });
        } else {
          out.push({ Target, TargetHealth: { State: 'healthy' } });
        }
      }
    }
    return out;
  }

  private write(which: 'listener' | 'rule', next: Action[]): void {
    this.writes++;
    if (this.ignoreWrites(this.writes)) return;
    this.actions[which] = structuredClone(next);
    const tgs = next.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
    this.onWeights?.(Object.fromEntries(tgs.map((t) => [t.TargetGroupArn!, t.Weight ?? 1])));
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
        describeServices: async (_cluster, names) => {
          this.log('DescribeServices', names.join(','));
          const services: Service[] = [];
          const failures = [];
          for (const n of names) {
            const s = this.services.get(n.split('/').pop()!);
            if (s) services.push(this.describe(s));
            else failures.push({ arn: n, reason: 'MISSING' });
          }
          return { services, failures };
        },
        updateService: async (input) => {
          const parts = [
            input.service,
            input.taskDefinition ? `td=${input.taskDefinition.split('/').pop()}` : '',
            input.desiredCount !== undefined ? `desired=${input.desiredCount}` : ''
          ];
          this.log('UpdateService', parts.filter(Boolean).join(' '));
          return this.update(input);
        },
        listTasks: async () => [],
        describeTasks: async () => [],
        runTask: unused('runTask'),
        stopTask: unused('stopTask'),
        listServiceDeployments: unused('listServiceDeployments'),
        describeServiceDeployments: unused('describeServiceDeployments'),
        continueServiceDeployment: unused('continueServiceDeployment'),
        stopServiceDeployment: unused('stopServiceDeployment'),
        describeServiceRevisions: unused('describeServiceRevisions')
      },
      elb: {
        describeListener: async (arn) => {
          this.log('DescribeListeners');
          if (arn !== LISTENER) throw new AwsCallError(`describing listener ${arn}`, 'ListenerNotFound', 'One or more listeners not found');
          return { ListenerArn: LISTENER, LoadBalancerArn: LB, DefaultActions: structuredClone(this.actions.listener) };
        },
        modifyListenerDefaultActions: async (_arn, next) => {
          this.log('ModifyListener', describeForward(next));
          this.write('listener', next);
          return { ListenerArn: LISTENER, DefaultActions: next };
        },
        describeRule: async (arn) => {
          this.log('DescribeRules');
          if (arn !== RULE) throw new AwsCallError(`describing listener rule ${arn}`, 'RuleNotFound', 'One or more rules not found');
          return { RuleArn: RULE, Actions: structuredClone(this.actions.rule) };
        },
        modifyRuleActions: async (_arn, next) => {
          this.log('ModifyRule', describeForward(next));
          this.write('rule', next);
          return { RuleArn: RULE, Actions: next };
        },
        describeTargetGroups: async (arns) => {
          this.log('DescribeTargetGroups');
          return arns.filter((a) => a === BLUE_TG || a === GREEN_TG).map((a) => ({ TargetGroupArn: a, LoadBalancerArns: [LB] }));
        },
        describeTargetHealth: async (arn) => {
          this.log('DescribeTargetHealth', arn.split('/')[1]);
          return this.health(arn);
        }
      },
      cloudwatch: {
        putMetricAlarm: async (input) => {
          this.log('PutMetricAlarm', `${input.AlarmName} ${input.Dimensions?.map((d) => `${d.Name}=${d.Value}`).join(',')}`);
          this.alarms.set(input.AlarmName!, { state: 'OK', updatedAt: Date.UTC(2030, 0, 1) + this.timer.now() });
        },
        describeAlarms: async (names) => {
          this.log('DescribeAlarms', names.join(','));
          const metricAlarms: MetricAlarm[] = names
            .filter((n) => this.alarms.has(n))
            .map((n) => {
              const a = this.alarms.get(n)!;
              return { AlarmName: n, StateValue: a.state, StateReason: a.reason, StateUpdatedTimestamp: new Date(a.updatedAt) };
            });
          return { metricAlarms, compositeAlarms: [] };
        },
        deleteAlarms: async (names) => {
          this.log('DeleteAlarms', names.join(','));
          for (const n of names) this.alarms.delete(n);
        },
        getMetricData: async () => []
      }
    });
  }

  context(
    signal = new AbortController().signal,
    state = new MemoryState()
  ): { ctx: DeployContext; reporter: RecordingReporter; state: MemoryState } {
    const reporter = new RecordingReporter();
    return { ctx: { aws: this.aws(), reporter, timer: this.timer, signal, state }, reporter, state };
  }
}

export function forward(blue: number, green: number): Action {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: BLUE_TG, Weight: blue },
        { TargetGroupArn: GREEN_TG, Weight: green }
      ],
      TargetGroupStickinessConfig: { Enabled: false }
    }
  };
}

function describeForward(actions: Action[]): string {
  const tgs = actions.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
  return tgs.map((t) => `${t.TargetGroupArn?.split('/')[1]}=${t.Weight}`).join(',');
}

export function bgSettings(over: Partial<BlueGreenSettings> = {}): BlueGreenSettings {
  return {
    colours: { blue: { service: 'web-blue', targetGroupArn: BLUE_TG }, green: { service: 'web-green', targetGroupArn: GREEN_TG } },
    target: { listenerArn: LISTENER },
    steps: [10, 50, 100],
    stepBakeMs: 30_000,
    finalBakeMs: 60_000,
    terminationWaitMs: 30_000,
    onInterrupted: 'fail',
    idleDesiredCount: 0,
    ...over
  };
}

export function deploySettings(over: Partial<DeploySettings> = {}): DeploySettings {
  return {
    strategy: 'blue-green',
    cluster: 'prod',
    forceNewDeployment: false,
    circuitBreaker: true,
    waitForServiceStability: true,
    timeoutMs: 10 * 60_000,
    pollIntervalMs: 5_000,
    bakeTimeMs: 0,
    ...over
  };
}
