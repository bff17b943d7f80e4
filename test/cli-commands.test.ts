import { describe, expect, test } from '@jest/globals';
import type { Service, ServiceDeploymentBrief, ServiceRevision } from '@aws-sdk/client-ecs';
import { boundedAws, type CloudWatchApi, type EcsAdminApi, type EcsApi, type ElbApi } from '../src/aws/clients.js';
import type { Reporter } from '../src/events.js';
import { findPrevious, parseRevision, usesByRevision } from '../src/commands/history.js';
import { planDeregister } from '../src/commands/deregister.js';
import type { RevisionRow } from '../src/commands/revisions.js';

const ARN = (rev: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${rev}`;

const warnings: string[] = [];
const reporter: Reporter = {
  info: () => undefined,
  notice: () => undefined,
  warning: (m) => void warnings.push(m),
  phase: (_p, _t, fn) => fn(),
  event: () => undefined,
  secret: () => undefined
};

/**
 * A service on `current` whose successful deployments (newest first) put these revisions in
 * place, in a family with these ACTIVE revisions; `history: 'denied'` makes the history unreadable.
 */
function world(o: { current: string; history: string[] | 'denied'; active: string[]; inactive?: string[] }) {
  const reject = (): Promise<never> => Promise.reject(new Error('not in this fake'));
  const history = o.history;
  const ecs: EcsApi = {
    describeTaskDefinition: async (ref) => ({
      taskDefinition: { taskDefinitionArn: ref, status: o.inactive?.includes(ref.split('/').pop()!) ? 'INACTIVE' : 'ACTIVE' },
      tags: []
    }),
    latestTaskDefinition: reject,
    registerTaskDefinition: reject,
    describeServices: reject,
    updateService: reject,
    listTasks: reject,
    describeTasks: reject,
    runTask: reject,
    stopTask: reject,
    describeServiceDeployments: reject,
    continueServiceDeployment: reject,
    stopServiceDeployment: reject,
    listServiceDeployments: async (): Promise<ServiceDeploymentBrief[]> => {
      if (history === 'denied')
        throw Object.assign(new Error('not authorized to perform: ecs:ListServiceDeployments'), { name: 'AccessDeniedException' });
      return history.map((_, i) => ({ serviceDeploymentArn: `sd/${i}`, targetServiceRevisionArn: `sr/${i}`, status: 'SUCCESSFUL' }));
    },
    describeServiceRevisions: async (arns: string[]): Promise<ServiceRevision[]> =>
      arns.map((arn) => ({ serviceRevisionArn: arn, taskDefinition: ARN((history as string[])[Number(arn.split('/')[1])]) }))
  };
  const elb: ElbApi = {
    describeListener: reject,
    modifyListenerDefaultActions: reject,
    describeRule: reject,
    modifyRuleActions: reject,
    describeTargetGroups: reject,
    describeTargetHealth: reject
  };
  const cloudwatch: CloudWatchApi = { putMetricAlarm: reject, describeAlarms: reject, deleteAlarms: reject, getMetricData: reject };
  const ecsAdmin: EcsAdminApi = {
    listTaskDefinitions: async () => o.active.map(ARN),
    deregisterTaskDefinition: reject,
    listServices: reject
  };
  const service: Service = {
    serviceName: 'web',
    taskDefinition: ARN(o.current),
    deployments: [{ status: 'PRIMARY', taskDefinition: ARN(o.current) }]
  };
  return { aws: boundedAws({ ecs, elb, cloudwatch, ecsAdmin }), service };
}

describe('the previous revision of a rolling service', () => {
  test.each([
    // The newest older revision a successful deployment put in place, skipping the current and newer ones.
    [
      { current: 'web:7', history: ['web:7', 'web:9', 'web:6', 'web:5'], active: ['web:5', 'web:6', 'web:7', 'web:8', 'web:9'] },
      'web:6',
      'deployment-history'
    ],
    // After a rollback to web:6 the history's newest is web:7 (newer): a second rollback goes on to web:5, never forward.
    [
      { current: 'web:6', history: ['web:6', 'web:7', 'web:6', 'web:5'], active: ['web:5', 'web:6', 'web:7'] },
      'web:5',
      'deployment-history'
    ],
    // Registered but never deployed revisions (web:8) are not taken from the history; other families neither.
    [{ current: 'web:9', history: ['web:9', 'api:3', 'web:4'], active: ['web:4', 'web:8', 'web:9'] }, 'web:4', 'deployment-history'],
    // A deregistered one is skipped: ECS would refuse to deploy it.
    [
      { current: 'web:7', history: ['web:7', 'web:6', 'web:5'], active: ['web:5', 'web:7'], inactive: ['web:6'] },
      'web:5',
      'deployment-history'
    ],
    // No history: the family's newest ACTIVE revision older than the current one.
    [{ current: 'web:9', history: [], active: ['web:2', 'web:4', 'web:8', 'web:9', 'web:10'] }, 'web:8', 'family-revisions'],
    [{ current: 'web:9', history: 'denied' as const, active: ['web:3', 'web:9'] }, 'web:3', 'family-revisions']
  ])('%j → %s', async (o, expected, source) => {
    const { aws, service } = world(o);
    const previous = await findPrevious(aws, 'prod', service, reporter);
    expect(previous).toMatchObject({ arn: ARN(expected), source });
  });

  test('an unreadable history is said, then the family is used', async () => {
    warnings.length = 0;
    const { aws, service } = world({ current: 'web:9', history: 'denied', active: ['web:3', 'web:9'] });
    await findPrevious(aws, 'prod', service, reporter);
    expect(warnings.join('\n')).toMatch(/could not read the deployment history of service web .*AccessDenied|not authorized/);
  });

  test('nothing older: says why, rather than picking a newer revision', async () => {
    const { aws, service } = world({ current: 'web:1', history: ['web:1'], active: ['web:1', 'web:2'] });
    expect(await findPrevious(aws, 'prod', service, reporter)).toEqual({
      none: 'service web runs web:1 and web has no older ACTIVE revision to go back to'
    });
  });
});

describe('deregister --keep N', () => {
  const row = (revision: number, extra: Partial<RevisionRow> = {}): RevisionRow => ({
    arn: ARN(`web:${revision}`),
    revision,
    status: 'ACTIVE',
    usedBy: [],
    rollbackTargetOf: [],
    ...extra
  });
  const use = { cluster: 'prod', service: 'web-green', colour: 'green' as const, deployment: 'PRIMARY', running: 0, desired: 0 };

  test('keeps the newest N, anything in use (an idle colour at 0 tasks too) and rollback targets; deregisters the rest, oldest first', () => {
    const plan = planDeregister(
      [
        row(9),
        row(8),
        row(7),
        row(6, { rollbackTargetOf: ['web'] }),
        row(5),
        row(4, { usedBy: [use] }),
        row(3),
        row(2, { status: 'INACTIVE' })
      ],
      2
    );
    expect(plan.deregister).toEqual([ARN('web:3'), ARN('web:5'), ARN('web:7')]);
    expect(plan.keep).toEqual([
      { arn: ARN('web:9'), why: 'one of the newest 2' },
      { arn: ARN('web:8'), why: 'one of the newest 2' },
      { arn: ARN('web:6'), why: 'rollback target of web' },
      { arn: ARN('web:4'), why: 'used by green web-green (PRIMARY)' }
    ]);
  });

  test('--keep 0 still keeps what runs and what a rollback needs', () => {
    const plan = planDeregister(
      [
        row(3, { usedBy: [{ cluster: 'prod', service: 'web', deployment: 'PRIMARY', running: 2, desired: 2 }] }),
        row(2, { rollbackTargetOf: ['web'] }),
        row(1)
      ],
      0
    );
    expect(plan.deregister).toEqual([ARN('web:1')]);
  });
});

describe('who uses a revision', () => {
  test('every deployment of every service counts, ACTIVE ones being drained too', () => {
    const uses = usesByRevision([
      {
        cluster: 'prod',
        service: {
          serviceName: 'web',
          deployments: [
            { status: 'PRIMARY', taskDefinition: ARN('web:8'), runningCount: 1, desiredCount: 2 },
            { status: 'ACTIVE', taskDefinition: ARN('web:7'), runningCount: 2, desiredCount: 0 }
          ]
        }
      }
    ]);
    expect([...uses.keys()]).toEqual([ARN('web:8'), ARN('web:7')]);
    expect(uses.get(ARN('web:7'))).toEqual([{ cluster: 'prod', service: 'web', deployment: 'ACTIVE', running: 2, desired: 0 }]);
  });
  test.each([
    ['arn:aws:ecs:us-east-1:1:task-definition/web-api_2:17', { family: 'web-api_2', revision: 17 }],
    ['web:3', { family: 'web', revision: 3 }],
    ['web', undefined]
  ])('parseRevision(%s)', (ref, expected) => {
    expect(parseRevision(ref)).toEqual(expected);
  });
});
