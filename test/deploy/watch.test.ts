import { describe, expect, test } from '@jest/globals';
import type { Service } from '@aws-sdk/client-ecs';
import { ServiceWatcher, newEvents, watchUntil } from '../../src/deploy/watch.js';
import { unhealthyEvent } from '../../src/deploy/watching.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { TD7, TD8, context, dep, ev, fakeAws, svc, throttle } from './rolling-fakes.js';

function watcherFor(answers: Array<Service | Error>, pollIntervalMs = 5_000) {
  const { aws, calls } = fakeAws({ describe: (n) => answers[Math.min(n, answers.length - 1)] });
  const env = context(aws);
  const watcher = new ServiceWatcher(env.ctx, 'prod', ['web'], { pollIntervalMs, random: () => 0.5 });
  return { ...env, watcher, calls };
}

const e0 = ev('e0', 0, '(service web) has reached a steady state.');
const e1 = ev('e1', 10, '(service web) has started 2 tasks: (task a) (task b).');
const e2 = ev('e2', 20, '(service web) registered 2 targets in (target-group web-tg)');
const e3 = ev('e3', 30, '(service web) has reached a steady state.');

describe('ServiceWatcher', () => {
  test('prints only events newer than the newest one before the update, each once, oldest first', async () => {
    const deployments = [dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1 })];
    const { watcher, reporter } = watcherFor([svc(deployments, [e0, e1]), svc(deployments, [e0, e1]), svc(deployments, [e0, e1, e2, e3])]);
    watcher.anchor(svc(deployments, [e0]));
    await watcher.poll();
    await watcher.poll();
    await watcher.poll();
    const printed = reporter.events.flatMap((e) => (e.kind === 'service-event' ? [e.message] : []));
    expect(printed).toEqual([e1.message, e2.message, e3.message]);
    expect(reporter.lines).toContain(`00:00:10 ${e1.message}`); // AWS's time, not the runner's
  });

  test('an anchor that scrolled out of the list falls back to its createdAt', () => {
    const anchor = { id: 'gone', createdAt: e1.createdAt!.getTime() + 500, seen: new Set<string>() };
    expect(newEvents([e3, e2, e1, e0], anchor).map((e) => e.id)).toEqual(['e2', 'e3']);
  });

  test('prints a deployment line only when it changes', async () => {
    const a = svc([
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 0, pending: 2, state: 'IN_PROGRESS' }),
      dep('ecs-svc/0', 'ACTIVE', TD7, { running: 2 })
    ]);
    const b = svc([
      dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1, pending: 1, state: 'IN_PROGRESS' }),
      dep('ecs-svc/0', 'ACTIVE', TD7, { running: 2 })
    ]);
    const { watcher, reporter } = watcherFor([a, a, a, b, b]);
    for (let i = 0; i < 5; i++) await watcher.poll();
    const lines = reporter.events.flatMap((e) => (e.kind === 'progress' ? [e.line] : []));
    expect(lines).toEqual([
      'PRIMARY web:8 (ecs-svc/1) IN_PROGRESS: 0/2 running, 2 pending',
      'ACTIVE web:7 (ecs-svc/0): 2/2 running, 0 pending',
      'PRIMARY web:8 (ecs-svc/1) IN_PROGRESS: 1/2 running, 1 pending'
    ]);
  });

  test('backs off with jitter only while throttled, then returns to the poll interval', async () => {
    const ok = svc([dep('ecs-svc/1', 'PRIMARY', TD8)]);
    const { watcher } = watcherFor([ok, throttle(), throttle(), throttle(), ok, ok]);
    const sleeps: number[] = [];
    for (let i = 0; i < 6; i++) {
      await watcher.poll();
      sleeps.push(watcher.nextSleepMs());
    }
    // random() = 0.5: half the back-off fixed plus a quarter → 0.75 × back-off, which stops at two polls.
    expect(sleeps).toEqual([5_000, 7_500, 7_500, 7_500, 5_000, 5_000]);
  });

  test('the back-off is capped', async () => {
    const { watcher } = watcherFor(Array.from({ length: 12 }, () => throttle()));
    for (let i = 0; i < 12; i++) await watcher.poll();
    // Capped at two polls (× 0.75): slowing down never hides a failing gate for more than two poll intervals.
    expect(watcher.nextSleepMs()).toBe(7_500);
  });

  test('errors other than throttling are thrown, not retried forever', async () => {
    const denied = new AwsCallError('describing service web in cluster prod', 'AccessDeniedException', 'not allowed');
    const { watcher } = watcherFor([denied]);
    await expect(watcher.poll()).rejects.toThrow(/AccessDeniedException/);
  });

  test('watches several services with one DescribeServices call per poll', async () => {
    const { aws } = fakeAws({ describe: () => svc([]) });
    const asked: string[][] = [];
    aws.ecs.describeServices = async (_cluster, names) => {
      asked.push(names);
      return { services: names.map((n) => ({ ...svc([dep('d', 'PRIMARY', TD8)]), serviceName: n })), failures: [] };
    };
    const { ctx } = context(aws);
    const watcher = new ServiceWatcher(ctx, 'prod', ['web-blue', 'web-green'], { pollIntervalMs: 1_000 });
    const poll = await watcher.poll();
    expect(asked).toEqual([['web-blue', 'web-green']]);
    expect(poll.kind === 'ok' && [...poll.services.keys()]).toEqual(['web-blue', 'web-green']);
  });
});

