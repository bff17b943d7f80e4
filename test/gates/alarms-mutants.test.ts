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
  alarmGate,
  verifyAlarmsExist,
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
  };
  return { api, alarms, deleted, put };
}

describe('temporary alarm names fit CloudWatch (255 characters)', () => {
  it('a cluster and a service with 255-character names still give short, distinct, prefixed names', () => {
    const long = (c: string) => c.repeat(255);
    const inputs = temporaryAlarmInputs(
      { cluster: long('c'), service: `arn:aws:ecs:us-east-1:1:service/x/${long('s')}`, deploymentTag: 'run 1234/attempt 2' },
      SETTINGS
    );
    const names = inputs.map((i) => i.AlarmName!);
    expect(names).toHaveLength(2);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(255);
      expect(n).toMatch(/^ecs-rollout-c{80}-s{80}-(cpu|memory)-[0-9a-f]{10}$/);
    }
    expect(new Set(names).size).toBe(2);
    // The dimensions keep the full names: the alarm must watch the real service.
    expect(inputs[0].Dimensions).toEqual([
      { Name: 'ClusterName', Value: long('c') },
      { Name: 'ServiceName', Value: long('s') }
    ]);
  });

  it('the deployment tag value is cut to the 256 characters a tag holds, and made tag-safe', () => {
    const [input] = temporaryAlarmInputs(
      { cluster: 'prod', service: 'web', deploymentTag: `run#${'x'.repeat(300)}` },
      { ...SETTINGS, memoryThreshold: undefined }
    );
    const tag = input.Tags!.find((t) => t.Key === 'ecs-rollout:deployment')!.Value!;
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
    expect(
      temporaryAlarmInputs({ cluster: 'prod', service: 'web', deploymentTag: 't' }, { ...SETTINGS, cpuThreshold: undefined }).map(
        (i) => i.MetricName
      )
    ).toEqual(['MemoryUtilization']);
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
    expect(reporter.lines).toEqual([
      `warning: could not delete temporary alarms ${A}, ${B}: DeleteAlarms: AccessDenied (the post step tries again)`
    ]);
    expect(await cleanupTemporaryAlarms({ aws: { cloudwatch: cw.api }, reporter, state })).toEqual([]);
    expect(state.load(TEMPORARY_ALARMS_STATE)).toEqual([A, B]);
  });

  it("a user's alarm (without our prefix) is never deleted, even if the state names it", async () => {
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
    const names = await createTemporaryAlarms({ cluster: 'prod', service: 'web', deploymentTag: 'r1' }, SETTINGS, {
      aws: { cloudwatch: cw.api },
      reporter: new RecordingReporter(),
      state
    });
    expect(names).toEqual(['ecs-rollout-prod-web-cpu-r1', 'ecs-rollout-prod-web-memory-r1']);
    expect(savedAtFirstPut).toEqual(['ecs-rollout-earlier', ...names]);
  });

  it("when the second alarm cannot be created, the first is deleted again and the error is the put's", async () => {
    const cw = cloudwatch([], { failPutAfter: 1 });
    const state = new MemoryState();
    await expect(
      createTemporaryAlarms({ cluster: 'prod', service: 'web', deploymentTag: 'r1' }, SETTINGS, {
        aws: { cloudwatch: cw.api },
        reporter: new RecordingReporter(),
        state
      })
    ).rejects.toThrow('PutMetricAlarm: LimitExceeded');
    expect(cw.deleted).toEqual([['ecs-rollout-prod-web-cpu-r1']]);
    expect(cw.alarms.size).toBe(0);
  });
});

describe('the alarm gate and the check before the deployment', () => {
  test('no alarms to watch: passes without calling CloudWatch, under the name "alarms"', async () => {
    const cw = cloudwatch([]);
    cw.api.describeAlarms = async () => {
      throw new Error('no call expected');
    };
    const gate = alarmGate([], { mode: 'transitions' }, {}, { aws: { cloudwatch: cw.api }, reporter: new RecordingReporter() });
    expect(gate.name).toBe('alarms');
    expect(await gate.check()).toEqual({ phase: 'pass', reason: 'no alarms to watch' });
  });

  test('an alarm already in ALARM is reported with its reason and value, and the default mode is transitions', async () => {
    const cw = cloudwatch([]);
    cw.api.describeAlarms = async () => ({
      metricAlarms: [
        {
          AlarmName: 'web-5xx',
          StateValue: 'ALARM',
          StateReason: 'Threshold Crossed',
          StateReasonData: '{"recentDatapoints":[7],"threshold":5}'
        },
        { AlarmName: 'quiet', StateValue: 'ALARM' }
      ],
      compositeAlarms: []
    });
    const reporter = new RecordingReporter();
    await verifyAlarmsExist(['web-5xx', 'quiet'], { aws: { cloudwatch: cw.api }, reporter });
    expect(reporter.lines).toEqual([
      'warning: alarm web-5xx is already in ALARM: Threshold Crossed (latest value 7, threshold 5). alarm-mode transitions: it fails the deployment only if it goes into ALARM again after this point',
      'warning: alarm quiet is already in ALARM: no reason given. alarm-mode transitions: it fails the deployment only if it goes into ALARM again after this point'
    ]);
  });
});

