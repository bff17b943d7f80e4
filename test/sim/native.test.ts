/**
 * ECS-native blue/green, linear and canary deployments of the seeded `shop` service, through
 * the real SDK v3 clients: lifecycle stages in order, ECS moving the listener rules' weights
 * (read back with DescribeRules), PAUSE hooks, ContinueServiceDeployment, StopServiceDeployment,
 * hook timeouts, circuit-breaker and alarm rollbacks, and validation.
 */
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type ServiceDeployment
} from '@aws-sdk/client-ecs';
import { DescribeRulesCommand, DescribeTargetHealthCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startSim, type Sim } from '../../sim/server.js';
import type { Scenario } from '../../sim/seed.js';
import { clients, rejection, type Clients } from './helpers.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let sim: Sim;
let c: Clients;
let s: Scenario;

beforeEach(async () => {
  sim = await startSim({ timeScale: 0, seed: true });
  c = clients(sim);
  s = sim.scenario!;
});

afterEach(async () => {
  await sim.close();
});

/** Registers shop with `tag` and starts a deployment with the given configuration. */
async function deploy(tag: string, cfg: DeploymentConfiguration = {}): Promise<string> {
  const td = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'shop',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'shop', image: `registry.example.com/shop:${tag}`, essential: true, portMappings: [{ containerPort: 8080 }] }
      ]
    })
  );
  await c.ecs.send(
    new UpdateServiceCommand({
      cluster: 'prod',
      service: 'shop',
      taskDefinition: td.taskDefinition!.taskDefinitionArn,
      deploymentConfiguration: cfg
    })
  );
  const list = await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'shop' }));
  return list.serviceDeployments![0].serviceDeploymentArn!;
}

async function describe1(arn: string): Promise<ServiceDeployment> {
  return (await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0];
}

/** The percent of a rule's forward that goes to shop-green, read from ELB itself. */
async function greenPercent(ruleArn: string): Promise<number> {
  const rule = (await c.elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules![0];
  const groups = rule.Actions![0].ForwardConfig!.TargetGroups!;
  const total = groups.reduce((n, g) => n + g.Weight!, 0);
  return (100 * groups.find((g) => g.TargetGroupArn === s.targetGroups['shop-green'])!.Weight!) / total;
}

interface Sample {
  at: number;
  status: string;
  stage: string;
  production: number;
  test: number;
}

/** Advances second by second, sampling the deployment and both rules, until `done` or `maxMs`. */
async function watch(arn: string, done: (d: ServiceDeployment) => boolean, maxMs = 40 * MINUTE, stepMs = SECOND): Promise<Sample[]> {
  const samples: Sample[] = [];
  const start = Date.parse(String((await (await fetch(`${sim.url}/_sim/clock`)).json()).now));
  for (let t = 0; t <= maxMs; t += stepMs) {
    const d = await describe1(arn);
    samples.push({
      at: t,
      status: d.status!,
      stage: d.lifecycleStage ?? '',
      production: await greenPercent(s.native.productionListenerRule),
      test: await greenPercent(s.native.testListenerRule)
    });
    if (done(d)) return samples;
    sim.advance(stepMs);
  }
  throw new Error(`not done after ${maxMs} ms (start ${start}): last ${JSON.stringify(samples.at(-1))}`);
}

const finished = (d: ServiceDeployment): boolean => ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(d.status!);
const paused = (d: ServiceDeployment): boolean => finished(d) || (d.lifecycleHookDetails ?? []).some((h) => h.status === 'AWAITING_ACTION');

function stages(samples: Sample[]): string[] {
  return samples.map((x) => x.stage).filter((x, i, all) => x !== all[i - 1]);
}

function distinct(samples: Sample[], key: 'production' | 'test'): number[] {
  return samples.map((x) => x[key]).filter((x, i, all) => x !== all[i - 1]);
}

async function healthy(group: 'shop-blue' | 'shop-green'): Promise<number> {
  const out = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: s.targetGroups[group] }));
  return out.TargetHealthDescriptions!.filter((d) => d.TargetHealth!.State === 'healthy').length;
}

async function shop() {
  return (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['shop'] }))).services![0];
}

