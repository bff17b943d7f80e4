import { describe, expect, it } from '@jest/globals';
import type { CompositeAlarm, MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchApi } from '../../src/aws/clients.js';
import { InputError, InputErrors } from '../../src/errors.js';
import { RecordingReporter } from '../../src/events.js';
import type { StateStore } from '../../src/deploy/types.js';
import {
  TEMPORARY_ALARMS_STATE,
  alarmGate,
  cleanupTemporaryAlarms,
  createTemporaryAlarms,
  deleteAlarms,
  temporaryAlarmInputs,
  verifyAlarmsExist
} from '../../src/gates/alarms.js';
import type { TemporaryAlarmSettings } from '../../src/gates/settings.js';

const START = new Date('2024-05-01T12:00:00Z');

/** A literal CloudWatch stub over an in-memory set of alarms. */
function fakeCloudWatch(metric: MetricAlarm[] = [], composite: CompositeAlarm[] = [], failPutAfter = Infinity) {
  const calls: Array<[string, unknown]> = [];
  const alarms = new Map<string, MetricAlarm>(metric.map((a) => [a.AlarmName!, a]));
  const cw: CloudWatchApi = {
    putMetricAlarm: async (input: PutMetricAlarmCommandInput) => {
      calls.push(['PutMetricAlarm', input]);
      if (calls.filter((c) => c[0] === 'PutMetricAlarm').length > failPutAfter) throw new Error('LimitExceeded');
      alarms.set(input.AlarmName!, {
        AlarmName: input.AlarmName,
        StateValue: 'INSUFFICIENT_DATA',
        StateReason: 'Unchecked: Initial alarm creation'
      });
    },
    describeAlarms: async (names) => {
      calls.push(['DescribeAlarms', names]);
      return {
        metricAlarms: names.map((n) => alarms.get(n)).filter((a): a is MetricAlarm => !!a),
        compositeAlarms: composite.filter((a) => names.includes(a.AlarmName!))
      };
    },
    deleteAlarms: async (names) => {
      calls.push(['DeleteAlarms', names]);
      for (const n of names) alarms.delete(n);
    },
    getMetricData: () => Promise.reject(new Error('no metrics in this fake'))
  };
  return { cw, calls, alarms };
}

function memoryState(): StateStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, save: (k, v) => void data.set(k, structuredClone(v)), load: <T>(k: string) => data.get(k) as T | undefined };
}

function ctx(cw: CloudWatchApi, state = memoryState()) {
  return { aws: { cloudwatch: cw }, reporter: new RecordingReporter(), state };
}

const settings: TemporaryAlarmSettings = { cpuThreshold: 80, memoryThreshold: 90, period: 60, evaluationPeriods: 3, datapoints: 2 };
const target = {
  cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
  service: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web-green',
  deploymentTag: '9876543210-1'
};

describe('temporaryAlarmInputs', () => {
  it('CPU and memory alarms on the new service, recognisable, tagged, no actions', () => {
    const [cpu, memory] = temporaryAlarmInputs(target, settings);
    expect(cpu).toEqual({
      AlarmName: 'ecs-rollout-prod-web-green-cpu-9876543210-1',
      AlarmDescription: expect.stringContaining('deployment 9876543210-1 of service web-green in cluster prod'),
      ActionsEnabled: false,
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: 'prod' },
        { Name: 'ServiceName', Value: 'web-green' }
      ],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      Tags: [
        { Key: 'ecs-rollout:managed', Value: 'true' },
        { Key: 'ecs-rollout:deployment', Value: '9876543210-1' }
      ]
    });
    expect(memory).toMatchObject({
      AlarmName: 'ecs-rollout-prod-web-green-memory-9876543210-1',
      MetricName: 'MemoryUtilization',
      Threshold: 90
    });
  });

  it('only the metrics with a threshold; long deployment ids are shortened', () => {
    const inputs = temporaryAlarmInputs(
      { ...target, deploymentTag: 'refs/heads/main@0123456789abcdef0123' },
      { period: 60, evaluationPeriods: 1, datapoints: 1, memoryThreshold: 75 }
    );
    expect(inputs).toHaveLength(1);
    expect(inputs[0].AlarmName).toMatch(/^ecs-rollout-prod-web-green-memory-[0-9a-f]{10}$/);
    expect(inputs[0].Tags).toContainEqual({ Key: 'ecs-rollout:deployment', Value: 'refs/heads/main@0123456789abcdef0123' });
  });
});

