/**
 * IAM (awsQuery, version 2010-05-08; global, so every region sees the same roles): the roles a
 * task definition names. CreateRole for the seed, GetRole for checks. The trust policy comes
 * back URL-encoded (RFC 3986), as IAM returns it.
 */
import { createHash } from 'node:crypto';
import { ApiError, type Handler, type ServiceModel, type SimClock } from '../types.js';

export interface IamDeps {
  clock: SimClock;
  accountId: string;
}

interface Role {
  name: string;
  path: string;
  id: string;
  createdAt: number;
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function validation(value: unknown, member: string, rule: string): ApiError {
  return new ApiError(
    'ValidationError',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${rule}`
  );
}

function roleName(value: unknown): string {
  if (value === undefined || value === null || value === '') throw validation('null', 'roleName', 'Member must not be null');
  const name = String(value);
  if (!ROLE_NAME.test(name)) throw validation(name, 'roleName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  return name;
}

/** `AROA` + 17 characters, from the name: stable across runs, no draw on the world's random stream. */
function roleId(name: string): string {
  const bytes = createHash('sha256').update(`role/${name}`).digest();
  return `AROA${[...bytes.subarray(0, 17)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

export function createIam(deps: IamDeps): ServiceModel {
  const roles = new Map<string, Role>();

  const shape = (r: Role): Record<string, unknown> => ({
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: `arn:aws:iam::${deps.accountId}:role${r.path}${r.name}`,
    CreateDate: new Date(r.createdAt),
    AssumeRolePolicyDocument: encodeURIComponent(r.trustPolicy),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    RoleLastUsed: {}
  });

  const handlers: Record<string, Handler> = {
    CreateRole: (input) => {
      const name = roleName(input.RoleName);
      const path = String(input.Path ?? '/');
      if (!PATH.test(path))
        throw validation(path, 'path', 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
      if (input.AssumeRolePolicyDocument === undefined) throw validation('null', 'assumeRolePolicyDocument', 'Member must not be null');
      const trustPolicy = String(input.AssumeRolePolicyDocument);
      try {
        JSON.parse(trustPolicy);
      } catch {
        throw new ApiError('MalformedPolicyDocument', 'This policy contains invalid Json');
      }
      // Role names are unique case-insensitively.
      if ([...roles.keys()].some((n) => n.toLowerCase() === name.toLowerCase())) {
        throw new ApiError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
      }
      const role: Role = {
        name,
        path,
        id: roleId(name),
        createdAt: deps.clock.now(),
        trustPolicy,
        ...(input.Description !== undefined ? { description: String(input.Description) } : {}),
        maxSessionDuration: 3600
      };
      roles.set(name, role);
      return { Role: shape(role) };
    },
    GetRole: (input) => {
      const name = roleName(input.RoleName);
      const role = roles.get(name);
      if (!role) throw new ApiError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
      return { Role: shape(role) };
    }
  };

  return {
    handlers,
    tick: () => undefined,
    snapshot: () => ({
      roles: [...roles.values()].map((r) => ({ name: r.name, path: r.path, trustPolicy: JSON.parse(r.trustPolicy) as unknown }))
    })
  };
}
