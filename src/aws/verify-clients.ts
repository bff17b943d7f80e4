/**
 * The read-only AWS calls `ecs-rollout verify` makes (ECR, SSM, Secrets Manager, IAM, CloudWatch
 * Logs, and ECS's cluster and service reads), behind one narrow interface. Each SDK is imported
 * only when its first call is made, so a deploy run never loads them; one client per service and
 * region, because a task definition may name a secret, parameter, log group or image in another
 * region. Every call has a deadline and is wrapped with what was being looked up.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { noteFailedAttempts, noteFailedAttemptsOptions, withinLimits } from './deadline.js';
import { DEFAULT_CALL_TIMEOUT_MS } from './clients.js';
import { attempt, awsErrorCode } from './errors.js';
import { JitteredRetry } from './retry.js';

/** An image in ECR, from its URI. */
export interface EcrImageId {
  registryId: string;
  region: string;
  repository: string;
  /** Exactly one of tag and digest is looked up: the digest when the URI has one (it is what ECS pulls). */
  tag?: string;
  digest?: string;
}

export type ImageLookup =
  { found: true; digest: string; status?: string } | { found: false; missing: 'repository' | 'image'; message: string };

export interface SecretInfo {
  arn: string;
  name: string;
  deletedDate?: Date;
  /** Version id → staging labels (AWSCURRENT, AWSPREVIOUS, custom). */
  versionIdsToStages: Record<string, string[]>;
}

export interface RoleInfo {
  arn: string;
  /** The trust policy as JSON text (IAM sends it URL-encoded; decoded here). */
  trustPolicy: string;
}

export interface ClusterInfo {
  arn: string;
  status: string;
}

export interface VerifyApi {
  describeImage(image: EcrImageId): Promise<ImageLookup>;
  /** Which of the names or ARNs exist (batched by 10, the API's limit); `region` undefined: the default region. */
  getParameters(region: string | undefined, names: string[]): Promise<{ found: string[]; missing: string[] }>;
  /** undefined when Secrets Manager cannot find it. */
  describeSecret(region: string | undefined, secretId: string): Promise<SecretInfo | undefined>;
  /** undefined when there is no role of that name. */
  getRole(roleName: string): Promise<RoleInfo | undefined>;
  logGroupExists(region: string | undefined, name: string): Promise<boolean>;
  /** undefined when ECS does not know the cluster. */
  describeCluster(cluster: string): Promise<ClusterInfo | undefined>;
  /** Batched by 10; names ECS does not know are in `missing`. */
  describeServices(cluster: string, services: string[]): Promise<{ services: Service[]; missing: string[] }>;
}

export interface VerifyClientOptions {
  /** Defaults to the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  callTimeoutMs?: number;
  maxAttempts?: number;
  /** Abandons every call in flight (SIGINT / SIGTERM). */
  signal?: AbortSignal;
}

/** At most this many pages of log groups sharing a prefix are read before giving up on an exact match. */
const MAX_LOG_GROUP_PAGES = 20;

