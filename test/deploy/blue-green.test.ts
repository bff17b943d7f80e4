import { describe, expect, it } from '@jest/globals';
import {
  BLUE_GREEN_STATE_KEY,
  type BlueGreenState,
  deployBlueGreen,
  preflightBlueGreen,
  recoverBlueGreen
} from '../../src/deploy/blue-green.js';
import type { GateSettings } from '../../src/gates/settings.js';
import { boundedAws } from '../../src/aws/clients.js';
import { MemoryState } from './rolling-fakes.js';
import { BLUE_TG, GREEN_TG, LISTENER, RULE, World, bgSettings, deploySettings, td } from './blue-green-fakes.js';

const gateSettings = (over: Partial<GateSettings> = {}): GateSettings => ({
  alarms: [],
  temporary: { period: 60, evaluationPeriods: 1, datapoints: 1 },
  mode: 'transitions',
  ecsAlarmRollback: false,
  inconclusive: { limit: 3, decide: 'fail' },
  ...over
});

/** The green shares written to the listener, in order. */
function shifts(world: World, op = 'ModifyListener'): string[] {
  return world.ops(op).map((o) => o.replace(`${op} `, ''));
}

describe('deployBlueGreen: a good release', () => {
  it('10/50/100 → green serves 100 %, blue scaled to 0 after the termination wait, outputs set', async () => {
    const world = new World();
    const { ctx, reporter, state } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);

    expect(result.status).toBe('succeeded');
    expect(result.rolledBack).toBe(false);
    expect(world.weights()).toEqual({ blue: 0, green: 100 });
    expect(shifts(world)).toEqual(['web-blue=90,web-green=10', 'web-blue=50,web-green=50', 'web-blue=0,web-green=100']);
    expect(world.service('web-green').desiredCount).toBe(2);
    expect(world.primary('web-green').taskDefinition).toBe(td(8));
    expect(world.service('web-blue').desiredCount).toBe(0);
    expect(result.outputs).toEqual({
      'live-service': 'web-green',
      'previous-service': 'web-blue',
      traffic: 'web-blue=0,web-green=100',
      'steps-completed': '3'
    });
    expect(result.previousTaskDefinitionArn).toBe(td(7));
    expect(result.deploymentId).toMatch(/^ecs-svc\//);
    expect(result.reason).toMatch(/web-green serves 100 % on web:8/);

    // Updated at the live colour's size, circuit breaker on.
    expect(world.ops('UpdateService')[0]).toBe('UpdateService web-green td=web:8 desired=2');
    // The old colour goes only after the final bake and the termination wait, and after a read showed 100 % green.
    const lastShift = world.calls.find((c) => c.op === 'ModifyListener' && c.detail === 'web-blue=0,web-green=100')!;
    const retire = world.calls.find((c) => c.op === 'UpdateService' && c.detail === 'web-blue desired=0')!;
    expect(retire.at - lastShift.at).toBeGreaterThanOrEqual(60_000 + 30_000);
    const before = world.calls.slice(0, world.calls.indexOf(retire));
    expect(before[before.length - 1].op).toBe('DescribeListeners');
    // Each bake lasted its configured time.
    const ten = world.calls.find((c) => c.detail === 'web-blue=90,web-green=10')!;
    const fifty = world.calls.find((c) => c.detail === 'web-blue=50,web-green=50')!;
    expect(fifty.at - ten.at).toBeGreaterThanOrEqual(30_000);
    expect(fifty.at - ten.at).toBeLessThan(30_000 + 5_000 + 1);

    const phases = reporter.events.filter((e) => e.kind === 'phase-started').map((e) => (e.kind === 'phase-started' ? e.phase : ''));
    expect(phases).toEqual(['discover', 'prepare', 'gates', 'shift', 'bake', 'shift', 'bake', 'shift', 'promote']);
    const verified = reporter.events.filter((e) => e.kind === 'weights' && e.verified);
    expect(verified.map((e) => (e.kind === 'weights' ? e.weights : {}))).toEqual([
      { 'web-blue': 100, 'web-green': 0 },
      { 'web-blue': 90, 'web-green': 10 },
      { 'web-blue': 50, 'web-green': 50 },
      { 'web-blue': 0, 'web-green': 100 }
    ]);
    expect(state.phases()).toEqual(['preparing', 'preparing', 'shifting', 'shifting', 'promoting', 'done']);
    expect(state.load<BlueGreenState>(BLUE_GREEN_STATE_KEY)).toMatchObject({
      live: 'blue',
      idle: 'green',
      cluster: 'prod',
      newColourBefore: { desiredCount: 0 }
    });
  });

  it('one DescribeServices per poll covers both colours', async () => {
    const world = new World();
    const { ctx } = world.context();
    await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    const polls = world.calls.filter((c) => c.op === 'DescribeServices' && c.detail === 'web-blue,web-green');
    // Every poll is one call for both services. A poll right after a shift is a new look (the weights changed);
    // otherwise no two at the same instant.
    expect(polls.length).toBeGreaterThan(10);
    expect(world.ops('DescribeServices').length).toBe(polls.length + 2); // the two describes before anything changes
    const perInstant = new Map<number, number>();
    for (const p of polls) perInstant.set(p.at, (perInstant.get(p.at) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBeLessThanOrEqual(2);
    const doubled = [...perInstant].filter(([, n]) => n === 2).map(([at]) => at);
    const shiftsAt = world.calls.filter((c) => c.op === 'ModifyListener').map((c) => c.at);
    expect(doubled.every((at) => shiftsAt.includes(at))).toBe(true);
  });

  it('a second deployment flips back to blue', async () => {
    const world = new World();
    await deployBlueGreen(deploySettings(), bgSettings(), td(8), world.context().ctx);
    const second = await deployBlueGreen(deploySettings(), bgSettings(), td(9), world.context().ctx);
    expect(second.status).toBe('succeeded');
    expect(world.weights()).toEqual({ blue: 100, green: 0 });
    expect(world.primary('web-blue').taskDefinition).toBe(td(9));
    expect(world.service('web-blue').desiredCount).toBe(2);
    expect(world.service('web-green').desiredCount).toBe(0);
    expect(second.outputs).toMatchObject({
      'live-service': 'web-blue',
      'previous-service': 'web-green',
      traffic: 'web-blue=100,web-green=0'
    });
    expect(second.previousTaskDefinitionArn).toBe(td(8));
  });

  it('works on a listener rule instead of the default action', async () => {
    const world = new World();
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings({ target: { ruleArn: RULE }, steps: [50, 100] }), td(8), ctx);
    expect(result.status).toBe('succeeded');
    expect(world.weights('rule')).toEqual({ blue: 0, green: 100 });
    expect(world.weights('listener')).toEqual({ blue: 100, green: 0 });
    expect(shifts(world, 'ModifyRule')).toEqual(['web-blue=50,web-green=50', 'web-blue=0,web-green=100']);
    expect(world.ops('ModifyListener')).toEqual([]);
  });

  it('desired-count overrides the live colour’s size; idle-desired-count keeps the old colour warm', async () => {
    const world = new World();
    const { ctx } = world.context();
    const result = await deployBlueGreen(
      deploySettings({ desiredCount: 3 }),
      bgSettings({ idleDesiredCount: 1, steps: [100] }),
      td(8),
      ctx
    );
    expect(result.status).toBe('succeeded');
    expect(world.service('web-green').desiredCount).toBe(3);
    expect(world.service('web-blue').desiredCount).toBe(1);
  });

  it('creates temporary alarms on the NEW colour’s service and deletes them at the end', async () => {
    const world = new World();
    const { ctx, state } = world.context();
    const gates = {
      settings: gateSettings({ temporary: { cpuThreshold: 80, memoryThreshold: 90, period: 60, evaluationPeriods: 1, datapoints: 1 } }),
      baseline: {},
      deploymentTag: 'run-1'
    };
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx, { gates });
    expect(result.status).toBe('succeeded');
    const puts = world.ops('PutMetricAlarm');
    expect(puts).toHaveLength(2);
    for (const p of puts) expect(p).toContain('ClusterName=prod,ServiceName=web-green');
    expect(world.ops('DeleteAlarms')).toHaveLength(1);
    expect(world.alarms.size).toBe(0);
    expect(state.load<string[]>('temporary-alarms')).toEqual([]);
    // One DescribeAlarms per poll for all watched alarms.
    expect(world.ops('DescribeAlarms').every((d) => d.split(',').length === 2)).toBe(true);
  });
});

