/**
 * The read-only pre-deploy checks: every outside reference of a rendered task definition, and
 * the cluster and services it is about to go to, looked up in AWS. Every check runs (none stops
 * the others) so the user sees every problem at once, each naming the field and the fix.
 */
import type { RegisterTaskDefinitionCommandInput, Service } from '@aws-sdk/client-ecs';
import type { ImageLookup, RoleInfo, SecretInfo, VerifyApi } from '../aws/verify-clients.js';
import { awsErrorCode, isThrottle } from '../aws/errors.js';
import { errorMessage } from '../errors.js';
import { scalarText } from '../text.js';
import { collectReferences, executionRoleNeed, type Reference, type SecretSource } from './references.js';

export type CheckKind = 'cluster' | 'service' | 'role' | 'image' | 'secret' | 'log-group';
/** `skipped`: not checked, and why (an image outside ECR, a group ECS creates itself); never a failure. */
export type Outcome = 'ok' | 'failed' | 'skipped';

export interface CheckResult {
  kind: CheckKind;
  /** What was looked up: the image URI, the valueFrom, the role ARN, the log group, the cluster or service name. */
  subject: string;
  /** The field that names it (`containerDefinitions[0].secrets[1].valueFrom`, `executionRoleArn`, `--cluster`). */
  path: string;
  container?: string;
  outcome: Outcome;
  /** What was found (ok), what is wrong (failed), or why it was not checked (skipped). */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

export interface VerifyTarget {
  cluster: string;
  /** The services the deployment changes (one, or a blue/green pair); may be empty. */
  services: string[];
  /** The flag each service came from, for messages (`--service`, `--blue-service` …). */
  serviceFlags?: Record<string, string>;
}

const PERMISSION: Record<CheckKind | 'ssm' | 'secretsmanager', string> = {
  cluster: 'ecs:DescribeClusters',
  service: 'ecs:DescribeServices',
  role: 'iam:GetRole',
  image: 'ecr:DescribeImages',
  secret: 'secretsmanager:DescribeSecret',
  ssm: 'ssm:GetParameters',
  secretsmanager: 'secretsmanager:DescribeSecret',
  'log-group': 'logs:DescribeLogGroups'
};

/** A lookup that failed for another reason than "not there": the check fails, saying it could not be done. */
function couldNotCheck(base: Omit<CheckResult, 'outcome' | 'detail' | 'fix'>, error: unknown, permission: string): CheckResult {
  const code = awsErrorCode(error);
  const fix = /AccessDenied|NotAuthorized|UnauthorizedOperation/.test(code)
    ? `allow ${permission} to the credentials verify runs with`
    : isThrottle(error)
      ? 'run verify again in a minute'
      : `check the credentials and region, then run verify again`;
  return { ...base, outcome: 'failed', detail: `could not check: ${errorMessage(error)}`, fix };
}

/** Each distinct lookup made once, however many fields name the same thing. */
function memo<T>(fn: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>();
  return (key) => {
    let p = seen.get(key);
    if (!p) {
      p = fn(key);
      // Settled by whichever caller awaits it; no unhandled rejection in between.
      p.catch(() => undefined);
      seen.set(key, p);
    }
    return p;
  };
}

function placeOf(ref: Reference): Pick<CheckResult, 'path' | 'container'> {
  return { path: ref.path, ...(ref.container ? { container: ref.container } : {}) };
}

/** Whether the trust policy lets ECS tasks assume the role (an Allow of sts:AssumeRole to ecs-tasks.amazonaws.com). */
export function trustsEcsTasks(policyJson: string): boolean {
  let policy: unknown;
  try {
    policy = JSON.parse(policyJson);
  } catch {
    return false;
  }
  const statements = (policy as { Statement?: unknown })?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.map(scalarText) : v === undefined ? [] : [scalarText(v)]);
  return list.some((raw) => {
    if (!raw || typeof raw !== 'object') return false;
    const st = raw as { Effect?: unknown; Action?: unknown; Principal?: unknown };
    if (st.Effect !== 'Allow') return false;
    if (!asArray(st.Action).some((a) => ['sts:AssumeRole', 'sts:*', '*'].includes(a))) return false;
    const principal = st.Principal;
    if (principal === '*') return true;
    const services = principal && typeof principal === 'object' ? asArray((principal as { Service?: unknown }).Service) : [];
    return services.includes('ecs-tasks.amazonaws.com');
  });
}

interface Lookups {
  image: (key: string) => Promise<ImageLookup>;
  secret: (key: string) => Promise<SecretInfo | undefined>;
  role: (name: string) => Promise<RoleInfo | undefined>;
  logGroup: (key: string) => Promise<boolean>;
  parameters: (region: string) => Promise<{ found: string[]; missing: string[] }>;
}

