/**
 * Temporary-alarm cases mutation testing found unguarded: names fit CloudWatch's 255 characters
 * whatever the cluster and service are called, and a delete that removes some alarms (or fails)
 * never makes the state forget the others, so the post step can still delete them.
 */
import { describe, expect, it } from '@jest/globals';
import type { MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { Aws } from '../../src/aws/clients.js';
import { RecordingReporter } from '../../src/events.js';
import {
  TEMPORARY_ALARMS_STATE,
  cleanupTemporaryAlarms,
  createTemporaryAlarms,
  deleteAlarms,
  deleteTemporaryAlarms,
  shortId,
  temporaryAlarmInputs
} from '../../src/gates/alarms.js';
import { MemoryState } from '../deploy/rolling-fakes.js';

const SETTINGS = { cpuThreshold: 80, memoryThreshold: 90, period: 60, evaluationPeriods: 3, datapoints: 2 };

/** CloudWatch with a set of existing alarms; `failDelete` / `failPut` make those calls fail. */
function cloudwatch(existing: string[], o: { failDelete?: boolean; failPutAfter?: number } = {}) {
  const alarms = new Set(existing);
  const deleted: string[][] = [];
  const put: PutMetricAlarmCommandInput[] = [];
  const api: Aws['cloudwatch'] = {
    putMetricAlarm: async (input) => {
      if (o.failPutAfter !== undefined && put.length >= o.failPutAfter) throw new Error('PutMetricAlarm: LimitExceeded');
      put.push(input);
      alarms.add(input.AlarmName!);
    },
    describeAlarms: async (names) => ({
      metricAlarms: names.filter((n) => alarms.has(n)).map((n): MetricAlarm => ({ AlarmName: n, StateValue: 'OK' })),
      compositeAlarms: []
    }),
    deleteAlarms: async (names) => {
      if (o.failDelete) throw new Error('DeleteAlarms: AccessDenied');
      deleted.push([...names]);
      for (const n of names) alarms.delete(n);
    },
    getMetricData: async () => {
      throw new Error('not used');
    }
  } as Aws['cloudwatch'];
  return { api, alarms, deleted, put };
}

describe('temporary alarm names fit CloudWatch (255 characters)', () => {
  it('a cluster and a service with 255-character names still give short, distinct, prefixed names', () => {
    const long = (c: string) => c.repeat(255);
    const inputs = temporaryAlarmInputs({ cluster: long('c'), service: `arn:aws:ecs:us-east-1:1:service/x/${long('s')}`, deploymentTag: 'run 1234/attempt 2' }, SETTINGS);
    const names = inputs.map((i) => i.AlarmName!);
    expect(names).toHaveLength(2);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(255);
      expect(n).toMatch(/^ecs-rollout-c{80}-s{80}-(cpu|memory)-[0-9a-f]{10}$/);
    }
    expect(new Set(names).size).toBe(2);
    // The dimensions keep the full names: the alarm must watch the real service.
    expect(inputs[0]!.Dimensions).toEqual([
      { Name: 'ClusterName', Value: long('c') },
      { Name: 'ServiceName', Value: long('s') }
    ]);
  });

  it('the deployment tag value is cut to the 256 characters a tag holds, and made tag-safe', () => {
    const [input] = temporaryAlarmInputs({ cluster: 'prod', service: 'web', deploymentTag: `run#${'x'.repeat(300)}` }, { ...SETTINGS, memoryThreshold: undefined });
    const tag = input!.Tags!.find((t) => t.Key === 'ecs-rollout:deployment')!.Value!;
    expect(tag).toHaveLength(256);
    expect(tag.startsWith('run-xxx')).toBe(true);
  });

  it.each([
    ['run-42', 'run-42'],
    ['a'.repeat(16), 'a'.repeat(16)]
  ])('a short plain tag %s is its own id', (tag, id) => {
    expect(shortId(tag)).toBe(id);
  });

  it.each([['a'.repeat(17)], ['run 42'], ['']])('"%s" (long, not plain, or empty) is hashed to 10 hex characters', (tag) => {
    expect(shortId(tag)).toMatch(/^[0-9a-f]{10}$/);
  });

  it('only the metrics with a threshold get an alarm', () => {
    expect(temporaryAlarmInputs({ cluster: 'prod', service: 'web', deploymentTag: 't' }, { ...SETTINGS, cpuThreshold: undefined }).map((i) => i.MetricName)).toEqual([
      'MemoryUtilization'
    ]);
  });
});

