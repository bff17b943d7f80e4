/** Pure parts of the ecs-native strategy: the inputs, the configuration sent, and what a DescribeServiceDeployments answer means. */
import { describe, expect, test } from '@jest/globals';
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { Inputs } from '../../src/inputs.js';
import { readNativeSettings } from '../../src/deploy/ecs-native/settings.js';
import { hookTimeoutMinutes, needsRestore, planConfiguration, restoredConfiguration } from '../../src/deploy/ecs-native/plan.js';
import { analyseTargetRevision, readProgress } from '../../src/deploy/ecs-native/verdict.js';

const inputs = (values: Record<string, string>): Inputs => new Inputs({ get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` });

describe('settings', () => {
  test('durations become the whole minutes ECS takes; percentages keep tenths', () => {
    expect(
      readNativeSettings(
        inputs({ 'ecs-strategy': 'linear', 'ecs-bake-time': '5m', 'linear-step-percent': '12.5', 'linear-step-bake': '120s' })
      )
    ).toEqual({
      strategy: 'LINEAR',
      bakeTimeInMinutes: 5,
      linear: { stepPercent: 12.5, stepBakeTimeInMinutes: 2 }
    });
  });

  test('a bake time that is not whole minutes is refused, naming the input and the minutes to use', () => {
    expect(() => readNativeSettings(inputs({ 'canary-bake': '90s' }))).toThrow(
      /input `canary-bake` is 1m30s \(ECS takes bake times in whole minutes \(0 to 1440\): use 1m or 2m\)/
    );
  });

  test('out of ECS ranges, unknown strategies and inputs of another strategy are all reported together', () => {
    let message = '';
    try {
      readNativeSettings(
        inputs({ 'ecs-strategy': 'CANARY', 'linear-step-percent': '2', 'canary-percent': '5.05', 'ecs-bake-time': '25h' })
      );
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('input `linear-step-percent` is "2"');
    expect(message).toContain('input `canary-percent` is 5.05');
    expect(message).toContain('multiple of 0.1');
    expect(message).toContain('input `ecs-bake-time` is 25h, longer than 24h');
    expect(() => readNativeSettings(inputs({ 'ecs-strategy': 'BLUE' }))).toThrow(/use one of: BLUE_GREEN, LINEAR, CANARY, ROLLING/);
    expect(() => readNativeSettings(inputs({ 'ecs-strategy': 'BLUE_GREEN', 'canary-bake': '1m' }))).toThrow(
      /canary-bake` is set but input `ecs-strategy` is BLUE_GREEN/
    );
  });
});

describe('plan', () => {
  const current = {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    strategy: 'CANARY' as const,
    bakeTimeInMinutes: 10,
    canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 },
    alarms: { alarmNames: ['shop-5xx'], enable: true, rollback: true },
    lifecycleHooks: [
      {
        targetType: 'AWS_LAMBDA' as const,
        hookTargetArn: 'arn:aws:lambda:us-east-1:1:function:check',
        lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const]
      }
    ]
  };

  test("the service's own configuration is kept, the inputs win, and our PAUSE hook rolls back when nobody answers", () => {
    const plan = planConfiguration(current, { canary: { canaryPercent: 10 } }, { hookTimeoutMinutes: 31 });
    expect(plan).toEqual({
      ...current,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 },
      lifecycleHooks: [
        current.lifecycleHooks[0],
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_SCALE_UP', 'POST_TEST_TRAFFIC_SHIFT', 'PRE_PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 31, action: 'ROLLBACK' }
        }
      ]
    });
  });

  test('a native rolling update gets no pause hook (its stages do not shift traffic)', () => {
    expect(planConfiguration({ maximumPercent: 200 }, { strategy: 'ROLLING' }, { hookTimeoutMinutes: 5 }).lifecycleHooks).toBeUndefined();
  });

  test('the pause outlives the deployment by a minute, lasts at least 30 minutes, and never exceeds ECS limit of a day', () => {
    expect(hookTimeoutMinutes(45 * 60_000)).toBe(46);
    expect(hookTimeoutMinutes(1_000)).toBe(30);
    expect(hookTimeoutMinutes(48 * 3_600_000)).toBe(1440);
  });

  test('afterwards the strategy, bakes and hooks go back as they were; what ECS changed since is kept', () => {
    const during = {
      ...planConfiguration(current, { strategy: 'LINEAR', linear: { stepPercent: 20 }, bakeTimeInMinutes: 1 }, { hookTimeoutMinutes: 5 }),
      maximumPercent: 150
    };
    expect(needsRestore(during, current)).toBe(true);
    const back = restoredConfiguration(during, current);
    // The linear configuration the inputs added goes too: the service had none.
    expect(back).toEqual({ ...current, maximumPercent: 150 });
    expect(needsRestore(back, current)).toBe(false);
    expect(restoredConfiguration(during, { maximumPercent: 200 }).lifecycleHooks).toEqual([]);
  });
});