describe('deployBlueGreen: temporary alarms warming up', () => {
  it('before the first shift, a new temporary alarm without data yet holds (past the inconclusive limit) instead of failing', async () => {
    const world = new World();
    const { ctx } = world.context();
    const aws = ctx.aws;
    let checks = 0;
    let checksAtFirstShift: number | undefined;
    ctx.aws = boundedAws({
      ecs: aws.ecs,
      // CloudWatch has no datapoint for the new colour's tasks during the first 25 checks (minutes on AWS).
      cloudwatch: {
        ...aws.cloudwatch,
        describeAlarms: async (names) => {
          const out = await aws.cloudwatch.describeAlarms(names);
          if (++checks <= 25) for (const a of out.metricAlarms) a.StateValue = 'INSUFFICIENT_DATA';
          return out;
        }
      },
      elb: {
        ...aws.elb,
        modifyListenerDefaultActions: async (arn, actions) => {
          checksAtFirstShift ??= checks;
          return aws.elb.modifyListenerDefaultActions(arn, actions);
        }
      }
    });
    const settings = gateSettings({
      temporary: { cpuThreshold: 80, period: 60, evaluationPeriods: 1, datapoints: 1 },
      inconclusive: { limit: 3, decide: 'fail' }
    });
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx, {
      gates: { settings, baseline: {}, deploymentTag: 'run-2' }
    });
    expect(result.status).toBe('succeeded');
    // No traffic moved while the alarm had no data.
    expect(checksAtFirstShift).toBeGreaterThan(25);
  });
});