describe('createTemporaryAlarms / deleteAlarms', () => {
  it('saves the names before creating, so the post step can clean up after a crash', async () => {
    const fake = fakeCloudWatch();
    const state = memoryState();
    const seen: unknown[] = [];
    const watching = {
      ...fake.cw,
      putMetricAlarm: async (i: PutMetricAlarmCommandInput) => (seen.push(state.load(TEMPORARY_ALARMS_STATE)), fake.cw.putMetricAlarm(i))
    };
    const names = await createTemporaryAlarms(target, settings, ctx(watching, state));
    expect(names).toEqual(['ecs-rollout-prod-web-green-cpu-9876543210-1', 'ecs-rollout-prod-web-green-memory-9876543210-1']);
    expect(seen[0]).toEqual(names);
    expect([...fake.alarms.keys()]).toEqual(names);
  });

  it('deletes what it created when one creation fails', async () => {
    const fake = fakeCloudWatch([], [], 1);
    await expect(createTemporaryAlarms(target, settings, ctx(fake.cw))).rejects.toThrow('LimitExceeded');
    expect(fake.alarms.size).toBe(0);
  });

  it('deletes only existing alarms with our prefix and forgets them in the state', async () => {
    const fake = fakeCloudWatch([{ AlarmName: 'web-5xx' }]);
    const c = ctx(fake.cw);
    const names = await createTemporaryAlarms(target, settings, c);
    const deleted = await deleteAlarms([...names, 'web-5xx', 'ecs-rollout-gone'], c);
    expect(deleted).toEqual(names);
    expect(fake.calls.filter((x) => x[0] === 'DeleteAlarms')).toEqual([['DeleteAlarms', names]]);
    expect([...fake.alarms.keys()]).toEqual(['web-5xx']);
    expect(c.state.load(TEMPORARY_ALARMS_STATE)).toEqual([]);
  });

  it('post step: cleans up from the state; a second run is a no-op', async () => {
    const fake = fakeCloudWatch();
    const c = ctx(fake.cw);
    const names = await createTemporaryAlarms(target, settings, c);
    expect(await cleanupTemporaryAlarms(c)).toEqual(names);
    expect(fake.alarms.size).toBe(0);
    const callsBefore = fake.calls.length;
    expect(await cleanupTemporaryAlarms(c)).toEqual([]);
    expect(fake.calls.length).toBe(callsBefore);
  });

  it('post step: a failing delete is a warning, not a failure', async () => {
    const fake = fakeCloudWatch();
    const c = ctx({ ...fake.cw, deleteAlarms: async () => Promise.reject(new Error('AccessDenied')) });
    await createTemporaryAlarms(target, settings, c);
    expect(await cleanupTemporaryAlarms(c)).toEqual([]);
    expect(c.reporter.lines.some((l) => /^warning: could not delete temporary alarms .*AccessDenied/.test(l))).toBe(true);
  });
});

