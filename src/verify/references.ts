/**
 * What a rendered task definition refers to outside itself — images, secrets and parameters,
 * log groups, roles — each with the place in the document that names it, so a problem found
 * in AWS can be reported against the field the user has to change. Pure: no AWS here.
 */
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { EcrImageId } from '../aws/verify-clients.js';

/** Where in the task definition a reference sits, e.g. `containerDefinitions[0].secrets[1].valueFrom` (container `web`). */
export interface Place {
  path: string;
  container?: string;
}

export type SecretSource =
  | {
      kind: 'secretsmanager';
      region?: string;
      account?: string;
      /** The ARN (or name) to describe: the valueFrom without its JSON-key / stage / version fields. */ secretId: string;
      jsonKey?: string;
      versionStage?: string;
      versionId?: string;
    }
  | { kind: 'ssm'; region?: string; /** The name or ARN as GetParameters takes it. */ name: string }
  | { kind: 'invalid'; reason: string };

export type Reference =
  | (Place & { kind: 'image'; image: string; ecr?: EcrImageId })
  | (Place & { kind: 'secret'; valueFrom: string; source: SecretSource })
  | (Place & { kind: 'log-group'; group?: string; region?: string; createGroup: boolean })
  | (Place & { kind: 'role'; role: 'executionRoleArn' | 'taskRoleArn'; arn: string; roleName?: string; account?: string });

const ECR_URI =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** The ECR image an image URI names, or undefined for any other registry. */
export function parseEcrImage(image: string): EcrImageId | undefined {
  const m = ECR_URI.exec(image.trim());
  if (!m) return undefined;
  const [, registryId, region, repository, tag, digest] = m;
  return {
    registryId: registryId!,
    region: region!,
    repository: repository!,
    // ECS pulls by digest when there is one; without either, Docker's default tag.
    ...(digest ? { digest } : { tag: tag ?? 'latest' })
  };
}

const SECRET_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;
const SSM_ARN = /^arn:(aws[a-z-]*):ssm:([a-z0-9-]+):(\d{12}):parameter(\/.+)$/;
/** SSM's pass-through to Secrets Manager: GetParameters on `/aws/reference/secretsmanager/<secret>` reads the secret. */
const SSM_SECRET_REFERENCE = '/aws/reference/secretsmanager/';

/**
 * How ECS reads a `valueFrom`: a Secrets Manager ARN, optionally followed by
 * `:json-key:version-stage:version-id` (each may be empty), an SSM parameter ARN, or else an
 * SSM parameter name in the task's own region.
 */
export function parseValueFrom(valueFrom: string): SecretSource {
  const sm = SECRET_ARN.exec(valueFrom);
  if (sm) {
    const [, partition, region, account, rest] = sm;
    const fields = rest!.split(':');
    if (fields.length > 4) {
      return {
        kind: 'invalid',
        reason: 'a Secrets Manager valueFrom has at most three fields after the secret name (json-key:version-stage:version-id)'
      };
    }
    const [name, jsonKey, versionStage, versionId] = fields;
    if (!name) return { kind: 'invalid', reason: 'the Secrets Manager ARN has no secret name' };
    if (versionStage && versionId) return { kind: 'invalid', reason: 'give a version stage or a version id, not both' };
    return {
      kind: 'secretsmanager',
      region: region!,
      account: account!,
      secretId: `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}`,
      ...(jsonKey ? { jsonKey } : {}),
      ...(versionStage ? { versionStage } : {}),
      ...(versionId ? { versionId } : {})
    };
  }
  const ssm = SSM_ARN.exec(valueFrom);
  if (ssm) return { kind: 'ssm', region: ssm[2]!, name: valueFrom };
  if (valueFrom.startsWith('arn:')) return { kind: 'invalid', reason: 'an ARN here must be a Secrets Manager secret or an SSM parameter' };
  if (valueFrom.startsWith(SSM_SECRET_REFERENCE)) return { kind: 'secretsmanager', secretId: valueFrom.slice(SSM_SECRET_REFERENCE.length) };
  if (valueFrom.trim() === '') return { kind: 'invalid', reason: 'valueFrom is empty' };
  return { kind: 'ssm', name: valueFrom };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

function roleReference(role: 'executionRoleArn' | 'taskRoleArn', arn: string): Reference {
  const m = ROLE_ARN.exec(arn);
  return { kind: 'role', path: role, role, arn, ...(m ? { account: m[1]!, roleName: m[2]! } : {}) };
}

function place(path: string, c: ContainerDefinition): Place {
  return { path, ...(c.name ? { container: c.name } : {}) };
}

/** Every outside reference of the task definition, in document order. */
export function collectReferences(td: RegisterTaskDefinitionCommandInput): Reference[] {
  const refs: Reference[] = [];
  if (td.executionRoleArn) refs.push(roleReference('executionRoleArn', td.executionRoleArn));
  if (td.taskRoleArn) refs.push(roleReference('taskRoleArn', td.taskRoleArn));
  (td.containerDefinitions ?? []).forEach((c, i) => {
    const at = `containerDefinitions[${i}]`;
    if (c.image) {
      const ecr = parseEcrImage(c.image);
      refs.push({ kind: 'image', ...place(`${at}.image`, c), image: c.image, ...(ecr ? { ecr } : {}) });
    }
    (c.secrets ?? []).forEach((s, j) => {
      if (s.valueFrom !== undefined)
        refs.push({
          kind: 'secret',
          ...place(`${at}.secrets[${j}].valueFrom`, c),
          valueFrom: s.valueFrom,
          source: parseValueFrom(s.valueFrom)
        });
    });
    const credentials = c.repositoryCredentials?.credentialsParameter;
    if (credentials) {
      refs.push({
        kind: 'secret',
        ...place(`${at}.repositoryCredentials.credentialsParameter`, c),
        valueFrom: credentials,
        source: parseValueFrom(credentials)
      });
    }
    const log = c.logConfiguration;
    (log?.secretOptions ?? []).forEach((s, j) => {
      if (s.valueFrom !== undefined)
        refs.push({
          kind: 'secret',
          ...place(`${at}.logConfiguration.secretOptions[${j}].valueFrom`, c),
          valueFrom: s.valueFrom,
          source: parseValueFrom(s.valueFrom)
        });
    });
    if (log?.logDriver === 'awslogs') {
      const options = log.options ?? {};
      refs.push({
        kind: 'log-group',
        ...place(`${at}.logConfiguration.options`, c),
        ...(options['awslogs-group'] ? { group: options['awslogs-group'] } : {}),
        ...(options['awslogs-region'] ? { region: options['awslogs-region'] } : {}),
        createGroup: options['awslogs-create-group'] === 'true'
      });
    }
  });
  return refs;
}

/** Why the task needs an execution role, or undefined when it can do without one. */
export function executionRoleNeed(td: RegisterTaskDefinitionCommandInput, refs: Reference[]): string | undefined {
  const fargate = (td.requiresCompatibilities ?? []).includes('FARGATE');
  if (refs.some((r) => r.kind === 'secret')) return 'its containers read secrets or parameters';
  if (!fargate) return undefined;
  // On EC2 the container instance's role can pull and write logs; on Fargate only the execution role can.
  if (refs.some((r) => r.kind === 'image' && r.ecr)) return 'on Fargate, pulling from ECR';
  if (refs.some((r) => r.kind === 'log-group')) return 'on Fargate, sending logs with awslogs';
  return undefined;
}
