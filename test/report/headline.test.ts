/** The one-sentence headline: verdict, root cause, where traffic is; never longer than 160 characters. */
import { describe, expect, test } from '@jest/globals';
import type { Cause } from '../../src/deploy/cause.js';
import type { Task } from '@aws-sdk/client-ecs';
import type { LogsApi } from '../../src/aws/logs.js';
import { failureHeadline, reportEvidence, whereTrafficIs } from '../../src/deploy/evidence.js';
import { TD7, TD8, context, dep, fakeAws, svc } from '../deploy/rolling-fakes.js';
import { HEADLINE_MAX, errorHeadline, headline } from '../../src/report/headline.js';
import { LockError } from '../../src/lock/lock.js';

const rows: Array<[Cause, string]> = [
  [{ kind: 'health-checks', codes: ['500'] }, 'web:5 failed its ELB health checks (HTTP 500)'],
  [{ kind: 'container-exited', container: 'web', exitCode: 1 }, 'web:5 essential container web exited with code 1'],
  [{ kind: 'oom', container: 'web' }, 'web:5 container web was OOM-killed (out of memory, exit 137)'],
  [{ kind: 'image-pull', image: 'registry.example.com/web:v9' }, 'web:5 could not pull image registry.example.com/web:v9'],
  [
    { kind: 'secret-fetch', secret: 'arn:aws:secretsmanager:us-east-1:1:secret:web/db-AbCdEf' },
    'web:5 could not fetch secret web/db-AbCdEf'
  ],
  [{ kind: 'secret-fetch', secret: 'arn:aws:ssm:us-east-1:1:parameter/web/db-url' }, 'web:5 could not fetch secret /web/db-url'],
  [{ kind: 'no-capacity' }, 'web:5 could not be placed: no capacity for its tasks'],
  [{ kind: 'timeout-starting', running: 0, desired: 2, after: '2m' }, 'web:5 was still starting at the timeout (2m): 0 of 2 tasks running'],
  [{ kind: 'alarm', name: 'web-cpu', value: '95.2', threshold: '80' }, 'web:5 set off alarm web-cpu (95.2 vs threshold 80)'],
  [{ kind: 'metric-gate', gate: 'max-error-rate', observed: '5xx 12.5 %', limit: '1 %' }, 'web:5 failed max-error-rate (5xx 12.5 % > 1 %)'],
  [{ kind: 'cancelled', signal: 'SIGTERM' }, 'web:5 was cancelled (SIGTERM)']
];

describe('headline', () => {
  test.each(rows)('%j', (cause, phrase) => {
    expect(headline({ status: 'rolled-back', revision: 'web:5', cause, where: '100 % stays on web-green (web:4)' })).toBe(
      `Rolled back: ${phrase} — 100 % stays on web-green (web:4)`
    );
  });

  test("the issue's example, word for word", () => {
    expect(
      headline({
        status: 'rolled-back',
        revision: 'web:5',
        cause: { kind: 'health-checks', codes: ['500'] },
        where: '100 % stays on web-green (web:4)'
      })
    ).toBe('Rolled back: web:5 failed its ELB health checks (HTTP 500) — 100 % stays on web-green (web:4)');
  });

  test('a long cause is clipped at a word, and where traffic is always survives', () => {
    const text = headline({
      status: 'failed',
      revision: 'web:5',
      cause: {
        kind: 'other',
        text:
          'x '.repeat(50) + 'an extremely long explanation that goes on and on about ECS internals and deployment ids ecs-svc/1234567890'
      },
      where: 'rollback incomplete, check service web'
    });
    expect(text.length).toBeLessThanOrEqual(HEADLINE_MAX);
    expect(text.startsWith('Failed: web:5 ')).toBe(true);
    expect(text.endsWith(' — rollback incomplete, check service web')).toBe(true);
    expect(text).toContain('…');
  });
});