describe('temporary alarms, further', () => {
  const A = 'ecs-rollout-prod-web-cpu-1';
  const B = 'ecs-rollout-prod-web-memory-1';

  test('no thresholds: nothing is created, saved or called', async () => {
    const cw = cloudwatch([]);
    const state = new MemoryState();
    expect(
      await createTemporaryAlarms(
        { cluster: 'prod', service: 'web', deploymentTag: 'r' },
        { ...SETTINGS, cpuThreshold: undefined, memoryThreshold: undefined },
        { aws: { cloudwatch: cw.api }, reporter: new RecordingReporter(), state }
      )
    ).toEqual([]);
    expect(state.saved).toEqual([]);
  });

  test('each created alarm is announced with what it watches', async () => {
    const cw = cloudwatch([]);
    const reporter = new RecordingReporter();
    await createTemporaryAlarms(
      { cluster: 'prod', service: 'web', deploymentTag: 'r1' },
      { ...SETTINGS, memoryThreshold: undefined },
      { aws: { cloudwatch: cw.api }, reporter, state: new MemoryState() }
    );
    expect(reporter.lines).toEqual(['created temporary alarm ecs-rollout-prod-web-cpu-r1: CPUUtilization > 80 % (2 of 3 × 60 s)']);
  });

  test('the first alarm failing deletes nothing (nothing was created)', async () => {
    const cw = cloudwatch([], { failPutAfter: 0 });
    await expect(
      createTemporaryAlarms({ cluster: 'prod', service: 'web', deploymentTag: 'r1' }, SETTINGS, {
        aws: { cloudwatch: cw.api },
        reporter: new RecordingReporter(),
        state: new MemoryState()
      })
    ).rejects.toThrow();
    expect(cw.deleted).toEqual([]);
  });

  test('a cleanup of nothing saved, or of names none of which are ours, calls nothing and returns nothing', async () => {
    const cw = cloudwatch([]);
    cw.api.describeAlarms = async () => {
      throw new Error('no call expected');
    };
    const ctx = { aws: { cloudwatch: cw.api }, reporter: new RecordingReporter(), state: new MemoryState() };
    expect(await cleanupTemporaryAlarms(ctx)).toEqual([]);
    expect(await deleteAlarms(['web-5xx'], ctx)).toEqual([]);
    await deleteTemporaryAlarms([], ctx);
    expect(ctx.reporter.lines).toEqual([]);
  });

  test('deleting two says so in the plural, names both; nothing left to delete calls no DeleteAlarms', async () => {
    const cw = cloudwatch([A, B]);
    const reporter = new RecordingReporter();
    expect(await deleteAlarms([A, B], { aws: { cloudwatch: cw.api }, reporter })).toEqual([A, B]);
    expect(reporter.lines).toEqual([`deleted temporary alarms ${A}, ${B}`]);
    expect(await deleteAlarms([A, B], { aws: { cloudwatch: cw.api }, reporter })).toEqual([]);
    expect(cw.deleted).toEqual([[A, B]]);
  });

  test('a saved state holding something other than names is read as the names in it', async () => {
    const cw = cloudwatch([A]);
    const state = new MemoryState();
    state.save(TEMPORARY_ALARMS_STATE, [A, 42, null]);
    expect(await cleanupTemporaryAlarms({ aws: { cloudwatch: cw.api }, reporter: new RecordingReporter(), state })).toEqual([A]);
  });

  test('a cleanup that fails warns with every name and what to do', async () => {
    const cw = cloudwatch([A, B], { failDelete: true });
    const state = new MemoryState();
    state.save(TEMPORARY_ALARMS_STATE, [A, B]);
    const reporter = new RecordingReporter();
    await cleanupTemporaryAlarms({ aws: { cloudwatch: cw.api }, reporter, state });
    expect(reporter.lines).toEqual([
      `warning: could not delete temporary alarms ${A}, ${B}: DeleteAlarms: AccessDenied (delete them by hand; they have no actions, so they page nobody)`
    ]);
  });

  test('a deployment tag with other characters is hashed, not stripped (two tags must not collide)', () => {
    expect(shortId('run/1')).not.toBe(shortId('run1'));
    expect(shortId('run/1')).toMatch(/^[0-9a-f]{10}$/);
  });
});
