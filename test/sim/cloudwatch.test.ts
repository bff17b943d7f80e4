import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListTagsForResourceCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
  TagResourceCommand,
  ValidationException,
  type DescribeAlarmsCommandInput,
  type PutMetricAlarmCommandInput
} from '@aws-sdk/client-cloudwatch';
import { startSim, type Sim } from '../../sim/server.js';
import { clients, frozenSim, rejection, type Clients } from './helpers.js';

let sim: Sim;
let c: Clients;
let seq = 0;

beforeAll(async () => {
  sim = await frozenSim();
  // Start on a minute boundary so each advance(60 s) closes exactly one period.
  sim.advance(60_000 - (sim.now() % 60_000) + 1);
  c = clients(sim);
});
afterAll(() => sim.close());

function alarm(over: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput {
  seq++;
  return {
    AlarmName: `cpu-${seq}`,
    Namespace: 'Test',
    MetricName: `CPU${seq}`,
    Dimensions: [{ Name: 'ServiceName', Value: 'web' }],
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 90,
    ComparisonOperator: 'GreaterThanThreshold',
    ...over
  };
}

const put = (a: PutMetricAlarmCommandInput, value: number): Promise<unknown> =>
  c.cw.send(
    new PutMetricDataCommand({ Namespace: a.Namespace, MetricData: [{ MetricName: a.MetricName, Dimensions: a.Dimensions, Value: value }] })
  );

const stateOf = async (name: string): Promise<{ value?: string; reason?: string; updated?: Date; data?: string }> => {
  const out = await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  const a = out.MetricAlarms![0];
  return { value: a.StateValue, reason: a.StateReason, updated: a.StateUpdatedTimestamp, data: a.StateReasonData };
};

describe('metric alarms', () => {
  it('starts INSUFFICIENT_DATA and goes to ALARM at the end of the period a breaching datapoint lands in', async () => {
    const a = alarm();
    await c.cw.send(new PutMetricAlarmCommand(a));
    expect(await stateOf(a.AlarmName!)).toMatchObject({ value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation' });
    await put(a, 95.2);
    sim.advance(60_000);
    const s = await stateOf(a.AlarmName!);
    expect(s.value).toBe('ALARM');
    expect(s.reason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoints \[95\.2 \(\d\d\/\d\d\/\d\d \d\d:\d\d:00\)\] was greater than the threshold \(90\.0\) \(minimum 1 datapoint for INSUFFICIENT_DATA -> ALARM transition\)\.$/
    );
    expect(JSON.parse(s.data!)).toMatchObject({
      version: '1.0',
      statistic: 'Average',
      period: 60,
      recentDatapoints: [95.2],
      threshold: 90
    });
    expect(s.updated!.getTime()).toBeLessThanOrEqual(sim.now());
    expect(s.updated!.getTime()).toBeGreaterThan(sim.now() - 60_000);
  });

  it('needs DatapointsToAlarm breaching periods out of EvaluationPeriods', async () => {
    const a = alarm({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    await c.cw.send(new PutMetricAlarmCommand(a));
    await put(a, 50);
    sim.advance(60_000);
    expect((await stateOf(a.AlarmName!)).value).toBe('OK');
    await put(a, 99);
    sim.advance(60_000);
    expect((await stateOf(a.AlarmName!)).value).toBe('OK');
    await put(a, 97);
    sim.advance(60_000);
    const s = await stateOf(a.AlarmName!);
    expect(s.value).toBe('ALARM');
    expect(s.reason).toMatch(
      /^Threshold Crossed: 2 out of the last 3 datapoints \[97\.0 .*, 99\.0 .*, 50\.0 .*\] were greater than the threshold \(90\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\.$/
    );
  });

  it.each([
    ['missing', 'INSUFFICIENT_DATA'],
    ['notBreaching', 'OK'],
    ['breaching', 'ALARM']
  ])('treats missing data as %s', async (treat, expected) => {
    const a = alarm({ TreatMissingData: treat });
    await c.cw.send(new PutMetricAlarmCommand(a));
    sim.advance(60_000);
    expect((await stateOf(a.AlarmName!)).value).toBe(expected);
  });

  it('holds a state set with SetAlarmState until the next evaluation', async () => {
    const a = alarm({ TreatMissingData: 'notBreaching' });
    await c.cw.send(new PutMetricAlarmCommand(a));
    sim.advance(60_000);
    expect((await stateOf(a.AlarmName!)).value).toBe('OK');
    await c.cw.send(new SetAlarmStateCommand({ AlarmName: a.AlarmName, StateValue: 'ALARM', StateReason: 'testing the gate' }));
    expect(await stateOf(a.AlarmName!)).toMatchObject({ value: 'ALARM', reason: 'testing the gate' });
    sim.advance(30_000);
    expect((await stateOf(a.AlarmName!)).value).toBe('ALARM');
    sim.advance(30_000);
    expect((await stateOf(a.AlarmName!)).value).toBe('OK');
  });

  it('filters DescribeAlarms by names, prefix and state, and deletes alarms', async () => {
    const a = alarm({ AlarmName: 'filter-one', TreatMissingData: 'breaching' });
    const b = alarm({ AlarmName: 'filter-two', TreatMissingData: 'notBreaching' });
    await c.cw.send(new PutMetricAlarmCommand(a));
    await c.cw.send(new PutMetricAlarmCommand(b));
    sim.advance(60_000);
    const names = async (input: DescribeAlarmsCommandInput): Promise<string[]> =>
      ((await c.cw.send(new DescribeAlarmsCommand(input))).MetricAlarms ?? []).map((x) => x.AlarmName!);
    expect(await names({ AlarmNamePrefix: 'filter-' })).toEqual(['filter-one', 'filter-two']);
    expect(await names({ AlarmNamePrefix: 'filter-', StateValue: 'ALARM' })).toEqual(['filter-one']);
    expect(await names({ AlarmNames: ['filter-two', 'nope'] })).toEqual(['filter-two']);
    await c.cw.send(new DeleteAlarmsCommand({ AlarmNames: ['filter-one', 'never-existed'] }));
    expect(await names({ AlarmNamePrefix: 'filter-' })).toEqual(['filter-two']);
  });

  it.each([
    ['a Period that is not 10, 20, 30 or a multiple of 60', { Period: 45 }, InvalidParameterValueException],
    ['both Statistic and ExtendedStatistic', { ExtendedStatistic: 'p99' }, InvalidParameterCombinationException]
  ])('rejects %s', async (_what, over, type) => {
    const error = await rejection(c.cw.send(new PutMetricAlarmCommand(alarm(over))));
    expect(error).toBeInstanceOf(type);
  });

  it.each([
    ['DatapointsToAlarm above EvaluationPeriods', { EvaluationPeriods: 2, DatapointsToAlarm: 3 }],
    ['an unknown comparison operator', { ComparisonOperator: 'Bigger' as never }],
    ['a missing threshold', { Threshold: undefined }]
  ])('rejects %s as a ValidationError', async (_what, over) => {
    const error = await rejection(c.cw.send(new PutMetricAlarmCommand(alarm(over))));
    // The query code ValidationError arrives as the SDK's ValidationException.
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.Code).toBe('ValidationError');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('answers SetAlarmState on an unknown alarm with ResourceNotFound', async () => {
    const error = await rejection(c.cw.send(new SetAlarmStateCommand({ AlarmName: 'ghost', StateValue: 'OK', StateReason: 'x' })));
    expect(error).toBeInstanceOf(ResourceNotFound);
  });

  it('keeps tags given on PutMetricAlarm and TagResource', async () => {
    const a = alarm({ Tags: [{ Key: 'owner', Value: 'ecs-rollout' }] });
    await c.cw.send(new PutMetricAlarmCommand(a));
    const arn = (await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: [a.AlarmName!] }))).MetricAlarms![0].AlarmArn!;
    await c.cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'run', Value: '42' }] }));
    const tags = await c.cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    expect(tags.Tags).toEqual([
      { Key: 'owner', Value: 'ecs-rollout' },
      { Key: 'run', Value: '42' }
    ]);
  });
});

