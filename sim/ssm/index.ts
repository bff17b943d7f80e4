/**
 * SSM Parameter Store (JSON 1.1, target prefix AmazonSSM): the parameters a task definition's
 * `secrets` may name, by name or ARN. PutParameter for the seed; GetParameters, which answers
 * the names it cannot find in `InvalidParameters` rather than failing, as ECS's agent sees it.
 */
import { ApiError, type Handler, type ServiceModel, type SimClock } from '../types.js';
import { list, optBoolean } from '../util.js';

export interface SsmDeps {
  clock: SimClock;
  region: string;
  accountId: string;
}

interface Parameter {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  modifiedAt: number;
  dataType: string;
}

const TYPES = ['String', 'StringList', 'SecureString'] as const;
const NAME = /^[a-zA-Z0-9_.\-/]{1,2048}$/;

function validation(value: unknown, member: string, rule: string): ApiError {
  return new ApiError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${rule}`
  );
}

export function createSsm(deps: SsmDeps): ServiceModel {
  const parameters = new Map<string, Parameter>();
  const arnPrefix = `arn:aws:ssm:${deps.region}:${deps.accountId}:parameter`;
  // A name with a leading slash is joined straight on (`parameter/prod/x`), one without gets one (`parameter/x`).
  const arnOf = (name: string): string => `${arnPrefix}${name.startsWith('/') ? '' : '/'}${name}`;
  /** The stored parameter a name or ARN of this account and region refers to. */
  const lookup = (ref: string): Parameter | undefined => {
    if (!ref.startsWith('arn:')) return parameters.get(ref);
    if (!ref.startsWith(`${arnPrefix}/`)) return undefined;
    const rest = ref.slice(arnPrefix.length + 1);
    return parameters.get(rest) ?? parameters.get(`/${rest}`);
  };
  const shape = (p: Parameter, decrypt: boolean): Record<string, unknown> => ({
    Name: p.name,
    Type: p.type,
    // Without WithDecryption a SecureString comes back as its ciphertext, never the value.
    Value: p.type === 'SecureString' && !decrypt ? Buffer.from(`sim-kms-ciphertext:${p.name}:${p.version}`).toString('base64') : p.value,
    Version: p.version,
    LastModifiedDate: new Date(p.modifiedAt),
    ARN: arnOf(p.name),
    DataType: p.dataType
  });

  const handlers: Record<string, Handler> = {
    PutParameter: (input) => {
      const name = String(input.Name ?? '');
      if (!NAME.test(name)) throw validation(name, 'name', 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.\\-/]+$');
      if (input.Value === undefined) throw validation('null', 'value', 'Member must not be null');
      const existing = parameters.get(name);
      if (existing && !optBoolean(input.Overwrite)) {
        throw new ApiError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.'
        );
      }
      const type = String(input.Type ?? existing?.type ?? 'String');
      if (!(TYPES as readonly string[]).includes(type))
        throw validation(type, 'type', 'Member must satisfy enum value set: [SecureString, StringList, String]');
      const p: Parameter = {
        name,
        type: type as Parameter['type'],
        value: String(input.Value),
        version: (existing?.version ?? 0) + 1,
        modifiedAt: deps.clock.now(),
        dataType: String(input.DataType ?? 'text')
      };
      parameters.set(name, p);
      return { Version: p.version, Tier: 'Standard' };
    },
    GetParameters: (input) => {
      const names = list<unknown>(input.Names).map(String);
      if (names.length === 0) throw validation('[]', 'names', 'Member must have length greater than or equal to 1');
      if (names.length > 10) throw validation(`[${names.join(', ')}]`, 'names', 'Member must have length less than or equal to 10');
      const decrypt = optBoolean(input.WithDecryption) ?? false;
      const found: Record<string, unknown>[] = [];
      const invalid: string[] = [];
      for (const name of [...new Set(names)]) {
        const p = lookup(name);
        if (p) found.push(shape(p, decrypt));
        else invalid.push(name);
      }
      return { Parameters: found, InvalidParameters: invalid };
    }
  };

  return {
    handlers,
    tick: () => undefined,
    // Names and types only: a snapshot is served over HTTP and must not carry values.
    snapshot: () => ({ parameters: [...parameters.values()].map((p) => ({ name: p.name, type: p.type, version: p.version })) })
  };
}
