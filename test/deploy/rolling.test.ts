import { describe, expect, test } from '@jest/globals';
import { AwsCallError } from '../../src/aws/errors.js';
import { deployRolling, stuckThreshold } from '../../src/deploy/rolling.js';
import { needsRollback, rollbackRolling, type RollingState } from '../../src/deploy/rollback.js';
import type { Gate, GateResult } from '../../src/gates/types.js';
import { TD7, TD8, context, dep, ev, fakeAws, settings, stableOn7, svc, throttle, type Script } from './rolling-fakes.js';

const newInProgress = (running: number, extra: { failed?: number } = {}) =>
  svc(
    [
      dep('ecs-svc/1', 'PRIMARY', TD8, { running, desired: 2, state: 'IN_PROGRESS', ...extra }),
      dep('ecs-svc/old', 'ACTIVE', TD7, { running: 2, desired: 2, state: 'COMPLETED' })
    ],
    [ev('e0', 0, '(service web) has reached a steady state.'), ev('e1', 10, '(service web) has started 2 tasks: (task a) (task b).')]
  );
const newStable = () =>
  svc(
    [dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' })],
    [ev('e0', 0, 'old'), ev('e2', 40, '(service web) has reached a steady state.')]
  );

/** Before the update: web:7; afterwards the given sequence (last repeats); after a rollback UpdateService, web:7 stable again. */
function script(afterUpdate: Array<ReturnType<Script>>, afterRollback = rolledBackTo7()): Script {
  let sinceRollback = 0;
  return (call, updates) => {
    if (call === 0) return stableOn7();
    if (updates.length >= 2) return afterRollback[Math.min(sinceRollback++, afterRollback.length - 1)];
    return afterUpdate[Math.min(call - 1, afterUpdate.length - 1)];
  };
}
function rolledBackTo7() {
  return [
    svc([
      dep('ecs-svc/2', 'PRIMARY', TD7, { running: 1, desired: 2, state: 'IN_PROGRESS' }),
      dep('ecs-svc/1', 'ACTIVE', TD8, { running: 0 })
    ]),
    svc([dep('ecs-svc/2', 'PRIMARY', TD7, { running: 2, desired: 2, state: 'COMPLETED' })])
  ];
}

describe('deployRolling', () => {
  test('a good release succeeds on our deployment and saves state for the post step', async () => {
    const { aws, calls } = fakeAws({ describe: script([newInProgress(1), newInProgress(2), newStable()]) });
    const { ctx, reporter, state } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);

    expect(result).toMatchObject({ status: 'succeeded', rolledBack: false, deploymentId: 'ecs-svc/1', previousTaskDefinitionArn: TD7 });
    expect(result.reason).toContain('web:8');
    expect(calls.updates).toHaveLength(1);
    const update = calls.updates[0];
    expect(update.taskDefinition).toBe(TD8);
    expect(update.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    expect(update.deploymentConfiguration?.minimumHealthyPercent).toBe(100); // the service's own settings kept
    expect(update).not.toHaveProperty('desiredCount');
    expect(calls.listTasks).toEqual([]); // no task failed: the container gate made no call
    expect(state.phases()).toEqual(['updating', 'watching', 'done']);
    expect(state.load<RollingState>('rolling')).toMatchObject({
      cluster: 'prod',
      service: 'web',
      previousTaskDefinitionArn: TD7,
      deploymentId: 'ecs-svc/1'
    });
    expect(reporter.events.filter((e) => e.kind === 'verdict')).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(reporter.events.some((e) => e.kind === 'evidence')).toBe(false);
  });

  const ecsRollingBack = svc([
    dep('ecs-svc/9', 'PRIMARY', TD7, {
      running: 2,
      desired: 2,
      state: 'IN_PROGRESS',
      reason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/old.'
    }),
    dep('ecs-svc/1', 'ACTIVE', TD8, { failed: 3, state: 'FAILED', reason: 'ECS deployment circuit breaker: tasks failed to start.' })
  ]);
  const ecsRolledBack = svc([
    dep('ecs-svc/9', 'PRIMARY', TD7, {
      running: 2,
      desired: 2,
      state: 'COMPLETED',
      reason: 'ECS deployment circuit breaker: rolling back.'
    })
  ]);

  test.each([
    ['our deployment FAILED, ECS started a rollback deployment that then completed', [ecsRollingBack, ecsRolledBack]],
    ['our deployment is gone and the old revision is PRIMARY and stable', [ecsRolledBack]]
  ])('the circuit breaker rollback is reported as rolled-back, not success: %s', async (_name, after) => {
    const { aws, calls } = fakeAws({
      describe: script([newInProgress(0), ...after]),
      stoppedTasks: [
        {
          taskArn: 't1',
          taskDefinitionArn: TD8,
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [{ name: 'app', exitCode: 1 }]
        },
        {
          taskArn: 't2',
          taskDefinitionArn: TD8,
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [{ name: 'app', exitCode: 1 }]
        }
      ]
    });
    const { ctx, reporter } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);

    expect(result.status).toBe('rolled-back');
    expect(result.rolledBack).toBe(true);
    expect(result.reason).toContain('ECS rolled the service back to web:7');
    expect(calls.updates).toHaveLength(1); // ECS rolled back: we do not start a second rollback
    expect(calls.listTasks[0]).toMatchObject({ desiredStatus: 'STOPPED', startedBy: 'ecs-svc/1' });
    const evidence = reporter.events.filter((e) => e.kind === 'evidence');
    expect(evidence.flatMap((e) => e.lines)).toContain(
      '2 tasks: Essential container in task exited (EssentialContainerExited) — container app exit 1'
    );
    expect(result.reason).toContain("ECS's rollback finished: service web is stable on web:7");
    // The deploy phase is marked failed in the log group / summary.
    expect(reporter.events).toContainEqual(expect.objectContaining({ kind: 'phase-finished', phase: 'deploy', ok: false }));
  });

  test("'rolled-back' is not claimed while ECS's own rollback is still in progress: failed, saying what is still running", async () => {
    const { aws, calls } = fakeAws({ describe: script([newInProgress(0), ecsRollingBack]) });
    const { ctx, state } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);
    expect(result.status).toBe('failed');
    expect(result.rolledBack).toBe(false);
    expect(result.reason).toMatch(
      /ECS's rollback has not finished: ECS's rollback was not stable after .*PRIMARY web:7 \(ecs-svc\/9\) IN_PROGRESS/
    );
    expect(calls.updates).toHaveLength(1); // still ECS's rollback: we never start a second one
    // The post step would keep waiting for it.
    expect(state.load<RollingState>('rolling')?.phase).toBe('rolling-back');
  });

  test('a deployment slower than the timeout is rolled back by us, and waited for', async () => {
    const { aws, calls } = fakeAws({ describe: script([newInProgress(1)]) });
    const { ctx, timer, reporter } = context(aws);
    const result = await deployRolling(settings({ timeoutMs: 30_000 }), TD8, ctx);

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^web:8 was not stable after 30s \(the timeout\): rolled back, service web is stable on web:7/);
    expect(calls.updates.map((u) => u.taskDefinition)).toEqual([TD8, TD7]);
    expect(timer.t).toBeGreaterThanOrEqual(30_000);
    expect(timer.t).toBeLessThan(30_000 + 3 * 5_000); // timeout, then two polls of the rollback
    expect(reporter.events).toContainEqual(expect.objectContaining({ kind: 'phase-finished', phase: 'rollback', ok: true }));
  });

  test('tasks that keep failing without the circuit breaker are rolled back at its threshold', async () => {
    const { aws, calls } = fakeAws({
      describe: script([
        newInProgress(0, { failed: 0 }),
        newInProgress(0, { failed: 1 }),
        newInProgress(0, { failed: 2 }),
        newInProgress(0, { failed: 3 })
      ])
    });
    const { ctx, timer } = context(aws);
    const result = await deployRolling(settings({ circuitBreaker: false }), TD8, ctx);

    expect(calls.updates[0].deploymentConfiguration?.deploymentCircuitBreaker).toEqual({ enable: false, rollback: false });
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toContain('3 tasks of web:8 failed to start (limit 3');
    expect(calls.updates.map((u) => u.taskDefinition)).toEqual([TD8, TD7]);
    expect(timer.t).toBeLessThan(60_000); // long before the timeout
  });

  test.each([
    [1, 3],
    [4, 3],
    [7, 4],
    [1000, 200]
  ])('the stuck threshold for %i desired tasks is %i', (desired, threshold) => {
    expect(stuckThreshold(desired)).toBe(threshold);
  });

  test('cancellation rolls back, and the rollback wait is not cut short by the aborted signal', async () => {
    const { aws, calls } = fakeAws({ describe: script([newInProgress(1)]) });
    const controller = new AbortController();
    const { ctx, timer } = context(aws, controller.signal);
    timer.onSleep = (now) => {
      if (now >= 10_000 && !controller.signal.aborted) controller.abort(new Error('cancelled (SIGINT)'));
    };
    const result = await deployRolling(settings(), TD8, ctx);

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^cancelled \(SIGINT\) while web:8 was rolling out: rolled back, service web is stable on web:7/);
    expect(calls.updates.map((u) => u.taskDefinition)).toEqual([TD8, TD7]);
  });

  test('a rollback that does not settle fails and says what state the service is in', async () => {
    const stuckRollback = [
      svc([
        dep('ecs-svc/2', 'PRIMARY', TD7, { running: 1, desired: 2, state: 'IN_PROGRESS' }),
        dep('ecs-svc/1', 'ACTIVE', TD8, { running: 1 })
      ])
    ];
    const { aws } = fakeAws({ describe: script([newInProgress(1)], stuckRollback) });
    const { ctx, state } = context(aws);
    const result = await deployRolling(settings({ timeoutMs: 20_000 }), TD8, ctx);

    expect(result.status).toBe('failed');
    expect(result.rolledBack).toBe(false);
    // The rollback gets at least 60 polls even when the deployment's own timeout is shorter.
    expect(result.reason).toContain('and the rollback failed: the rollback was not stable after 5m');
    expect(result.reason).toContain(
      'service web now has PRIMARY web:7 (ecs-svc/2) IN_PROGRESS: 1/2 running, 0 pending; ACTIVE web:8 (ecs-svc/1): 1/2 running'
    );
    // Left for the post step to try again.
    expect(state.phases().at(-1)).toBe('rolling-back');
  });

  test('wait-for-service-stability: false returns right after the update', async () => {
    const { aws, calls } = fakeAws({ describe: script([newInProgress(0)]) });
    const { ctx } = context(aws);
    const result = await deployRolling(settings({ waitForServiceStability: false }), TD8, ctx);
    expect(result.status).toBe('succeeded');
    expect(result.reason).toContain('not waited for stability');
    expect(calls.describeServices).toBe(1);
  });

  test('desired-count is sent only when given, and a rollback restores the previous count', async () => {
    const { aws, calls } = fakeAws({ describe: script([newInProgress(1)]) });
    const { ctx } = context(aws);
    await deployRolling(settings({ desiredCount: 5, timeoutMs: 10_000 }), TD8, ctx);
    expect(calls.updates.map((u) => [u.taskDefinition, u.desiredCount])).toEqual([
      [TD8, 5],
      [TD7, 2]
    ]);
  });

  test.each([
    ['an unknown service', { services: [], failures: [{ arn: 'arn:…/web', reason: 'MISSING' }] }, 'service web not found in cluster prod'],
    ['an INACTIVE service', { services: [svc([], [], { status: 'INACTIVE' })], failures: [] }, 'service web in cluster prod is INACTIVE'],
    ['a DRAINING service', { services: [svc([], [], { status: 'DRAINING' })], failures: [] }, 'is DRAINING'],
    [
      'a CodeDeploy service',
      { services: [svc([dep('d', 'PRIMARY', TD7)], [], { deploymentController: { type: 'CODE_DEPLOY' } })], failures: [] },
      'uses the CODE_DEPLOY deployment controller'
    ]
  ])('%s fails clearly and changes nothing', async (_name, answer, message) => {
    const { aws, calls } = fakeAws({ describe: () => stableOn7() });
    aws.ecs.describeServices = async () => answer;
    const { ctx } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);
    expect(result.status).toBe('failed');
    expect(result.reason).toContain(message);
    expect(result.reason).toContain('nothing was changed');
    expect(calls.updates).toHaveLength(0);
  });

  test('an unknown cluster keeps the AWS error and what we were doing', async () => {
    const { aws, calls } = fakeAws({
      describe: () => new AwsCallError('describing service web in cluster prod', 'ClusterNotFoundException', 'Cluster not found.')
    });
    const { ctx } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);
    expect(result.reason).toMatch(
      /^describing service web in cluster prod: ClusterNotFoundException: Cluster not found\. \(check the cluster name and the region\)/
    );
    expect(calls.updates).toHaveLength(0);
  });

  test('throttled polls back off and the deployment still succeeds', async () => {
    const { aws } = fakeAws({ describe: script([newInProgress(1), throttle(), throttle(), newStable()]) });
    const { ctx, timer } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);
    expect(result.status).toBe('succeeded');
    expect(timer.sleeps[0]).toBe(5_000);
    // Jittered between one and two polls, never longer: a slower poll must not hide a failing gate.
    for (const ms of timer.sleeps.slice(1, 3)) {
      expect(ms).toBeGreaterThanOrEqual(5_000);
      expect(ms).toBeLessThanOrEqual(10_000);
    }
  });
});

