import { describe, expect, test } from '@jest/globals';
import type { Task } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription, TargetHealthReasonEnum, TargetHealthStateEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { groupStoppedTasks, groupUnhealthyTargets, normaliseEvent, reportEvidence } from '../../src/deploy/evidence.js';
import { TD7, TD8, TG, context, dep, ev, fakeAws, svc } from './rolling-fakes.js';

const crashed = (id: string, exitCode = 1): Task => ({
  taskArn: `arn:aws:ecs:eu-west-1:1:task/prod/${id}`,
  taskDefinitionArn: TD8,
  stoppedReason: 'Essential container in task exited',
  stopCode: 'EssentialContainerExited',
  containers: [
    { name: 'web', exitCode },
    { name: 'log-router', exitCode: 0 }
  ]
});

describe('grouping', () => {
  test('stopped tasks are grouped and counted, most frequent first', () => {
    const unhealthy: Task = {
      taskArn: 'u1',
      stoppedReason: 'Task failed ELB health checks in (target-group arn:…/web-tg/abc)',
      stopCode: 'ServiceSchedulerInitiated',
      containers: [{ name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }]
    };
    expect(groupStoppedTasks([crashed('a'), unhealthy, crashed('b'), crashed('c')])).toEqual([
      '3 tasks: Essential container in task exited (EssentialContainerExited) — container web exit 1',
      '1 task: Task failed ELB health checks in (target-group arn:…/web-tg/abc) (ServiceSchedulerInitiated) — container web exit 137: OutOfMemoryError: Container killed due to memory usage'
    ]);
  });

  test('a container that never started shows its reason without an exit code', () => {
    const pull: Task = {
      taskArn: 'p',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      stopCode: 'TaskFailedToStart',
      containers: [{ name: 'web', reason: 'CannotPullContainerError: image not found' }]
    };
    expect(groupStoppedTasks([pull])).toEqual([
      '1 task: CannotPullContainerError: pull image manifest has been retried 5 time(s) (TaskFailedToStart) — container web: CannotPullContainerError: image not found'
    ]);
  });

  test('only unhealthy targets are reported, grouped by reason code', () => {
    const target = (
      id: string,
      State: TargetHealthStateEnum,
      Reason?: TargetHealthReasonEnum,
      Description?: string
    ): TargetHealthDescription => ({
      Target: { Id: id, Port: 8080 },
      TargetHealth: { State, ...(Reason ? { Reason } : {}), ...(Description ? { Description } : {}) }
    });
    expect(
      groupUnhealthyTargets([
        target('10.0.0.1', 'unhealthy', 'Target.FailedHealthChecks', 'Health checks failed'),
        target('10.0.0.2', 'healthy'),
        target('10.0.0.3', 'unhealthy', 'Target.FailedHealthChecks', 'Health checks failed'),
        target('10.0.0.4', 'unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]'),
        target('10.0.0.5', 'initial', 'Elb.InitialHealthChecking')
      ])
    ).toEqual([
      '2 targets unhealthy: Target.FailedHealthChecks (Health checks failed)',
      '1 target unhealthy: Target.ResponseCodeMismatch (Health checks failed with these codes: [500])'
    ]);
  });

  test('events that differ only by task ids collapse', () => {
    expect(normaliseEvent('(service web) has started 2 tasks: (task a1) (task b2).')).toBe(
      normaliseEvent('(service web) has started 1 tasks: (task c3).')
    );
  });
});

describe('reportEvidence', () => {
  test('emits and logs the events since the deployment, the stopped tasks of our deployment and unhealthy targets', async () => {
    const service = svc(
      [dep('ecs-svc/2', 'PRIMARY', TD7)],
      [
        ev('old', 0, '(service web) has reached a steady state.'),
        ev('e1', 10, '(service web) has started 1 tasks: (task a).'),
        ev('e2', 20, '(service web) has started 1 tasks: (task b).'),
        ev('e3', 30, '(service web) deployment ecs-svc/1 deployment failed: tasks failed to start.')
      ]
    );
    const { aws, calls } = fakeAws({
      describe: () => service,
      stoppedTasks: [crashed('a'), crashed('b'), { ...crashed('x'), taskDefinitionArn: TD7 }],
      targetHealth: [
        {
          Target: { Id: '10.0.0.1' },
          TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' }
        }
      ]
    });
    const { ctx, reporter } = context(aws);
    await reportEvidence(ctx, { cluster: 'prod', service, taskDefinitionArn: TD8, deploymentId: 'ecs-svc/1', sinceEventId: 'old' });

    expect(calls.listTasks).toEqual([{ cluster: 'prod', desiredStatus: 'STOPPED', startedBy: 'ecs-svc/1' }]);
    expect(calls.targetHealth).toEqual([TG]);
    const evidence = reporter.events.flatMap((e) => (e.kind === 'evidence' ? [{ title: e.title, lines: e.lines }] : []));
    expect(evidence).toEqual([
      {
        title: 'Last events of service web',
        lines: [
          '2× (service web) has started tasks: (task …).',
          '(service web) deployment ecs-svc/1 deployment failed: tasks failed to start.'
        ]
      },
      {
        title: 'Stopped tasks of web:8',
        lines: ['2 tasks: Essential container in task exited (EssentialContainerExited) — container web exit 1']
      },
      {
        title: 'Unhealthy targets of service web',
        lines: ['1 target unhealthy: Target.FailedHealthChecks (Health checks failed) in web-tg']
      }
    ]);
    expect(reporter.lines).toContain('  2 tasks: Essential container in task exited (EssentialContainerExited) — container web exit 1');
  });

  test('a failure to gather one part is a warning, and the other parts still come', async () => {
    const service = svc([dep('ecs-svc/1', 'PRIMARY', TD8)], [ev('e1', 1, '(service web) was unable to place a task.')]);
    const { aws } = fakeAws({ describe: () => service });
    aws.ecs.listTasks = async () => {
      throw new Error('AccessDenied');
    };
    const { ctx, reporter } = context(aws);
    const gathered = await reportEvidence(ctx, { cluster: 'prod', service, taskDefinitionArn: TD8 });
    expect(gathered.map((e) => e.title)).toEqual(['Last events of service web']);
    expect(reporter.lines).toContain('warning: Could not gather the stopped tasks for the failure report: AccessDenied');
  });
});