describe('the seeded native service', () => {
  it('is a BLUE_GREEN service on shop-blue with its advancedConfiguration, one successful deployment and one revision', async () => {
    const svc = await shop();
    expect(svc.deploymentController).toEqual({ type: 'ECS' });
    expect(svc.deploymentConfiguration).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 2,
      deploymentCircuitBreaker: { enable: true, rollback: true }
    });
    expect(svc.loadBalancers).toEqual([
      {
        targetGroupArn: s.native.primaryTargetGroup,
        containerName: 'shop',
        containerPort: 8080,
        advancedConfiguration: {
          alternateTargetGroupArn: s.native.alternateTargetGroup,
          productionListenerRule: s.native.productionListenerRule,
          testListenerRule: s.native.testListenerRule,
          roleArn: s.native.roleArn
        }
      }
    ]);
    expect(svc.runningCount).toBe(2);
    const list = await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'shop' }));
    expect(list.serviceDeployments!.map((d) => d.status)).toEqual(['SUCCESSFUL']);
    expect(svc.currentServiceDeployment).toBe(list.serviceDeployments![0].serviceDeploymentArn);
    expect(svc.currentServiceDeployment).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-deployment\/prod\/shop\/[\w-]{22}$/);
    expect(svc.currentServiceRevisions).toEqual([
      { arn: list.serviceDeployments![0].targetServiceRevisionArn, requestedTaskCount: 2, runningTaskCount: 2, pendingTaskCount: 0 }
    ]);
    expect(await healthy('shop-blue')).toBe(2);
    expect(await greenPercent(s.native.productionListenerRule)).toBe(0);
  });

  it('answers rolling services too: an UpdateService of web is a service deployment that ends SUCCESSFUL', async () => {
    await c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', forceNewDeployment: true }));
    const [newest] = (await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }))).serviceDeployments!;
    expect(newest.status).toBe('IN_PROGRESS');
    sim.advance(5 * MINUTE);
    const d = await describe1(newest.serviceDeploymentArn!);
    expect(d.status).toBe('SUCCESSFUL');
    expect(d.deploymentConfiguration!.strategy).toBe('ROLLING');
    expect(d.sourceServiceRevisions).toHaveLength(1);
  });
});