function cached<T>(make: (region: string | undefined) => Promise<T>): (region: string | undefined) => Promise<T> {
  const clients = new Map<string, Promise<T>>();
  return (region) => {
    const key = region ?? '';
    let p = clients.get(key);
    if (!p) {
      p = make(region);
      clients.set(key, p);
    }
    return p;
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createVerifyClients(options: VerifyClientOptions = {}): VerifyApi {
  const maxAttempts = options.maxAttempts ?? 5;
  const limits = { timeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, signals: options.signal ? [options.signal] : [] };
  const config = (region: string | undefined) => {
    const r = region ?? options.region;
    return { ...(r ? { region: r } : {}), maxAttempts, retryStrategy: new JitteredRetry(maxAttempts) };
  };
  const call = <T>(action: string, body: (abortSignal: AbortSignal) => Promise<T>): Promise<T> =>
    attempt(action, () => withinLimits(action, limits, body));

  const ecr = cached(async (region) => {
    const sdk = await import('@aws-sdk/client-ecr');
    const client = new sdk.ECRClient(config(region));
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const ssm = cached(async (region) => {
    const sdk = await import('@aws-sdk/client-ssm');
    const client = new sdk.SSMClient(config(region));
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const secrets = cached(async (region) => {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    const client = new sdk.SecretsManagerClient(config(region));
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const iam = cached(async (region) => {
    const sdk = await import('@aws-sdk/client-iam');
    const client = new sdk.IAMClient(config(region));
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const logs = cached(async (region) => {
    const sdk = await import('@aws-sdk/client-cloudwatch-logs');
    const client = new sdk.CloudWatchLogsClient(config(region));
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });
  const ecs = cached(async (region) => {
    const sdk = await import('@aws-sdk/client-ecs');
    const client = new sdk.ECSClient(config(region));
    client.middlewareStack.add(noteFailedAttempts(), noteFailedAttemptsOptions);
    return { sdk, client };
  });

  return {
    describeImage: (image) => {
      const ref = image.digest ? `@${image.digest}` : `:${image.tag ?? 'latest'}`;
      return call(
        `looking up image ${image.repository}${ref} in ECR registry ${image.registryId} (${image.region})`,
        async (abortSignal) => {
          const { sdk, client } = await ecr(image.region);
          const imageId = image.digest ? { imageDigest: image.digest } : { imageTag: image.tag ?? 'latest' };
          try {
            const out = await client.send(
              new sdk.DescribeImagesCommand({ registryId: image.registryId, repositoryName: image.repository, imageIds: [imageId] }),
              { abortSignal }
            );
            const detail = out.imageDetails?.[0];
            if (!detail?.imageDigest) return { found: false, missing: 'image', message: 'ECR answered with no image' };
            return { found: true, digest: detail.imageDigest, ...(detail.imageStatus ? { status: detail.imageStatus } : {}) };
          } catch (error) {
            const code = awsErrorCode(error);
            if (code === 'RepositoryNotFoundException')
              return { found: false, missing: 'repository', message: error instanceof Error ? error.message : code };
            if (code === 'ImageNotFoundException')
              return { found: false, missing: 'image', message: error instanceof Error ? error.message : code };
            throw error;
          }
        }
      );
    },
    getParameters: (region, names) =>
      call(`looking up SSM parameter${names.length > 1 ? 's' : ''} ${names.join(', ')}`, async (abortSignal) => {
        const { sdk, client } = await ssm(region);
        const found: string[] = [];
        const missing: string[] = [];
        for (const batch of chunks([...new Set(names)], 10)) {
          // Without decryption: existence is the question, and no value (not even ciphertext of a SecureString's) is needed.
          const out = await client.send(new sdk.GetParametersCommand({ Names: batch, WithDecryption: false }), { abortSignal });
          const invalid = new Set(out.InvalidParameters ?? []);
          for (const name of batch) (invalid.has(name) ? missing : found).push(name);
        }
        return { found, missing };
      }),
    describeSecret: (region, secretId) =>
      call(`describing secret ${secretId}`, async (abortSignal) => {
        const { sdk, client } = await secrets(region);
        try {
          const out = await client.send(new sdk.DescribeSecretCommand({ SecretId: secretId }), { abortSignal });
          return {
            arn: out.ARN ?? secretId,
            name: out.Name ?? secretId,
            ...(out.DeletedDate ? { deletedDate: out.DeletedDate } : {}),
            versionIdsToStages: out.VersionIdsToStages ?? {}
          };
        } catch (error) {
          if (awsErrorCode(error) === 'ResourceNotFoundException') return undefined;
          throw error;
        }
      }),
    getRole: (roleName) =>
      call(`reading IAM role ${roleName}`, async (abortSignal) => {
        const { sdk, client } = await iam(undefined);
        try {
          const out = await client.send(new sdk.GetRoleCommand({ RoleName: roleName }), { abortSignal });
          const raw = out.Role?.AssumeRolePolicyDocument ?? '';
          let trustPolicy = raw;
          try {
            trustPolicy = decodeURIComponent(raw);
          } catch {
            // Not URL-encoded after all (some proxies decode it): use it as it came.
          }
          return { arn: out.Role?.Arn ?? roleName, trustPolicy };
        } catch (error) {
          if (awsErrorCode(error) === 'NoSuchEntityException' || awsErrorCode(error) === 'NoSuchEntity') return undefined;
          throw error;
        }
      }),
    logGroupExists: (region, name) =>
      call(`looking up log group ${name}${region ? ` in ${region}` : ''}`, async (abortSignal) => {
        const { sdk, client } = await logs(region);
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_LOG_GROUP_PAGES; page++) {
          const out = await client.send(
            new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: name, ...(nextToken ? { nextToken } : {}) }),
            { abortSignal }
          );
          if ((out.logGroups ?? []).some((g) => g.logGroupName === name)) return true;
          nextToken = out.nextToken;
          if (!nextToken) return false;
        }
        throw new Error(`more than ${MAX_LOG_GROUP_PAGES} pages of log groups start with ${name} and none of them is it`);
      }),
    describeCluster: (cluster) =>
      call(`describing cluster ${cluster}`, async (abortSignal) => {
        const { sdk, client } = await ecs(undefined);
        const out = await client.send(new sdk.DescribeClustersCommand({ clusters: [cluster] }), { abortSignal });
        const found = out.clusters?.[0];
        return found?.clusterArn ? { arn: found.clusterArn, status: found.status ?? 'ACTIVE' } : undefined;
      }),
    describeServices: (cluster, names) =>
      call(`describing service${names.length > 1 ? 's' : ''} ${names.join(', ')} in cluster ${cluster}`, async (abortSignal) => {
        const { sdk, client } = await ecs(undefined);
        const services: Service[] = [];
        const missing: string[] = [];
        for (const batch of chunks(names, 10)) {
          const out = await client.send(new sdk.DescribeServicesCommand({ cluster, services: batch }), { abortSignal });
          services.push(...(out.services ?? []));
          for (const f of out.failures ?? []) {
            const name = batch.find((n) => f.arn === n || f.arn?.endsWith(`/${n}`));
            if (name) missing.push(name);
          }
        }
        return { services, missing };
      })
  };
}