describe('deployBlueGreen: aborts put traffic back first', () => {
  it('idle targets unhealthy → no traffic ever moved, idle scaled back to 0, each reason code reported', async () => {
    const world = new World();
    world.behaviours.set(td(8), 'unhealthy');
    const { ctx, reporter } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(
      /gate targets failed before the first shift: 2 of 2 targets in web-green unhealthy: Target.ResponseCodeMismatch/
    );
    expect(world.ops('ModifyListener')).toEqual([]);
    expect(world.weights()).toEqual({ blue: 100, green: 0 });
    expect(world.service('web-green').desiredCount).toBe(0);
    expect(world.service('web-blue').desiredCount).toBe(2);
    expect(result.outputs).toMatchObject({ 'live-service': 'web-blue', traffic: 'web-blue=100,web-green=0', 'steps-completed': '0' });
    expect(reporter.events.some((e) => e.kind === 'evidence' && /Unhealthy targets of service web-green/.test(e.title))).toBe(true);
  });

  it('the circuit breaker rolls the idle colour back → failure, no traffic moved', async () => {
    const world = new World();
    world.behaviours.set(td(8), 'crash');
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/web-green did not start web:8: ECS rolled the service back to web:7/);
    expect(world.ops('ModifyListener')).toEqual([]);
    expect(world.service('web-green').desiredCount).toBe(0);
  });

  it('targets stuck in initial → held until the timeout, then aborted', async () => {
    const world = new World();
    world.behaviours.set(td(8), 'initial');
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings({ timeoutMs: 60_000 }), bgSettings(), td(8), ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(
      /gates did not pass before the first shift within the timeout \(targets: 2 of 2 targets in web-green still initial/
    );
    expect(world.timer.now()).toBeGreaterThanOrEqual(60_000);
    expect(world.ops('ModifyListener')).toEqual([]);
  });

  it('an alarm fires at 50 % → weights back to 100/0 within one poll, verified, green scaled down', async () => {
    const world = new World();
    world.setAlarm('web-5xx', 'OK');
    world.onWeights = (w) => {
      if (w[GREEN_TG] === 50)
        world.setAlarm('web-5xx', 'ALARM', 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0)');
    };
    const { ctx, reporter } = world.context();
    const gates = { settings: gateSettings({ alarms: ['web-5xx'] }), baseline: { 'web-5xx': { state: 'OK' } } };
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx, { gates });

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^gate alarms failed at 50 %: alarm web-5xx is ALARM: Threshold Crossed/);
    expect(result.reason).toMatch(/100 % of traffic is back on web-blue \(web:7\), verified; web-green is scaled back to 0/);
    expect(world.weights()).toEqual({ blue: 100, green: 0 });
    expect(world.service('web-green').desiredCount).toBe(0);
    expect(world.service('web-blue').desiredCount).toBe(2);
    expect(result.outputs).toMatchObject({ 'live-service': 'web-blue', traffic: 'web-blue=100,web-green=0', 'steps-completed': '2' });

    // Latency: the restore is written in the same poll that saw the alarm, and read back right after.
    const fifty = world.calls.find((c) => c.detail === 'web-blue=50,web-green=50')!;
    const restore = world.calls.find((c) => c.detail === 'web-blue=100,web-green=0')!;
    expect(restore.at - fifty.at).toBeLessThanOrEqual(5_000);
    // Two ELB round trips: the write straight away (the actions are known from the last read), then the read-back.
    const at = world.calls.indexOf(restore);
    expect(world.calls[at - 1].op).not.toMatch(/^Describe(Listeners|Rules)$/);
    expect(world.calls[at + 1].op).toBe('DescribeListeners');
    expect(world.calls[at + 2].op).toBe('UpdateService');
    // Traffic first, scale-down second.
    const scaleDown = world.calls.findIndex((c) => c.op === 'UpdateService' && c.detail === 'web-green desired=0');
    expect(scaleDown).toBeGreaterThan(world.calls.indexOf(restore));
    const rollback = reporter.events.find((e) => e.kind === 'phase-started' && e.phase === 'rollback');
    expect(rollback).toBeDefined();
  });

  it('ModifyListener ignored once → detected by the read-back and applied again', async () => {
    const world = new World();
    world.ignoreWrites = (n) => n === 2;
    const { ctx, reporter } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).toBe('succeeded');
    expect(shifts(world)).toEqual([
      'web-blue=90,web-green=10',
      'web-blue=50,web-green=50',
      'web-blue=50,web-green=50',
      'web-blue=0,web-green=100'
    ]);
    expect(reporter.lines.some((l) => /ignored the first change of weights; applying it again worked/.test(l))).toBe(true);
  });

  it('ModifyListener never applied → shift fails clearly; the listener never moved so the rollback holds', async () => {
    const world = new World();
    world.ignoreWrites = (n) => n >= 2;
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    // The 10 % step took effect, 50 % never did, and the restore to 100/0 is ignored too.
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(
      /shifting 50 % to web-green failed: listener .* still forwards 90\/10 to web-blue\/web-green after setting 50\/50/
    );
    expect(result.reason).toMatch(/and the rollback did not complete: putting 100 % back on web-blue failed/);
    expect(result.reason).toMatch(/now forwards 90\/10 to web-blue\/web-green; service web-blue wants 2 task\(s\)/);
    // web-green still serves 10 %: it must not be scaled down.
    expect(world.service('web-green').desiredCount).toBe(2);
    expect(world.service('web-blue').desiredCount).toBe(2);
  });

  it('cancellation during a bake → restored at once, new colour scaled down', async () => {
    const world = new World();
    const controller = new AbortController();
    world.onWeights = (w) => {
      if (w[GREEN_TG] === 10) world.timer.onSleep = (t) => (t > 0 ? controller.abort(new Error('cancelled (SIGINT)')) : undefined);
    };
    const { ctx } = world.context(controller.signal);
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^cancelled \(SIGINT\) at 10 %: rolled back/);
    expect(world.weights()).toEqual({ blue: 100, green: 0 });
    expect(world.service('web-green').desiredCount).toBe(0);
    const ten = world.calls.find((c) => c.detail === 'web-blue=90,web-green=10')!;
    const restore = world.calls.find((c) => c.detail === 'web-blue=100,web-green=0')!;
    expect(restore.at - ten.at).toBeLessThanOrEqual(5_000);
  });

  const failingPoll = (ctx: ReturnType<World['context']>['ctx'], error: Error): void => {
    const aws = ctx.aws;
    let polls = 0;
    ctx.aws = boundedAws({
      ...aws,
      ecs: {
        ...aws.ecs,
        describeServices: async (c, n) => {
          if (++polls === 8) throw error;
          return aws.ecs.describeServices(c, n);
        }
      }
    });
  };

  it('a crash of our own (an unexpected error) is aborted like a failed gate', async () => {
    const world = new World();
    const { ctx } = world.context();
    failingPoll(ctx, new TypeError("Cannot read properties of undefined (reading 'deployments')"));
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/Cannot read properties of undefined/);
    expect(world.weights()).toEqual({ blue: 100, green: 0 });
  });

  it('a read that fails on the way (socket hang up) is ridden out: the next poll decides', async () => {
    const world = new World();
    const { ctx, reporter } = world.context();
    failingPoll(ctx, new Error('socket hang up'));
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).toBe('succeeded');
    expect(reporter.lines.join('\n')).toMatch(/ECS did not answer \(.*socket hang up\); polling every/);
    expect(world.weights()).toEqual({ blue: 0, green: 100 });
  });

  it('a warm idle colour (not at zero) gets its previous revision and size back', async () => {
    const world = new World();
    world.service('web-green').desiredCount = 1;
    world.primary('web-green').desiredCount = 1;
    world.primary('web-green').runningCount = 1;
    world.behaviours.set(td(8), 'unhealthy');
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).toBe('rolled-back');
    expect(world.ops('UpdateService').pop()).toBe('UpdateService web-green td=web:7 desired=1');
    expect(result.reason).toMatch(/web-green is back on web:7 at 1 task, as before/);
  });
});

