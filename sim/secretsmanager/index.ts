/**
 * Secrets Manager (JSON 1.1, target prefix secretsmanager): secrets with versions and their
 * staging labels, found by name, full ARN or partial ARN (without the six-character suffix
 * Secrets Manager appends), as ECS resolves a task definition's `secrets[].valueFrom`.
 * CreateSecret / PutSecretValue / DeleteSecret for the seed; DescribeSecret for checks
 * (a secret scheduled for deletion is still described, with its DeletedDate).
 */
import { createHash } from 'node:crypto';
import { ApiError, type Handler, type ServiceModel, type SimClock } from '../types.js';
import { optNumber } from '../util.js';

export interface SecretsManagerDeps {
  clock: SimClock;
  region: string;
  accountId: string;
}

interface Secret {
  arn: string;
  name: string;
  description?: string;
  createdAt: number;
  changedAt: number;
  deletedAt?: number;
  /** Version id → staging labels; values are kept apart and never leave the model except through the API. */
  versions: Map<string, string[]>;
  values: Map<string, string>;
}

const NAME = /^[\w/+=.@-]{1,512}$/;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Deterministic stand-ins for AWS's random parts, so seeded ARNs stay the same run after run and draw nothing from the world's random stream. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function suffix(seed: string): string {
  return [...digest(seed).subarray(0, 6)].map((b) => ALNUM[b % ALNUM.length]).join('');
}

function versionId(seed: string): string {
  const h = digest(seed).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function notFound(): ApiError {
  return new ApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

export function createSecretsManager(deps: SecretsManagerDeps): ServiceModel {
  const secrets = new Map<string, Secret>();
  const arnPrefix = `arn:aws:secretsmanager:${deps.region}:${deps.accountId}:secret:`;

  /** By full ARN, by partial ARN (no suffix), or by name. */
  const lookup = (id: unknown): Secret | undefined => {
    if (id === undefined || id === null || id === '') {
      throw new ApiError(
        'ValidationException',
        "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null"
      );
    }
    const ref = String(id);
    const all = [...secrets.values()];
    if (ref.startsWith('arn:'))
      return (
        all.find((s) => s.arn === ref) ?? (ref.startsWith(arnPrefix) ? all.find((s) => s.name === ref.slice(arnPrefix.length)) : undefined)
      );
    return all.find((s) => s.name === ref);
  };
  const stageVersion = (s: Secret, stage: string, versionIdToStage: string): void => {
    for (const [id, stages] of s.versions) {
      if (id !== versionIdToStage && stages.includes(stage))
        s.versions.set(
          id,
          stages.filter((x) => x !== stage)
        );
    }
    const stages = s.versions.get(versionIdToStage) ?? [];
    if (!stages.includes(stage)) s.versions.set(versionIdToStage, [...stages, stage]);
  };
  const live = (id: unknown): Secret => {
    const s = lookup(id);
    if (!s) throw notFound();
    if (s.deletedAt !== undefined) {
      throw new ApiError('InvalidRequestException', "You tried to perform the operation on a secret that's currently marked deleted.");
    }
    return s;
  };

  const handlers: Record<string, Handler> = {
    CreateSecret: (input) => {
      const name = String(input.Name ?? '');
      if (!NAME.test(name))
        throw new ApiError(
          'ValidationException',
          `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w/+=.@-]+$`
        );
      if ([...secrets.values()].some((s) => s.name === name)) {
        throw new ApiError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      }
      if (input.SecretString === undefined && input.SecretBinary === undefined) {
        throw new ApiError('InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
      }
      const now = deps.clock.now();
      const arn = `${arnPrefix}${name}-${suffix(`${deps.region}/${name}`)}`;
      const version = String(input.ClientRequestToken ?? versionId(`${arn}#1`));
      const s: Secret = {
        arn,
        name,
        ...(input.Description !== undefined ? { description: String(input.Description) } : {}),
        createdAt: now,
        changedAt: now,
        versions: new Map([[version, ['AWSCURRENT']]]),
        values: new Map([[version, String(input.SecretString ?? input.SecretBinary)]])
      };
      secrets.set(arn, s);
      return { ARN: arn, Name: name, VersionId: version };
    },
    PutSecretValue: (input) => {
      const s = live(input.SecretId);
      const version = String(input.ClientRequestToken ?? versionId(`${s.arn}#${s.versions.size + 1}`));
      s.values.set(version, String(input.SecretString ?? input.SecretBinary ?? ''));
      s.versions.set(version, []);
      const stages = input.VersionStages === undefined ? ['AWSCURRENT'] : (input.VersionStages as unknown[]).map(String);
      for (const stage of stages) {
        if (stage === 'AWSCURRENT') {
          const previous = [...s.versions].find(([, st]) => st.includes('AWSCURRENT'))?.[0];
          if (previous && previous !== version) stageVersion(s, 'AWSPREVIOUS', previous);
        }
        stageVersion(s, stage, version);
      }
      // A version left with no label is deprecated; AWS drops it from VersionIdsToStages.
      for (const [id, st] of s.versions) if (st.length === 0 && id !== version) s.versions.delete(id);
      s.changedAt = deps.clock.now();
      return { ARN: s.arn, Name: s.name, VersionId: version, VersionStages: s.versions.get(version) };
    },
    DeleteSecret: (input) => {
      const s = live(input.SecretId);
      const days = optNumber(input.RecoveryWindowInDays, 'recoveryWindowInDays', 'InvalidParameterException') ?? 30;
      if (days < 7 || days > 30)
        throw new ApiError('InvalidParameterException', 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
      s.deletedAt = deps.clock.now();
      return { ARN: s.arn, Name: s.name, DeletionDate: new Date(s.deletedAt + days * 86_400_000) };
    },
    DescribeSecret: (input) => {
      const s = lookup(input.SecretId);
      if (!s) throw notFound();
      return {
        ARN: s.arn,
        Name: s.name,
        Description: s.description,
        RotationEnabled: false,
        LastChangedDate: new Date(s.changedAt),
        DeletedDate: s.deletedAt === undefined ? undefined : new Date(s.deletedAt),
        Tags: [],
        VersionIdsToStages: Object.fromEntries(s.versions),
        CreatedDate: new Date(s.createdAt)
      };
    }
  };

  return {
    handlers,
    tick: () => undefined,
    // Never the values: a snapshot is served over HTTP.
    snapshot: () => ({
      secrets: [...secrets.values()].map((s) => ({
        arn: s.arn,
        name: s.name,
        deleted: s.deletedAt !== undefined,
        versions: Object.fromEntries(s.versions)
      }))
    })
  };
}