describe('deleting temporary alarms never forgets the ones still there', () => {
  const A = 'ecs-rollout-prod-web-cpu-1';
  const B = 'ecs-rollout-prod-web-memory-1';

  it('deleting one of two keeps the other in the saved state', async () => {
    const cw = cloudwatch([A, B]);
    const state = new MemoryState();
    state.save(TEMPORARY_ALARMS_STATE, [A, B]);
    expect(await deleteAlarms([A], { aws: { cloudwatch: cw.api }, reporter: new RecordingReporter(), state })).toEqual([A]);
    expect(state.load(TEMPORARY_ALARMS_STATE)).toEqual([B]);
    expect([...cw.alarms]).toEqual([B]);
  });

  it('a delete that fails leaves every name saved and warns, so the post step tries again', async () => {
    const cw = cloudwatch([A, B], { failDelete: true });
    const state = new MemoryState();
    state.save(TEMPORARY_ALARMS_STATE, [A, B]);
    const reporter = new RecordingReporter();
    await deleteTemporaryAlarms([A, B], { aws: { cloudwatch: cw.api }, reporter, state });
    expect(state.load(TEMPORARY_ALARMS_STATE)).toEqual([A, B]);
    expect(reporter.lines).toEqual([`warning: could not delete temporary alarms ${A}, ${B}: DeleteAlarms: AccessDenied (the post step tries again)`]);
    expect(await cleanupTemporaryAlarms({ aws: { cloudwatch: cw.api }, reporter, state })).toEqual([]);
    expect(state.load(TEMPORARY_ALARMS_STATE)).toEqual([A, B]);
  });

  it('a user\'s alarm (without our prefix) is never deleted, even if the state names it', async () => {
    const cw = cloudwatch([A, 'web-5xx']);
    const state = new MemoryState();
    state.save(TEMPORARY_ALARMS_STATE, [A, 'web-5xx']);
    expect(await cleanupTemporaryAlarms({ aws: { cloudwatch: cw.api }, reporter: new RecordingReporter(), state })).toEqual([A]);
    expect(cw.deleted).toEqual([[A]]);
    expect(cw.alarms.has('web-5xx')).toBe(true);
  });

  it('alarms already gone are not deleted again, and are forgotten', async () => {
    const cw = cloudwatch([B]);
    const state = new MemoryState();
    state.save(TEMPORARY_ALARMS_STATE, [A, B]);
    const reporter = new RecordingReporter();
    expect(await cleanupTemporaryAlarms({ aws: { cloudwatch: cw.api }, reporter, state })).toEqual([B]);
    expect(cw.deleted).toEqual([[B]]);
    expect(state.load(TEMPORARY_ALARMS_STATE)).toEqual([]);
    expect(reporter.lines).toEqual([`deleted temporary alarm ${B}`]);
  });
});

describe('creating temporary alarms', () => {
  it('names are saved before the first PutMetricAlarm, added to names saved earlier', async () => {
    const cw = cloudwatch([]);
    const state = new MemoryState();
    state.save(TEMPORARY_ALARMS_STATE, ['ecs-rollout-earlier']);
    let savedAtFirstPut: unknown;
    const put = cw.api.putMetricAlarm;
    cw.api.putMetricAlarm = async (input) => {
      savedAtFirstPut ??= state.load(TEMPORARY_ALARMS_STATE);
      return put(input);
    };
    const names = await createTemporaryAlarms({ cluster: 'prod', service: 'web', deploymentTag: 'r1' }, SETTINGS, { aws: { cloudwatch: cw.api }, reporter: new RecordingReporter(), state });
    expect(names).toEqual(['ecs-rollout-prod-web-cpu-r1', 'ecs-rollout-prod-web-memory-r1']);
    expect(savedAtFirstPut).toEqual(['ecs-rollout-earlier', ...names]);
  });

  it('when the second alarm cannot be created, the first is deleted again and the error is the put\'s', async () => {
    const cw = cloudwatch([], { failPutAfter: 1 });
    const state = new MemoryState();
    await expect(
      createTemporaryAlarms({ cluster: 'prod', service: 'web', deploymentTag: 'r1' }, SETTINGS, { aws: { cloudwatch: cw.api }, reporter: new RecordingReporter(), state })
    ).rejects.toThrow('PutMetricAlarm: LimitExceeded');
    expect(cw.deleted).toEqual([['ecs-rollout-prod-web-cpu-r1']]);
    expect(cw.alarms.size).toBe(0);
  });
});
