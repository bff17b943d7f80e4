/** The pre-deploy checks against a stub of the verify API: every problem reported together, each with its field and fix. */
import { describe, expect, it } from '@jest/globals';
import type { RegisterTaskDefinitionCommandInput, Service } from '@aws-sdk/client-ecs';
import type { ImageLookup, RoleInfo, SecretInfo, VerifyApi } from '../../src/aws/verify-clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { trustsEcsTasks, verifyTaskDefinition, type CheckResult } from '../../src/verify/checks.js';
import { formatResults } from '../../src/verify/report.js';

const ACCOUNT = '123456789012';
const REGISTRY = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/api-key-AbCdEf`;
const ECS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }]
});

interface World {
  images: Record<string, string[]>;
  parameters: string[];
  secrets: Record<string, SecretInfo>;
  roles: Record<string, string>;
  logGroups: string[];
  cluster?: string;
  services: Service[];
}

function world(overrides: Partial<World> = {}): World {
  return {
    images: { web: ['v1', 'v2'] },
    parameters: ['/prod/db-url'],
    secrets: { [SECRET]: { arn: SECRET, name: 'prod/api-key', versionIdsToStages: { 'v-1': ['AWSPREVIOUS'], 'v-2': ['AWSCURRENT'] } } },
    roles: { ecsTaskExecutionRole: ECS_TRUST, 'web-task-role': ECS_TRUST },
    logGroups: ['/ecs/web'],
    cluster: 'prod',
    services: [{ serviceName: 'web', status: 'ACTIVE', loadBalancers: [{ containerName: 'web', containerPort: 8080 }] }],
    ...overrides
  };
}

/** A stub of the verify API over a small world, counting calls. */
function stub(w: World, fail: Partial<Record<keyof VerifyApi, Error>> = {}): VerifyApi & { calls: string[] } {
  const calls: string[] = [];
  const guard = (name: keyof VerifyApi): void => {
    calls.push(name);
    if (fail[name]) throw fail[name];
  };
  return {
    calls,
    describeImage: async (id): Promise<ImageLookup> => {
      guard('describeImage');
      const tags = w.images[id.repository];
      if (!tags) return { found: false, missing: 'repository', message: 'no repository' };
      return id.tag && tags.includes(id.tag)
        ? { found: true, digest: `sha256:${id.tag}` }
        : { found: false, missing: 'image', message: 'no image' };
    },
    getParameters: async (_region, names) => {
      guard('getParameters');
      return { found: names.filter((n) => w.parameters.includes(n)), missing: names.filter((n) => !w.parameters.includes(n)) };
    },
    describeSecret: async (_region, id) => {
      guard('describeSecret');
      return w.secrets[id];
    },
    getRole: async (name): Promise<RoleInfo | undefined> => {
      guard('getRole');
      return w.roles[name] === undefined ? undefined : { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, trustPolicy: w.roles[name] };
    },
    logGroupExists: async (_region, name) => {
      guard('logGroupExists');
      return w.logGroups.includes(name);
    },
    describeCluster: async (name) => {
      guard('describeCluster');
      return name === w.cluster ? { arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${name}`, status: 'ACTIVE' } : undefined;
    },
    describeServices: async (_cluster, names) => {
      guard('describeServices');
      return {
        services: w.services.filter((s) => names.includes(s.serviceName!)),
        missing: names.filter((n) => !w.services.some((s) => s.serviceName === n))
      };
    }
  };
}

