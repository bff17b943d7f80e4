import { describe, expect, test } from '@jest/globals';
import { readDeploySettings } from '../../src/deploy/settings.js';
import { splitCommand } from '../../src/shell.js';
import { Inputs, type InputSource } from '../../src/inputs.js';

function read(values: Record<string, string>) {
  const source: InputSource = { get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` };
  return readDeploySettings(new Inputs(source));
}

describe('readDeploySettings', () => {
  test('defaults match the official deploy action, with the circuit breaker on', () => {
    expect(read({ service: 'web' })).toEqual({
      strategy: 'rolling',
      cluster: 'default',
      service: 'web',
      forceNewDeployment: false,
      circuitBreaker: true,
      waitForServiceStability: true,
      timeoutMs: 30 * 60_000,
      pollIntervalMs: 5_000,
      maxPollIntervalMs: 15_000,
      bakeTimeMs: 0,
      logLines: 20,
      warnings: [expect.stringMatching(/^wait-for-service-stability is not set: waiting .*official deploy action does not wait/)]
    });
  });

  test.each<[Record<string, string>, number, number]>([
    [{}, 5_000, 15_000],
    [{ 'max-poll-interval': '1m' }, 5_000, 60_000],
    // Under poll-interval: one pace, no back-off.
    [{ 'max-poll-interval': '2s' }, 5_000, 5_000],
    // The official action's longest wait between polls is our slowest pace, and caps the fast one.
    [{ 'wait-max-delay-seconds': '30' }, 5_000, 30_000],
    [{ 'wait-max-delay-seconds': '3' }, 3_000, 3_000],
    [{ 'wait-max-delay-seconds': '600' }, 5_000, 300_000],
    [{ 'wait-max-delay-seconds': '30', 'max-poll-interval': '20s' }, 5_000, 20_000]
  ])('polls from %j: every %i ms while anything moves, slowing to %i ms through still stretches', (values, fast, slow) => {
    const s = read(values);
    expect([s.pollIntervalMs, s.maxPollIntervalMs]).toEqual([fast, slow]);
  });

  test('a max-poll-interval that is not a duration names the input and the fix', () => {
    expect(() => read({ 'max-poll-interval': 'slow' })).toThrow(/max-poll-interval/);
    expect(() => read({ 'max-poll-interval': '0' })).toThrow(/max-poll-interval` is 0 \(use e\.g\. 15s/);
    expect(() => read({ 'max-poll-interval': '10m' })).toThrow(/longer than 5m/);
  });

  test('only a step written for the official action (no ecs-rollout input set) is told where a default differs', () => {
    expect(read({ service: 'web', 'wait-for-minutes': '10' }).warnings).toHaveLength(1);
    // Our own inputs say the user chose ecs-rollout: no line about the official action's defaults.
    expect(read({ service: 'web', 'poll-interval': '5s', timeout: '10m' }).warnings).toEqual([]);
    expect(read({ service: 'web', strategy: 'rolling', alarms: 'web-5xx' }).warnings).toEqual([]);
  });

  test.each([
    [{ 'wait-for-minutes': '10' }, 600_000],
    [{ 'wait-for-minutes': '0.5' }, 30_000],
    [{ 'wait-for-minutes': '10', timeout: '90s' }, 90_000],
    [{ timeout: '2m' }, 120_000]
  ])('the timeout from %j is %i ms', (values, ms) => {
    expect(read(values).timeoutMs).toBe(ms);
  });

  test('optional service settings are absent unless given, so the service keeps its own', () => {
    const s = read({ service: 'web' });
    for (const key of [
      'desiredCount',
      'propagateTags',
      'enableEcsManagedTags',
      'enableExecuteCommand',
      'healthCheckGracePeriodSeconds',
      'runTask'
    ]) {
      expect(s).not.toHaveProperty(key);
    }
    expect(
      read({ 'desired-count': '0', 'enable-execute-command': 'false', 'propagate-tags': 'SERVICE', 'health-check-grace-period': '60' })
    ).toMatchObject({
      desiredCount: 0,
      enableExecuteCommand: false,
      propagateTags: 'SERVICE',
      healthCheckGracePeriodSeconds: 60
    });
  });

  test('run-task reads the migration settings', () => {
    const s = read({
      service: 'web',
      'wait-for-service-stability': 'true',
      'wait-for-task-stopped': 'true',
      'run-task-launch-type': 'FARGATE',
      'run-task': 'true',
      'run-task-command': 'sh -c "npm run migrate && echo done"',
      'run-task-environment': 'MODE=up\nURL=https://x/?a=b',
      'run-task-subnets': 'subnet-1, subnet-2',
      'run-task-assign-public-ip': 'enabled'
    });
    expect(s.runTask).toEqual({
      command: ['sh', '-c', 'npm run migrate && echo done'],
      environment: new Map([
        ['MODE', 'up'],
        ['URL', 'https://x/?a=b']
      ]),
      subnets: ['subnet-1', 'subnet-2'],
      assignPublicIp: 'ENABLED',
      launchType: 'FARGATE',
      startedBy: 'ecs-rollout-migrate',
      waitForStop: true
    });
    expect(s.warnings).toEqual([]);
  });

  test.each([
    [{ strategy: 'canary' }, /input `strategy` is "canary".*rolling, blue-green/],
    [{ 'desired-count': '-1' }, /input `desired-count` is "-1"/],
    [{ 'poll-interval': '0' }, /poll-interval` is 0 \(use e\.g\. 5s/],
    [{ 'bake-time': 'soon' }, /"soon" is not a duration/],
    [{ 'propagate-tags': 'ALL' }, /SERVICE, TASK_DEFINITION, NONE/],
    [{ 'circuit-breaker': 'maybe' }, /not a boolean/],
    [{ 'run-task': 'true', 'run-task-command': 'echo "unclosed' }, /unclosed "/],
    [{ 'run-task': 'true', 'run-task-started-by': 'has spaces' }, /up to 36 letters/]
  ])('rejects %j', (values, message) => {
    expect(() => read(values)).toThrow(message);
  });
});

test.each([
  ['npm run migrate', ['npm', 'run', 'migrate']],
  [`sh -c 'echo "$HOME"'`, ['sh', '-c', 'echo "$HOME"']],
  ['a\\ b "" c', ['a b', '', 'c']],
  ['  spaced   out  ', ['spaced', 'out']]
])('splitCommand(%j)', (text, words) => {
  expect(splitCommand(text, 'input `run-task-command`')).toEqual(words);
});

describe('bounds on every number and duration', () => {
  test.each([
    [{ 'wait-for-minutes': '0' }, 'input `wait-for-minutes` is 0 (give the time a deployment may take'],
    [{ timeout: '0' }, 'input `timeout` is 0 (give the time a deployment may take'],
    [{ timeout: '0s', 'wait-for-minutes': '30' }, 'input `timeout` is 0s ('],
    [{ 'wait-for-minutes': '361' }, 'input `wait-for-minutes` is "361" (use a number from 0 to 360)'],
    [{ timeout: '7h' }, 'input `timeout` is 7h, longer than 6h (use at most 6h)'],
    [{ 'poll-interval': '600h' }, 'input `poll-interval` is 600h, longer than 5m (use at most 5m)'],
    [{ 'poll-interval': '6m' }, 'input `poll-interval` is 6m, longer than 5m'],
    [{ 'bake-time': '7h' }, 'input `bake-time` is 7h, longer than 6h'],
    [{ 'desired-count': '5001' }, 'input `desired-count` is "5001" (use a whole number from 0 to 5000)'],
    [{ 'desired-count': '1e3' }, 'input `desired-count` is "1e3"'],
    [
      { 'health-check-grace-period': '2147483648' },
      'input `health-check-grace-period` is "2147483648" (use a whole number from 0 to 2147483647)'
    ]
  ])('rejects %j', (values, message) => {
    expect(() => read(values)).toThrow(message);
  });

  test('the largest values still read', () => {
    expect(read({ 'desired-count': '5000', timeout: '6h', 'poll-interval': '5m', 'bake-time': '6h' })).toMatchObject({
      desiredCount: 5000,
      timeoutMs: 6 * 3_600_000,
      pollIntervalMs: 300_000,
      bakeTimeMs: 6 * 3_600_000
    });
    // timeout wins over a zero wait-for-minutes: the user said how long in the form that counts.
    expect(read({ 'wait-for-minutes': '0', timeout: '5m' }).timeoutMs).toBe(300_000);
  });
});

test('every deploy input problem is reported at once, not only the first', () => {
  expect(() => read({ 'desired-count': '-1', 'poll-interval': 'soon', 'wait-for-minutes': '0', 'circuit-breaker': 'maybe' })).toThrow(
    /4 problems:[\s\S]*wait-for-minutes[\s\S]*poll-interval[\s\S]*circuit-breaker[\s\S]*desired-count/
  );
});
