/** Container signals as a gate: an essential container of the new revision that exits or is OOM-killed fails at once, with the evidence. */
import { describe, expect, test } from '@jest/globals';
import type { ListTasksCommandInput, Service, Task } from '@aws-sdk/client-ecs';
import { analyseContainerExits } from '../../src/gates/analysis.js';
import { serviceGate } from '../../src/gates/service.js';

const TD = 'arn:aws:ecs:us-east-1:1:task-definition/web:5';

const oom = (id: string): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:1:task/prod/${id}`,
  lastStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  containers: [{ name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }]
});
const crash = (id: string, exitCode = 2): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:1:task/prod/${id}`,
  lastStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  containers: [
    { name: 'web', exitCode },
    { name: 'envoy', exitCode: 0 }
  ]
});
const unhealthy: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:1:task/prod/u1',
  lastStatus: 'STOPPED',
  stopCode: 'ServiceSchedulerInitiated',
  stoppedReason: 'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1)',
  containers: [{ name: 'web', exitCode: 0 }]
};

describe('analyseContainerExits', () => {
  test('an OOM kill and a crash fail, grouped, with container, exit code, reason and tasks', () => {
    const r = analyseContainerExits([oom('a'), crash('b'), oom('c')], 'web:5');
    expect(r).toEqual({
      phase: 'fail',
      reason:
        'container web of web:5 was OOM-killed (exit 137: OutOfMemoryError: Container killed due to memory usage) in 2 tasks (a, c); ' +
        'essential container web of web:5 exited with code 2 in 1 task (b)'
    });
  });

  test('a task stopped from outside (health checks, scale-in) is not a container signal', () => {
    expect(analyseContainerExits([unhealthy], 'web:5').phase).toBe('pass');
  });
});

describe('serviceGate with container signals', () => {
  const service = (failedTasks: number, running = 2): Service => ({
    serviceName: 'web',
    clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/prod',
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: running,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition: TD,
        desiredCount: 2,
        runningCount: running,
        failedTasks,
        rolloutState: 'IN_PROGRESS'
      }
    ]
  });
  function ecsWith(stopped: Task[]) {
    const calls: ListTasksCommandInput[] = [];
    return {
      calls,
      ecs: {
        listTasks: async (input: ListTasksCommandInput) => {
          calls.push(input);
          return stopped.map((t) => t.taskArn!);
        },
        describeTasks: async (_cluster: string, arns: string[]) => stopped.filter((t) => arns.includes(t.taskArn!))
      }
    };
  }

  test('before traffic moves: one OOM-killed task fails the gate at once instead of waiting as "starting"', async () => {
    let now = service(0, 1);
    const { ecs, calls } = ecsWith([oom('a')]);
    const gate = serviceGate(() => now, TD, 'service', false, ecs);
    expect((await gate.check()).phase).toBe('inconclusive');
    expect(calls).toEqual([]); // nothing failed: no extra reads
    now = service(1, 1);
    const r = await gate.check();
    expect(r.phase).toBe('fail');
    expect(r.reason).toMatch(/^container web of web:5 was OOM-killed \(exit 137: OutOfMemoryError/);
    expect(calls).toEqual([{ cluster: 'arn:aws:ecs:us-east-1:1:cluster/prod', desiredStatus: 'STOPPED', startedBy: 'ecs-svc/1' }]);
  });

  test('while serving: a crash names the exit code rather than only counting a failed task', async () => {
    let now = service(0);
    const gate = serviceGate(() => now, TD, 'service', true, ecsWith([crash('b', 3)]).ecs);
    expect((await gate.check()).phase).toBe('pass');
    now = service(1);
    expect(await gate.check()).toEqual({ phase: 'fail', reason: 'essential container web of web:5 exited with code 3 in 1 task (b)' });
  });

  test('tasks failed by health checks leave the verdict to the failed-task count and the target gate', async () => {
    let now = service(0);
    const gate = serviceGate(() => now, TD, 'service', true, ecsWith([unhealthy]).ecs);
    await gate.check();
    now = service(1);
    expect((await gate.check()).reason).toMatch(/^1 task of web:5 failed in service web while it served traffic/);
  });

  test('a crash after ECS put the failed count back to 0 is still read and fails the gate', async () => {
    let now = service(0, 1);
    const stopped: Task[] = [unhealthy];
    const { ecs, calls } = ecsWith(stopped);
    const gate = serviceGate(() => now, TD, 'service', false, ecs);
    await gate.check();
    now = service(1, 1); // a task failed its health checks: read, not a container signal
    expect((await gate.check()).phase).not.toBe('fail');
    now = service(0, 2); // a healthy task: ECS resets the count
    await gate.check();
    stopped.push(crash('b', 4));
    now = service(1, 1); // the count is back where it was, but this is a new failure
    expect(await gate.check()).toEqual({ phase: 'fail', reason: 'essential container web of web:5 exited with code 4 in 1 task (b)' });
    expect(calls).toHaveLength(2);
  });

  test('a failed read of the stopped tasks is not a verdict', async () => {
    let now = service(0, 1);
    const failing = { listTasks: async () => Promise.reject(new Error('ThrottlingException')), describeTasks: async () => [] };
    const gate = serviceGate(() => now, TD, 'service', false, failing);
    now = service(1, 1);
    expect((await gate.check()).phase).toBe('inconclusive');
  });
});
