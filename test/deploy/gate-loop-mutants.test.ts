/**
 * The gate loop's cases mutation testing found unguarded: a gate that throws holds (it never
 * passes), a failure ends the watch at once, the bake lasts its full time, the deadline and the
 * signal end it with what a user reads.
 */
import { describe, expect, test } from '@jest/globals';
import { guarded, safe, watchGates } from '../../src/deploy/gate-loop.js';
import { ServiceWatcher } from '../../src/deploy/watch.js';
import type { Gate, GateResult } from '../../src/gates/types.js';
import type { Service } from '@aws-sdk/client-ecs';
import { TD8, context, dep, fakeAws, svc, throttle } from './rolling-fakes.js';

const steady = svc([dep('ecs-svc/1', 'PRIMARY', TD8, { running: 2, desired: 2, state: 'COMPLETED' })]);
const throwing: Gate = {
  name: 'targets',
  check: async () => {
    throw new Error('DescribeTargetHealth: Throttling');
  }
};
const fixed = (name: string, ...results: GateResult[]): Gate => {
  let n = 0;
  return { name, check: async () => results[Math.min(n++, results.length - 1)] };
};
const PASS: GateResult = { phase: 'pass', reason: 'ok' };

function loop(signal?: AbortSignal, o: { maxPollIntervalMs?: number; answers?: Array<Service | Error> } = {}) {
  const answers = o.answers ?? [steady];
  const { aws, calls } = fakeAws({ describe: (n) => answers[Math.min(n, answers.length - 1)] });
  const env = context(aws, signal);
  const watcher = new ServiceWatcher(env.ctx, 'prod', ['web'], {
    pollIntervalMs: 5_000,
    random: () => 0.5,
    ...(o.maxPollIntervalMs ? { maxPollIntervalMs: o.maxPollIntervalMs } : {})
  });
  return { ...env, watcher, calls };
}

describe('a gate that throws holds; it never passes', () => {
  test('safe: the throw is inconclusive, with what failed', async () => {
    await expect(safe(throwing).check()).resolves.toEqual({
      phase: 'inconclusive',
      reason: 'checking failed: DescribeTargetHealth: Throttling'
    });
    expect(safe(throwing).name).toBe('targets');
  });

  test('guarded: held up to the limit, then decided by the policy (fail)', async () => {
    const gate = guarded(throwing, { limit: 3, decide: 'fail' });
    expect((await gate.check()).phase).toBe('inconclusive');
    expect((await gate.check()).phase).toBe('inconclusive');
    expect(await gate.check()).toEqual({
      phase: 'fail',
      reason: 'inconclusive for 3 checks (limit 3): checking failed: DescribeTargetHealth: Throttling'
    });
  });

  test('a loop whose gate keeps throwing fails at its deadline; it never reports passed', async () => {
    const { ctx, watcher, timer } = loop();
    const end = await watchGates({ ctx, watcher, gates: [safe(throwing)], minMs: 0, until: 30_000, what: 'at 50 %' });
    expect(end).toEqual({
      kind: 'failed',
      reason: 'the gates did not pass at 50 % within the timeout (targets: checking failed: DescribeTargetHealth: Throttling)',
      explain: true
    });
    expect(timer.now()).toBe(30_000);
  });
});