describe('a native deployment moves traffic itself, stage by stage', () => {
  it('BLUE_GREEN: test traffic, then all production traffic at once, bake, clean-up; the groups swap roles for the next one', async () => {
    const arn = await deploy('v2', { bakeTimeInMinutes: 2 });
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('SUCCESSFUL');
    expect(stages(samples)).toEqual([
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP'
    ]);
    expect(distinct(samples, 'production')).toEqual([0, 100]);
    expect(distinct(samples, 'test')).toEqual([0, 100]);
    // Test traffic moved before any production traffic, and production only after green was healthy.
    const testAt = samples.find((x) => x.test === 100)!.at;
    const prodAt = samples.find((x) => x.production === 100)!.at;
    expect(prodAt).toBeGreaterThan(testAt);
    const bake = samples.filter((x) => x.stage === 'BAKE_TIME');
    expect(bake.at(-1)!.at - bake[0].at).toBeGreaterThanOrEqual(2 * MINUTE - SECOND);
    expect(await healthy('shop-green')).toBe(2);
    expect(await healthy('shop-blue')).toBe(0);

    const d = await describe1(arn);
    expect(d.targetServiceRevision).toMatchObject({
      requestedProductionTrafficWeight: 100,
      requestedTestTrafficWeight: 100,
      runningTaskCount: 2
    });
    const rev = await c.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [d.targetServiceRevision!.arn!] }));
    expect(rev.serviceRevisions![0].resolvedConfiguration!.loadBalancers).toEqual([
      { targetGroupArn: s.targetGroups['shop-green'], productionListenerRule: s.native.productionListenerRule }
    ]);
    expect(rev.serviceRevisions![0].containerImages![0].image).toBe('registry.example.com/shop:v2');
    const svc = await shop();
    expect(svc.deployments).toHaveLength(1);
    expect(svc.currentServiceDeployment).toBe(arn);
    expect(svc.events![0].message).toBe('(service shop) has reached a steady state.');

    // The next deployment goes to shop-blue, now the idle group.
    const next = await deploy('v3');
    const again = await watch(next, finished);
    expect(again.at(-1)!.status).toBe('SUCCESSFUL');
    expect(distinct(again, 'production')).toEqual([0, 100].map((p) => 100 - p));
    expect(await healthy('shop-blue')).toBe(2);
    expect(await healthy('shop-green')).toBe(0);
  }, 60_000);

  it('LINEAR: stepPercent per step with the step bake between steps, none after 100 %', async () => {
    const arn = await deploy('v2', {
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
      bakeTimeInMinutes: 1
    });
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('SUCCESSFUL');
    expect(distinct(samples, 'production')).toEqual([0, 25, 50, 75, 100]);
    const reached = (p: number): number => samples.find((x) => x.production === p)!.at;
    expect(reached(50) - reached(25)).toBeGreaterThanOrEqual(MINUTE);
    expect(reached(75) - reached(50)).toBeGreaterThanOrEqual(MINUTE);
    expect(samples.find((x) => x.stage === 'POST_PRODUCTION_TRAFFIC_SHIFT')!.at - reached(100)).toBeLessThan(MINUTE);
  }, 60_000);

  it('CANARY: canaryPercent, the canary bake, then the rest; a PAUSE hook before EVERY production step, each with its own hookId', async () => {
    const arn = await deploy('v2', {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 },
      bakeTimeInMinutes: 1,
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' }
        }
      ]
    });
    const hookIds: string[] = [];
    for (const expected of [0, 10]) {
      const before = await watch(arn, paused);
      const d = await describe1(arn);
      expect(d.status).toBe('IN_PROGRESS');
      const hook = d.lifecycleHookDetails!.find((h) => h.status === 'AWAITING_ACTION')!;
      expect(hook).toMatchObject({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK' });
      expect(hook.hookId).toMatch(/^ecs-pause-[\w-]{43}$/);
      expect(hook.expiresAt!.getTime()).toBeGreaterThan(
        Date.parse(String((await (await fetch(`${sim.url}/_sim/clock`)).json()).now)) + 59 * MINUTE
      );
      expect(before.at(-1)!.production).toBe(expected);
      // The second pause comes after the canary bake: 10 % for canaryBakeTimeInMinutes first.
      if (expected === 10) expect(before.at(-1)!.at - before.find((x) => x.production === 10)!.at).toBeGreaterThanOrEqual(3 * MINUTE);
      // Paused means paused: ten minutes later nothing has moved.
      sim.advance(10 * MINUTE);
      expect(await greenPercent(s.native.productionListenerRule)).toBe(expected);
      expect((await describe1(arn)).lifecycleHookDetails!.find((h) => h.hookId === hook.hookId)!.status).toBe('AWAITING_ACTION');
      hookIds.push(hook.hookId!);
      await c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId!, action: 'CONTINUE' }));
      expect((await describe1(arn)).lifecycleHookDetails!.find((h) => h.hookId === hook.hookId)!.status).toBe('SUCCEEDED');
      const err = await rejection(c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId! })));
      expect(err.name).toBe('InvalidParameterException');
      expect(err.message).toMatch(/SUCCEEDED/);
    }
    expect(new Set(hookIds).size).toBe(2);
    const rest = await watch(arn, finished);
    expect(rest.at(-1)!.status).toBe('SUCCESSFUL');
    expect(distinct(rest, 'production')).toEqual([10, 100]);
  }, 60_000);

  it('an AWS_LAMBDA hook is accepted and succeeds at once', async () => {
    const arn = await deploy('v2', {
      lifecycleHooks: [
        {
          targetType: 'AWS_LAMBDA',
          hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
          roleArn: 'arn:aws:iam::123456789012:role/hooks',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT']
        }
      ]
    });
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('SUCCESSFUL');
    const d = await describe1(arn);
    expect(d.lifecycleHookDetails).toEqual([
      expect.objectContaining({
        targetType: 'AWS_LAMBDA',
        targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
        status: 'SUCCEEDED'
      })
    ]);
  }, 60_000);
});