async function checkImage(ref: Extract<Reference, { kind: 'image' }>, lookups: Lookups): Promise<CheckResult> {
  const base = { kind: 'image' as const, subject: ref.image, ...placeOf(ref) };
  const ecr = ref.ecr;
  if (!ecr) return { ...base, outcome: 'skipped', detail: 'not checked: not an ECR image (only images in Amazon ECR are looked up)' };
  const wanted = ecr.digest ?? `tag ${ecr.tag}`;
  try {
    const found = await lookups.image(JSON.stringify(ecr));
    if (found.found) {
      if (found.status && found.status !== 'ACTIVE') {
        return {
          ...base,
          outcome: 'failed',
          detail: `${wanted} is ${found.status} in repository ${ecr.repository}: ECS cannot pull it`,
          fix: 'restore the image in ECR, or point the image at one that is active'
        };
      }
      return { ...base, outcome: 'ok', detail: `${wanted} is in repository ${ecr.repository} (${found.digest})` };
    }
    if (found.missing === 'repository') {
      return {
        ...base,
        outcome: 'failed',
        detail: `repository ${ecr.repository} does not exist in registry ${ecr.registryId} (${ecr.region})`,
        fix: 'fix the repository name, account or region in the image URI, or create the repository and push the image'
      };
    }
    return {
      ...base,
      outcome: 'failed',
      detail: `${wanted} is not in repository ${ecr.repository} (registry ${ecr.registryId}, ${ecr.region})`,
      fix: `push the image before deploying, or fix the ${ecr.digest ? 'digest' : 'tag'} in the image URI`
    };
  } catch (error) {
    return couldNotCheck(base, error, PERMISSION.image);
  }
}

function secretsManagerProblem(
  source: Extract<SecretSource, { kind: 'secretsmanager' }>,
  secret: SecretInfo
): { detail: string; fix: string } | undefined {
  if (secret.deletedDate) {
    return {
      detail: `secret ${secret.name} is scheduled for deletion (deleted ${secret.deletedDate.toISOString()}): tasks cannot read it`,
      fix: `restore it (aws secretsmanager restore-secret --secret-id ${secret.arn}) or point valueFrom at a live secret`
    };
  }
  const versions = secret.versionIdsToStages;
  if (source.versionStage && !Object.values(versions).some((stages) => stages.includes(source.versionStage!))) {
    return {
      detail: `secret ${secret.name} has no version labelled ${source.versionStage} (labels: ${[...new Set(Object.values(versions).flat())].join(', ') || 'none'})`,
      fix: 'fix the version stage in valueFrom (leave it empty for AWSCURRENT)'
    };
  }
  if (source.versionId && !(source.versionId in versions)) {
    return {
      detail: `secret ${secret.name} has no version ${source.versionId}`,
      fix: 'fix the version id in valueFrom (leave it empty for the current version)'
    };
  }
  return undefined;
}

async function checkSecret(
  ref: Extract<Reference, { kind: 'secret' }>,
  lookups: Lookups,
  defaultRegion: string | undefined
): Promise<CheckResult> {
  const base = { kind: 'secret' as const, subject: ref.valueFrom, ...placeOf(ref) };
  const source = ref.source;
  if (source.kind === 'invalid') {
    return { ...base, outcome: 'failed', detail: source.reason, fix: 'use a Secrets Manager secret ARN or an SSM parameter name or ARN' };
  }
  if (source.kind === 'ssm') {
    const region = source.region ?? defaultRegion ?? '';
    try {
      const { missing } = await lookups.parameters(region);
      if (missing.includes(source.name)) {
        return {
          ...base,
          outcome: 'failed',
          detail: `SSM parameter ${source.name} does not exist${region ? ` in ${region}` : ''}`,
          fix: 'create it (aws ssm put-parameter) or fix the name in valueFrom'
        };
      }
      return { ...base, outcome: 'ok', detail: `SSM parameter ${source.name} exists` };
    } catch (error) {
      return couldNotCheck(base, error, PERMISSION.ssm);
    }
  }
  try {
    const secret = await lookups.secret(JSON.stringify([source.region ?? null, source.secretId]));
    if (!secret) {
      return {
        ...base,
        outcome: 'failed',
        detail: `Secrets Manager has no secret ${source.secretId}${source.region ? ` in ${source.region}` : ''}`,
        fix: 'create the secret, or copy its full ARN (with the six-character suffix) into valueFrom'
      };
    }
    const problem = secretsManagerProblem(source, secret);
    if (problem) return { ...base, outcome: 'failed', ...problem };
    const key = source.jsonKey ? `; JSON key ${source.jsonKey} not checked (that needs the secret's value)` : '';
    return { ...base, outcome: 'ok', detail: `secret ${secret.name} exists${key}` };
  } catch (error) {
    return couldNotCheck(base, error, PERMISSION.secretsmanager);
  }
}