describe('composite alarms', () => {
  it('follows its rule over the child alarms', async () => {
    const a = alarm({ AlarmName: 'child-a', TreatMissingData: 'notBreaching' });
    const b = alarm({ AlarmName: 'child-b', TreatMissingData: 'notBreaching' });
    await c.cw.send(new PutMetricAlarmCommand(a));
    await c.cw.send(new PutMetricAlarmCommand(b));
    await c.cw.send(
      new PutCompositeAlarmCommand({ AlarmName: 'any-child', AlarmRule: 'ALARM("child-a") OR (ALARM(child-b) AND NOT OK("child-a"))' })
    );
    sim.advance(60_000);
    const composite = async (): Promise<string | undefined> =>
      (await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: ['any-child'], AlarmTypes: ['CompositeAlarm'] }))).CompositeAlarms![0]
        .StateValue;
    expect(await composite()).toBe('OK');
    await c.cw.send(new SetAlarmStateCommand({ AlarmName: 'child-a', StateValue: 'ALARM', StateReason: 'test' }));
    expect(await composite()).toBe('ALARM');
    // Without AlarmTypes only metric alarms are listed, as in CloudWatch.
    expect((await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: ['any-child'] }))).CompositeAlarms).toEqual([]);
  });

  it('rejects a rule naming an alarm that does not exist', async () => {
    const error = await rejection(c.cw.send(new PutCompositeAlarmCommand({ AlarmName: 'broken', AlarmRule: 'ALARM("no-such-alarm")' })));
    expect(error).toBeInstanceOf(ValidationException);
  });
});