describe('pauses, rollbacks and timeouts', () => {
  const pauseAfterTest = (timeoutInMinutes: number, action: 'CONTINUE' | 'ROLLBACK'): DeploymentConfiguration => ({
    lifecycleHooks: [
      { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes, action } }
    ]
  });

  it('ContinueServiceDeployment ROLLBACK: ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL with test traffic back on blue and green gone', async () => {
    const arn = await deploy('v2', pauseAfterTest(60, 'ROLLBACK'));
    await watch(arn, paused);
    const d = await describe1(arn);
    expect(d.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(await greenPercent(s.native.testListenerRule)).toBe(100);
    expect(await greenPercent(s.native.productionListenerRule)).toBe(0);
    const hookId = d.lifecycleHookDetails![0].hookId!;
    expect(
      (await rejection(c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: 'ecs-pause-nope' })))).name
    ).toBe('InvalidParameterException');
    await c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' }));
    const now = await describe1(arn);
    expect(now.status).toBe('ROLLBACK_IN_PROGRESS');
    expect(now.lifecycleHookDetails![0].status).toBe('FAILED');
    expect(now.rollback).toMatchObject({ serviceRevisionArn: d.sourceServiceRevisions![0].arn });
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(samples.map((x) => x.status).filter((x, i, all) => x !== all[i - 1])).toEqual(['ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL']);
    expect(await greenPercent(s.native.testListenerRule)).toBe(0);
    expect(await healthy('shop-blue')).toBe(2);
    const svc = await shop();
    expect(svc.deployments!.map((x) => [x.taskDefinition, x.rolloutState])).toEqual([[s.taskDefinitions.shop, 'COMPLETED']]);
    expect(svc.runningCount).toBe(2);
    const err = await rejection(c.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId })));
    expect(err.name).toBe('InvalidParameterException');
  }, 60_000);

  it('a pause nobody continues times out: ROLLBACK rolls back, CONTINUE carries on', async () => {
    const arn = await deploy('v2', pauseAfterTest(3, 'ROLLBACK'));
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('ROLLBACK_SUCCESSFUL');
    const d = await describe1(arn);
    expect(d.lifecycleHookDetails![0].status).toBe('TIMED_OUT');
    expect(d.rollback!.reason).toMatch(/timed out/);
    const pausedFor = samples.filter((x) => x.stage === 'POST_TEST_TRAFFIC_SHIFT' && x.status === 'IN_PROGRESS');
    expect(pausedFor.at(-1)!.at - pausedFor[0].at).toBeGreaterThanOrEqual(3 * MINUTE - SECOND);

    const next = await deploy('v3', pauseAfterTest(2, 'CONTINUE'));
    const carried = await watch(next, finished);
    expect(carried.at(-1)!.status).toBe('SUCCESSFUL');
    expect((await describe1(next)).lifecycleHookDetails![0].status).toBe('TIMED_OUT');
  }, 60_000);

  it('StopServiceDeployment ROLLBACK mid-way puts production traffic back on blue; a finished deployment cannot be stopped', async () => {
    const arn = await deploy('v2', {
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: 2 },
      bakeTimeInMinutes: 1
    });
    await watch(arn, (d) => d.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT' && d.status === 'IN_PROGRESS');
    sim.advance(3 * MINUTE);
    expect(await greenPercent(s.native.productionListenerRule)).toBe(40);
    const out = await c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    expect(out.serviceDeploymentArn).toBe(arn);
    expect((await describe1(arn)).status).toBe('ROLLBACK_REQUESTED');
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(samples.map((x) => x.status).filter((x, i, all) => x !== all[i - 1])).toEqual([
      'ROLLBACK_REQUESTED',
      'ROLLBACK_IN_PROGRESS',
      'ROLLBACK_SUCCESSFUL'
    ]);
    expect(distinct(samples, 'production')).toEqual([40, 0]);
    expect(await greenPercent(s.native.testListenerRule)).toBe(0);
    const again = await rejection(c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })));
    expect(again.name).toBe('ConflictException');
    const missing = await rejection(c.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: `${arn.slice(0, -4)}ZZZZ` })));
    expect(missing.name).toBe('ServiceDeploymentNotFoundException');
    const described = await c.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn, `${arn.slice(0, -4)}ZZZZ`] }));
    expect(described.failures).toEqual([{ arn: `${arn.slice(0, -4)}ZZZZ`, reason: 'MISSING' }]);
  }, 60_000);

  it('a crashing release trips the circuit breaker in SCALE_UP: no production traffic ever reaches it', async () => {
    const arn = await deploy('v2-crash');
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(samples.every((x) => x.production === 0 && x.test === 0)).toBe(true);
    const d = await describe1(arn);
    expect(d.deploymentCircuitBreaker).toEqual({ status: 'TRIGGERED', failureCount: 3, threshold: 3 });
    expect(d.statusReason).toBe('ECS deployment circuit breaker: tasks failed to start.');
    expect(await healthy('shop-blue')).toBe(2);
  }, 60_000);

  it('an unhealthy release fails its health checks in the alternate target group and is rolled back', async () => {
    const arn = await deploy('v2-unhealthy');
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(samples.every((x) => x.production === 0)).toBe(true);
    const svc = await shop();
    expect(svc.events!.some((e) => /is unhealthy in \(target-group .*shop-green/.test(e.message!))).toBe(true);
  }, 60_000);

  it("the service's own alarms roll a canary back when a temporary CPU alarm on the service fires", async () => {
    await c.cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'shop-cpu',
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        Dimensions: [
          { Name: 'ClusterName', Value: 'prod' },
          { Name: 'ServiceName', Value: 'shop' }
        ],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        // The service's CPU is the average over blue and green tasks: two spiking of four is about 56 %.
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold'
      })
    );
    sim.advance(2 * MINUTE);
    const arn = await deploy('v2-cpu-spike', {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 15 },
      bakeTimeInMinutes: 5,
      alarms: { alarmNames: ['shop-cpu'], enable: true, rollback: true }
    });
    const samples = await watch(arn, finished);
    expect(samples.at(-1)!.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(distinct(samples, 'production')).toEqual([0, 20, 0]);
    const d = await describe1(arn);
    expect(d.alarms).toEqual({ status: 'TRIGGERED', alarmNames: ['shop-cpu'], triggeredAlarmNames: ['shop-cpu'] });
    expect(d.statusReason).toBe('ECS deployment alarm(s) detected: shop-cpu.');
  }, 60_000);
});