describe('a crashing release during the rollout', () => {
  const crashed = (id: string, container: { name: string; exitCode?: number; reason?: string }) => ({
    taskArn: `arn:aws:ecs:eu-west-1:1:task/prod/${id}`,
    taskDefinitionArn: TD8,
    lastStatus: 'STOPPED',
    stoppedReason: 'Essential container in task exited',
    stopCode: 'EssentialContainerExited' as const,
    containers: [container]
  });

  test('the first essential container exit rolls back at once (before the circuit breaker), naming the container and exit code', async () => {
    const { aws, calls } = fakeAws({
      describe: script([
        newInProgress(0),
        newInProgress(1),
        newInProgress(1),
        newInProgress(0, { failed: 1 }),
        newInProgress(0, { failed: 1 })
      ]),
      stoppedTasks: [crashed('t1', { name: 'app', exitCode: 1 })]
    });
    const { ctx, reporter } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(
      /^essential container app of web:8 exited with code 1 in 1 task \(t1\): rolled back, service web is stable on web:7/
    );
    // Our own rollback, with one failed task: ECS's circuit breaker (3) never tripped.
    expect(calls.updates.map((u) => u.taskDefinition)).toEqual([TD8, TD7]);
    expect(calls.listTasks[0]).toMatchObject({ desiredStatus: 'STOPPED', startedBy: 'ecs-svc/1' });
    expect(reporter.events).toContainEqual(expect.objectContaining({ kind: 'phase-finished', phase: 'deploy', ok: false }));
  });

  test('no ECS call beyond DescribeServices per poll while failedTasks does not rise', async () => {
    // failedTasks stays at 1 for many polls (a crash that the container read could not attribute): one read for the rise, none after.
    const { aws, calls } = fakeAws({
      describe: script([
        newInProgress(0),
        newInProgress(1, { failed: 1 }),
        newInProgress(1, { failed: 1 }),
        newInProgress(1, { failed: 1 }),
        newInProgress(1, { failed: 1 }),
        newStable()
      ]),
      stoppedTasks: []
    });
    const { ctx } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);

    expect(result.status).toBe('succeeded');
    expect(calls.listTasks).toHaveLength(1);
    expect(calls.describeTasks).toBe(0);
    expect(calls.describeServices).toBe(7); // preflight, six polls
  });

  test('an OOM kill (exit 137, OutOfMemoryError) is named as such', async () => {
    const { aws, calls } = fakeAws({
      describe: script([newInProgress(0), newInProgress(0, { failed: 1 })]),
      stoppedTasks: [crashed('t9', { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' })]
    });
    const { ctx } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/app.*137|OOM|OutOfMemory/);
    expect(result.reason).toMatch(/137/);
    expect(calls.updates.map((u) => u.taskDefinition)).toEqual([TD8, TD7]);
  });

  test("ECS's circuit breaker already rolling back when we saw the crash: we wait for its rollback, never start a second", async () => {
    let call = 0;
    const { aws, calls } = fakeAws({
      // Our poll sees the first crash; by the rollback's own read ECS has started its rollback.
      describe: () => {
        const n = call++;
        if (n === 0) return stableOn7();
        if (n === 1) return newInProgress(0, { failed: 1 });
        return n === 2
          ? svc([
              dep('ecs-svc/9', 'PRIMARY', TD7, {
                running: 2,
                desired: 2,
                state: 'IN_PROGRESS',
                reason: 'ECS deployment circuit breaker: rolling back.'
              }),
              dep('ecs-svc/1', 'ACTIVE', TD8, { failed: 3, state: 'FAILED' })
            ])
          : svc([dep('ecs-svc/9', 'PRIMARY', TD7, { running: 2, desired: 2, state: 'COMPLETED' })]);
      },
      stoppedTasks: [crashed('t1', { name: 'app', exitCode: 2 })]
    });
    const { ctx } = context(aws);
    const result = await deployRolling(settings(), TD8, ctx);

    expect(result.status).toBe('rolled-back');
    expect(result.reason).toContain('essential container app of web:8 exited with code 2');
    expect(calls.updates.map((u) => u.taskDefinition)).toEqual([TD8]);
  });
});

describe('bake with gates', () => {
  const gate = (name: string, results: GateResult[]): Gate & { calls: number } => {
    const g = {
      name,
      calls: 0,
      async check(): Promise<GateResult> {
        return results[Math.min(g.calls++, results.length - 1)];
      }
    };
    return g;
  };

  test('gates that pass through the bake time give success after the bake', async () => {
    const { aws, calls } = fakeAws({ describe: script([newStable()]) });
    const { ctx, reporter, timer } = context(aws);
    const alarm = gate('alarm web-5xx', [{ phase: 'pass', reason: 'OK' }]);
    const result = await deployRolling(settings({ bakeTimeMs: 20_000 }), TD8, ctx, { gates: [alarm] });
    expect(result.status).toBe('succeeded');
    expect(result.reason).toContain('baked 20s; 1 gate passed');
    expect(timer.t).toBe(20_000);
    expect(alarm.calls).toBe(5); // every poll: 0, 5, 10, 15, 20 s
    // Each gate (the service itself, and the alarm) printed once, not every poll.
    expect(reporter.events.filter((e) => e.kind === 'gate').map((e) => (e.kind === 'gate' ? e.gate : ''))).toEqual([
      'service',
      'alarm web-5xx'
    ]);
    expect(calls.updates).toHaveLength(1);
  });

  test('a gate that fails during the bake rolls back', async () => {
    const { aws, calls } = fakeAws({ describe: script([newStable()]) });
    const { ctx } = context(aws);
    const alarm = gate('alarm web-5xx', [
      { phase: 'pass', reason: 'OK' },
      { phase: 'fail', reason: 'alarm web-5xx is ALARM' }
    ]);
    const updatesWhenEvidenceRead: number[] = [];
    const listTasks = aws.ecs.listTasks;
    aws.ecs.listTasks = async (input) => {
      updatesWhenEvidenceRead.push(calls.updates.length);
      return listTasks(input);
    };
    const result = await deployRolling(settings({ bakeTimeMs: 60_000 }), TD8, ctx, { gates: [alarm] });
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^gate alarm web-5xx failed during the bake: alarm web-5xx is ALARM: rolled back/);
    expect(calls.updates.map((u) => u.taskDefinition)).toEqual([TD8, TD7]);
    // Production first: the rollback was asked for before any evidence was read.
    expect(updatesWhenEvidenceRead[0]).toBe(2);
  });

  test('tasks of the new revision that die during the bake fail the service gate past the limit: rolled back', async () => {
    const short = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1, desired: 2, failed: 2, state: 'COMPLETED' })]);
    const { aws } = fakeAws({ describe: script([newStable(), short]) });
    const { ctx } = context(aws);
    const result = await deployRolling({ ...settings(), bakeTimeMs: 60_000 }, TD8, ctx, { gates: [], inconclusiveLimit: 3 });
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(
      /gate service failed during the bake: inconclusive for 3 checks \(limit 3\): service web: 1 of 2 tasks of web:8 running, 2 tasks failed to start so far/
    );
  });

  test.each([
    ['fail', 'rolled-back'],
    ['pass', 'succeeded']
  ] as const)('a gate inconclusive up to the limit decides by on-inconclusive=%s', async (onInconclusive, status) => {
    const { aws } = fakeAws({ describe: script([newStable()]) });
    const { ctx } = context(aws);
    const alarm = gate('alarm web-cpu', [{ phase: 'inconclusive', reason: 'INSUFFICIENT_DATA' }]);
    const result = await deployRolling(settings(), TD8, ctx, { gates: [alarm], inconclusiveLimit: 3, onInconclusive });
    expect(result.status).toBe(status);
    // The limit-th consecutive inconclusive check decides, as in every strategy (one policy, gate-loop.ts).
    expect(alarm.calls).toBe(3);
    if (status === 'rolled-back')
      expect(result.reason).toMatch(/gate alarm web-cpu failed during the bake: inconclusive for 3 checks \(limit 3\): INSUFFICIENT_DATA/);
  });
});

