/** The live progress line: what it says, one line per change, and a heartbeat when nothing changes. */
import { describe, expect, test } from '@jest/globals';
import { LiveProgress, statusLine } from '../../src/deploy/progress.js';
import { RecordingReporter } from '../../src/events.js';
import { FakeTimer, TD7, TD8, dep, svc } from './rolling-fakes.js';

const rolling = svc([
  dep('d2', 'PRIMARY', TD8, { running: 1, pending: 1, state: 'IN_PROGRESS' }),
  dep('d1', 'ACTIVE', TD7, { running: 2 })
]);

describe('statusLine', () => {
  test('what we wait for, running/desired per revision, targets, gates, elapsed and limit, in one short line', () => {
    const line = statusLine({
      waitingFor: 'the bake of web:8 to end',
      services: [rolling],
      targets: '2/2 targets healthy in web-green',
      gates: [
        { name: 'service', phase: 'pass' },
        { name: 'alarms', phase: 'inconclusive' }
      ],
      elapsedMs: 100_000,
      limitMs: 600_000
    });
    expect(line).toBe(
      'waiting for the bake of web:8 to end: web:8 1/2 running, 1 pending, web:7 2/2 running; 2/2 targets healthy in web-green; gates service pass, alarms inconclusive (1m40s of 10m)'
    );
    expect(line.length).toBeLessThan(200);
  });

  test('several services are named; an open-ended wait shows no limit', () => {
    const blue = { ...svc([dep('b1', 'PRIMARY', TD7, { running: 2, state: 'COMPLETED' })]), serviceName: 'web-blue' };
    const green = { ...svc([dep('g1', 'PRIMARY', TD8, { running: 0, pending: 2, state: 'IN_PROGRESS' })]), serviceName: 'web-green' };
    expect(statusLine({ waitingFor: 'ECS to pause', services: [blue, green], elapsedMs: 5_000, limitMs: Number.POSITIVE_INFINITY })).toBe(
      'waiting for ECS to pause: web-blue: web:7 2/2 running; web-green: web:8 0/2 running, 2 pending (5s)'
    );
  });
});

describe('LiveProgress', () => {
  test('one line per change, a heartbeat at most every 30 s while nothing changes, none in between', () => {
    const reporter = new RecordingReporter();
    const timer = new FakeTimer();
    const live = new LiveProgress({ reporter, timer });
    const view = (elapsedMs: number, service = rolling) => ({
      waitingFor: 'web to run web:8',
      services: [service],
      elapsedMs,
      limitMs: 1_800_000
    });
    for (let t = 0; t <= 70_000; t += 5_000) {
      timer.t = t;
      live.show(view(t));
    }
    timer.t = 75_000;
    live.show(
      view(75_000, svc([dep('d2', 'PRIMARY', TD8, { running: 2, state: 'IN_PROGRESS' }), dep('d1', 'ACTIVE', TD7, { running: 2 })]))
    );
    expect(reporter.lines).toEqual([
      'waiting for web to run web:8: web:8 1/2 running, 1 pending, web:7 2/2 running (0ms of 30m)',
      'waiting for web to run web:8: web:8 1/2 running, 1 pending, web:7 2/2 running (30s of 30m)',
      'waiting for web to run web:8: web:8 1/2 running, 1 pending, web:7 2/2 running (1m of 30m)',
      'waiting for web to run web:8: web:8 2/2 running, web:7 2/2 running (1m15s of 30m)'
    ]);
  });

  test('between slow polls the heartbeat repeats the last view with the time moved on', () => {
    const reporter = new RecordingReporter();
    const timer = new FakeTimer();
    const live = new LiveProgress({ reporter, timer });
    live.show({ waitingFor: 'web to run web:8', services: [rolling], elapsedMs: 10_000, limitMs: 1_800_000 });
    timer.t = 20_000;
    live.heartbeat(); // not due yet
    timer.t = 30_000;
    live.heartbeat();
    expect(reporter.lines).toEqual([
      'waiting for web to run web:8: web:8 1/2 running, 1 pending, web:7 2/2 running (10s of 30m)',
      'waiting for web to run web:8: web:8 1/2 running, 1 pending, web:7 2/2 running (40s of 30m)'
    ]);
  });
});