describe('deployBlueGreen: an interrupted earlier deployment (50/50)', () => {
  function interrupted(): World {
    const world = new World(50, 50);
    world.addService('web-green', GREEN_TG, td(8), 2, new Date(Date.UTC(2030, 0, 2)));
    return world;
  }

  it('refuses with a clear message and changes nothing', async () => {
    const world = interrupted();
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(9), ctx);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/forwards 50 % to web-blue and 50 % to web-green: a previous deployment was interrupted/);
    expect(result.reason).toMatch(/on-interrupted: rollback/);
    expect(result.reason).toMatch(/nothing was changed$/);
    expect(world.ops('ModifyListener')).toEqual([]);
    expect(world.ops('UpdateService')).toEqual([]);
  });

  it('on-interrupted: rollback → 100 % back on the older colour first, then a normal deployment into the newer one', async () => {
    const world = interrupted();
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings({ onInterrupted: 'rollback' }), td(9), ctx);
    expect(result.status).toBe('succeeded');
    expect(shifts(world)).toEqual([
      'web-blue=100,web-green=0',
      'web-blue=90,web-green=10',
      'web-blue=50,web-green=50',
      'web-blue=0,web-green=100'
    ]);
    expect(world.primary('web-green').taskDefinition).toBe(td(9));
    expect(world.service('web-blue').desiredCount).toBe(0);
    // The reset happens before the new colour is touched.
    const reset = world.calls.findIndex((c) => c.detail === 'web-blue=100,web-green=0');
    const update = world.calls.findIndex((c) => c.op === 'UpdateService');
    expect(reset).toBeLessThan(update);
  });

  it('on-interrupted: resume → continues shifting into the newer colour from 50 %', async () => {
    const world = interrupted();
    const { ctx } = world.context();
    const result = await deployBlueGreen(deploySettings(), bgSettings({ onInterrupted: 'resume' }), td(8), ctx);
    expect(result.status).toBe('succeeded');
    expect(shifts(world)).toEqual(['web-blue=0,web-green=100']);
    expect(world.ops('UpdateService')).toEqual(['UpdateService web-blue desired=0']);
  });
});