describe('rollbackRolling (the post step)', () => {
  const saved: RollingState = {
    cluster: 'prod',
    service: 'web',
    taskDefinitionArn: TD8,
    previousTaskDefinitionArn: TD7,
    deploymentId: 'ecs-svc/1',
    phase: 'watching',
    pollIntervalMs: 1_000,
    timeoutMs: 60_000
  };

  test.each([
    ['nothing saved', undefined, false],
    ['migrating (service untouched)', { ...saved, phase: 'migrating' as const }, false],
    ['done', { ...saved, phase: 'done' as const }, false],
    ['updating', { ...saved, phase: 'updating' as const }, true],
    ['watching', saved, true],
    ['rolling-back', { ...saved, phase: 'rolling-back' as const }, true]
  ])('needsRollback when %s: %s', (_name, state, expected) => {
    expect(needsRollback(state)).toBe(expected);
  });

  test('finishes a rollback the main step left half-way', async () => {
    const mid = svc([
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1, state: 'IN_PROGRESS' }),
      dep('ecs-svc/old', 'ACTIVE', TD7, { running: 1 })
    ]);
    const back = rolledBackTo7();
    const { aws, calls } = fakeAws({
      describe: (n, updates) => (updates.length === 0 ? mid : back[Math.min(n - 1, 1)]),
      update: (input) => svc([dep('ecs-svc/2', 'PRIMARY', input.taskDefinition!, { state: 'IN_PROGRESS' })])
    });
    const { ctx, state } = context(aws);
    const result = await rollbackRolling(saved, ctx, 'the main step was interrupted');
    expect(result).toMatchObject({ status: 'rolled-back', rolledBack: true });
    expect(result.reason).toBe('the main step was interrupted: rolled back, service web is stable on web:7');
    expect(calls.updates).toEqual([{ cluster: 'prod', service: 'web', taskDefinition: TD7 }]);
    expect(state.phases().at(-1)).toBe('done');
  });

  test('does not start another rollback when the service is already back (ECS did it)', async () => {
    const { aws, calls } = fakeAws({
      describe: () => svc([dep('ecs-svc/9', 'PRIMARY', TD7, { running: 2, desired: 2, state: 'COMPLETED' })])
    });
    const { ctx } = context(aws);
    const result = await rollbackRolling(saved, ctx);
    expect(result.status).toBe('rolled-back');
    expect(calls.updates).toHaveLength(0);
  });
});
