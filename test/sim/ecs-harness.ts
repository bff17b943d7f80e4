/**
 * Fakes of what the ECS model is handed (clock, load balancer, metrics, alarms) and a
 * small driver that calls the model's handlers as the platform would, so the ECS model
 * is tested on its own on a hand-cranked clock.
 */
import { createEcs } from '../../sim/ecs/index.js';
import type { ElbForEcs, MetricsSink, TargetGroupInfo, TargetHealthView, TargetProbe } from '../../sim/types.js';
import { seededRandom } from '../../sim/util.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const TG = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web/0123456789abcdef`;
export const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } };

interface FakeTarget {
  probe: TargetProbe;
  state: TargetHealthView;
  passes: number;
  fails: number;
  nextCheck: number;
  drainUntil?: number;
}

/** A load balancer that health-checks every 5 s, healthy after 2 passes, unhealthy after 2 failures. */
export class FakeElb implements ElbForEcs {
  readonly groups = new Map<string, TargetGroupInfo>();
  readonly targets = new Map<string, Map<string, FakeTarget>>();
  readonly registrations: { targetGroupArn: string; id: string; port: number }[] = [];

  constructor(
    private readonly now: () => number,
    deregistrationDelaySeconds: number
  ) {
    this.groups.set(TG, {
      arn: TG,
      name: 'web',
      port: 8080,
      protocol: 'HTTP',
      targetType: 'ip',
      loadBalancerArns: ['arn:lb'],
      healthCheckIntervalSeconds: 5,
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
      deregistrationDelaySeconds
    });
  }

  targetGroup(arn: string): TargetGroupInfo | undefined {
    return this.groups.get(arn);
  }

  /** No listener rules here: native blue/green is tested against the real ELB model (test/sim/native.test.ts). */
  forwardWeights(): undefined {
    return undefined;
  }

  setForwardWeights(): boolean {
    return false;
  }

  registerTarget(arn: string, target: { id: string; port: number }, probe: TargetProbe): void {
    const group = this.targets.get(arn) ?? new Map<string, FakeTarget>();
    this.targets.set(arn, group);
    group.set(`${target.id}:${target.port}`, {
      probe,
      state: { state: 'initial', reason: 'Elb.RegistrationInProgress' },
      passes: 0,
      fails: 0,
      nextCheck: this.now() + 5000
    });
    this.registrations.push({ targetGroupArn: arn, ...target });
  }

  deregisterTarget(arn: string, target: { id: string; port: number }): void {
    const t = this.targets.get(arn)?.get(`${target.id}:${target.port}`);
    if (!t) return;
    t.state = { state: 'draining', reason: 'Target.DeregistrationInProgress' };
    t.drainUntil = this.now() + this.groups.get(arn)!.deregistrationDelaySeconds * 1000;
  }

  targetHealth(arn: string, target: { id: string; port: number }): TargetHealthView | undefined {
    return this.targets.get(arn)?.get(`${target.id}:${target.port}`)?.state;
  }

  tick(now: number): void {
    for (const group of this.targets.values()) {
      for (const [key, t] of group) {
        if (t.drainUntil !== undefined) {
          if (now >= t.drainUntil) group.delete(key);
          continue;
        }
        while (t.nextCheck <= now) {
          const r = t.probe.healthCheck(t.nextCheck);
          t.nextCheck += 5000;
          if (r.ok) {
            t.fails = 0;
            if (++t.passes >= 2) t.state = { state: 'healthy' };
          } else {
            t.passes = 0;
            if (++t.fails >= 2) {
              t.state =
                typeof r.failureCode === 'number'
                  ? {
                      state: 'unhealthy',
                      reason: 'Target.ResponseCodeMismatch',
                      description: `Health checks failed with these codes: [${r.failureCode}]`
                    }
                  : { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' };
            }
          }
        }
      }
    }
  }
}

type Datum = Parameters<MetricsSink['put']>[0];
type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export function harness(options: { deregistrationDelaySeconds?: number; seed?: number } = {}) {
  let now = Date.UTC(2025, 0, 1, 12, 0, 0);
  /** How far the models have been ticked; behind `now` only while advance() catches them up. */
  let ticked = now;
  const elb = new FakeElb(() => ticked, options.deregistrationDelaySeconds ?? 20);
  const metrics: Datum[] = [];
  const alarms = new Map<string, AlarmState>();
  const ecs = createEcs({
    clock: { now: () => now },
    elb,
    metrics: { put: (d) => metrics.push(d) },
    alarms: { state: (name) => alarms.get(name) },
    region: REGION,
    accountId: ACCOUNT,
    random: seededRandom(options.seed ?? 7)
  });

  function call<T = Record<string, any>>(operation: string, input: Record<string, unknown>, region = REGION): T {
    const handler = ecs.handlers[operation];
    if (!handler) throw new Error(`no handler for ${operation}`);
    return handler(input, { service: 'ecs', operation, accessKeyId: 'AKIDTEST', region, takeFault: () => false }) as T;
  }

  /**
   * Jumps the clock, then catches the models up in one-second steps (ECS, then the load
   * balancer), as the platform does: during the catch-up the clock is already at the end.
   */
  function advance(ms: number): void {
    now += ms;
    while (ticked < now) {
      ticked = Math.min(now, ticked + 1000);
      ecs.tick(ticked);
      elb.tick(ticked);
    }
  }

  /** Advances until `done()` holds; fails the test if it does not within `withinMs`. */
  function until(done: () => boolean, withinMs: number, what = 'condition'): number {
    const start = now;
    while (!done()) {
      if (now - start >= withinMs) throw new Error(`${what} not reached within ${withinMs / 1000} simulated seconds`);
      advance(1000);
    }
    return now - start;
  }

  const describe = (service = 'web', cluster = 'prod') => call('DescribeServices', { cluster, services: [service] }).services[0];

  function registerWeb(image: string, environment: { name: string; value: string }[] = [], extra: Record<string, unknown> = {}) {
    return call('RegisterTaskDefinition', {
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }], environment, ...extra }]
    }).taskDefinition;
  }

  /** A cluster `prod` and a service `web` (2 tasks of app:v1 behind TG) that has reached a steady state. */
  function steadyWeb(service: Record<string, unknown> = {}) {
    call('CreateCluster', { clusterName: 'prod' });
    const v1 = registerWeb('app:v1');
    call('CreateService', {
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web:1',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 8080 }],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      ...service
    });
    until(
      () => describe().deployments.length === 1 && describe().deployments[0].rolloutState === 'COMPLETED' && describe().runningCount === 2,
      5 * 60_000,
      'initial steady state'
    );
    return { v1 };
  }

  const messages = (service = 'web') => (describe(service).events as { message: string }[]).map((e) => e.message);

  return {
    ecs,
    elb,
    metrics,
    alarms,
    call,
    advance,
    until,
    describe,
    registerWeb,
    steadyWeb,
    messages,
    now: () => now
  };
}