describe('whereTrafficIs', () => {
  test('blue/green: the live colour keeps 100 % on the previous revision', () => {
    expect(
      whereTrafficIs('rolled-back', 'x: rolled back', {
        previousTaskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:4',
        outputs: { 'live-service': 'web-green', traffic: 'web-blue=0,web-green=100' }
      })
    ).toBe('100 % stays on web-green (web:4)');
  });

  test('rolling: the service is back on the previous revision', () => {
    expect(
      whereTrafficIs('rolled-back', 'x', { previousTaskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:4', outputs: {} }, 'web')
    ).toBe('web is back on web:4');
  });

  test('a failed rollback says so, with the traffic as it was left', () => {
    expect(
      whereTrafficIs('failed', 'gate failed, and the rollback did not complete: listener unchanged', {
        outputs: { 'live-service': 'web-blue', traffic: 'web-blue=50,web-green=50' }
      })
    ).toBe('rollback incomplete, check web-blue: traffic web-blue 50 %, web-green 50 %');
  });
});

describe('errorHeadline', () => {
  test('a busy lock: who holds it, and that nothing changed', () => {
    const busy = new LockError(
      'deployment lock ecs/prod/web is held by run 42; gave up after waiting 5 s (lock-timeout). Nothing was changed.',
      'busy',
      'ecs/prod/web',
      'run 42'
    );
    expect(errorHeadline(busy)).toBe('Not deployed: deployment lock ecs/prod/web is held by run 42 — nothing changed');
  });

  test('any other error keeps its own message', () => {
    expect(errorHeadline(new Error('service web not found'))).toBeUndefined();
  });
});

describe('the evidence behind the headline', () => {
  const crashed = (id: string, td: string): Task => ({
    taskArn: `arn:aws:ecs:eu-west-1:1:task/prod/${id}`,
    taskDefinitionArn: td,
    lastStatus: 'STOPPED',
    stoppedAt: new Date(1_700_000_000_000),
    stoppedReason: 'Essential container in task exited',
    stopCode: 'EssentialContainerExited',
    containers: [{ name: 'web', exitCode: 4 }]
  });

  test('the last log lines of each failed container, from its awslogs stream, with a console link', async () => {
    const service = svc([dep('ecs-svc/2', 'PRIMARY', TD8)], []);
    const { aws } = fakeAws({ describe: () => service, stoppedTasks: [crashed('t1', TD8)] });
    aws.ecs.describeTaskDefinition = async (ref) => ({
      taskDefinition: {
        taskDefinitionArn: ref,
        containerDefinitions: [
          {
            name: 'web',
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'web' }
            }
          }
        ]
      },
      tags: []
    });
    const tails: unknown[][] = [];
    const logs: LogsApi = {
      tail: async (...args) => {
        tails.push(args);
        return [{ timestamp: Date.UTC(2026, 0, 1), message: 'boom' }];
      }
    };
    const { ctx, reporter } = context(aws);
    await reportEvidence(
      { ...ctx, evidence: { logLines: 5, logs } },
      { cluster: 'prod', service, taskDefinitionArn: TD8, deploymentId: 'ecs-svc/2' }
    );
    expect(tails).toEqual([['eu-west-1', '/ecs/web', 'web/web/t1', 5]]);
    const block = reporter.events.find((e) => e.kind === 'evidence' && e.title.startsWith('Last log lines'));
    expect(block).toEqual({
      kind: 'evidence',
      title: 'Last log lines of container web in task t1 (/ecs/web, web/web/t1)',
      lines: ['2026-01-01T00:00:00.000Z boom'],
      link: {
        label: 'log stream web/web/t1',
        url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fweb/log-events/web$252Fweb$252Ft1'
      }
    });
  });

  test("one revision's evidence never explains another's failure (the services of a release share a reporter)", async () => {
    const service = svc([dep('ecs-svc/2', 'PRIMARY', TD8)], []);
    const { aws } = fakeAws({ describe: () => service, stoppedTasks: [crashed('t1', TD8)] });
    const { ctx, reporter } = context(aws);
    await reportEvidence(
      { ...ctx, evidence: { logLines: 0 } },
      { cluster: 'prod', service, taskDefinitionArn: TD8, deploymentId: 'ecs-svc/2' }
    );
    const other = failureHeadline(reporter, 'rolled-back', 'rolled back with the release', { taskDefinitionArn: TD7, outputs: {} });
    expect(other).toBe('Rolled back: web:7 rolled back with the release');
    const own = failureHeadline(reporter, 'rolled-back', 'ECS rolled the service back to web:7', {
      taskDefinitionArn: TD8,
      previousTaskDefinitionArn: TD7,
      outputs: {}
    });
    expect(own).toBe('Rolled back: web:8 essential container web exited with code 4 — web is back on web:7');
  });
});