describe('watchGates', () => {
  test('a failing gate ends the watch at once, naming the gate and where', async () => {
    const { ctx, watcher, timer } = loop();
    const end = await watchGates({
      ctx,
      watcher,
      gates: [fixed('service', PASS), fixed('alarms', PASS, { phase: 'fail', reason: 'alarm web-5xx is ALARM' })],
      minMs: 60_000,
      what: 'at 10 %'
    });
    expect(end).toEqual({ kind: 'failed', reason: 'gate alarms failed at 10 %: alarm web-5xx is ALARM', explain: true });
    expect(timer.now()).toBe(5_000);
  });

  test('every gate passing ends the watch only once the bake time has passed', async () => {
    const { ctx, watcher, timer, calls } = loop();
    const end = await watchGates({ ctx, watcher, gates: [fixed('service', PASS)], minMs: 20_000, what: 'at 100 %' });
    expect(end).toEqual({ kind: 'passed' });
    expect(timer.now()).toBe(20_000);
    expect(calls.describeServices).toBe(5);
  });

  test('an inconclusive gate holds past the bake until it passes', async () => {
    const held: GateResult = { phase: 'inconclusive', reason: '1 of 2 tasks running' };
    const { ctx, watcher, timer, reporter } = loop();
    const end = await watchGates({ ctx, watcher, gates: [fixed('service', held, held, held, PASS)], minMs: 5_000, what: 'before 10 %' });
    expect(end).toEqual({ kind: 'passed' });
    expect(timer.now()).toBe(15_000);
    // Each change of a gate is reported once, not every round.
    expect(reporter.events.filter((e) => e.kind === 'gate').map((e) => (e.kind === 'gate' ? e.phase : ''))).toEqual([
      'inconclusive',
      'pass'
    ]);
  });

  test('the deadline fails a held gate with its reason', async () => {
    const { ctx, watcher } = loop();
    const end = await watchGates({
      ctx,
      watcher,
      gates: [fixed('service', { phase: 'inconclusive', reason: 'waiting' })],
      minMs: 0,
      until: 10_000,
      what: 'at 50 %'
    });
    expect(end).toEqual({ kind: 'failed', reason: 'the gates did not pass at 50 % within the timeout (service: waiting)', explain: true });
  });

  test('a cancelled run ends the watch before any gate is read, saying so', async () => {
    const controller = new AbortController();
    controller.abort(new Error('SIGTERM'));
    const { ctx, watcher, calls } = loop(controller.signal);
    const gate = fixed('service', PASS);
    const end = await watchGates({ ctx, watcher, gates: [gate], minMs: 0, what: 'at 50 %' });
    expect(end).toMatchObject({ kind: 'failed', explain: false });
    expect((end as { reason: string }).reason).toMatch(/^cancelled.* at 50 %$/);
    expect(calls.describeServices).toBe(0);
  });

  test('an interrupt (ECS rolled back by itself) ends the watch with its value', async () => {
    const { ctx, watcher } = loop();
    const end = await watchGates({
      ctx,
      watcher,
      gates: [fixed('service', PASS)],
      minMs: 60_000,
      what: 'at 50 %',
      interrupt: (s) => (s.has('web') ? 'rolled back' : undefined)
    });
    expect(end).toEqual({ kind: 'interrupted', value: 'rolled back' });
  });

  test('reuseFirstPoll: the first round reads the gates without polling again', async () => {
    const { ctx, watcher, calls } = loop();
    await watchGates({ ctx, watcher, gates: [fixed('service', PASS)], minMs: 0, what: 'at 50 %', reuseFirstPoll: true });
    expect(calls.describeServices).toBe(0);
  });

  test('a poll that throws ends the watch as failed, saying what it was watching', async () => {
    const { ctx, watcher } = loop();
    const gate: Gate = { name: 'bad', check: () => Promise.reject(new Error('boom')) };
    const end = await watchGates({ ctx, watcher, gates: [gate], minMs: 0, what: 'at 50 %' });
    expect(end).toEqual({ kind: 'failed', reason: 'watching the gates at 50 % failed: boom', explain: false });
  });
});