async function checkLogGroup(
  ref: Extract<Reference, { kind: 'log-group' }>,
  lookups: Lookups,
  defaultRegion: string | undefined
): Promise<CheckResult> {
  const base = { kind: 'log-group' as const, subject: ref.group ?? '(none)', ...placeOf(ref) };
  if (!ref.group)
    return {
      ...base,
      outcome: 'failed',
      detail: 'the awslogs driver needs awslogs-group',
      fix: 'set options.awslogs-group to the log group to write to'
    };
  if (ref.createGroup) {
    return {
      ...base,
      outcome: 'skipped',
      detail: 'not checked: ECS creates it (awslogs-create-group is true; the execution role needs logs:CreateLogGroup)'
    };
  }
  const region = ref.region ?? defaultRegion;
  try {
    if (await lookups.logGroup(JSON.stringify([region ?? null, ref.group])))
      return { ...base, outcome: 'ok', detail: `log group ${ref.group} exists${region ? ` in ${region}` : ''}` };
    return {
      ...base,
      outcome: 'failed',
      detail: `log group ${ref.group} does not exist${region ? ` in ${region}` : ''}: tasks will fail to start`,
      fix: `create it (aws logs create-log-group --log-group-name ${ref.group}), or set awslogs-create-group to "true"`
    };
  } catch (error) {
    return couldNotCheck(base, error, PERMISSION['log-group']);
  }
}

async function checkRole(ref: Extract<Reference, { kind: 'role' }>, lookups: Lookups, account: string | undefined): Promise<CheckResult> {
  const base = { kind: 'role' as const, subject: ref.arn, path: ref.path };
  if (!ref.roleName)
    return { ...base, outcome: 'failed', detail: `${ref.arn} is not an IAM role ARN`, fix: 'use arn:aws:iam::<account>:role/<name>' };
  if (account && ref.account && ref.account !== account) {
    return { ...base, outcome: 'skipped', detail: `not checked: the role is in account ${ref.account}, the cluster in ${account}` };
  }
  try {
    const role = await lookups.role(ref.roleName);
    if (!role) return { ...base, outcome: 'failed', detail: `role ${ref.roleName} does not exist`, fix: `create it, or fix ${ref.role}` };
    if (!trustsEcsTasks(role.trustPolicy)) {
      return {
        ...base,
        outcome: 'failed',
        detail: `role ${ref.roleName} exists, but its trust policy does not let ECS tasks assume it`,
        fix: 'allow sts:AssumeRole to the service principal ecs-tasks.amazonaws.com in its trust policy'
      };
    }
    return { ...base, outcome: 'ok', detail: `role ${ref.roleName} exists and ECS tasks may assume it` };
  } catch (error) {
    return couldNotCheck(base, error, PERMISSION.role);
  }
}

/** What the service expects of the task definition it will run: its load balancers' container and port. */
function serviceProblems(service: Service, td: RegisterTaskDefinitionCommandInput): string[] {
  const problems: string[] = [];
  for (const lb of service.loadBalancers ?? []) {
    if (!lb.containerName) continue;
    const container = (td.containerDefinitions ?? []).find((c) => c.name === lb.containerName);
    if (!container) {
      problems.push(`its load balancer sends traffic to container ${lb.containerName}, which the task definition does not have`);
    } else if (lb.containerPort !== undefined && !(container.portMappings ?? []).some((p) => p.containerPort === lb.containerPort)) {
      problems.push(
        `its load balancer sends traffic to port ${lb.containerPort} of container ${lb.containerName}, which maps no such port`
      );
    }
  }
  return problems;
}

