/**
 * steps-completed for ECS-native deployments: the production traffic shifts ECS made, counted
 * from the production rule as read back, against a scripted ECS that names its stages as AWS
 * does (a pause before a production step reads PRODUCTION_TRAFFIC_SHIFT: the API's
 * lifecycleStage has no PRE_PRODUCTION_TRAFFIC_SHIFT).
 */
import { describe, expect, test } from '@jest/globals';
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import type { Aws } from '../../src/aws/clients.js';
import { runStrategy } from '../../src/deploy/strategy.js';
import { nativeStrategy } from '../../src/deploy/ecs-native/strategy.js';
import { preflightNative } from '../../src/deploy/ecs-native/preflight.js';
import type { NativeSettings } from '../../src/deploy/ecs-native/settings.js';
import type { GateSettings } from '../../src/gates/settings.js';
import { NativeWorld, SHOP2, deploySettings, type Strategy } from './ecs-native-fakes.js';

const gateSettings = (over: Partial<GateSettings> = {}): GateSettings => ({
  alarms: [],
  temporary: { period: 60, evaluationPeriods: 1, datapoints: 1 },
  mode: 'transitions',
  ecsAlarmRollback: false,
  inconclusive: { limit: 3, decide: 'fail' },
  ...over
});

/** The scripted ECS, answering DescribeServiceDeployments with AWS's stage names (in every bounded view of it). */
function withAwsStageNames(aws: Aws): Aws {
  const rename = (sd: ServiceDeployment): ServiceDeployment =>
    (sd.lifecycleStage as string) === 'PRE_PRODUCTION_TRAFFIC_SHIFT' ? { ...sd, lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' } : sd;
  const describeServiceDeployments: Aws['ecs']['describeServiceDeployments'] = async (arns) => {
    const out = await aws.ecs.describeServiceDeployments(arns);
    return { ...out, serviceDeployments: out.serviceDeployments.map(rename) };
  };
  return {
    ...aws,
    ecs: { ...aws.ecs, describeServiceDeployments },
    withSignal: (signal) => withAwsStageNames(aws.withSignal(signal)),
    withCallTimeout: (ms) => withAwsStageNames(aws.withCallTimeout(ms))
  };
}

function asAws(world: NativeWorld) {
  const base = world.context();
  return { ...base, aws: withAwsStageNames(base.aws) };
}

async function deploy(world: NativeWorld, o: { native?: NativeSettings; gates?: GateSettings } = {}) {
  const ctx = asAws(world);
  const settings = deploySettings();
  const native = o.native ?? {};
  const plan = await preflightNative(settings, native, ctx);
  const baseline = Object.fromEntries((o.gates?.alarms ?? []).map((n) => [n, { state: 'OK' }]));
  const result = await runStrategy(
    nativeStrategy(settings, native, plan, SHOP2, ctx, { gates: { settings: o.gates ?? gateSettings(), baseline, deploymentTag: 't1' } }),
    ctx
  );
  const greens = ctx.reporter.events.flatMap((e) => (e.kind === 'weights' ? [e.weights['shop-green'] ?? 0] : []));
  return { result, greens };
}

describe('steps-completed is the number of production traffic shifts, read back', () => {
  test.each<[Strategy, ConstructorParameters<typeof NativeWorld>[1], number, number[]]>([
    ['BLUE_GREEN', {}, 1, [100]],
    ['LINEAR', { linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 } }, 4, [25, 50, 75, 100]],
    ['CANARY', { canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 1 } }, 2, [20, 100]]
  ])('a good %s release: every step is read back and counted', async (strategy, extra, shifts, steps) => {
    const world = new NativeWorld(strategy, extra);
    const { result, greens } = await deploy(world);
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ traffic: 'shop-blue=0,shop-green=100', 'steps-completed': String(shifts) });
    // The traffic chart sees each step ECS made, in order.
    expect([...new Set(greens.filter((g) => g > 0))]).toEqual(steps);
  });

  test('a canary rolled back after its first shift: one step completed, production back on blue', async () => {
    const world = new NativeWorld('CANARY', { canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 1 } });
    world.alarms.set('shop-cpu', 'OK');
    world.onStage = (stage) => {
      if (stage === 'PRODUCTION_TRAFFIC_SHIFT' && world.green === 20) world.alarms.set('shop-cpu', 'ALARM');
    };
    const { result, greens } = await deploy(world, { gates: gateSettings({ alarms: ['shop-cpu'] }) });
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/gate alarms failed/);
    expect(result.outputs).toEqual({ traffic: 'shop-blue=100,shop-green=0', 'steps-completed': '1' });
    expect(greens).toContain(20);
    expect(greens.at(-1)).toBe(0);
  });

  test('rolled back before production moved: no step completed', async () => {
    const world = new NativeWorld('LINEAR', { linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 } });
    world.ecsRollsBackAt = 'POST_SCALE_UP';
    const { result } = await deploy(world);
    expect(result.status).toBe('rolled-back');
    expect(result.outputs['steps-completed']).toBe('0');
  });
});
