/** The ecs-native strategy run by the engine against a scripted ECS: pauses answered by the gates, rollbacks verified, recovery. */
import { describe, expect, test } from '@jest/globals';
import { runStrategy } from '../../src/deploy/strategy.js';
import { nativeStrategy } from '../../src/deploy/ecs-native/strategy.js';
import { preflightNative } from '../../src/deploy/ecs-native/preflight.js';
import { recoverNative } from '../../src/deploy/ecs-native/recover.js';
import { NATIVE_STATE_KEY, type NativeState } from '../../src/deploy/ecs-native/state.js';
import type { NativeSettings } from '../../src/deploy/ecs-native/settings.js';
import type { GateSettings } from '../../src/gates/settings.js';
import { BLUE, GREEN, NativeWorld, SHOP1, SHOP2, deploySettings, type Strategy } from './ecs-native-fakes.js';

const gateSettings = (over: Partial<GateSettings> = {}): GateSettings => ({
  alarms: [],
  temporary: { period: 60, evaluationPeriods: 1, datapoints: 1 },
  mode: 'transitions',
  ecsAlarmRollback: false,
  inconclusive: { limit: 3, decide: 'fail' },
  ...over
});

async function deploy(world: NativeWorld, o: { native?: NativeSettings; gates?: GateSettings; signal?: AbortSignal } = {}) {
  const ctx = world.context(o.signal);
  const settings = deploySettings();
  const native = o.native ?? {};
  const plan = await preflightNative(settings, native, ctx);
  const baseline = Object.fromEntries((o.gates?.alarms ?? []).map((n) => [n, { state: 'OK' }]));
  const result = await runStrategy(
    nativeStrategy(settings, native, plan, SHOP2, ctx, { gates: { settings: o.gates ?? gateSettings(), baseline, deploymentTag: 't1' } }),
    ctx
  );
  return { result, ctx };
}

describe('a good release', () => {
  test.each<[Strategy, number]>([
    ['BLUE_GREEN', 1],
    ['LINEAR', 4],
    ['CANARY', 2]
  ])(
    '%s: every pause is gated and continued, production verified on green, the service gets its own configuration back',
    async (strategy, shifts) => {
      const world = new NativeWorld(
        strategy,
        strategy === 'LINEAR' ? { linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 } } : {}
      );
      const original = structuredClone(world.config);
      const { result, ctx } = await deploy(world);

      expect(result.status).toBe('succeeded');
      expect(result.reason).toContain('SUCCESSFUL');
      expect(result.deploymentId).toMatch(/service-deployment\/prod\/shop\//);
      expect(result.outputs).toEqual({ traffic: 'shop-blue=0,shop-green=100', 'steps-completed': String(shifts) });
      const continues = world.ops('ContinueServiceDeployment');
      expect(continues[0]).toBe('ContinueServiceDeployment CONTINUE POST_SCALE_UP');
      expect(continues.filter((c) => c.includes('PRE_PRODUCTION_TRAFFIC_SHIFT'))).toHaveLength(shifts);
      expect(continues.at(-1)).toBe('ContinueServiceDeployment CONTINUE POST_PRODUCTION_TRAFFIC_SHIFT');
      expect(continues.every((c) => c.includes('CONTINUE'))).toBe(true);
      // The deployment carried our PAUSE hook with a ROLLBACK timeout; afterwards the service has its own configuration again.
      const sent = world.updates[0].deploymentConfiguration!;
      expect(sent.maximumPercent).toBe(200);
      expect(sent.lifecycleHooks).toEqual([
        expect.objectContaining({ targetType: 'PAUSE', timeoutConfiguration: expect.objectContaining({ action: 'ROLLBACK' }) })
      ]);
      expect(world.updates.at(-1)!.taskDefinition).toBeUndefined();
      expect(world.config).toEqual({ ...original, lifecycleHooks: [] });
      // Weights were read after the stages: the traffic chart sees green grow to 100.
      const greens = ctx.reporter.events.flatMap((e) => (e.kind === 'weights' ? [e.weights['shop-green'] ?? 0] : []));
      expect(greens[0]).toBe(0);
      expect(greens.at(-1)).toBe(100);
      expect(ctx.state.load<NativeState>(NATIVE_STATE_KEY)?.phase).toBe('done');
    }
  );
});