describe('validation, as ECS words it', () => {
  const update = (input: Record<string, unknown>) => c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'shop', ...input }));

  it.each([
    [
      'a PAUSE hook at PRODUCTION_TRAFFIC_SHIFT',
      { deploymentConfiguration: { lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }] } },
      /PAUSE hooks cannot be configured at the PRODUCTION_TRAFFIC_SHIFT stage/
    ],
    [
      'a PAUSE hook at TEST_TRAFFIC_SHIFT',
      { deploymentConfiguration: { lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }] } },
      /TEST_TRAFFIC_SHIFT/
    ],
    [
      'a pause timeout over 14 days',
      {
        deploymentConfiguration: {
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 20161 } }]
        }
      },
      /timeoutInMinutes/
    ],
    [
      'linearConfiguration with BLUE_GREEN',
      { deploymentConfiguration: { linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 1 } } },
      /only valid when the deployment strategy is LINEAR/
    ],
    [
      'a linear step of 2 %',
      { deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2, stepBakeTimeInMinutes: 1 } } },
      /stepPercent/
    ],
    [
      'eleven pause hooks',
      {
        deploymentConfiguration: {
          lifecycleHooks: Array.from({ length: 11 }, () => ({ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }))
        }
      },
      /at most 10 pause hooks/
    ],
    [
      'BLUE_GREEN without advancedConfiguration',
      { loadBalancers: [{ targetGroupArn: 'TG', containerName: 'shop', containerPort: 8080 }] },
      /advancedConfiguration is required/
    ]
  ])('refuses %s with InvalidParameterException and changes nothing', async (_what, input, message) => {
    const body = JSON.parse(JSON.stringify(input).replace('"TG"', JSON.stringify(s.targetGroups['shop-blue'])));
    const before = await shop();
    const err = await rejection(update(body));
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toMatch(message);
    const after = await shop();
    expect(after.deploymentConfiguration).toEqual(before.deploymentConfiguration);
    expect(after.currentServiceDeployment).toBe(before.currentServiceDeployment);
  });

  it('refuses rules that do not forward to both the primary and the alternate target group', async () => {
    await c.elb.send(
      new ModifyRuleCommand({
        RuleArn: s.native.testListenerRule,
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.targetGroups['shop-blue'], Weight: 1 }] } }]
      })
    );
    const svc = await shop();
    const err = await rejection(update({ loadBalancers: svc.loadBalancers }));
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toBe(
      'Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule or testListenerRule.'
    );
  });

  it('ListServiceDeployments filters by status and pages; unknown services and ARNs are reported as ECS does', async () => {
    const arn = await deploy('v2');
    const inProgress = await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'shop', status: ['IN_PROGRESS'] }));
    expect(inProgress.serviceDeployments!.map((d) => d.serviceDeploymentArn)).toEqual([arn]);
    const page = await c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'shop', maxResults: 1 }));
    expect(page.serviceDeployments).toHaveLength(1);
    expect(page.nextToken).toBeDefined();
    const rest = await c.ecs.send(
      new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'shop', maxResults: 1, nextToken: page.nextToken })
    );
    expect(rest.serviceDeployments![0].status).toBe('SUCCESSFUL');
    expect((await rejection(c.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'nope' })))).name).toBe(
      'ServiceNotFoundException'
    );
    const revs = await c.ecs.send(
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: ['arn:aws:ecs:us-east-1:123456789012:service-revision/prod/shop/1'] })
    );
    expect(revs.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service-revision/prod/shop/1', reason: 'MISSING' }]);
  });
});
