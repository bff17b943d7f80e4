/** What a task definition refers to outside itself, and how ECS reads each form of image URI and valueFrom. */
import { describe, expect, it } from '@jest/globals';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { collectReferences, executionRoleNeed, parseEcrImage, parseValueFrom } from '../../src/verify/references.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseEcrImage', () => {
  it.each([
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2',
      { registryId: '123456789012', region: 'us-east-1', repository: 'web', tag: 'v2' }
    ],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web',
      { registryId: '123456789012', region: 'eu-west-1', repository: 'team/web', tag: 'latest' }
    ],
    [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${DIGEST}`,
      { registryId: '123456789012', region: 'us-east-1', repository: 'web', digest: DIGEST }
    ],
    // ECS pulls by the digest when both are given; the tag is only a label then.
    [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2@${DIGEST}`,
      { registryId: '123456789012', region: 'us-east-1', repository: 'web', digest: DIGEST }
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web:v1',
      { registryId: '123456789012', region: 'cn-north-1', repository: 'web', tag: 'v1' }
    ],
    [
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web:v1',
      { registryId: '123456789012', region: 'us-gov-west-1', repository: 'web', tag: 'v1' }
    ]
  ])('%s is an ECR image', (uri, expected) => {
    expect(parseEcrImage(uri)).toEqual(expected);
  });

  it.each([
    'nginx:1.27',
    'public.ecr.aws/nginx/nginx:latest',
    'ghcr.io/acme/web:v1',
    'registry.example.com/web:v2',
    '123456789012.dkr.ecr.us-east-1.example.com/web:v1'
  ])('%s is not (not checked)', (uri) => expect(parseEcrImage(uri)).toBeUndefined());
});

describe('parseValueFrom', () => {
  const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';
  it.each([
    [ARN, { kind: 'secretsmanager', region: 'us-east-1', account: '123456789012', secretId: ARN }],
    [`${ARN}:password::`, { kind: 'secretsmanager', region: 'us-east-1', account: '123456789012', secretId: ARN, jsonKey: 'password' }],
    [
      `${ARN}:password:AWSPREVIOUS:`,
      {
        kind: 'secretsmanager',
        region: 'us-east-1',
        account: '123456789012',
        secretId: ARN,
        jsonKey: 'password',
        versionStage: 'AWSPREVIOUS'
      }
    ],
    [
      `${ARN}:::0a1b2c3d-1111-4222-a333-444455556666`,
      {
        kind: 'secretsmanager',
        region: 'us-east-1',
        account: '123456789012',
        secretId: ARN,
        versionId: '0a1b2c3d-1111-4222-a333-444455556666'
      }
    ],
    [
      'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db-url',
      { kind: 'ssm', region: 'eu-west-1', name: 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db-url' }
    ],
    ['/prod/db-url', { kind: 'ssm', name: '/prod/db-url' }],
    ['db-url', { kind: 'ssm', name: 'db-url' }],
    ['/aws/reference/secretsmanager/prod/db', { kind: 'secretsmanager', secretId: 'prod/db' }]
  ])('%s', (valueFrom, expected) => {
    expect(parseValueFrom(valueFrom)).toEqual(expected);
  });

  it.each([
    ['arn:aws:s3:::bucket/key', /Secrets Manager secret or an SSM parameter/],
    [`${ARN}:a:b:c:d`, /at most three fields/],
    [`${ARN}::AWSCURRENT:0a1b2c3d`, /not both/],
    ['', /empty/]
  ])('%s is refused', (valueFrom, reason) => {
    const parsed = parseValueFrom(valueFrom);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason);
  });
});

const TD: RegisterTaskDefinitionCommandInput = {
  family: 'web',
  requiresCompatibilities: ['FARGATE'],
  executionRoleArn: 'arn:aws:iam::123456789012:role/service-role/ecsTaskExecutionRole',
  taskRoleArn: 'arn:aws:iam::123456789012:role/web-task-role',
  containerDefinitions: [
    {
      name: 'web',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2',
      secrets: [{ name: 'DB_URL', valueFrom: '/prod/web/db-url' }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' },
        secretOptions: [{ name: 'token', valueFrom: '/prod/log-token' }]
      }
    },
    {
      name: 'proxy',
      image: 'ghcr.io/acme/proxy:1',
      repositoryCredentials: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ghcr-AbCdEf' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/proxy', 'awslogs-create-group': 'true' } }
    }
  ]
};

describe('collectReferences', () => {
  it('names the field of every outside reference, in document order', () => {
    expect(collectReferences(TD).map((r) => [r.kind, r.path, r.container])).toEqual([
      ['role', 'executionRoleArn', undefined],
      ['role', 'taskRoleArn', undefined],
      ['image', 'containerDefinitions[0].image', 'web'],
      ['secret', 'containerDefinitions[0].secrets[0].valueFrom', 'web'],
      ['secret', 'containerDefinitions[0].logConfiguration.secretOptions[0].valueFrom', 'web'],
      ['log-group', 'containerDefinitions[0].logConfiguration.options', 'web'],
      ['image', 'containerDefinitions[1].image', 'proxy'],
      ['secret', 'containerDefinitions[1].repositoryCredentials.credentialsParameter', 'proxy'],
      ['log-group', 'containerDefinitions[1].logConfiguration.options', 'proxy']
    ]);
  });

  it('reads the role name after any path, and awslogs-create-group', () => {
    const refs = collectReferences(TD);
    expect(refs[0]).toMatchObject({ roleName: 'ecsTaskExecutionRole', account: '123456789012' });
    expect(refs.filter((r) => r.kind === 'log-group').map((r) => r.kind === 'log-group' && r.createGroup)).toEqual([false, true]);
  });
});

describe('executionRoleNeed', () => {
  it('secrets need an execution role anywhere; ECR pulls and awslogs only on Fargate', () => {
    const secretsOnEc2 = { family: 'x', containerDefinitions: [{ name: 'a', image: 'nginx', secrets: [{ name: 'A', valueFrom: '/a' }] }] };
    expect(executionRoleNeed(secretsOnEc2, collectReferences(secretsOnEc2))).toMatch(/secrets/);
    const ecrOnEc2 = { family: 'x', containerDefinitions: [{ name: 'a', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1' }] };
    expect(executionRoleNeed(ecrOnEc2, collectReferences(ecrOnEc2))).toBeUndefined();
    const ecrOnFargate = { ...ecrOnEc2, requiresCompatibilities: ['FARGATE' as const] };
    expect(executionRoleNeed(ecrOnFargate, collectReferences(ecrOnFargate))).toMatch(/ECR/);
    const plain = { family: 'x', requiresCompatibilities: ['FARGATE' as const], containerDefinitions: [{ name: 'a', image: 'nginx' }] };
    expect(executionRoleNeed(plain, collectReferences(plain))).toBeUndefined();
  });
});