describe('recoverBlueGreen (the post step)', () => {
  it('after a crash mid-shift restores 100/0 and scales the new colour back', async () => {
    const world = new World();
    const state = new MemoryState();
    const { ctx } = world.context(undefined, state);
    // The main step dies during the bake at 50 %: its sleep never returns.
    world.onWeights = (w) => {
      if (w[GREEN_TG] === 50) world.timer.sleep = () => new Promise<void>(() => undefined);
    };
    void deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    // Waits for the state the crash leaves (the fakes answer at once), not for a guessed delay.
    for (let i = 0; i < 10_000 && state.load<BlueGreenState>(BLUE_GREEN_STATE_KEY)?.percent !== 50; i++)
      await new Promise((r) => setImmediate(r));
    expect(world.weights()).toEqual({ blue: 50, green: 50 });
    expect(state.load<BlueGreenState>(BLUE_GREEN_STATE_KEY)?.phase).toBe('shifting');

    const post = new World();
    post.actions = world.actions;
    (post as { services: World['services'] }).services.clear();
    for (const [k, v] of world.services) post.services.set(k, v);
    const { ctx: postCtx, reporter } = post.context(undefined, state);
    const what = await recoverBlueGreen(postCtx);
    expect(what).toMatch(/the main step stopped while shifting web:8 into web-green: rolled back, 100 % of traffic is back on web-blue/);
    expect(post.weights()).toEqual({ blue: 100, green: 0 });
    expect(post.service('web-green').desiredCount).toBe(0);
    expect(state.load<BlueGreenState>(BLUE_GREEN_STATE_KEY)?.phase).toBe('rolled-back');
    expect(reporter.events.some((e) => e.kind === 'phase-started' && e.phase === 'rollback')).toBe(true);
    // A second run of the post step has nothing to do.
    expect(await recoverBlueGreen(postCtx)).toBeUndefined();
  });

  it.each(['done', 'rolled-back'] as const)('does nothing after a run that ended %s', async (phase) => {
    const world = new World();
    const state = new MemoryState();
    state.save(BLUE_GREEN_STATE_KEY, { phase });
    expect(await recoverBlueGreen(world.context(undefined, state).ctx)).toBeUndefined();
    expect(world.calls).toEqual([]);
  });

  it('throws with the exact state when traffic cannot be restored', async () => {
    const world = new World(50, 50);
    world.ignoreWrites = () => true;
    const state = new MemoryState();
    const saved: BlueGreenState = {
      cluster: 'prod',
      target: { listenerArn: LISTENER },
      targetGroups: { blue: BLUE_TG, green: GREEN_TG },
      services: { blue: 'web-blue', green: 'web-green' },
      live: 'blue',
      idle: 'green',
      originalWeights: { [BLUE_TG]: 100, [GREEN_TG]: 0 },
      taskDefinitionArn: td(8),
      previousTaskDefinitionArn: td(7),
      newColourBefore: { desiredCount: 0 },
      percent: 50,
      phase: 'shifting'
    };
    state.save(BLUE_GREEN_STATE_KEY, saved);
    await expect(recoverBlueGreen(world.context(undefined, state).ctx)).rejects.toThrow(
      /rollback did not complete: putting 100 % back on web-blue failed: .*now forwards 50\/50 to web-blue\/web-green/
    );
  });
});

