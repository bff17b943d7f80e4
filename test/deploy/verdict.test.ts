import { describe, expect, test } from '@jest/globals';
import type { Service } from '@aws-sdk/client-ecs';
import { judge, revision, type Verdict } from '../../src/deploy/verdict.js';
import { TD7, TD8, dep, svc } from './rolling-fakes.js';

const TD9 = TD8.replace(':8', ':9');
const ours = { deploymentId: 'ecs-svc/1', taskDefinitionArn: TD8, previousTaskDefinitionArn: TD7 };
const noRollback = { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } };

const cases: Array<[string, Service, Verdict['kind'], RegExp?]> = [
  [
    'ours PRIMARY, COMPLETED, all running',
    svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' })]),
    'succeeded'
  ],
  [
    'ours COMPLETED but running < desired',
    svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1, desired: 2, state: 'COMPLETED' })]),
    'in-progress'
  ],
  [
    'ours IN_PROGRESS with all running (old tasks still draining)',
    svc([
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'IN_PROGRESS' }),
      dep('ecs-svc/0', 'ACTIVE', TD7, { running: 1 })
    ]),
    'in-progress'
  ],
  ['no rolloutState: one deployment, running = desired', svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2 })]), 'succeeded'],
  [
    'no rolloutState: old deployment still there',
    svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2 }), dep('ecs-svc/0', 'ACTIVE', TD7, { running: 1 })]),
    'in-progress'
  ],
  [
    'ours FAILED and ECS made the old revision PRIMARY',
    svc([
      dep('ecs-svc/2', 'PRIMARY', TD7, {
        running: 0,
        state: 'IN_PROGRESS',
        reason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/0.'
      }),
      dep('ecs-svc/1', 'ACTIVE', TD8, { state: 'FAILED', reason: 'ECS deployment circuit breaker: tasks failed to start.' })
    ]),
    'rolled-back-by-ecs',
    /^ECS rolled the service back to web:7 \(deployment ecs-svc\/2\): ECS deployment circuit breaker: tasks failed to start\.; ECS deployment circuit breaker: rolling back/
  ],
  [
    'ours gone; old revision PRIMARY and stable (looks "stable" to a naive waiter)',
    svc([dep('ecs-svc/2', 'PRIMARY', TD7, { running: 2, desired: 2, state: 'COMPLETED' })]),
    'rolled-back-by-ecs',
    /web:7/
  ],
  [
    'ours FAILED, still PRIMARY, rollback configured (ECS is about to roll back)',
    svc([dep('ecs-svc/1', 'PRIMARY', TD8, { state: 'FAILED', reason: 'alarm web-5xx in ALARM' })]),
    'rolled-back-by-ecs',
    /alarm web-5xx/
  ],
  [
    'ours FAILED, still PRIMARY, circuit breaker without rollback',
    svc([dep('ecs-svc/1', 'PRIMARY', TD8, { state: 'FAILED', reason: 'tasks failed to start' })], [], noRollback),
    'failed',
    /tasks failed to start/
  ],
  [
    'a newer deployment of a third revision replaced ours',
    svc([dep('ecs-svc/3', 'PRIMARY', TD9, { state: 'IN_PROGRESS' }), dep('ecs-svc/1', 'ACTIVE', TD8, { state: 'IN_PROGRESS' })]),
    'failed',
    /another deployment \(ecs-svc\/3, web:9\) replaced ours/
  ],
  [
    'a newer deployment of our own revision replaced ours',
    svc([dep('ecs-svc/3', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' })]),
    'failed',
    /another deployment of the same revision/
  ],
  ['no PRIMARY yet', svc([]), 'in-progress']
];

describe('judge', () => {
  // Objects, not rows: a row without a reason would make jest pass a `done` callback.
  test.each(cases.map(([name, service, kind, reason]) => ({ name, service, kind, reason })))(
    '$name → $kind',
    ({ service, kind, reason }) => {
      const verdict = judge(service, ours);
      expect(verdict.kind).toBe(kind);
      if (reason && 'reason' in verdict) expect(verdict.reason).toMatch(reason);
    }
  );

  test("a failure on someone else's deployment is not ours to roll back; our own failure is", () => {
    const superseded = judge(svc([dep('ecs-svc/3', 'PRIMARY', TD9)]), ours);
    const own = judge(svc([dep('ecs-svc/1', 'PRIMARY', TD8, { state: 'FAILED' })], [], noRollback), ours);
    expect(superseded).toMatchObject({ kind: 'failed', rollBack: false });
    expect(own).toMatchObject({ kind: 'failed', rollBack: true });
  });

  test('without a deployment id, ours is the PRIMARY on our revision', () => {
    const service = svc([dep('ecs-svc/7', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' })]);
    expect(judge(service, { taskDefinitionArn: TD8 }).kind).toBe('succeeded');
    expect(judge(service, { taskDefinitionArn: TD7 }).kind).toBe('rolled-back-by-ecs');
  });
});

test.each([
  [TD8, 'web:8'],
  ['web:3', 'web:3'],
  [undefined, 'an unknown revision']
])('revision(%s) is %s', (arn, expected) => {
  expect(revision(arn)).toBe(expected);
});
