/**
 * The verdict cases mutation testing found unguarded: what a user would see go wrong if the
 * rolloutState check or the "same revision, newer deployment" branch were dropped.
 */
import { describe, expect, test } from '@jest/globals';
import { judge } from '../../src/deploy/verdict.js';
import { TD7, TD8, dep, svc } from './rolling-fakes.js';

const ours = { deploymentId: 'ecs-svc/1', taskDefinitionArn: TD8, previousTaskDefinitionArn: TD7 };

describe('judge: never success before ECS says COMPLETED', () => {
  test('our only deployment, every task running but rolloutState IN_PROGRESS, is still in progress (ECS can still roll it back)', () => {
    // With bake-time 0 nothing else stands between this description and a "succeeded" output.
    const service = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'IN_PROGRESS' })]);
    expect(judge(service, ours)).toEqual({ kind: 'in-progress' });
  });

  test('running above desired (old tasks not yet stopped) is not success either', () => {
    const service = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 3, desired: 2, state: 'COMPLETED' })]);
    expect(judge(service, ours)).toEqual({ kind: 'in-progress' });
  });

  test('running = desired = 0 on a COMPLETED deployment is what ECS reports for a service scaled to zero: succeeded', () => {
    const service = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 0, desired: 0, state: 'COMPLETED' })]);
    expect(judge(service, ours)).toEqual({ kind: 'succeeded' });
  });
});

describe('judge: someone else deployed while we watched', () => {
  test('a colleague redeployed our revision: a failure of ours, but never a rollback of their deployment', () => {
    const service = svc([
      dep('ecs-svc/3', 'PRIMARY', TD8, { running: 1, desired: 2, state: 'IN_PROGRESS', reason: 'ECS deployment ecs-svc/3 in progress.' }),
      dep('ecs-svc/1', 'ACTIVE', TD8, { running: 2, desired: 2, state: 'IN_PROGRESS' })
    ]);
    expect(judge(service, ours)).toEqual({
      kind: 'failed',
      reason: 'another deployment of the same revision (ecs-svc/3) replaced ours (ecs-svc/1) while we watched',
      rollBack: false
    });
  });

  test('a colleague redeployed our revision and its reason mentions a rollback: still not reported as ECS rolling us back', () => {
    const service = svc([dep('ecs-svc/3', 'PRIMARY', TD8, { state: 'IN_PROGRESS', reason: 'rolling back to ecs-svc/1' })]);
    expect(judge(service, ours)).toMatchObject({ kind: 'failed', rollBack: false });
  });

  test('a third revision replaced ours, its reason not a rollback: failed, not rolled back, and we leave it alone', () => {
    const td9 = TD8.replace(':8', ':9');
    const service = svc([dep('ecs-svc/3', 'PRIMARY', td9, { state: 'IN_PROGRESS', reason: 'ECS deployment ecs-svc/3 in progress.' })]);
    expect(judge(service, ours)).toEqual({
      kind: 'failed',
      reason: 'another deployment (ecs-svc/3, web:9) replaced ours while we watched',
      rollBack: false
    });
  });

  test.each([['rolling back'], ['rolled back'], ['rollback'], ['Rolling Back']])(
    'a third revision whose reason says "%s" is ECS rolling back',
    (words) => {
      const td9 = TD8.replace(':8', ':9');
      const service = svc([dep('ecs-svc/3', 'PRIMARY', td9, { state: 'IN_PROGRESS', reason: `circuit breaker: ${words} to ecs-svc/0` })]);
      expect(judge(service, ours)).toEqual({
        kind: 'rolled-back-by-ecs',
        reason: `ECS rolled the service back to web:9 (deployment ecs-svc/3): circuit breaker: ${words} to ecs-svc/0`
      });
    }
  );

  test('without the previous revision known, any other PRIMARY is taken as ECS rolling back', () => {
    const service = svc([dep('ecs-svc/3', 'PRIMARY', TD7, { running: 2, desired: 2, state: 'COMPLETED' })]);
    expect(judge(service, { deploymentId: 'ecs-svc/1', taskDefinitionArn: TD8 })).toEqual({
      kind: 'rolled-back-by-ecs',
      reason: 'ECS rolled the service back to web:7 (deployment ecs-svc/3)'
    });
  });
});

describe('judge: our deployment FAILED', () => {
  test('FAILED with no reason from ECS still says it failed', () => {
    const service = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { state: 'FAILED' })], [], {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } }
    });
    expect(judge(service, ours)).toEqual({ kind: 'failed', reason: 'the deployment failed', rollBack: true });
  });

  test('FAILED and the old revision PRIMARY without reasons: the message names the revision and deployment', () => {
    const service = svc([dep('ecs-svc/2', 'PRIMARY', TD7), dep('ecs-svc/1', 'ACTIVE', TD8, { state: 'FAILED' })]);
    expect(judge(service, ours)).toEqual({
      kind: 'rolled-back-by-ecs',
      reason: 'ECS rolled the service back to web:7 (deployment ecs-svc/2): the deployment failed'
    });
  });

  test('the same reason from both deployments is said once', () => {
    const why = 'tasks failed to start';
    const service = svc([
      dep('ecs-svc/2', 'PRIMARY', TD7, { reason: why }),
      dep('ecs-svc/1', 'ACTIVE', TD8, { state: 'FAILED', reason: why })
    ]);
    expect(judge(service, ours)).toEqual({
      kind: 'rolled-back-by-ecs',
      reason: `ECS rolled the service back to web:7 (deployment ecs-svc/2): ${why}`
    });
  });

  test('a FAILED deployment of our revision that is not ours (an older attempt) is not our failure: ours COMPLETED succeeded', () => {
    const service = svc([
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' }),
      dep('ecs-svc/0', 'ACTIVE', TD8, { state: 'FAILED', reason: 'an older attempt' })
    ]);
    expect(judge(service, ours)).toEqual({ kind: 'succeeded' });
  });
});

describe('judge: the order ECS lists deployments in does not matter', () => {
  test('the PRIMARY is found wherever it is listed', () => {
    const service = svc([
      dep('ecs-svc/0', 'ACTIVE', TD7, { running: 0, desired: 0 }),
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' })
    ]);
    expect(judge(service, ours)).toEqual({ kind: 'succeeded' });
  });

  test('without a deployment id, an older FAILED deployment of our revision is not ours: the PRIMARY is', () => {
    const service = svc([
      dep('ecs-svc/0', 'ACTIVE', TD8, { state: 'FAILED', reason: 'an earlier attempt' }),
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' })
    ]);
    expect(judge(service, { taskDefinitionArn: TD8, previousTaskDefinitionArn: TD7 })).toEqual({ kind: 'succeeded' });
  });
});

describe('judge: a FAILED deployment on a service without circuit-breaker settings', () => {
  test.each([
    ['no deploymentConfiguration', {}],
    ['a deploymentConfiguration without a circuit breaker', { deploymentConfiguration: { maximumPercent: 200 } }]
  ])('%s: failed, ours to roll back', (_, extra) => {
    const service = {
      ...svc([dep('ecs-svc/1', 'PRIMARY', TD8, { state: 'FAILED', reason: 'tasks failed' })]),
      deploymentConfiguration: undefined,
      ...extra
    };
    expect(judge(service, ours)).toEqual({ kind: 'failed', reason: 'tasks failed', rollBack: true });
  });
});
