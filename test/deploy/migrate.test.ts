import { describe, expect, test } from '@jest/globals';
import type { Task } from '@aws-sdk/client-ecs';
import { deployRolling } from '../../src/deploy/rolling.js';
import { judgeStopped, runTaskInput } from '../../src/deploy/migrate.js';
import type { RunTaskSettings } from '../../src/deploy/settings.js';
import { TD8, context, fakeAws, settings, stableOn7, svc } from './rolling-fakes.js';

const migration = (over: Partial<RunTaskSettings> = {}): RunTaskSettings => ({
  environment: new Map([['MODE', 'up']]),
  command: ['npm', 'run', 'migrate'],
  startedBy: 'ecs-rollout-migrate',
  ...over
});
const ARN = 'arn:aws:ecs:eu-west-1:1:task/prod/migr1';
const running: Task = { taskArn: ARN, lastStatus: 'RUNNING' };
const stopped = (exitCode: number | undefined, extra: Partial<Task> = {}): Task => ({
  taskArn: ARN,
  lastStatus: 'STOPPED',
  stoppedReason: 'Essential container in task exited',
  stopCode: 'EssentialContainerExited',
  containers: [
    { name: 'app', ...(exitCode === undefined ? {} : { exitCode }), ...(exitCode ? { reason: 'relation "users" already exists' } : {}) },
    { name: 'log-router', exitCode: 137 }
  ],
  ...extra
});

describe('the migration task', () => {
  test('a non-zero exit fails the deployment, shows why, and leaves the service untouched', async () => {
    const { aws, calls } = fakeAws({ describe: () => stableOn7(), taskStates: [running, running, stopped(3)] });
    const { ctx, reporter } = context(aws);
    const result = await deployRolling(settings({ runTask: migration() }), TD8, ctx);

    expect(result.status).toBe('failed');
    expect(result.rolledBack).toBe(false);
    expect(result.reason).toBe(
      'migration task migr1 failed: container app exited with code 3 (relation "users" already exists); ' +
        'stopped: Essential container in task exited (EssentialContainerExited); the service was not updated'
    );
    expect(calls.updates).toHaveLength(0);
    expect(reporter.events).toContainEqual(expect.objectContaining({ kind: 'phase-finished', phase: 'migrate', ok: false }));
  });

  test('exit 0 of the migration container lets the update go on (a sidecar killed with it does not matter)', async () => {
    const { aws, calls } = fakeAws({ describe: () => stableOn7(), taskStates: [running, stopped(0)] });
    const { ctx } = context(aws);
    await deployRolling(settings({ runTask: migration(), waitForServiceStability: false }), TD8, ctx);

    expect(calls.runTask).toHaveLength(1);
    expect(calls.runTask[0]).toMatchObject({
      cluster: 'prod',
      taskDefinition: TD8,
      startedBy: 'ecs-rollout-migrate',
      launchType: 'FARGATE',
      overrides: {
        containerOverrides: [{ name: 'app', command: ['npm', 'run', 'migrate'], environment: [{ name: 'MODE', value: 'up' }] }]
      },
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' }
      }
    });
    expect(calls.updates).toHaveLength(1);
  });

  test('a migration that runs past the timeout is stopped and the service is not updated', async () => {
    const { aws, calls } = fakeAws({ describe: () => stableOn7(), taskStates: [running] });
    const { ctx } = context(aws);
    const result = await deployRolling(settings({ runTask: migration(), timeoutMs: 20_000 }), TD8, ctx);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/was stopped: still running after 20s; the service was not updated/);
    expect(calls.stopTask).toEqual([ARN]);
    expect(calls.updates).toHaveLength(0);
  });

  test('a container that never ran is a failure', () => {
    const r = judgeStopped(
      stopped(undefined, { stoppedReason: 'CannotPullContainerError: image not found', stopCode: 'TaskFailedToStart' }),
      'app'
    );
    expect(r).toEqual({
      ok: false,
      reason:
        'migration task migr1 failed: container app never ran (no exit code); stopped: CannotPullContainerError: image not found (TaskFailedToStart); the service was not updated'
    });
  });

  test("given networking wins over the service's", () => {
    const input = runTaskInput(
      migration({ subnets: ['subnet-9'], assignPublicIp: 'ENABLED', launchType: 'EC2' }),
      { cluster: 'prod', taskDefinitionArn: TD8, service: stableOn7(), pollIntervalMs: 1, timeoutMs: 1 },
      'app'
    );
    expect(input.launchType).toBe('EC2');
    expect(input.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-9'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' }
    });
  });

  test('a service on a capacity provider strategy passes it on instead of a launch type', () => {
    const service = svc([], [], { launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] });
    const input = runTaskInput(migration(), { cluster: 'prod', taskDefinitionArn: TD8, service, pollIntervalMs: 1, timeoutMs: 1 }, 'app');
    expect(input.launchType).toBeUndefined();
    expect(input.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
  });
});