async function checkTarget(
  td: RegisterTaskDefinitionCommandInput,
  target: VerifyTarget,
  api: VerifyApi
): Promise<{ results: CheckResult[]; account?: string }> {
  const clusterBase = { kind: 'cluster' as const, subject: target.cluster, path: '--cluster' };
  let cluster;
  try {
    cluster = await api.describeCluster(target.cluster);
  } catch (error) {
    return { results: [couldNotCheck(clusterBase, error, PERMISSION.cluster)] };
  }
  if (!cluster || cluster.status === 'INACTIVE') {
    const results: CheckResult[] = [
      {
        ...clusterBase,
        outcome: 'failed',
        detail: `cluster ${target.cluster} ${cluster ? 'is INACTIVE (deleted)' : 'does not exist'}`,
        fix: 'fix --cluster (and --region)'
      }
    ];
    for (const s of target.services) {
      results.push({
        kind: 'service',
        subject: s,
        path: target.serviceFlags?.[s] ?? '--service',
        outcome: 'skipped',
        detail: 'not checked: the cluster is missing'
      });
    }
    return { results };
  }
  const account = /^arn:[^:]+:ecs:[^:]+:(\d{12}):/.exec(cluster.arn)?.[1];
  const results: CheckResult[] = [{ ...clusterBase, outcome: 'ok', detail: `cluster ${target.cluster} is ${cluster.status}` }];
  if (target.services.length === 0) return { results, ...(account ? { account } : {}) };
  try {
    const { services, missing } = await api.describeServices(target.cluster, target.services);
    for (const name of target.services) {
      const base = { kind: 'service' as const, subject: name, path: target.serviceFlags?.[name] ?? '--service' };
      const service = services.find((s) => s.serviceName === name || s.serviceArn === name);
      if (!service || missing.includes(name)) {
        results.push({
          ...base,
          outcome: 'failed',
          detail: `service ${name} does not exist in cluster ${target.cluster}`,
          fix: `create it, or fix ${base.path}`
        });
      } else if (service.status !== 'ACTIVE') {
        results.push({
          ...base,
          outcome: 'failed',
          detail: `service ${name} is ${service.status}`,
          fix: `recreate it, or fix ${base.path}`
        });
      } else {
        const problems = serviceProblems(service, td);
        results.push(
          problems.length
            ? {
                ...base,
                outcome: 'failed',
                detail: `service ${name}: ${problems.join('; ')}`,
                fix: 'fix the container name or portMappings in the template to match the service'
              }
            : { ...base, outcome: 'ok', detail: `service ${name} is ACTIVE in cluster ${target.cluster}` }
        );
      }
    }
  } catch (error) {
    for (const name of target.services)
      results.push(
        couldNotCheck({ kind: 'service', subject: name, path: target.serviceFlags?.[name] ?? '--service' }, error, PERMISSION.service)
      );
  }
  return { results, ...(account ? { account } : {}) };
}

export interface VerifyOptions {
  /** The region the deployment goes to (for SSM names and awslogs without a region of their own). */
  region?: string;
}

/** Runs every check; the results are in a stable order: cluster, services, roles, then each container's references in document order. */
export async function verifyTaskDefinition(
  td: RegisterTaskDefinitionCommandInput,
  target: VerifyTarget,
  api: VerifyApi,
  options: VerifyOptions = {}
): Promise<CheckResult[]> {
  const refs = collectReferences(td);
  const ssmByRegion = new Map<string, string[]>();
  for (const r of refs) {
    if (r.kind === 'secret' && r.source.kind === 'ssm') {
      const region = r.source.region ?? options.region ?? '';
      ssmByRegion.set(region, [...(ssmByRegion.get(region) ?? []), r.source.name]);
    }
  }
  const lookups: Lookups = {
    image: memo((key) => api.describeImage(JSON.parse(key) as Parameters<VerifyApi['describeImage']>[0])),
    secret: memo((key) => {
      const [region, id] = JSON.parse(key) as [string | null, string];
      return api.describeSecret(region ?? options.region, id);
    }),
    role: memo((name) => api.getRole(name)),
    logGroup: memo((key) => {
      const [region, name] = JSON.parse(key) as [string | null, string];
      return api.logGroupExists(region ?? undefined, name);
    }),
    // One GetParameters round per region for every parameter the task definition names.
    parameters: memo((region) => api.getParameters(region || undefined, ssmByRegion.get(region) ?? []))
  };

  const { results: targetResults, account } = await checkTarget(td, target, api);
  const need = executionRoleNeed(td, refs);
  const missingRole: CheckResult[] =
    need && !td.executionRoleArn
      ? [
          {
            kind: 'role',
            subject: '(none)',
            path: 'executionRoleArn',
            outcome: 'failed',
            detail: `no execution role, which the task needs: ${need}`,
            fix: 'set executionRoleArn (or --execution-role-arn) to a role ECS tasks may assume'
          }
        ]
      : [];
  const checks = refs.map((ref): Promise<CheckResult> => {
    switch (ref.kind) {
      case 'image':
        return checkImage(ref, lookups);
      case 'secret':
        return checkSecret(ref, lookups, options.region);
      case 'log-group':
        return checkLogGroup(ref, lookups, options.region);
      case 'role':
        return checkRole(ref, lookups, account);
    }
  });
  return [...targetResults, ...missingRole, ...(await Promise.all(checks))];
}