describe('verdict', () => {
  const sd = (over: Partial<ServiceDeployment>): ServiceDeployment => ({ serviceDeploymentArn: 'sd', status: 'IN_PROGRESS', ...over });

  test('a pause is ours to answer only while AWAITING_ACTION and not answered yet', () => {
    const paused = sd({
      lifecycleStage: 'POST_SCALE_UP',
      lifecycleHookDetails: [{ hookId: 'h1', targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' }]
    });
    expect(readProgress(paused)).toEqual({
      kind: 'in-progress',
      stage: 'POST_SCALE_UP',
      paused: { hookId: 'h1', timeoutAction: 'ROLLBACK' }
    });
    expect(readProgress(paused, new Set(['h1']))).toEqual({ kind: 'in-progress', stage: 'POST_SCALE_UP' });
    const lambda = sd({
      lifecycleStage: 'POST_SCALE_UP',
      lifecycleHookDetails: [{ hookId: 'h2', targetType: 'AWS_LAMBDA', status: 'IN_PROGRESS' }]
    });
    expect(readProgress(lambda)).toEqual({ kind: 'in-progress', stage: 'POST_SCALE_UP' });
  });

  test('rolling back is never rolled back; each final status keeps its own meaning', () => {
    expect(readProgress(sd({ status: 'ROLLBACK_IN_PROGRESS', rollback: { reason: 'circuit breaker' } }))).toEqual({
      kind: 'rolling-back',
      reason: 'circuit breaker'
    });
    expect(readProgress(sd({ status: 'ROLLBACK_SUCCESSFUL', rollback: { reason: 'alarm shop-5xx' } }))).toEqual({
      kind: 'rolled-back',
      reason: 'alarm shop-5xx'
    });
    expect(readProgress(sd({ status: 'ROLLBACK_FAILED', statusReason: 'no capacity' }))).toEqual({
      kind: 'rollback-failed',
      reason: 'no capacity'
    });
    expect(readProgress(sd({ status: 'STOPPED', statusReason: 'stopped by a user' }))).toEqual({
      kind: 'stopped',
      reason: 'stopped by a user'
    });
    expect(readProgress(sd({ status: 'SUCCESSFUL' }))).toEqual({ kind: 'succeeded' });
  });

  test('the service gate: every task ECS asked for of the new revision runs; a rollback fails it', () => {
    expect(analyseTargetRevision(sd({ targetServiceRevision: { requestedTaskCount: 2, runningTaskCount: 1 } })).phase).toBe('inconclusive');
    expect(analyseTargetRevision(sd({ targetServiceRevision: { requestedTaskCount: 2, runningTaskCount: 2 } })).phase).toBe('pass');
    expect(
      analyseTargetRevision(sd({ status: 'ROLLBACK_IN_PROGRESS', targetServiceRevision: { requestedTaskCount: 2, runningTaskCount: 2 } }))
        .phase
    ).toBe('fail');
  });
});
