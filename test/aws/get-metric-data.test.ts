/** GetMetricData in the AWS access layer (SDK mocked): pages merged per query, batches of 500, errors wrapped. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { createAws } from '../../src/aws/clients.js';

const cw = mockClient(CloudWatchClient);
beforeEach(() => {
  cw.reset();
});

const query = (id: string): MetricDataQuery => ({
  Id: id,
  MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [] }, Period: 60, Stat: 'Sum' }
});
const start = new Date(Date.UTC(2026, 0, 1, 10));
const end = new Date(Date.UTC(2026, 0, 2, 10));

describe('getMetricData', () => {
  test("follows NextToken and merges each query's datapoints across pages", async () => {
    cw.on(GetMetricDataCommand).callsFake((input: { NextToken?: string }) =>
      input.NextToken === undefined
        ? { MetricDataResults: [{ Id: 'a', Timestamps: [new Date(1)], Values: [1], StatusCode: 'PartialData' }], NextToken: 'p2' }
        : {
            MetricDataResults: [
              { Id: 'a', Timestamps: [new Date(2)], Values: [2], StatusCode: 'Complete' },
              { Id: 'b', Timestamps: [], Values: [], StatusCode: 'Complete' }
            ]
          }
    );
    const out = await createAws({ region: 'us-east-1' }).cloudwatch.getMetricData([query('a'), query('b')], start, end);
    expect(out).toEqual([
      { Id: 'a', Timestamps: [new Date(1), new Date(2)], Values: [1, 2], StatusCode: 'Complete' },
      { Id: 'b', Timestamps: [], Values: [], StatusCode: 'Complete' }
    ]);
    const calls = cw.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1].args[0].input).toMatchObject({ NextToken: 'p2', StartTime: start, EndTime: end });
  });

  test('sends at most 500 queries a call (the API limit)', async () => {
    cw.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: MetricDataQuery[] }) => ({
      MetricDataResults: input.MetricDataQueries.map((q) => ({ Id: q.Id, Timestamps: [], Values: [] }))
    }));
    const out = await createAws({ region: 'us-east-1' }).cloudwatch.getMetricData(
      Array.from({ length: 501 }, (_, i) => query(`q${i}`)),
      start,
      end
    );
    expect(out).toHaveLength(501);
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries!.length)).toEqual([500, 1]);
  });

  test('a page that never ends is cut off with an error, not followed for ever', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [], NextToken: 'again' });
    await expect(createAws({ region: 'us-east-1' }).cloudwatch.getMetricData([query('a')], start, end)).rejects.toThrow(
      /reading metric RequestCount: .*more than 100 pages/
    );
  });

  test('errors say what was being read', async () => {
    cw.on(GetMetricDataCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), { name: 'AccessDenied', $metadata: {} })
    );
    await expect(createAws({ region: 'us-east-1' }).cloudwatch.getMetricData([query('a')], start, end)).rejects.toThrow(
      /reading metric RequestCount: .*not authorized/
    );
  });
});