function taskDefinition(
  overrides: Partial<RegisterTaskDefinitionCommandInput['containerDefinitions'] extends (infer C)[] | undefined ? C : never> = {},
  td: Partial<RegisterTaskDefinitionCommandInput> = {}
): RegisterTaskDefinitionCommandInput {
  return {
    family: 'web',
    requiresCompatibilities: ['FARGATE'],
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task-role`,
    containerDefinitions: [
      {
        name: 'web',
        image: `${REGISTRY}/web:v2`,
        portMappings: [{ containerPort: 8080 }],
        secrets: [
          { name: 'DB_URL', valueFrom: '/prod/db-url' },
          { name: 'API_KEY', valueFrom: `${SECRET}:key::` }
        ],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' } },
        ...overrides
      }
    ],
    ...td
  };
}

const TARGET = { cluster: 'prod', services: ['web'] };

function failed(results: CheckResult[]): { path: string; detail: string; fix?: string }[] {
  return results.filter((r) => r.outcome === 'failed').map(({ path, detail, fix }) => ({ path, detail, ...(fix ? { fix } : {}) }));
}

describe('verifyTaskDefinition', () => {
  it('a task definition whose references all exist passes, every check named', async () => {
    const results = await verifyTaskDefinition(taskDefinition(), TARGET, stub(world()));
    expect(results.map((r) => [r.kind, r.outcome])).toEqual([
      ['cluster', 'ok'],
      ['service', 'ok'],
      ['role', 'ok'],
      ['role', 'ok'],
      ['image', 'ok'],
      ['secret', 'ok'],
      ['secret', 'ok'],
      ['log-group', 'ok']
    ]);
    // A JSON key needs the secret's value, which verify does not read: said so, not claimed.
    expect(results.find((r) => r.path.endsWith('secrets[1].valueFrom'))?.detail).toMatch(/JSON key key not checked/);
  });

  it('reports every problem at once, each with the field to change and the fix', async () => {
    const w = world({ parameters: [], logGroups: [], roles: { ecsTaskExecutionRole: ECS_TRUST } });
    const td = taskDefinition({
      image: `${REGISTRY}/web:v9`,
      secrets: [
        { name: 'DB_URL', valueFrom: '/prod/db-url' },
        { name: 'OLD', valueFrom: `${SECRET}::AWSPENDING:` }
      ]
    });
    const results = await verifyTaskDefinition(td, TARGET, stub(w), { region: 'us-east-1' });
    expect(failed(results)).toEqual([
      { path: 'taskRoleArn', detail: 'role web-task-role does not exist', fix: 'create it, or fix taskRoleArn' },
      {
        path: 'containerDefinitions[0].image',
        detail: `tag v9 is not in repository web (registry ${ACCOUNT}, us-east-1)`,
        fix: 'push the image before deploying, or fix the tag in the image URI'
      },
      {
        path: 'containerDefinitions[0].secrets[0].valueFrom',
        detail: 'SSM parameter /prod/db-url does not exist in us-east-1',
        fix: expect.stringContaining('put-parameter')
      },
      {
        path: 'containerDefinitions[0].secrets[1].valueFrom',
        detail: 'secret prod/api-key has no version labelled AWSPENDING (labels: AWSPREVIOUS, AWSCURRENT)',
        fix: expect.stringContaining('version stage')
      },
      {
        path: 'containerDefinitions[0].logConfiguration.options',
        detail: 'log group /ecs/web does not exist in us-east-1: tasks will fail to start',
        fix: expect.stringContaining('create-log-group')
      }
    ]);
    expect(results.every((r) => r.outcome !== 'failed' || r.container === undefined || r.container === 'web')).toBe(true);
  });

  it('a secret scheduled for deletion, a missing repository and a role ECS tasks may not assume each fail', async () => {
    const deleted = { arn: SECRET, name: 'prod/api-key', deletedDate: new Date('2026-11-20T00:00:00Z'), versionIdsToStages: {} };
    const w = world({
      images: {},
      secrets: { [SECRET]: deleted },
      roles: {
        ecsTaskExecutionRole: ECS_TRUST,
        'web-task-role': JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]
        })
      }
    });
    const results = await verifyTaskDefinition(taskDefinition(), TARGET, stub(w));
    expect(failed(results).map((f) => [f.path, f.detail])).toEqual([
      ['taskRoleArn', 'role web-task-role exists, but its trust policy does not let ECS tasks assume it'],
      ['containerDefinitions[0].image', `repository web does not exist in registry ${ACCOUNT} (us-east-1)`],
      [
        'containerDefinitions[0].secrets[1].valueFrom',
        'secret prod/api-key is scheduled for deletion (deleted 2026-11-20T00:00:00.000Z): tasks cannot read it'
      ]
    ]);
  });

  it('images outside ECR and groups ECS creates itself are "not checked", which is not a failure', async () => {
    const td = taskDefinition({
      image: 'nginx:1.27',
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/new', 'awslogs-create-group': 'true' } }
    });
    const api = stub(world());
    const results = await verifyTaskDefinition(td, TARGET, api);
    expect(results.filter((r) => r.outcome === 'skipped').map((r) => [r.kind, r.detail])).toEqual([
      ['image', expect.stringMatching(/^not checked: not an ECR image/)],
      ['log-group', expect.stringMatching(/^not checked: ECS creates it/)]
    ]);
    expect(failed(results)).toEqual([]);
    expect(api.calls).not.toContain('describeImage');
    expect(api.calls).not.toContain('logGroupExists');
  });

  it('a missing cluster fails and its services are not checked; a missing or mismatched service fails with the flag to fix', async () => {
    const missingCluster = await verifyTaskDefinition(taskDefinition(), { cluster: 'staging', services: ['web'] }, stub(world()));
    expect(missingCluster.slice(0, 2).map((r) => [r.kind, r.outcome, r.detail])).toEqual([
      ['cluster', 'failed', 'cluster staging does not exist'],
      ['service', 'skipped', 'not checked: the cluster is missing']
    ]);

    const w = world({
      services: [{ serviceName: 'web-blue', status: 'ACTIVE', loadBalancers: [{ containerName: 'app', containerPort: 8080 }] }]
    });
    const results = await verifyTaskDefinition(
      taskDefinition(),
      {
        cluster: 'prod',
        services: ['web-blue', 'web-green'],
        serviceFlags: { 'web-blue': '--blue-service', 'web-green': '--green-service' }
      },
      stub(w)
    );
    expect(failed(results)).toEqual([
      {
        path: '--blue-service',
        detail: 'service web-blue: its load balancer sends traffic to container app, which the task definition does not have',
        fix: expect.stringContaining('container name')
      },
      { path: '--green-service', detail: 'service web-green does not exist in cluster prod', fix: 'create it, or fix --green-service' }
    ]);
  });

  it('a task on Fargate that pulls from ECR, reads secrets and logs with awslogs needs an execution role', async () => {
    const results = await verifyTaskDefinition(taskDefinition({}, { executionRoleArn: undefined }), TARGET, stub(world()));
    expect(failed(results)).toEqual([
      {
        path: 'executionRoleArn',
        detail: 'no execution role, which the task needs: its containers read secrets or parameters',
        fix: expect.stringContaining('executionRoleArn')
      }
    ]);
  });

  it('a lookup that fails (access denied) fails its check, says it could not check, and names the permission; the others still run', async () => {
    const denied = new AwsCallError(
      'describing secret x',
      'AccessDeniedException',
      'not authorized to perform: secretsmanager:DescribeSecret'
    );
    const results = await verifyTaskDefinition(taskDefinition(), TARGET, stub(world(), { describeSecret: denied }));
    expect(failed(results)).toEqual([
      {
        path: 'containerDefinitions[0].secrets[1].valueFrom',
        detail: expect.stringMatching(/^could not check: describing secret x: AccessDeniedException/),
        fix: 'allow secretsmanager:DescribeSecret to the credentials verify runs with'
      }
    ]);
    expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(7);
  });

  it('the same secret, image or role named twice is looked up once; SSM names go in one GetParameters round', async () => {
    const td = taskDefinition();
    td.containerDefinitions!.push({
      ...td.containerDefinitions![0],
      name: 'worker',
      secrets: [...td.containerDefinitions![0].secrets!, { name: 'OTHER', valueFrom: '/prod/other' }]
    });
    const api = stub(world({ parameters: ['/prod/db-url', '/prod/other'] }));
    const results = await verifyTaskDefinition(td, TARGET, api, { region: 'us-east-1' });
    expect(failed(results)).toEqual([]);
    const count = (name: string): number => api.calls.filter((c) => c === name).length;
    expect([count('describeImage'), count('describeSecret'), count('getParameters'), count('logGroupExists'), count('getRole')]).toEqual([
      1, 1, 1, 1, 2
    ]);
  });

  it('a role in another account than the cluster is not checked', async () => {
    const results = await verifyTaskDefinition(
      taskDefinition({}, { taskRoleArn: 'arn:aws:iam::210987654321:role/shared' }),
      TARGET,
      stub(world())
    );
    expect(results.find((r) => r.path === 'taskRoleArn')).toMatchObject({
      outcome: 'skipped',
      detail: 'not checked: the role is in account 210987654321, the cluster in 123456789012'
    });
  });
});

describe('trustsEcsTasks', () => {
  it.each([
    [
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
            Action: ['sts:AssumeRole', 'sts:TagSession']
          }
        ]
      },
      true
    ],
    [{ Statement: { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' } }, true],
    [{ Statement: [{ Effect: 'Deny', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, false],
    [
      { Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] },
      false
    ],
    [{ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] }, false]
  ])('%j → %s', (policy, expected) => {
    expect(trustsEcsTasks(JSON.stringify(policy))).toBe(expected);
  });
  it('a policy that is not JSON does not trust anyone', () => expect(trustsEcsTasks('%7B')).toBe(false));
});

describe('formatResults', () => {
  it('puts failures first with their fix under them, and ends with the count', async () => {
    const results = await verifyTaskDefinition(taskDefinition({ image: `${REGISTRY}/web:v9` }), TARGET, stub(world()));
    const text = formatResults(results, 'verify web → cluster prod');
    const lines = text.split('\n');
    expect(lines[0]).toBe('verify web → cluster prod');
    expect(lines[1]).toMatch(/^ {2}FAILED {3}containerDefinitions\[0\]\.image \(container web\): tag v9 is not in repository web/);
    expect(lines[2]).toMatch(/^ +fix: push the image before deploying/);
    expect(lines.at(-1)).toBe('1 problem found; 7 passed, 0 not checked');
  });
});