describe('a failing gate', () => {
  test('at a pause: the pause is answered ROLLBACK, never CONTINUE, and rolled-back is said once ECS finished and production is verified on blue', async () => {
    const world = new NativeWorld('BLUE_GREEN');
    world.alarms.set('shop-5xx', 'OK');
    world.onStage = (stage) => {
      if (stage === 'POST_TEST_TRAFFIC_SHIFT') world.alarms.set('shop-5xx', 'ALARM');
    };
    world.rollbackReads = 3;
    const { result } = await deploy(world, { gates: gateSettings({ alarms: ['shop-5xx'] }) });

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toContain('gate alarms failed at POST_TEST_TRAFFIC_SHIFT');
    expect(result.reason).toContain('ROLLBACK_SUCCESSFUL');
    expect(result.reason).toContain('forwards 100/0 to shop-blue/shop-green (verified)');
    expect(world.ops('ContinueServiceDeployment')).toEqual([
      'ContinueServiceDeployment CONTINUE POST_SCALE_UP',
      'ContinueServiceDeployment ROLLBACK POST_TEST_TRAFFIC_SHIFT'
    ]);
    expect(world.ops('StopServiceDeployment')).toEqual([]);
    expect(world.deployment?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(result.outputs.traffic).toBe('shop-blue=100,shop-green=0');
    expect(world.config.lifecycleHooks).toEqual([]);
  });

  test('between pauses (an alarm during the bake): the deployment is stopped with ROLLBACK at once', async () => {
    const world = new NativeWorld('BLUE_GREEN');
    world.alarms.set('shop-5xx', 'OK');
    world.onStage = (stage) => {
      if (stage === 'BAKE_TIME') world.alarms.set('shop-5xx', 'ALARM');
    };
    const { result } = await deploy(world, { gates: gateSettings({ alarms: ['shop-5xx'] }) });

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toContain('gate alarms failed after POST_PRODUCTION_TRAFFIC_SHIFT');
    // No pause was waiting: stopped at once, in ECS's bake (the scripted ECS moves one stage per read).
    expect(world.ops('StopServiceDeployment')).toEqual([expect.stringMatching(/^StopServiceDeployment ROLLBACK (BAKE_TIME|CLEAN_UP)$/)]);
    expect(world.ops('ContinueServiceDeployment').at(-1)).toBe('ContinueServiceDeployment CONTINUE POST_PRODUCTION_TRAFFIC_SHIFT');
    expect(world.green).toBe(0);
  });

  test('ECS rolls back by itself: the verdict waits for ROLLBACK_SUCCESSFUL and carries ECS reason', async () => {
    const world = new NativeWorld('CANARY');
    world.ecsRollsBackAt = 'POST_SCALE_UP';
    world.rollbackReads = 4;
    const { result } = await deploy(world);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toContain('ECS rolled the deployment back: ECS deployment circuit breaker');
    expect(world.ops('StopServiceDeployment')).toEqual([]);
    expect(world.ops('ContinueServiceDeployment')).toEqual([]);
  });

  test('a rollback ECS does not finish in time is reported as failed, saying it is still in progress', async () => {
    const world = new NativeWorld('BLUE_GREEN');
    world.ecsRollsBackAt = 'SCALE_UP';
    world.rollbackReads = Number.POSITIVE_INFINITY;
    const { result, ctx } = await deploy(world);
    expect(result.status).toBe('failed');
    expect(result.rolledBack).toBe(false);
    expect(result.reason).toContain("ECS's rollback has not finished");
    expect(result.reason).toContain('ROLLBACK_IN_PROGRESS');
    // The post step still has work: the state says so.
    expect(ctx.state.load<NativeState>(NATIVE_STATE_KEY)?.phase).toBe('rolling-back');
  });
});

describe('cancellation, lost answers, the post step', () => {
  test('a cancelled workflow rolls the deployment back and continues no pause', async () => {
    const world = new NativeWorld('BLUE_GREEN');
    const cancel = new AbortController();
    world.onStage = (stage) => {
      if (stage === 'POST_TEST_TRAFFIC_SHIFT') cancel.abort('cancelled (SIGINT)');
    };
    const { result } = await deploy(world, { signal: cancel.signal });
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/cancelled \(SIGINT\)/);
    expect(world.ops('ContinueServiceDeployment')).toEqual([
      'ContinueServiceDeployment CONTINUE POST_SCALE_UP',
      'ContinueServiceDeployment ROLLBACK POST_TEST_TRAFFIC_SHIFT'
    ]);
  });

  test("UpdateService's lost answer: the deployment ECS started is found and watched to success", async () => {
    const world = new NativeWorld('BLUE_GREEN');
    world.loseUpdateAnswer = true;
    const { result, ctx } = await deploy(world);
    expect(result.status).toBe('succeeded');
    expect(ctx.reporter.lines.some((l) => l.includes("UpdateService's answer was lost"))).toBe(true);
  });

  test('the post step after a killed runner: a paused deployment is answered ROLLBACK (never CONTINUE) and the hooks go back', async () => {
    const world = new NativeWorld('BLUE_GREEN');
    const ctx = world.context();
    const settings = deploySettings();
    const plan = await preflightNative(settings, {}, ctx);
    const strategy = nativeStrategy(settings, {}, plan, SHOP2, ctx, { gates: { settings: gateSettings(), baseline: {} } });
    // The main step runs the start step and dies at the first pause.
    await strategy.nextStep()!.run();
    await strategy.nextStep()!.run();
    expect(world.deployment?.lifecycleHookDetails?.[0]?.status).toBe('AWAITING_ACTION');

    const post = { ...world.context(), state: ctx.state };
    const done = await recoverNative(post);
    expect(done).toContain('rolled back');
    expect(world.ops('ContinueServiceDeployment')).toEqual(['ContinueServiceDeployment ROLLBACK POST_SCALE_UP']);
    expect(world.deployment?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(world.config.lifecycleHooks).toEqual([]);
    // Running it again finds nothing to do.
    expect(await recoverNative(post)).toBeUndefined();
  });
});

describe('preflight refuses, changing nothing', () => {
  test.each<[string, (w: NativeWorld) => void, RegExp]>([
    ['another controller', (w) => (w.controller = 'CODE_DEPLOY'), /CODE_DEPLOY deployment controller.*nothing was changed/],
    ['no native strategy', (w) => (w.config = { ...w.config, strategy: 'ROLLING' }), /no ECS-native .* strategy configured.*ecs-strategy/],
    [
      'a PAUSE hook of its own',
      (w) => (w.config = { ...w.config, lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }] }),
      /PAUSE lifecycle hook of its own .*POST_SCALE_UP/
    ],
    ['a split production rule', (w) => (w.green = 50), /forwards 50\/50 to shop-blue\/shop-green, not 100 %/]
  ])('%s', async (_what, arrange, message) => {
    const world = new NativeWorld('BLUE_GREEN');
    arrange(world);
    await expect(preflightNative(deploySettings(), {}, world.context())).rejects.toThrow(message);
    expect(world.updates).toEqual([]);
  });

  test('green is whichever target group does not serve production', async () => {
    const world = new NativeWorld('BLUE_GREEN');
    world.green = 100;
    const plan = await preflightNative(deploySettings(), {}, world.context());
    expect(plan.traffic?.targetGroups).toEqual({ blue: GREEN, green: BLUE });
    expect(SHOP1).not.toBe(SHOP2);
  });
});