describe('verifyAlarmsExist', () => {
  it('a missing named alarm is an input error, found before anything changes', async () => {
    const fake = fakeCloudWatch([{ AlarmName: 'web-5xx', StateValue: 'OK' }]);
    const error = await verifyAlarmsExist(['web-5xx', 'web-latncy'], ctx(fake.cw)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /alarm "web-latncy" named in `alarms` does not exist in this account and region \(check the name/
    );
    expect(fake.calls.map((c) => c[0])).toEqual(['DescribeAlarms']);
  });

  it('several missing alarms are reported together', async () => {
    const error = await verifyAlarmsExist(['a', 'b'], ctx(fakeCloudWatch().cw)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputErrors);
  });

  it('returns the baseline and reports alarms already in ALARM, metric and composite alike', async () => {
    const fake = fakeCloudWatch(
      [{ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'Threshold Crossed', StateUpdatedTimestamp: START }],
      [{ AlarmName: 'web-health', StateValue: 'OK', StateUpdatedTimestamp: START }]
    );
    const c = ctx(fake.cw);
    const baseline = await verifyAlarmsExist(['web-5xx', 'web-health'], c);
    expect(baseline).toEqual({
      'web-5xx': { state: 'ALARM', updatedAt: START.getTime() },
      'web-health': { state: 'OK', updatedAt: START.getTime() }
    });
    expect(c.reporter.lines).toEqual([
      'warning: alarm web-5xx is already in ALARM: Threshold Crossed. alarm-mode transitions: it fails the deployment only if it goes into ALARM again after this point'
    ]);
  });

  it('no alarms: no call', async () => {
    const fake = fakeCloudWatch();
    expect(await verifyAlarmsExist([], ctx(fake.cw))).toEqual({});
    expect(fake.calls).toEqual([]);
  });
});

describe('alarmGate', () => {
  it('one DescribeAlarms per check for all watched alarms; a hotfix passes until its alarm fires again', async () => {
    const fake = fakeCloudWatch([
      { AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'Threshold Crossed', StateUpdatedTimestamp: START },
      { AlarmName: 'ecs-rollout-prod-web-green-cpu-1', StateValue: 'OK', StateUpdatedTimestamp: START }
    ]);
    const c = ctx(fake.cw);
    const baseline = await verifyAlarmsExist(['web-5xx'], c);
    const gate = alarmGate(['web-5xx', 'ecs-rollout-prod-web-green-cpu-1'], { mode: 'transitions' }, baseline, c);
    fake.calls.length = 0;

    expect(await gate.check()).toMatchObject({
      phase: 'pass',
      reason: expect.stringContaining('web-5xx has been in ALARM since before the deployment started')
    });
    expect(fake.calls).toEqual([['DescribeAlarms', ['web-5xx', 'ecs-rollout-prod-web-green-cpu-1']]]);

    // The hotfix works: OK. Then the release breaks it again: a new transition after the start.
    fake.alarms.set('web-5xx', { AlarmName: 'web-5xx', StateValue: 'OK', StateUpdatedTimestamp: new Date(START.getTime() + 60_000) });
    expect((await gate.check()).phase).toBe('pass');
    fake.alarms.set('web-5xx', {
      AlarmName: 'web-5xx',
      StateValue: 'ALARM',
      StateReason: 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0)',
      StateReasonData: JSON.stringify({ recentDatapoints: [12], threshold: 5 }),
      StateUpdatedTimestamp: new Date(START.getTime() + 120_000)
    });
    expect(await gate.check()).toEqual({
      phase: 'fail',
      reason:
        'alarm web-5xx is ALARM (fired again after the deployment started): Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0) (latest value 12, threshold 5)'
    });
    expect(fake.calls).toHaveLength(3);
  });

  it('strict mode fails on an alarm already firing', async () => {
    const fake = fakeCloudWatch([{ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'r', StateUpdatedTimestamp: START }]);
    const c = ctx(fake.cw);
    const baseline = await verifyAlarmsExist(['web-5xx'], c, { mode: 'strict' });
    expect(c.reporter.lines[0]).toContain('alarm-mode strict: the deployment fails while it stays in ALARM');
    expect((await alarmGate(['web-5xx'], { mode: 'strict' }, baseline, c).check()).phase).toBe('fail');
  });

  it('a freshly created temporary alarm is inconclusive until it has data', async () => {
    const fake = fakeCloudWatch();
    const c = ctx(fake.cw);
    const names = await createTemporaryAlarms(target, { ...settings, memoryThreshold: undefined }, c);
    expect(await alarmGate(names, { mode: 'transitions' }, {}, c).check()).toEqual({
      phase: 'inconclusive',
      reason: 'alarm ecs-rollout-prod-web-green-cpu-9876543210-1 has INSUFFICIENT_DATA (Unchecked: Initial alarm creation)'
    });
  });
});
