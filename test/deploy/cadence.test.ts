/**
 * The adaptive poll pace on fake clocks: it slows through still stretches, snaps back to
 * the fast interval on any change, never sleeps past a bake's end or the deadline, and the
 * watch loops built on it keep the verdict within one fast poll of ECS finishing.
 */
import { describe, expect, test } from '@jest/globals';
import type { Service } from '@aws-sdk/client-ecs';
import { Cadence, clampSleep } from '../../src/deploy/cadence.js';
import { watchGates } from '../../src/deploy/gate-loop.js';
import { ServiceWatcher, settling, watchUntil } from '../../src/deploy/watch.js';
import type { Gate } from '../../src/gates/types.js';
import { TD7, TD8, context, dep, fakeAws, svc } from './rolling-fakes.js';

const still = { moved: false, mayRest: true };

describe('Cadence', () => {
  test('slows down step by step while nothing moves, up to the cap', () => {
    const c = new Cadence({ fastMs: 5_000, maxMs: 15_000 });
    const paces: number[] = [];
    for (let i = 0; i < 6; i++) {
      c.observe(still);
      paces.push(c.intervalMs);
    }
    // ×1.5 per still poll, capped.
    expect(paces).toEqual([7_500, 11_250, 15_000, 15_000, 15_000, 15_000]);
  });

  test('snaps back to the fast interval as soon as anything moves', () => {
    const c = new Cadence({ fastMs: 5_000, maxMs: 15_000 });
    for (let i = 0; i < 5; i++) c.observe(still);
    expect(c.intervalMs).toBe(15_000);
    c.observe({ moved: true, mayRest: true });
    expect(c.intervalMs).toBe(5_000);
    // And it slows from there step by step again.
    c.observe(still);
    expect(c.intervalMs).toBe(7_500);
  });

  test('stays fast while the loop says resting is not safe (a gate not green, ECS about to finish)', () => {
    const c = new Cadence({ fastMs: 5_000, maxMs: 15_000 });
    for (let i = 0; i < 10; i++) c.observe({ moved: false, mayRest: false });
    expect(c.intervalMs).toBe(5_000);
  });

  test('a cap at or under the fast interval turns the back-off off', () => {
    const c = new Cadence({ fastMs: 5_000, maxMs: 2_000 });
    for (let i = 0; i < 10; i++) c.observe(still);
    expect(c.intervalMs).toBe(5_000);
  });

  test('a slow sleep never overshoots the next limit still ahead (a bake end, the deadline)', () => {
    const c = new Cadence({ fastMs: 5_000, maxMs: 15_000 });
    for (let i = 0; i < 5; i++) c.observe(still);
    expect(c.sleepMs(100_000)).toBe(15_000);
    expect(c.sleepMs(100_000, [104_000])).toBe(4_000);
    expect(c.sleepMs(100_000, [130_000, 108_000, undefined])).toBe(8_000);
    // A limit already passed is the loop's to decide at its next poll, not a reason to spin.
    expect(c.sleepMs(100_000, [99_000])).toBe(15_000);
    expect(clampSleep(5_000, 0, [Number.POSITIVE_INFINITY])).toBe(5_000);
  });
});

describe('settling: ECS may finish any moment', () => {
  test.each<[string, Service, boolean]>([
    [
      'new tasks still pending',
      svc([dep('d2', 'PRIMARY', TD8, { running: 0, pending: 2, state: 'IN_PROGRESS' }), dep('d1', 'ACTIVE', TD7, { running: 2 })]),
      false
    ],
    [
      'every new task running, old ones draining',
      svc([dep('d2', 'PRIMARY', TD8, { running: 2, state: 'IN_PROGRESS' }), dep('d1', 'ACTIVE', TD7, { running: 2 })]),
      true
    ],
    ['every new task running, health checks pending', svc([dep('d2', 'PRIMARY', TD8, { running: 2, state: 'IN_PROGRESS' })]), true],
    ['completed and alone', svc([dep('d2', 'PRIMARY', TD8, { running: 2, state: 'COMPLETED' })]), false]
  ])('%s: %s', (_what, service, expected) => {
    expect(settling(service)).toBe(expected);
  });
});

/** A rolling deployment whose new tasks stay PENDING until `runAt`, run, and complete at `doneAt` (ms on the fake clock). */
function slowStart(runAt: number, doneAt: number) {
  return (now: number): Service => {
    if (now < runAt)
      return svc([dep('d2', 'PRIMARY', TD8, { running: 0, pending: 2, state: 'IN_PROGRESS' }), dep('d1', 'ACTIVE', TD7, { running: 2 })]);
    if (now < doneAt)
      return svc([dep('d2', 'PRIMARY', TD8, { running: 2, state: 'IN_PROGRESS' }), dep('d1', 'ACTIVE', TD7, { running: 2 })]);
    return svc([dep('d2', 'PRIMARY', TD8, { running: 2, state: 'COMPLETED' })]);
  };
}

function clocked(script: (now: number) => Service, maxPollIntervalMs: number) {
  let timer: { now(): number } | undefined;
  const { aws, calls } = fakeAws({ describe: () => script(timer?.now() ?? 0) });
  const env = context(aws);
  timer = env.timer;
  const watcher = new ServiceWatcher(env.ctx, 'prod', ['web'], { pollIntervalMs: 5_000, maxPollIntervalMs });
  const describes = (): number => calls.describeServices;
  // Every log line with the fake clock's time, to measure the silences.
  const timed: Array<{ at: number; line: string }> = [];
  const info = env.reporter.info.bind(env.reporter);
  env.reporter.info = (line: string): void => {
    timed.push({ at: env.timer.now(), line });
    info(line);
  };
  return { ...env, watcher, describes, timed };
}

