/** The service-gate cases mutation testing found unguarded: what would pass a rollout that is not steady yet. */
import { describe, expect, test } from '@jest/globals';
import type { Deployment, Service, Task } from '@aws-sdk/client-ecs';
import {
  analyseAlarms,
  analyseContainerExits,
  analyseService,
  analyseServingService,
  analyseServingTargets,
  analyseTargets,
  baselineOf,
  combineResults,
  firingSinceStart,
  metricValue,
  observeAlarms,
  observeTargets
} from '../../src/gates/analysis.js';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8';
const dep = (d: Partial<Deployment> = {}): Deployment => ({
  status: 'PRIMARY',
  taskDefinition: TD,
  desiredCount: 2,
  runningCount: 2,
  rolloutState: 'COMPLETED',
  ...d
});
const svc = (deployments: Deployment[], extra: Partial<Service> = {}): Service => ({
  serviceName: 'web-green',
  status: 'ACTIVE',
  desiredCount: 2,
  runningCount: 2,
  deployments,
  ...extra
});

describe('analyseService holds until exactly the desired tasks run', () => {
  test('more tasks running than desired (old ones still stopping) holds: the gate must not pass yet', () => {
    expect(analyseService(svc([dep()], { runningCount: 3 }), TD)).toEqual({
      phase: 'inconclusive',
      reason: 'service web-green: 3 tasks running, 2 desired'
    });
  });

  test('exactly the desired tasks on one deployment passes, with the counts', () => {
    expect(analyseService(svc([dep()]), TD)).toEqual({ phase: 'pass', reason: 'service web-green is steady on web:8 (2 of 2 running)' });
  });

  test("the service-level count missing falls back to the deployment's", () => {
    const { runningCount: _, ...noCount } = svc([dep()]);
    expect(analyseService(noCount, TD).phase).toBe('pass');
  });

  test("a deployment without its own desired count uses the service's", () => {
    expect(analyseService(svc([dep({ desiredCount: undefined, runningCount: 1 })]), TD)).toEqual({
      phase: 'inconclusive',
      reason: 'service web-green: 1 of 2 tasks of web:8 running'
    });
  });

  test('a service that is DRAINING fails, naming its status', () => {
    expect(analyseService(svc([dep()], { status: 'DRAINING' }), TD)).toEqual({ phase: 'fail', reason: 'service web-green is DRAINING' });
  });

  test("our deployment FAILED fails with ECS's reason", () => {
    expect(analyseService(svc([dep({ rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker' })]), TD)).toEqual({
      phase: 'fail',
      reason: 'service web-green: the deployment of web:8 failed: circuit breaker'
    });
  });
});

describe('analyseServingService', () => {
  test('a serving service with none of its tasks running fails at once, with the failed-task count', () => {
    expect(analyseServingService(svc([dep({ runningCount: 0, failedTasks: 3 })]), TD)).toEqual({
      phase: 'fail',
      reason: 'service web-green runs none of its 2 tasks of web:8 while it serves traffic (3 tasks failed so far)'
    });
  });

  test('one task of two running while serving holds like the plain gate', () => {
    expect(analyseServingService(svc([dep({ runningCount: 1 })]), TD).phase).toBe('inconclusive');
  });
});

describe('analyseTargets', () => {
  test('more healthy targets than tasks holds (a deregistering task still counted)', () => {
    const healthy = (id: string) => ({ id, state: 'healthy' });
    expect(analyseTargets([healthy('a'), healthy('b'), healthy('c')], 2, 'web-green-tg')).toEqual({
      phase: 'inconclusive',
      reason: 'web-green-tg has 3 healthy targets, the service runs 2 tasks'
    });
  });
});

describe('what the gates observe, as AWS answered it', () => {
  test('targets: id with port, state, reason and description; missing fields are "?" and unavailable', () => {
    expect(
      observeTargets([
        {
          Target: { Id: '10.0.1.17', Port: 8080 },
          TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'codes: [500]' }
        },
        { Target: { Id: '10.0.1.18' }, TargetHealth: { State: 'healthy' } },
        {}
      ])
    ).toEqual([
      { id: '10.0.1.17:8080', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'codes: [500]' },
      { id: '10.0.1.18', state: 'healthy' },
      { id: '?', state: 'unavailable' }
    ]);
  });

  test("alarms: metric and composite, state, reason, data and AWS's own timestamp; a missing state is INSUFFICIENT_DATA", () => {
    const at = new Date(Date.UTC(2030, 0, 1));
    const observed = observeAlarms(
      [{ AlarmName: 'cpu', StateValue: 'ALARM', StateReason: 'high', StateReasonData: '{"threshold":80}', StateUpdatedTimestamp: at }, {}],
      [{ AlarmName: 'site-down', StateValue: 'OK' }]
    );
    expect(observed).toEqual([
      { name: 'cpu', type: 'metric', state: 'ALARM', reason: 'high', reasonData: '{"threshold":80}', updatedAt: at.getTime() },
      { name: '?', type: 'metric', state: 'INSUFFICIENT_DATA' },
      { name: 'site-down', type: 'composite', state: 'OK' }
    ]);
    expect(baselineOf(observed)).toEqual({
      cpu: { state: 'ALARM', updatedAt: at.getTime() },
      '?': { state: 'INSUFFICIENT_DATA' },
      'site-down': { state: 'OK' }
    });
  });
});

describe('metricValue', () => {
  test.each([
    ['{"recentDatapoints":[1,"x",95.236],"threshold":80}', 'latest value 95.24, threshold 80'],
    ['{"evaluatedDatapoints":[null,{"value":"x"},{"value":12.5}]}', 'latest value 12.5'],
    ['{"recentDatapoints":["x"],"evaluatedDatapoints":[{"value":3}]}', 'latest value 3'],
    ['{"threshold":5}', 'threshold 5'],
    ['{}', undefined],
    ['null', undefined],
    ['not json', undefined],
    [undefined, undefined]
  ])('%s → %s', (data, expected) => {
    expect(metricValue(data)).toBe(expected);
  });
});

describe('alarms', () => {
  const alarm = (name: string, state: string, updatedAt?: number) => ({
    name,
    type: 'metric' as const,
    state,
    ...(updatedAt !== undefined ? { updatedAt } : {})
  });

  test('in ALARM since the start: without AWS timestamps on either side it counts as the same firing', () => {
    expect(firingSinceStart(alarm('a', 'ALARM'), { a: { state: 'ALARM', updatedAt: 5 } })).toBe(true);
    expect(firingSinceStart(alarm('a', 'ALARM', 5), { a: { state: 'ALARM' } })).toBe(true);
    expect(firingSinceStart(alarm('a', 'ALARM', 6), { a: { state: 'ALARM', updatedAt: 5 } })).toBe(false);
    expect(firingSinceStart(alarm('a', 'ALARM', 5), { a: { state: 'OK', updatedAt: 5 } })).toBe(false);
  });

  test('the pass line says which alarms are OK', () => {
    expect(analyseAlarms([], [], {}, 'transitions')).toEqual({ phase: 'pass', reason: 'no alarms to watch' });
    expect(analyseAlarms(['a'], [alarm('a', 'OK')], {}, 'transitions')).toEqual({ phase: 'pass', reason: 'alarm a OK' });
    expect(analyseAlarms(['a', 'b'], [alarm('a', 'OK'), alarm('b', 'OK')], {}, 'transitions')).toEqual({
      phase: 'pass',
      reason: 'all 2 alarms OK'
    });
    const firingBefore = analyseAlarms(
      ['a', 'b'],
      [alarm('a', 'ALARM', 5), alarm('b', 'OK')],
      { a: { state: 'ALARM', updatedAt: 5 } },
      'transitions'
    );
    expect(firingBefore.phase).toBe('pass');
    expect(firingBefore.reason).toMatch(/^1 of 2 alarms OK; alarm a has been in ALARM since before the deployment started/);
    const only = analyseAlarms(['a'], [alarm('a', 'ALARM', 5)], { a: { state: 'ALARM', updatedAt: 5 } }, 'transitions');
    expect(only.reason).toMatch(/^alarm a has been in ALARM since before/);
  });
});

describe('combineResults', () => {
  test('no gates at all passes, saying so', () => {
    expect(combineResults([])).toEqual({ phase: 'pass', reason: 'no gates' });
  });
});

describe('targets', () => {
  test('unavailable targets are named "unhealthy or unavailable"; draining ones are only mentioned', () => {
    const r = analyseTargets(
      [
        { id: 'a', state: 'unhealthy' },
        { id: 'b', state: 'unavailable' },
        { id: 'c', state: 'draining' },
        { id: 'd', state: 'draining' }
      ],
      2,
      'tg'
    );
    expect(r).toEqual({
      phase: 'fail',
      reason: '2 of 2 targets in tg unhealthy or unavailable: unhealthy (a); unavailable (b) (also 2 draining)'
    });
  });

  test('a target in a state AWS may add later holds, naming it', () => {
    expect(
      analyseTargets(
        [
          { id: 'a', state: 'healthy' },
          { id: 'b', state: 'warming' }
        ],
        2,
        'tg'
      )
    ).toEqual({
      phase: 'inconclusive',
      reason: '1 targets in tg in an unexpected state: warming (b)'
    });
  });

  test('the default group name is "the target group"', () => {
    expect(analyseTargets([], 0).reason).toBe('the target group has 0 healthy targets but the service runs no tasks yet');
    expect(analyseServingTargets([{ id: 'a', state: 'unhealthy' }], 1).reason).toMatch(
      /^no healthy target in the target group while it receives traffic/
    );
  });
});

describe('analyseServingService only fails at once for our own revision with tasks wanted', () => {
  test('another revision serving is the plain gate\'s failure, not "runs none of its tasks"', () => {
    expect(analyseServingService(svc([dep({ taskDefinition: 'web:7', runningCount: 0 })]), TD).reason).toMatch(/runs web:7, not web:8/);
  });

  test('desired 0 is the plain gate\'s "wants 0 tasks"', () => {
    expect(analyseServingService(svc([dep({ desiredCount: 0, runningCount: 0 })], { desiredCount: 0 }), TD).reason).toMatch(
      /wants 0 tasks/
    );
  });

  test('no PRIMARY yet holds; a nameless service is "the service"', () => {
    expect(analyseServingService({ deployments: [] }, TD)).toEqual({
      phase: 'inconclusive',
      reason: 'service the service has no PRIMARY deployment yet'
    });
    expect(analyseServingService({ deployments: [dep({ runningCount: 0 })], desiredCount: 2 }, TD).reason).toMatch(
      /^service the service runs none of its 2 tasks of web:8 while it serves traffic$/
    );
  });
});

describe('essential container exits', () => {
  const stopped = (over: Partial<Task>): Task => ({
    taskArn: 'arn:aws:ecs:us-east-1:1:task/prod/abc123',
    stopCode: 'EssentialContainerExited',
    ...over
  });

  test('a clean run has no exits', () => {
    expect(analyseContainerExits([], 'web:8')).toEqual({ phase: 'pass', reason: 'no essential container of web:8 exited' });
  });

  test('the container with a non-zero code is the culprit, not the one that exited 0', () => {
    const r = analyseContainerExits(
      [
        stopped({
          containers: [
            { name: 'sidecar', exitCode: 0 },
            { name: 'app', exitCode: 3, reason: 'boom' }
          ]
        })
      ],
      'web:8'
    );
    expect(r).toEqual({ phase: 'fail', reason: 'essential container app of web:8 exited with code 3 (boom) in 1 task (abc123)' });
  });

  test('a container reason that merely contains "oom" (boom, room) is not an OOM kill; OOMKilled and OutOfMemoryError are', () => {
    const reason = (r: string) =>
      analyseContainerExits([stopped({ containers: [{ name: 'app', exitCode: 137, reason: r }] })], 'web:8').reason;
    expect(reason('kaboom')).toMatch(/^essential container app of web:8 exited with code 137 \(kaboom\)/);
    expect(reason('OOMKilled')).toMatch(/^container app of web:8 was OOM-killed/);
    expect(reason('OutOfMemoryError: Container killed due to memory usage')).toMatch(/^container app of web:8 was OOM-killed/);
  });

  test('exit 137 with OutOfMemory in the stopped reason is an OOM kill; 137 alone is not', () => {
    const oom = analyseContainerExits(
      [stopped({ stoppedReason: 'OutOfMemoryError: Container killed', containers: [{ name: 'app', exitCode: 137 }] })],
      'web:8'
    );
    expect(oom.reason).toBe('container app of web:8 was OOM-killed (exit 137) in 1 task (abc123)');
    const killed = analyseContainerExits(
      [stopped({ stoppedReason: 'Essential container in task exited', containers: [{ name: 'app', exitCode: 137 }] })],
      'web:8'
    );
    expect(killed.reason).toBe('essential container app of web:8 exited with code 137 in 1 task (abc123)');
  });

  test('a task stopped from outside (scale-in) is not an exit', () => {
    expect(
      analyseContainerExits(
        [
          stopped({
            stopCode: 'ServiceSchedulerInitiated',
            stoppedReason: 'Scaling activity',
            containers: [{ name: 'app', exitCode: 143 }]
          })
        ],
        'web:8'
      ).phase
    ).toBe('pass');
  });

  test('no exit code is said so', () => {
    expect(analyseContainerExits([stopped({ containers: [{ name: 'app' }] })], 'web:8').reason).toBe(
      'essential container app of web:8 exited with code ? in 1 task (abc123)'
    );
  });
});