describe('deployBlueGreen: smoke test before the first shift', () => {
  it.each([
    [200, 'succeeded', /./],
    [500, 'rolled-back', /gate smoke-test failed before the first shift: GET http:\/\/test-listener:8080\/health answered 500, not 2xx/]
  ])('answers %i → %s', async (status, outcome, reason) => {
    const world = new World();
    const urls: string[] = [];
    const fetch = async (url: string) => {
      urls.push(url);
      return { status };
    };
    const bg = bgSettings({ smokeTest: { url: 'http://test-listener:8080/health', timeoutMs: 1000 } });
    const result = await deployBlueGreen(deploySettings(), bg, td(8), world.context().ctx, { fetch });
    expect(result.status).toBe(outcome);
    expect(result.reason).toMatch(reason);
    // Checked before traffic moves, not during the bakes (the URL points at the new colour alone).
    expect(urls).toHaveLength(1);
    if (status !== 200) expect(world.ops('ModifyListener')).toEqual([]);
  });
});

describe('deployBlueGreen: problems found before anything changes', () => {
  it('CloudWatch refuses the temporary alarms → failed, nothing changed', async () => {
    const world = new World();
    const { ctx } = world.context();
    ctx.aws.cloudwatch.putMetricAlarm = async () => {
      throw new Error('creating alarm x: AccessDenied: not authorized to perform cloudwatch:PutMetricAlarm');
    };
    const gates = {
      settings: gateSettings({ temporary: { cpuThreshold: 80, period: 60, evaluationPeriods: 1, datapoints: 1 } }),
      baseline: {}
    };
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx, { gates });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/AccessDenied.*; nothing was changed$/);
    expect(world.ops('UpdateService')).toEqual([]);
  });

  it.each([
    [
      'a service registered in the other colour’s target group',
      (w: World) => void (w.service('web-green').targetGroupArn = BLUE_TG),
      /green-service web-green does not register its tasks in green-target-group web-green/
    ],
    ['a missing service', (w: World) => void w.services.delete('web-green'), /service web-green not found in cluster prod/],
    ['a live colour at zero tasks', (w: World) => void (w.service('web-blue').desiredCount = 0), /the live colour web-blue wants 0 tasks/]
  ])('%s', async (_name, breakIt, message) => {
    const world = new World();
    breakIt(world);
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), world.context().ctx);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(message);
    expect(result.reason).toMatch(/nothing was changed/);
    expect(world.ops('UpdateService')).toEqual([]);
    expect(world.ops('ModifyListener')).toEqual([]);
  });

  it('a listener that does not exist', async () => {
    const world = new World();
    const bad = `${LISTENER.slice(0, -4)}ffff`;
    const result = await deployBlueGreen(deploySettings(), bgSettings({ target: { listenerArn: bad } }), td(8), world.context().ctx);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/listener-arn: listener .* does not exist/);
  });
});

describe('preflightBlueGreen (before the revision is registered)', () => {
  it('passes a ready pair of colours with read-only calls', async () => {
    const world = new World();
    await expect(preflightBlueGreen(deploySettings(), bgSettings(), world.context().ctx)).resolves.toMatchObject({
      live: 'blue',
      idle: 'green'
    });
    expect(world.calls.map((c) => c.op).filter((op) => !/^Describe/.test(op))).toEqual([]);
  });

  it.each([
    ['an interrupted listener', () => new World(50, 50), /a previous deployment was interrupted/],
    [
      'a service in the wrong target group',
      () => {
        const w = new World();
        w.service('web-blue').targetGroupArn = GREEN_TG;
        return w;
      },
      /blue-service web-blue does not register its tasks in blue-target-group web-blue/
    ]
  ])('rejects %s', async (_name, make, message) => {
    const world = make();
    await expect(preflightBlueGreen(deploySettings(), bgSettings(), world.context().ctx)).rejects.toThrow(message);
    expect(world.calls.map((c) => c.op).filter((op) => !/^Describe/.test(op))).toEqual([]);
  });
});
