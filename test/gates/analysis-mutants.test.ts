/** The service-gate cases mutation testing found unguarded: what would pass a rollout that is not steady yet. */
import { describe, expect, test } from '@jest/globals';
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { analyseService, analyseServingService, analyseTargets } from '../../src/gates/analysis.js';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8';
const dep = (d: Partial<Deployment> = {}): Deployment => ({ status: 'PRIMARY', taskDefinition: TD, desiredCount: 2, runningCount: 2, rolloutState: 'COMPLETED', ...d });
const svc = (deployments: Deployment[], extra: Partial<Service> = {}): Service => ({ serviceName: 'web-green', status: 'ACTIVE', desiredCount: 2, runningCount: 2, deployments, ...extra });

describe('analyseService holds until exactly the desired tasks run', () => {
  test('more tasks running than desired (old ones still stopping) holds: the gate must not pass yet', () => {
    expect(analyseService(svc([dep()], { runningCount: 3 }), TD)).toEqual({ phase: 'inconclusive', reason: 'service web-green: 3 tasks running, 2 desired' });
  });

  test('exactly the desired tasks on one deployment passes, with the counts', () => {
    expect(analyseService(svc([dep()]), TD)).toEqual({ phase: 'pass', reason: 'service web-green is steady on web:8 (2 of 2 running)' });
  });

  test('the service-level count missing falls back to the deployment\'s', () => {
    const { runningCount: _, ...noCount } = svc([dep()]);
    expect(analyseService(noCount, TD).phase).toBe('pass');
  });

  test('a deployment without its own desired count uses the service\'s', () => {
    expect(analyseService(svc([dep({ desiredCount: undefined, runningCount: 1 })]), TD)).toEqual({
      phase: 'inconclusive',
      reason: 'service web-green: 1 of 2 tasks of web:8 running'
    });
  });

  test('a service that is DRAINING fails, naming its status', () => {
    expect(analyseService(svc([dep()], { status: 'DRAINING' }), TD)).toEqual({ phase: 'fail', reason: 'service web-green is DRAINING' });
  });

  test('our deployment FAILED fails with ECS\'s reason', () => {
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
