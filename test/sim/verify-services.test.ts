/**
 * The services `ecs-rollout verify` reads, as the local ECS answers them over the real wire
 * protocols: ECR, SSM and Secrets Manager (JSON 1.1), IAM (query/XML, global) and CloudWatch
 * Logs' DescribeLogGroups — through the official SDK v3 clients, and through boto3 with every
 * raw answer checked against botocore's service models.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BatchGetImageCommand, DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSim, type Sim } from '../../sim/server.js';
import { rejection } from './helpers.js';

const run = promisify(execFile);

let sim: Sim;
const config = (region = 'us-east-1') => ({
  endpoint: '',
  region,
  credentials: { accessKeyId: 'AKIDVERIFY', secretAccessKey: 'sim-secret' },
  maxAttempts: 1
});

beforeAll(async () => {
  sim = await startSim({ timeScale: 0, seed: true });
});
afterAll(() => sim?.close());

function cfg(region?: string) {
  return { ...config(region), endpoint: sim.url };
}

describe('ECR', () => {
  it('DescribeImages finds a pushed tag and a digest; an unknown tag or repository is the exception ECR names', async () => {
    const ecr = new ECRClient(cfg());
    const out = await ecr.send(new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'v2' }] }));
    expect(out.imageDetails).toHaveLength(1);
    const digest = out.imageDetails![0].imageDigest!;
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(out.imageDetails![0]).toMatchObject({
      registryId: '123456789012',
      repositoryName: 'web',
      imageTags: ['v2'],
      imageStatus: 'ACTIVE'
    });
    expect(out.imageDetails![0].imagePushedAt).toBeInstanceOf(Date);

    const byDigest = await ecr.send(new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageDigest: digest }] }));
    expect(byDigest.imageDetails![0].imageTags).toEqual(['v2']);

    const missingTag = await rejection(ecr.send(new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'v9' }] })));
    expect(missingTag.name).toBe('ImageNotFoundException');
    expect(missingTag.message).toContain("imageTag:'v9'");
    const missingRepo = await rejection(ecr.send(new DescribeImagesCommand({ repositoryName: 'nope', imageIds: [{ imageTag: 'v1' }] })));
    expect(missingRepo.name).toBe('RepositoryNotFoundException');
    // Another account's registry is, from this one, a repository that does not exist.
    const otherAccount = await rejection(
      ecr.send(new DescribeImagesCommand({ registryId: '210987654321', repositoryName: 'web', imageIds: [{ imageTag: 'v1' }] }))
    );
    expect(otherAccount.name).toBe('RepositoryNotFoundException');
  });

  it('BatchGetImage answers found images and per-id failures in one call', async () => {
    const ecr = new ECRClient(cfg());
    const out = await ecr.send(new BatchGetImageCommand({ repositoryName: 'api', imageIds: [{ imageTag: 'v1' }, { imageTag: 'nope' }] }));
    expect(out.images?.map((i) => i.imageId?.imageTag)).toEqual(['v1']);
    expect(JSON.parse(out.images![0].imageManifest!)).toMatchObject({ schemaVersion: 2 });
    expect(out.failures).toEqual([
      { imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }
    ]);
  });

  it("a region other than the sim's has no repositories", async () => {
    const ecr = new ECRClient(cfg('eu-west-1'));
    expect((await rejection(ecr.send(new DescribeImagesCommand({ repositoryName: 'web', imageIds: [{ imageTag: 'v1' }] })))).name).toBe(
      'RepositoryNotFoundException'
    );
  });
});

describe('SSM', () => {
  it('GetParameters returns what exists, by name or ARN, and lists the rest in InvalidParameters', async () => {
    const ssm = new SSMClient(cfg());
    const arn = 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/web/feature-flags';
    const out = await ssm.send(new GetParametersCommand({ Names: ['/prod/web/db-url', arn, '/prod/web/missing'] }));
    expect(out.Parameters?.map((p) => p.Name).sort()).toEqual(['/prod/web/db-url', '/prod/web/feature-flags']);
    expect(out.InvalidParameters).toEqual(['/prod/web/missing']);
    // A SecureString read without decryption is never its value.
    const secure = out.Parameters!.find((p) => p.Name === '/prod/web/db-url')!;
    expect(secure.Type).toBe('SecureString');
    expect(secure.Value).not.toContain('postgres://');
    expect(secure.ARN).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/prod/web/db-url');
  });

  it('more than 10 names is a ValidationException', async () => {
    const ssm = new SSMClient(cfg());
    const error = await rejection(ssm.send(new GetParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `/p${i}`) })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('less than or equal to 10');
  });
});

describe('Secrets Manager', () => {
  it('DescribeSecret by full ARN, partial ARN or name; versions and their stages; a deleted secret shows DeletedDate', async () => {
    const sm = new SecretsManagerClient(cfg());
    const { apiKey } = sim.scenario!.verify.secrets;
    expect(apiKey).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/web\/api-key-[A-Za-z0-9]{6}$/);
    const full = await sm.send(new DescribeSecretCommand({ SecretId: apiKey }));
    expect(full).toMatchObject({ ARN: apiKey, Name: 'prod/web/api-key' });
    expect(Object.values(full.VersionIdsToStages!).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
    expect(full.DeletedDate).toBeUndefined();
    expect((await sm.send(new DescribeSecretCommand({ SecretId: apiKey.slice(0, -7) }))).ARN).toBe(apiKey);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'prod/web/api-key' }))).ARN).toBe(apiKey);

    const deleted = await sm.send(new DescribeSecretCommand({ SecretId: sim.scenario!.verify.broken.deletedSecret }));
    expect(deleted.DeletedDate).toBeInstanceOf(Date);

    const missing = await rejection(sm.send(new DescribeSecretCommand({ SecretId: 'prod/web/nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe("Secrets Manager can't find the specified secret.");
  });
});

describe('IAM', () => {
  it('GetRole answers the role with its URL-encoded trust policy, in every region (IAM is global); an unknown role is NoSuchEntity (404)', async () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const iam = new IAMClient(cfg(region));
      const out = await iam.send(new GetRoleCommand({ RoleName: 'ecsTaskExecutionRole' }));
      expect(out.Role).toMatchObject({
        RoleName: 'ecsTaskExecutionRole',
        Path: '/',
        Arn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole'
      });
      expect(out.Role!.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
      expect(out.Role!.CreateDate).toBeInstanceOf(Date);
      expect(out.Role!.AssumeRolePolicyDocument).toContain('%22');
      expect(JSON.parse(decodeURIComponent(out.Role!.AssumeRolePolicyDocument!)).Statement[0].Principal.Service).toBe(
        'ecs-tasks.amazonaws.com'
      );
    }
    const iam = new IAMClient(cfg());
    const missing = await rejection(iam.send(new GetRoleCommand({ RoleName: 'no-such-role' })));
    expect(missing.name).toBe('NoSuchEntityException');
    expect(missing.message).toBe('The role with name no-such-role cannot be found.');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    const invalid = await rejection(iam.send(new GetRoleCommand({ RoleName: 'bad name' })));
    expect(invalid.name).toBe('ValidationError');
  });
});

describe('CloudWatch Logs', () => {
  it("DescribeLogGroups with a prefix finds the scenario's groups", async () => {
    const logs = new CloudWatchLogsClient(cfg());
    const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/web' }));
    expect(out.logGroups?.map((g) => g.logGroupName)).toEqual(['/ecs/web']);
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/nope' }))).logGroups).toEqual([]);
  });
});

/** Every answer boto3 gets, checked against botocore's output shapes (members, required, types), with its own parsers. */
const BOTO3_CHECK = String.raw`
import sys, json, boto3, botocore
from botocore.config import Config
url, secret, deleted = sys.argv[1], sys.argv[2], sys.argv[3]
assert url.startswith('http://127.0.0.1'), url
kw = dict(endpoint_url=url, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y', config=Config(retries={'max_attempts': 1}))
session = botocore.session.get_session()
def check(value, shape, path):
    t = shape.type_name
    if t == 'structure':
        assert isinstance(value, dict), (path, value)
        for k in value:
            if k == 'ResponseMetadata': continue
            assert k in shape.members, f'{path}.{k} is not in the model'
            check(value[k], shape.members[k], f'{path}.{k}')
        for r in shape.required_members:
            assert r in value, f'{path}.{r} is required'
    elif t == 'list':
        assert isinstance(value, list), path
        for i, v in enumerate(value): check(v, shape.member, f'{path}[{i}]')
    elif t == 'map':
        assert isinstance(value, dict), path
        for k, v in value.items(): check(v, shape.value, f'{path}.{k}')
    elif t == 'string':
        # botocore's own handler URL-decodes and parses IAM policy documents into dicts.
        if path.endswith('PolicyDocument'):
            assert isinstance(value, dict) and value.get('Statement'), (path, value); return
        assert isinstance(value, str), path
        if shape.enum: assert value in shape.enum, (path, value)
    elif t in ('integer', 'long'):
        assert isinstance(value, int) and not isinstance(value, bool), (path, value)
    elif t == 'boolean':
        assert isinstance(value, bool), path
    elif t == 'timestamp':
        import datetime; assert isinstance(value, datetime.datetime), path
def call(service, op, **params):
    client = boto3.client(service, **kw)
    out = getattr(client, op)(**params)
    check(out, session.get_service_model(service).operation_model(client.meta.method_to_api_mapping[op]).output_shape, f'{service}.{op}')
    return out
def error(service, op, **params):
    try:
        getattr(boto3.client(service, **kw), op)(**params)
    except botocore.exceptions.ClientError as e:
        return e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']
    raise AssertionError(f'{service}.{op} should have failed')
out = call('ecr', 'describe_images', repositoryName='web', imageIds=[{'imageTag': 'v1'}])
call('ecr', 'describe_images', repositoryName='web')
call('ecr', 'batch_get_image', repositoryName='web', imageIds=[{'imageTag': 'v1'}, {'imageTag': 'zz'}])
assert error('ecr', 'describe_images', repositoryName='web', imageIds=[{'imageTag': 'zz'}])[0] == 'ImageNotFoundException'
assert error('ecr', 'describe_images', repositoryName='nope')[0] == 'RepositoryNotFoundException'
out = call('ssm', 'get_parameters', Names=['/prod/web/db-url', 'missing'])
assert out['InvalidParameters'] == ['missing'], out
call('secretsmanager', 'describe_secret', SecretId=secret)
assert call('secretsmanager', 'describe_secret', SecretId=deleted)['DeletedDate']
assert error('secretsmanager', 'describe_secret', SecretId='nope')[0] == 'ResourceNotFoundException'
call('iam', 'get_role', RoleName='ecsTaskExecutionRole')
assert error('iam', 'get_role', RoleName='nope') == ('NoSuchEntity', 404)
call('logs', 'describe_log_groups', logGroupNamePrefix='/ecs/')
print('ok')
`;

it("boto3 reads the same answers, each valid against botocore's output shape, and the error codes botocore names", async () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const { verify } = sim.scenario!;
  const { stdout } = await run('python3', ['-c', BOTO3_CHECK, sim.url, verify.secrets.apiKey, verify.broken.deletedSecret], {
    env: { ...env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' },
    timeout: 60_000
  });
  expect(stdout.trim()).toBe('ok');
});