describe('watchUntil', () => {
  test('decides within one poll interval of the change, polling at the interval', async () => {
    const pending = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1 })]);
    const done = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2 })]);
    const { watcher, timer, calls } = watcherFor([pending, pending, pending, done]);
    const end = await watchUntil(watcher, timer, (s) => ((s.get('web')?.deployments?.[0]?.runningCount ?? 0) === 2 ? 'done' : undefined), {
      timeoutMs: 60_000
    });
    expect(end).toEqual({ kind: 'decided', value: 'done' });
    expect(calls.describeServices).toBe(4);
    expect(timer.sleeps).toEqual([5_000, 5_000, 5_000]);
  });

  test('times out on our own clock', async () => {
    const { watcher, timer } = watcherFor([svc([])]);
    const end = await watchUntil(watcher, timer, () => undefined, { timeoutMs: 12_000 });
    // Polls at 0, 5 and 10 s, then the last sleep stops at the timeout: the last poll falls on it, not a poll later.
    expect(end).toEqual({ kind: 'timeout', waitedMs: 12_000 });
  });

  test('stops when the signal aborts', async () => {
    const { watcher, timer } = watcherFor([svc([])]);
    const controller = new AbortController();
    timer.onSleep = () => controller.abort();
    const end = await watchUntil(watcher, timer, () => undefined, { timeoutMs: 60_000, signal: controller.signal });
    expect(end).toEqual({ kind: 'cancelled' });
  });
});

describe('target health from the first task', () => {
  const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/abc';
  const unhealthy = ev(
    'u1',
    30,
    '(service web) (port 8080) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/abc) due to (reason Health checks failed with these codes: [500]).'
  );
  const other = ev(
    'u0',
    20,
    '(service web) (port 8080) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/def) due to (reason Request timed out).'
  );

  test("ECS's unhealthy-target event for the new colour's group since the watch began ends the wait, naming the reason", async () => {
    const deployments = [dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1, state: 'IN_PROGRESS' })];
    // Oldest first, as these fakes take them.
    const { watcher } = watcherFor([svc(deployments, [e0, other, unhealthy])]);
    watcher.anchor(svc(deployments, [e0]));
    expect(unhealthyEvent(watcher, 'web', TG, { taskDefinitionArn: TD8 })).toBeUndefined(); // nothing polled yet
    await watcher.poll();
    expect(unhealthyEvent(watcher, 'web', TG, { taskDefinitionArn: TD8 })).toEqual({
      kind: 'stuck',
      reason: 'web:8 fails its health checks in web-green: Health checks failed with these codes: [500]'
    });
  });

  test('an event from before the watch, or about another target group, does not count', async () => {
    const deployments = [dep('ecs-svc/1', 'PRIMARY', TD8, { running: 1, state: 'IN_PROGRESS' })];
    const { watcher } = watcherFor([svc(deployments, [e0, unhealthy, other])]);
    watcher.anchor(svc(deployments, [e0, unhealthy]));
    await watcher.poll();
    expect(unhealthyEvent(watcher, 'web', TG, { taskDefinitionArn: TD8 })).toBeUndefined();
  });
});
