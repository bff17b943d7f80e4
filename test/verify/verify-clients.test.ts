/** verify's AWS layer with the SDK clients mocked (aws-sdk-client-mock): not-found answers, batching, paging, decoding, wrapped errors, per-region clients. */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { createVerifyClients } from '../../src/aws/verify-clients.js';
import { AwsCallError } from '../../src/aws/errors.js';

const ecr = mockClient(ECRClient);
const ssm = mockClient(SSMClient);
const sm = mockClient(SecretsManagerClient);
const iam = mockClient(IAMClient);
const logs = mockClient(CloudWatchLogsClient);
const ecs = mockClient(ECSClient);

beforeEach(() => {
  for (const m of [ecr, ssm, sm, iam, logs, ecs]) m.reset();
});

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

const api = () => createVerifyClients({ region: 'us-east-1', maxAttempts: 1 });
const IMAGE = { registryId: '123456789012', region: 'eu-west-1', repository: 'web', tag: 'v2' };

describe('describeImage', () => {
  it('looks the tag up in the registry and region of the URI', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: 'sha256:abc', imageStatus: 'ACTIVE' }] });
    await expect(api().describeImage(IMAGE)).resolves.toEqual({ found: true, digest: 'sha256:abc', status: 'ACTIVE' });
    const call = ecr.commandCalls(DescribeImagesCommand)[0];
    expect(call.args[0].input).toEqual({ registryId: '123456789012', repositoryName: 'web', imageIds: [{ imageTag: 'v2' }] });
    expect(await ecr.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('by digest when the URI has one', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: 'sha256:abc' }] });
    await api().describeImage({ registryId: '123456789012', region: 'us-east-1', repository: 'web', digest: 'sha256:abc' });
    expect(ecr.commandCalls(DescribeImagesCommand)[0].args[0].input.imageIds).toEqual([{ imageDigest: 'sha256:abc' }]);
  });

  it('a missing image or repository is an answer, not an error', async () => {
    ecr
      .on(DescribeImagesCommand)
      .rejectsOnce(awsError('ImageNotFoundException', 'no image'))
      .rejectsOnce(awsError('RepositoryNotFoundException', 'no repo'));
    await expect(api().describeImage(IMAGE)).resolves.toEqual({ found: false, missing: 'image', message: 'no image' });
    await expect(api().describeImage(IMAGE)).resolves.toEqual({ found: false, missing: 'repository', message: 'no repo' });
  });

  it('anything else is wrapped with what was being looked up', async () => {
    ecr.on(DescribeImagesCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: ecr:DescribeImages'));
    const call = api().describeImage(IMAGE);
    await expect(call).rejects.toBeInstanceOf(AwsCallError);
    await expect(call).rejects.toThrow(/^looking up image web:v2 in ECR registry 123456789012 \(eu-west-1\): AccessDeniedException/);
  });
});

describe('getParameters', () => {
  it('batches by 10 without decryption and sorts the names into found and missing', async () => {
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.filter((n) => !n.endsWith('7')).map((Name) => ({ Name })),
      InvalidParameters: input.Names.filter((n) => n.endsWith('7'))
    }));
    const names = Array.from({ length: 23 }, (_, i) => `/p/${i}`);
    const out = await api().getParameters(undefined, names);
    expect(out.missing).toEqual(['/p/7', '/p/17']);
    expect(out.found).toHaveLength(21);
    expect(ssm.commandCalls(GetParametersCommand).map((c) => [c.args[0].input.Names?.length, c.args[0].input.WithDecryption])).toEqual([
      [10, false],
      [10, false],
      [3, false]
    ]);
  });
});

describe('describeSecret', () => {
  it('answers the secret, or undefined when Secrets Manager cannot find it', async () => {
    const deleted = new Date('2026-11-20T00:00:00Z');
    sm.on(DescribeSecretCommand)
      .resolvesOnce({ ARN: 'arn:s', Name: 'prod/x', DeletedDate: deleted, VersionIdsToStages: { a: ['AWSCURRENT'] } })
      .rejectsOnce(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."));
    await expect(api().describeSecret('us-east-1', 'arn:s')).resolves.toEqual({
      arn: 'arn:s',
      name: 'prod/x',
      deletedDate: deleted,
      versionIdsToStages: { a: ['AWSCURRENT'] }
    });
    await expect(api().describeSecret('us-east-1', 'prod/y')).resolves.toBeUndefined();
  });
});

describe('getRole', () => {
  it('decodes the URL-encoded trust policy; NoSuchEntity is undefined', async () => {
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow' }] });
    iam
      .on(GetRoleCommand)
      .resolvesOnce({
        Role: {
          Arn: 'arn:r',
          AssumeRolePolicyDocument: encodeURIComponent(policy),
          Path: '/',
          RoleName: 'r',
          RoleId: 'AROA',
          CreateDate: new Date()
        }
      })
      .rejects(awsError('NoSuchEntityException', 'The role with name nope cannot be found.'));
    await expect(api().getRole('r')).resolves.toEqual({ arn: 'arn:r', trustPolicy: policy });
    await expect(api().getRole('nope')).resolves.toBeUndefined();
  });
});

describe('logGroupExists', () => {
  it('follows pages of groups sharing the prefix until the exact name', async () => {
    logs
      .on(DescribeLogGroupsCommand)
      .resolvesOnce({ logGroups: [{ logGroupName: '/ecs/web-a' }], nextToken: 't1' })
      .resolvesOnce({ logGroups: [{ logGroupName: '/ecs/web' }] });
    await expect(api().logGroupExists('eu-west-1', '/ecs/web')).resolves.toBe(true);
    expect(logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input)).toEqual([
      { logGroupNamePrefix: '/ecs/web' },
      { logGroupNamePrefix: '/ecs/web', nextToken: 't1' }
    ]);
  });

  it('a prefix match that is not the name is not the group', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/ecs/web-old' }] });
    await expect(api().logGroupExists(undefined, '/ecs/web')).resolves.toBe(false);
  });
});

describe('ECS', () => {
  it('describeCluster: a failure entry is "no such cluster"', async () => {
    ecs
      .on(DescribeClustersCommand)
      .resolvesOnce({ clusters: [{ clusterArn: 'arn:c', status: 'ACTIVE' }] })
      .resolvesOnce({ clusters: [], failures: [{ arn: 'arn:x', reason: 'MISSING' }] });
    await expect(api().describeCluster('prod')).resolves.toEqual({ arn: 'arn:c', status: 'ACTIVE' });
    await expect(api().describeCluster('nope')).resolves.toBeUndefined();
  });

  it('describeServices: MISSING failures name the services that do not exist', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'web', status: 'ACTIVE' }],
      failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/gone', reason: 'MISSING' }]
    });
    const out = await api().describeServices('prod', ['web', 'gone']);
    expect(out.missing).toEqual(['gone']);
    expect(out.services.map((s) => s.serviceName)).toEqual(['web']);
  });
});
