/**
 * Rolling cases mutation testing found unguarded: after an interrupted run (an earlier deployment
 * still in progress), the rollback target is the revision actually serving, never a half-started one.
 */
import { describe, expect, it } from '@jest/globals';
import { RecordingReporter } from '../../src/events.js';
import { previousRevision } from '../../src/deploy/rolling.js';
import { TD7, TD8, dep, svc } from './rolling-fakes.js';

const TD6 = TD7.replace(':7', ':6');

describe('previousRevision: what a rollback returns to', () => {
  it('a settled service: its PRIMARY, without a warning', () => {
    const reporter = new RecordingReporter();
    expect(previousRevision(svc([dep('ecs-svc/0', 'PRIMARY', TD7, { running: 2, state: 'COMPLETED' })]), reporter)).toBe(TD7);
    expect(reporter.lines).toEqual([]);
  });

  it('an interrupted earlier run (its deployment still IN_PROGRESS with 0 running): the revision that serves, with a warning', () => {
    const reporter = new RecordingReporter();
    const service = svc([
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 0, state: 'IN_PROGRESS' }),
      dep('ecs-svc/0', 'ACTIVE', TD7, { running: 2, state: 'COMPLETED' })
    ]);
    expect(previousRevision(service, reporter)).toBe(TD7);
    expect(reporter.lines).toEqual([
      'warning: Service web already has a deployment in progress (ecs-svc/1, web:8); a rollback would return to web:7, the revision with the most running tasks'
    ]);
  });

  it('a failing deployment is never the target, even with the most tasks', () => {
    const service = svc([
      dep('ecs-svc/2', 'PRIMARY', TD8, { running: 1, state: 'IN_PROGRESS' }),
      dep('ecs-svc/1', 'ACTIVE', TD6, { running: 3, state: 'FAILED' }),
      dep('ecs-svc/0', 'ACTIVE', TD7, { running: 2, state: 'COMPLETED' })
    ]);
    expect(previousRevision(service)).toBe(TD7);
  });

  it('the PRIMARY in progress that already serves most tasks is the target', () => {
    const service = svc([
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, state: 'IN_PROGRESS' }),
      dep('ecs-svc/0', 'ACTIVE', TD7, { running: 1, state: 'COMPLETED' })
    ]);
    expect(previousRevision(service)).toBe(TD8);
  });

  it('one deployment in progress on its own is the target (nothing else serves)', () => {
    expect(previousRevision(svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 0, state: 'IN_PROGRESS' })]))).toBe(TD8);
  });

  it("no deployments listed: the service's task definition", () => {
    expect(previousRevision({ serviceName: 'web', taskDefinition: TD7, deployments: [] })).toBe(TD7);
  });

  it("every deployment failing: the service's task definition", () => {
    const service = svc([dep('ecs-svc/2', 'PRIMARY', TD8, { state: 'FAILED' }), dep('ecs-svc/1', 'ACTIVE', TD6, { state: 'FAILED' })], [], {
      taskDefinition: TD7
    });
    expect(previousRevision(service)).toBe(TD7);
  });
});
