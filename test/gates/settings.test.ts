import { describe, expect, it } from '@jest/globals';
import { InputError, InputErrors } from '../../src/errors.js';
import { Inputs } from '../../src/inputs.js';
import { ecsDeploymentAlarms, readGateSettings, wantsTemporaryAlarms } from '../../src/gates/settings.js';

function inputs(values: Record<string, string>): Inputs {
  return new Inputs({ get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` });
}

function problem(values: Record<string, string>): string {
  try {
    readGateSettings(inputs(values));
  } catch (error) {
    if (error instanceof InputError || error instanceof InputErrors) return error.message;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('readGateSettings', () => {
  it('defaults: no alarms, transitions mode, hold 10 inconclusive checks then fail', () => {
    const s = readGateSettings(inputs({}));
    expect(s).toEqual({
      alarms: [],
      temporary: { period: 60, evaluationPeriods: 1, datapoints: 1 },
      mode: 'transitions',
      ecsAlarmRollback: false,
      inconclusive: { limit: 10, decide: 'fail' }
    });
    expect(wantsTemporaryAlarms(s)).toBe(false);
    expect(ecsDeploymentAlarms(s)).toBeUndefined();
  });

  it('reads every input; datapoints default to the evaluation periods', () => {
    const s = readGateSettings(
      inputs({
        alarms: 'web-5xx\nweb-latency, web-5xx',
        'cpu-alarm-threshold': '80',
        'memory-alarm-threshold': '90%',
        'alarm-period': '30',
        'alarm-evaluation-periods': '3',
        'alarm-mode': 'strict',
        'ecs-alarm-rollback': 'true',
        'inconclusive-limit': '4',
        'on-inconclusive': 'pass'
      })
    );
    expect(s).toEqual({
      alarms: ['web-5xx', 'web-latency'],
      temporary: { cpuThreshold: 80, memoryThreshold: 90, period: 30, evaluationPeriods: 3, datapoints: 3 },
      mode: 'strict',
      ecsAlarmRollback: true,
      inconclusive: { limit: 4, decide: 'pass' }
    });
    expect(wantsTemporaryAlarms(s)).toBe(true);
    expect(ecsDeploymentAlarms(s)).toEqual({ alarmNames: ['web-5xx', 'web-latency'], enable: true, rollback: true });
  });

  it.each([
    ['CPU threshold above 100', { 'cpu-alarm-threshold': '120' }, /input `cpu-alarm-threshold` is "120" \(use a percentage from 1 to 100/],
    ['CPU threshold 0', { 'cpu-alarm-threshold': '0' }, /input `cpu-alarm-threshold` is "0"/],
    ['memory threshold not a number', { 'memory-alarm-threshold': 'high' }, /input `memory-alarm-threshold` is "high"/],
    ['a period CloudWatch does not allow', { 'alarm-period': '45' }, /input `alarm-period` is 45 \(use 10, 30 or a multiple of 60 seconds/],
    ['zero evaluation periods', { 'alarm-evaluation-periods': '0' }, /input `alarm-evaluation-periods` is "0"/],
    [
      'more datapoints than periods',
      { 'alarm-evaluation-periods': '2', 'alarm-datapoints': '3' },
      /input `alarm-datapoints` is 3, more than input `alarm-evaluation-periods` \(2\)/
    ],
    ['longer than a day', { 'alarm-period': '3600', 'alarm-evaluation-periods': '25' }, /at most one day/],
    ['an unknown mode', { 'alarm-mode': 'lenient' }, /input `alarm-mode` is "lenient" \(use one of: transitions, strict\)/],
    [
      'ECS rollback with no named alarm',
      { 'ecs-alarm-rollback': 'true', 'cpu-alarm-threshold': '80' },
      /input `ecs-alarm-rollback` is true but input `alarms` names no alarm/
    ],
    ['limit 0', { 'inconclusive-limit': '0' }, /input `inconclusive-limit` is "0"/],
    ['unknown on-inconclusive', { 'on-inconclusive': 'ignore' }, /input `on-inconclusive` is "ignore" \(use one of: fail, pass\)/]
  ])('%s → a message naming the input', (_name, values, message) => {
    expect(problem(values)).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(problem({ 'cpu-alarm-threshold': '200', 'memory-alarm-threshold': '-5', 'alarm-period': '7' })).toMatch(/^3 problems:/);
  });
});

describe('bounds', () => {
  it.each([
    [{ 'inconclusive-limit': '1001' }, 'input `inconclusive-limit` is "1001" (use a whole number from 1 to 1000)'],
    [
      { 'alarm-period': '9'.repeat(50) },
      'input `alarm-period` is "99999999999999999999…(50 characters)" (use a whole number from 1 to 86400)'
    ],
    [{ 'alarm-evaluation-periods': '8641' }, 'input `alarm-evaluation-periods` is "8641" (use a whole number from 1 to 8640)']
  ])('%j is refused', (values, message) => {
    expect(problem(values)).toContain(message);
  });
});