describe('metrics', () => {
  it('answers GetMetricStatistics and GetMetricData per period', async () => {
    const start = sim.now();
    for (const v of [10, 20, 30]) {
      await c.cw.send(
        new PutMetricDataCommand({ Namespace: 'Test', MetricData: [{ MetricName: 'Latency', Value: v, Unit: 'Milliseconds' }] })
      );
      sim.advance(60_000);
    }
    const stats = await c.cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Test',
        MetricName: 'Latency',
        StartTime: new Date(start - 60_000),
        EndTime: new Date(sim.now()),
        Period: 3600,
        Statistics: ['Average', 'Maximum', 'SampleCount']
      })
    );
    expect(stats.Datapoints).toHaveLength(1);
    expect(stats.Datapoints![0]).toMatchObject({ Average: 20, Maximum: 30, SampleCount: 3, Unit: 'Milliseconds' });
    const data = await c.cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(start - 60_000),
        EndTime: new Date(sim.now()),
        MetricDataQueries: [{ Id: 'lat', MetricStat: { Metric: { Namespace: 'Test', MetricName: 'Latency' }, Period: 60, Stat: 'Sum' } }]
      })
    );
    expect(data.MetricDataResults![0]).toMatchObject({ Id: 'lat', Values: [30, 20, 10], StatusCode: 'Complete' });
    expect(data.MetricDataResults![0].Timestamps![0]).toBeInstanceOf(Date);
  });
});