describe('watchGates pacing', () => {
  test('alarm-like gates (rest: false) keep the poll interval, so a failure is caught within one poll', async () => {
    const { ctx, watcher, calls, timer } = loop(undefined, { maxPollIntervalMs: 20_000 });
    await watchGates({ ctx, watcher, gates: [fixed('alarms', PASS)], minMs: 60_000, what: 'in the bake' });
    expect(calls.describeServices).toBe(13);
    expect(timer.now()).toBe(60_000);
  });

  test("the service gate alone (rest: true) slows down while nothing moves, and still ends exactly at the bake's end", async () => {
    const { ctx, watcher, calls, timer } = loop(undefined, { maxPollIntervalMs: 20_000 });
    await watchGates({ ctx, watcher, gates: [fixed('service', PASS)], minMs: 60_000, what: 'in the bake', rest: true });
    expect(calls.describeServices).toBeLessThan(13);
    expect(timer.now()).toBe(60_000);
  });

  test('a held gate keeps the poll interval even with rest: true', async () => {
    const held: GateResult = { phase: 'inconclusive', reason: 'waiting' };
    const { ctx, watcher, calls } = loop(undefined, { maxPollIntervalMs: 20_000 });
    await watchGates({ ctx, watcher, gates: [fixed('service', held)], minMs: 0, until: 60_000, what: 'in the bake', rest: true });
    expect(calls.describeServices).toBe(13);
  });

  test('sleepFirst waits one interval before the first check', async () => {
    const { ctx, watcher, timer } = loop();
    let firstCheckAt: number | undefined;
    const gate: Gate = { name: 'service', check: async () => ((firstCheckAt ??= timer.now()), PASS) };
    await watchGates({ ctx, watcher, gates: [gate], minMs: 0, what: 'at 50 %', sleepFirst: true });
    expect(firstCheckAt).toBe(5_000);
  });

  test('reuseFirstPoll skips only the first poll', async () => {
    const { ctx, watcher, calls } = loop();
    await watchGates({ ctx, watcher, gates: [fixed('service', PASS)], minMs: 10_000, what: 'at 50 %', reuseFirstPoll: true });
    expect(calls.describeServices).toBe(2);
  });

  test('a throttled poll is not shown to the interrupt (it saw no services); the gates still decide', async () => {
    const { ctx, watcher } = loop(undefined, { answers: [throttle(), steady] });
    const end = await watchGates({
      ctx,
      watcher,
      gates: [fixed('service', PASS)],
      minMs: 0,
      what: 'at 50 %',
      interrupt: (s) => (s.size === 0 ? 'nothing seen' : undefined)
    });
    expect(end).toEqual({ kind: 'passed' });
  });

  test("each gate's result is logged with its verdict word when it changes", async () => {
    const { ctx, watcher, reporter } = loop();
    await watchGates({
      ctx,
      watcher,
      gates: [fixed('alarms', { phase: 'inconclusive', reason: 'INSUFFICIENT_DATA' }, PASS)],
      minMs: 0,
      what: 'at 50 %'
    });
    expect(reporter.lines.filter((l) => l.startsWith('gate '))).toEqual([
      'gate alarms: inconclusive: INSUFFICIENT_DATA',
      'gate alarms: passes: ok'
    ]);
  });

  test('several held gates are all named at the deadline', async () => {
    const { ctx, watcher } = loop();
    const end = await watchGates({
      ctx,
      watcher,
      gates: [fixed('service', { phase: 'inconclusive', reason: 'a' }), fixed('targets', { phase: 'inconclusive', reason: 'b' })],
      minMs: 0,
      until: 5_000,
      what: 'at 50 %'
    });
    expect(end).toMatchObject({ reason: 'the gates did not pass at 50 % within the timeout (service: a; targets: b)' });
  });
});

describe('watchGates on a monotonic clock that does not start at zero, and its progress line', () => {
  const progress = (lines: string[]) => lines.filter((l) => l.startsWith('waiting for '));

  test('the bake ends exactly minMs after the watch began, and the line shows elapsed of the bake', async () => {
    const { ctx, watcher, timer, reporter } = loop();
    timer.t = 1_000_000;
    const end = await watchGates({ ctx, watcher, gates: [fixed('service', PASS)], minMs: 60_000, what: 'in the final bake' });
    expect(end).toEqual({ kind: 'passed' });
    expect(timer.now()).toBe(1_060_000);
    expect(progress(reporter.lines)[0]).toMatch(/^waiting for the gates in the final bake: .*; gates service pass \(0ms of 1m\)$/);
  });

  test('a watch bounded only by its deadline shows the time left to it; waitingFor replaces the default words', async () => {
    const { ctx, watcher, timer, reporter } = loop();
    timer.t = 1_000_000;
    await watchGates({
      ctx,
      watcher,
      gates: [fixed('service', { phase: 'inconclusive', reason: 'x' }, PASS)],
      minMs: 0,
      until: 1_120_000,
      what: 'before 10 %',
      waitingFor: 'web-green to be healthy'
    });
    expect(progress(reporter.lines)[0]).toMatch(/^waiting for web-green to be healthy: .*; gates service inconclusive \(0ms of 2m\)$/);
  });

  test('a watch with neither a bake nor a deadline shows no limit', async () => {
    const { ctx, watcher, reporter } = loop();
    await watchGates({ ctx, watcher, gates: [fixed('service', { phase: 'inconclusive', reason: 'x' }, PASS)], minMs: 0, what: 'now' });
    expect(progress(reporter.lines)[0]).toMatch(/gates service inconclusive \(0ms\)$/);
  });

  test('gates whose results keep changing keep the poll interval even with rest: true', async () => {
    let n = 0;
    const changing: Gate = { name: 'service', check: async () => ({ phase: 'pass', reason: `steady (${n++})` }) };
    const { ctx, watcher, calls } = loop(undefined, { maxPollIntervalMs: 20_000 });
    await watchGates({ ctx, watcher, gates: [changing], minMs: 60_000, what: 'in the bake', rest: true });
    expect(calls.describeServices).toBe(13);
  });
});
