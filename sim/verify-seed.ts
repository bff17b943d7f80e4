/**
 * What the scenario's task definitions refer to outside ECS, so `ecs-rollout verify` has a
 * world to check: IAM roles (global), ECR repositories with pushed images, SSM parameters and
 * Secrets Manager secrets, plus deliberately broken ones (a secret scheduled for deletion, a
 * role ECS tasks may not assume). Draws nothing from the world's random stream, so every other
 * seeded id and timing stays what it was.
 */
import type { ServiceName } from './types.js';

type Call = (service: ServiceName, operation: string, input: Record<string, unknown>) => Promise<any>;

export interface VerifySeed {
  /** `<account>.dkr.ecr.<region>.amazonaws.com` */
  registry: string;
  /** Repository URIs (no tag): `web` and `api`, each with tags v1 and v2 pushed. */
  repositories: { web: string; api: string };
  executionRoleArn: string;
  /** A role ECS tasks may assume (trust policy names ecs-tasks.amazonaws.com). */
  taskRoleArn: string;
  parameters: { dbUrl: string; featureFlags: string };
  /** Full ARNs (with Secrets Manager's suffix). `apiKey` has an AWSCURRENT and an AWSPREVIOUS version. */
  secrets: { apiKey: string };
  broken: {
    /** DescribeSecret still answers, with DeletedDate: tasks fail to fetch it. */
    deletedSecret: string;
    /** Exists, but its trust policy lets only EC2 assume it. */
    untrustedRoleArn: string;
  };
}

function trust(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]
  });
}

export async function seedVerifyWorld(call: Call, region: string, accountId: string): Promise<VerifySeed> {
  const roles: [string, string][] = [
    ['ecsTaskExecutionRole', 'ecs-tasks.amazonaws.com'],
    ['web-task-role', 'ecs-tasks.amazonaws.com'],
    ['ecsInfrastructureRoleForLoadBalancers', 'ecs.amazonaws.com'],
    ['ecsCodeDeployRole', 'codedeploy.amazonaws.com'],
    ['legacy-instance-role', 'ec2.amazonaws.com']
  ];
  for (const [RoleName, service] of roles) await call('iam', 'CreateRole', { RoleName, AssumeRolePolicyDocument: trust(service) });

  const registry = `${accountId}.dkr.ecr.${region}.amazonaws.com`;
  for (const repositoryName of ['web', 'api']) {
    await call('ecr', 'CreateRepository', { repositoryName });
    for (const imageTag of ['v1', 'v2']) {
      const imageManifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: 1470,
          digest: `sha256:${repositoryName}-${imageTag}-config`
        },
        layers: [
          {
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            size: 28_000_000,
            digest: `sha256:${repositoryName}-${imageTag}-layer`
          }
        ]
      });
      await call('ecr', 'PutImage', { repositoryName, imageTag, imageManifest });
    }
  }

  await call('ssm', 'PutParameter', {
    Name: '/prod/web/db-url',
    Type: 'SecureString',
    Value: 'postgres://web:sim-password@db.internal:5432/web'
  });
  await call('ssm', 'PutParameter', { Name: '/prod/web/feature-flags', Type: 'String', Value: 'checkout=on' });

  const apiKey = (
    await call('secretsmanager', 'CreateSecret', { Name: 'prod/web/api-key', SecretString: JSON.stringify({ key: 'sim-api-key-1' }) })
  ).ARN as string;
  await call('secretsmanager', 'PutSecretValue', { SecretId: apiKey, SecretString: JSON.stringify({ key: 'sim-api-key-2' }) });
  const deletedSecret = (await call('secretsmanager', 'CreateSecret', { Name: 'prod/web/old-token', SecretString: 'sim-old-token' }))
    .ARN as string;
  await call('secretsmanager', 'DeleteSecret', { SecretId: deletedSecret, RecoveryWindowInDays: 7 });

  const role = (name: string): string => `arn:aws:iam::${accountId}:role/${name}`;
  return {
    registry,
    repositories: { web: `${registry}/web`, api: `${registry}/api` },
    executionRoleArn: role('ecsTaskExecutionRole'),
    taskRoleArn: role('web-task-role'),
    parameters: { dbUrl: '/prod/web/db-url', featureFlags: '/prod/web/feature-flags' },
    secrets: { apiKey },
    broken: { deletedSecret, untrustedRoleArn: role('legacy-instance-role') }
  };
}