describe('ingestion delay of AWS-published metrics (ECS, ALB)', () => {
  const MINUTE = 60_000;
  let n = 0;
  /** A fresh AWS/ECS series (one service), so each test sees only its own minutes. */
  const series = (): { dims: Record<string, string>; publish: (timestamp: number, value: number) => void } => {
    const dims = { ClusterName: 'delay', ServiceName: `svc-${++n}` };
    return {
      dims,
      // What ECS does at the end of each minute: one datapoint stamped with the minute's start.
      publish: (timestamp, value) =>
        sim.world.models().cloudwatch.metrics.put({
          namespace: 'AWS/ECS',
          metricName: 'CPUUtilization',
          dimensions: dims,
          value,
          timestamp,
          unit: 'Percent'
        })
    };
  };
  const toNextMinute = (): number => {
    sim.advance(MINUTE - (sim.now() % MINUTE));
    return sim.now();
  };
  const readable = async (dims: Record<string, string>, from: number): Promise<number[]> =>
    (
      await c.cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(from),
          EndTime: new Date(sim.now() + MINUTE),
          ScanBy: 'TimestampAscending',
          MetricDataQueries: [
            {
              Id: 'cpu',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/ECS',
                  MetricName: 'CPUUtilization',
                  Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value }))
                },
                Period: 60,
                Stat: 'Average'
              }
            }
          ]
        })
      )
    ).MetricDataResults![0].Values!;

  it('a minute becomes readable 60–120 s after it ends, with a seeded jitter; PutMetricData is readable at once', async () => {
    const { dims, publish } = series();
    const lags: number[] = [];
    for (let i = 0; i < 8; i++) {
      const minute = toNextMinute();
      sim.advance(MINUTE);
      publish(minute, 10 + i);
      // Step 5 s at a time until the minute shows up.
      let waited = 0;
      while ((await readable(dims, minute)).length === 0 && waited < 200_000) {
        sim.advance(5_000);
        waited += 5_000;
      }
      lags.push(waited);
      expect(await readable(dims, minute)).toEqual([10 + i]);
    }
    for (const lag of lags) {
      expect(lag).toBeGreaterThanOrEqual(60_000);
      expect(lag).toBeLessThanOrEqual(125_000);
    }
    expect(new Set(lags).size).toBeGreaterThan(1);

    const t = sim.now();
    await c.cw.send(
      new PutMetricDataCommand({ Namespace: 'Custom', MetricData: [{ MetricName: 'QueueDepth', Value: 7, Timestamp: new Date(t) }] })
    );
    const stats = await c.cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Custom',
        MetricName: 'QueueDepth',
        StartTime: new Date(t - MINUTE),
        EndTime: new Date(t + MINUTE),
        Period: 60,
        Statistics: ['Maximum']
      })
    );
    expect(stats.Datapoints!.map((d) => d.Maximum)).toEqual([7]);
  });

  it('an alarm fires at the first minute boundary after the breaching minute became readable, not when the minute ends', async () => {
    const { dims, publish } = series();
    const a = alarm({
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value }))
    });
    await c.cw.send(new PutMetricAlarmCommand(a));
    const minute = toNextMinute();
    sim.advance(MINUTE);
    publish(minute, 97);
    // The end of the breaching minute and the next 59 s: the datapoint is still in ingestion.
    expect((await stateOf(a.AlarmName!)).value).toBe('INSUFFICIENT_DATA');
    sim.advance(MINUTE - 1);
    expect((await stateOf(a.AlarmName!)).value).toBe('INSUFFICIENT_DATA');
    // At the latest 120 s after the minute ended it is readable: the evaluation at minute + 3 min sees it.
    sim.advance(MINUTE + 1);
    const s = await stateOf(a.AlarmName!);
    expect(s.value).toBe('ALARM');
    const at = s.updated!.getTime();
    expect(at % MINUTE).toBe(0);
    expect(at).toBeGreaterThanOrEqual(minute + 2 * MINUTE);
    expect(at).toBeLessThanOrEqual(minute + 3 * MINUTE);
    expect(s.reason).toMatch(/^Threshold Crossed: 1 out of the last 1 datapoints \[97\.0 /);
  });

  it('judges the newest readable minutes: minutes still in ingestion do not count as missing (TreatMissingData breaching stays OK)', async () => {
    const { dims, publish } = series();
    const start = toNextMinute();
    // Four minutes of history, published as they ended.
    for (let i = 4; i >= 1; i--) publish(start - i * MINUTE, 40);
    const a = alarm({
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
      EvaluationPeriods: 2,
      TreatMissingData: 'breaching'
    });
    await c.cw.send(new PutMetricAlarmCommand(a));
    const states: string[] = [];
    for (let i = 0; i < 6; i++) {
      sim.advance(MINUTE);
      publish(start + i * MINUTE, 50);
      states.push((await stateOf(a.AlarmName!)).value!);
    }
    expect(states).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK']);
    // When the service stops publishing, the range empties and the missing minutes breach.
    sim.advance(6 * MINUTE);
    expect((await stateOf(a.AlarmName!)).value).toBe('ALARM');
  });

  it('with cloudwatchDelayMs 0, a minute is readable as soon as it ends', async () => {
    const instant = await startSim({ timeScale: 0, cloudwatchDelayMs: 0 });
    try {
      const cw = clients(instant).cw;
      const minute = Math.floor(instant.now() / MINUTE) * MINUTE;
      instant.advance(MINUTE);
      instant.world.models().cloudwatch.metrics.put({
        namespace: 'AWS/ECS',
        metricName: 'CPUUtilization',
        dimensions: { ClusterName: 'x' },
        value: 12,
        timestamp: minute,
        unit: 'Percent'
      });
      const stats = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/ECS',
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'ClusterName', Value: 'x' }],
          StartTime: new Date(minute - MINUTE),
          EndTime: new Date(instant.now()),
          Period: 60,
          Statistics: ['Average']
        })
      );
      expect(stats.Datapoints!.map((d) => d.Average)).toEqual([12]);
    } finally {
      await instant.close();
    }
  });
});