const completed = (services: Map<string, Service>): true | undefined =>
  services.get('web')?.deployments?.[0]?.rolloutState === 'COMPLETED' ? true : undefined;

describe('watchUntil with rest', () => {
  test('a 4-minute slow start costs fewer polls, and the verdict still comes within one fast poll of ECS finishing', async () => {
    const runAt = 243_000;
    const doneAt = 301_000;
    const slow = clocked(slowStart(runAt, doneAt), 15_000);
    const end = await watchUntil(slow.watcher, slow.timer, completed, { timeoutMs: 1_800_000, rest: true });
    const fixed = clocked(slowStart(runAt, doneAt), 5_000);
    await watchUntil(fixed.watcher, fixed.timer, completed, { timeoutMs: 1_800_000, rest: true });

    expect(end.kind).toBe('decided');
    expect(slow.timer.now() - doneAt).toBeLessThanOrEqual(5_000);
    expect(slow.timer.sleeps.some((ms) => ms > 5_000)).toBe(true);
    expect(slow.describes()).toBeLessThan(fixed.describes() * 0.6);
  });

  test('without rest (a loop that also reads target health) the pace stays at the poll interval', async () => {
    const w = clocked(slowStart(120_000, 150_000), 15_000);
    await watchUntil(w.watcher, w.timer, completed, { timeoutMs: 1_800_000 });
    expect(new Set(w.timer.sleeps)).toEqual(new Set([5_000]));
  });

  test('the last slow poll falls on the deadline, not after it', async () => {
    const w = clocked(slowStart(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY), 15_000);
    const end = await watchUntil(w.watcher, w.timer, completed, { timeoutMs: 100_000, rest: true });
    expect(end).toEqual({ kind: 'timeout', waitedMs: 100_000 });
  });

  test('says what it waits for on every change, and at least every 30 s while nothing changes', async () => {
    const w = clocked(slowStart(150_000, 200_000), 60_000);
    await watchUntil(w.watcher, w.timer, completed, { timeoutMs: 1_800_000, rest: true, waitingFor: 'web to run web:8' });
    const progress = w.timed.filter((l) => l.line.startsWith('waiting for web to run web:8'));
    expect(progress[0]).toEqual({
      at: 0,
      line: 'waiting for web to run web:8: web:8 0/2 running, 2 pending, web:7 2/2 running (0ms of 30m)'
    });
    // The change is one line (the deployment's), seen within one slow poll.
    const change = w.timed.filter((l) => l.line.includes('web:8 (d2) IN_PROGRESS: 2/2') || l.line.includes('web:8 2/2'));
    expect(change[0].line).toBe('web: PRIMARY web:8 (d2) IN_PROGRESS: 2/2 running, 0 pending');
    expect(change[0].at - 150_000).toBeLessThanOrEqual(60_000);
    expect(w.timed.filter((l) => l.at === change[0].at)).toHaveLength(1); // not said twice
    // Sleeps of up to 60 s wake for the heartbeat: never more than 30 s without a line while waiting.
    const times = [...w.timed.map((l) => l.at), 200_000];
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
    expect(progress.length).toBeGreaterThan(3);
    expect(w.timer.sleeps.some((ms) => ms > 5_000)).toBe(true);
  });
});

describe('watchGates with rest', () => {
  const green: Gate = { name: 'service', check: async () => ({ phase: 'pass', reason: 'steady' }) };
  const stable = (): Service => svc([dep('d2', 'PRIMARY', TD8, { running: 2, state: 'COMPLETED' })]);

  test('a long still bake polls slower and still ends on time', async () => {
    const slow = clocked(stable, 15_000);
    const r = await watchGates({
      ctx: slow.ctx,
      watcher: slow.watcher,
      gates: [green],
      minMs: 600_000,
      what: 'during the bake',
      rest: true
    });
    const fixed = clocked(stable, 15_000);
    await watchGates({ ctx: fixed.ctx, watcher: fixed.watcher, gates: [green], minMs: 600_000, what: 'during the bake' });

    expect(r).toEqual({ kind: 'passed' });
    expect(slow.timer.now()).toBe(600_000);
    expect(fixed.timer.now()).toBe(600_000);
    expect(slow.describes()).toBeLessThan(fixed.describes() / 2);
  });

  test('a gate that is not green keeps the fast interval', async () => {
    let n = 0;
    const holding: Gate = {
      name: 'alarms',
      check: async () => (n++ < 8 ? { phase: 'inconclusive', reason: 'no data yet' } : { phase: 'pass', reason: 'OK' })
    };
    const w = clocked(stable, 15_000);
    await watchGates({ ctx: w.ctx, watcher: w.watcher, gates: [holding], minMs: 30_000, what: 'during the bake', rest: true });
    expect(w.timer.sleeps.slice(0, 8).every((ms) => ms === 5_000)).toBe(true);
  });

  test('a gate that changes state snaps the pace back', async () => {
    let n = 0;
    const paces: number[] = [];
    const w = clocked(stable, 15_000);
    const flapping: Gate = {
      name: 'service',
      check: async () => {
        paces.push(w.watcher.cadence.intervalMs); // the pace that led to this round
        return { phase: 'pass', reason: n++ === 6 ? 'one task replaced' : 'steady' };
      }
    };
    await watchGates({ ctx: w.ctx, watcher: w.watcher, gates: [flapping], minMs: 200_000, what: 'during the bake', rest: true });
    expect(paces.slice(0, 9)).toEqual([5_000, 5_000, 7_500, 11_250, 15_000, 15_000, 15_000, 5_000, 5_000]);
  });
});
