/**
 * The official deploy action's JSON inputs (run-task-container-overrides, -capacity-provider-strategy,
 * -tags, the managed EBS volumes), parsed and checked field by field here, so a typo fails the step
 * naming the input, the item and the fix before any AWS call instead of failing at RunTask (or, as
 * the official action does with an unknown EBS key, being dropped without a word).
 */
import type {
  CapacityProviderStrategyItem,
  ContainerOverride,
  ServiceManagedEBSVolumeConfiguration,
  Tag,
  TaskManagedEBSVolumeConfiguration
} from '@aws-sdk/client-ecs';
import { InputError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { closest, scalarText } from '../text.js';

type Fields = Record<string, 'string' | 'number' | 'boolean' | 'array' | 'object'>;

function parseJson(inputs: Inputs, name: string, example: string): unknown {
  const text = inputs.string(name);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InputError(`${inputs.label(name)} is not valid JSON (${why})`, {}, `write JSON, e.g. ${example}`);
  }
}

function kindOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** Each key of `value` known and of the right type; `where` names the item in messages. */
function checkObject(value: unknown, fields: Fields, where: string, required: string[]): Record<string, unknown> {
  if (kindOf(value) !== 'object')
    throw new InputError(`${where} is ${kindOf(value)}, not a JSON object`, {}, `write {${required.map((k) => `"${k}": …`).join(', ')}}`);
  const obj = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    const want = fields[key];
    if (!want) {
      const guess = closest(key, Object.keys(fields));
      throw new InputError(
        `${where} has an unknown key "${key}"`,
        {},
        guess ? `did you mean "${guess}"?` : `use: ${Object.keys(fields).join(', ')}`
      );
    }
    if (kindOf(v) !== want)
      throw new InputError(`${where}.${key} is ${kindOf(v)}`, {}, `give ${want === 'array' ? 'an array' : `a ${want}`}`);
  }
  for (const key of required) {
    if (obj[key] === undefined) throw new InputError(`${where} has no "${key}"`, {}, `add "${key}"`);
  }
  return obj;
}

function arrayOf(inputs: Inputs, name: string, example: string): unknown[] | undefined {
  const parsed = parseJson(inputs, name, example);
  if (parsed === undefined) return undefined;
  if (!Array.isArray(parsed))
    throw new InputError(`${inputs.label(name)} is a JSON ${kindOf(parsed)}, not an array`, {}, `write a JSON array, e.g. ${example}`);
  return parsed as unknown[];
}

const KEY_VALUE_LIST = 'array';
const CONTAINER_OVERRIDE: Fields = {
  name: 'string',
  command: 'array',
  environment: KEY_VALUE_LIST,
  environmentFiles: 'array',
  cpu: 'number',
  memory: 'number',
  memoryReservation: 'number',
  resourceRequirements: 'array'
};

/** `run-task-container-overrides`: ContainerOverride[] for RunTask. */
export function readContainerOverrides(inputs: Inputs): ContainerOverride[] | undefined {
  const name = 'run-task-container-overrides';
  const list = arrayOf(inputs, name, '[{"name": "web", "command": ["npm", "run", "migrate"]}]');
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    const where = `${inputs.label(name)}[${i}]`;
    const o = checkObject(item, CONTAINER_OVERRIDE, where, ['name']);
    if (Array.isArray(o['command']) && !o['command'].every((w) => typeof w === 'string')) {
      throw new InputError(`${where}.command is not an array of strings`, {}, 'write ["cmd", "arg", …]');
    }
    if (Array.isArray(o['environment'])) {
      o['environment'].forEach((e, j) => checkObject(e, { name: 'string', value: 'string' }, `${where}.environment[${j}]`, ['name']));
    }
    return o;
  });
}

/** `run-task-capacity-provider-strategy`: CapacityProviderStrategyItem[]. */
export function readCapacityProviderStrategy(inputs: Inputs): CapacityProviderStrategyItem[] | undefined {
  const name = 'run-task-capacity-provider-strategy';
  const list = arrayOf(inputs, name, '[{"capacityProvider": "FARGATE_SPOT", "weight": 1}]');
  if (list === undefined || list.length === 0) return undefined;
  return list.map((item, i) => {
    const where = `${inputs.label(name)}[${i}]`;
    const o = checkObject(item, { capacityProvider: 'string', weight: 'number', base: 'number' }, where, ['capacityProvider']);
    for (const [key, max] of [
      ['weight', 1000],
      ['base', 100000]
    ] as const) {
      const v = o[key];
      if (typeof v === 'number' && (!Number.isInteger(v) || v < 0 || v > max)) {
        throw new InputError(`${where}.${key} is ${v}`, {}, `use a whole number from 0 to ${max}`);
      }
    }
    const out: CapacityProviderStrategyItem = { capacityProvider: String(o['capacityProvider']) };
    if (typeof o['weight'] === 'number') out.weight = o['weight'];
    if (typeof o['base'] === 'number') out.base = o['base'];
    return out;
  });
}

/** `run-task-tags`: Tag[] (`[{"key": …, "value": …}]`). */
export function readTags(inputs: Inputs): Tag[] | undefined {
  const name = 'run-task-tags';
  const list = arrayOf(inputs, name, '[{"key": "team", "value": "web"}]');
  if (list === undefined || list.length === 0) return undefined;
  return list.map((item, i) => {
    const o = checkObject(item, { key: 'string', value: 'string' }, `${inputs.label(name)}[${i}]`, ['key']);
    const tag: Tag = { key: String(o['key']) };
    if (typeof o['value'] === 'string') tag.value = o['value'];
    return tag;
  });
}

const EBS_FIELDS: Fields = {
  roleArn: 'string',
  encrypted: 'boolean',
  kmsKeyId: 'string',
  volumeType: 'string',
  sizeInGiB: 'number',
  snapshotId: 'string',
  volumeInitializationRate: 'number',
  iops: 'number',
  throughput: 'number',
  tagSpecifications: 'array',
  filesystemType: 'string'
};

/**
 * A managed EBS volume from `<prefix>-ebs-volume-name` and `<prefix>-ebs-volume` (JSON). A name
 * without configuration is sent as nothing, with a warning, as the official action does; a
 * configuration without a name is an error (the official action drops it without a word).
 */
export function readManagedEbsVolume<T extends ServiceManagedEBSVolumeConfiguration | TaskManagedEBSVolumeConfiguration>(
  inputs: Inputs,
  nameInput: 'service-managed-ebs-volume-name' | 'run-task-managed-ebs-volume-name',
  configInput: 'service-managed-ebs-volume' | 'run-task-managed-ebs-volume',
  warnings: string[]
): { name: string; managedEBSVolume: T } | undefined {
  const volumeName = inputs.string(nameInput);
  const config = parseJson(
    inputs,
    configInput,
    '{"roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole", "sizeInGiB": 20, "volumeType": "gp3"}'
  );
  const empty = config === undefined || (kindOf(config) === 'object' && Object.keys(config as object).length === 0);
  if (volumeName === undefined) {
    if (!empty)
      throw new InputError(
        `${inputs.label(configInput)} is set without ${inputs.label(nameInput)}`,
        {},
        `set ${inputs.label(nameInput)} to the task definition volume (configuredAtLaunch) it configures`
      );
    return undefined;
  }
  if (empty) {
    warnings.push(`${nameInput} is set without ${configInput}: no volume configuration is sent (as the official deploy action does)`);
    return undefined;
  }
  const fields: Fields = configInput === 'run-task-managed-ebs-volume' ? { ...EBS_FIELDS, terminationPolicy: 'object' } : EBS_FIELDS;
  const o = checkObject(config, fields, inputs.label(configInput), ['roleArn']);
  if (o['throughput'] !== undefined && o['volumeType'] !== 'gp3') {
    throw new InputError(
      `${inputs.label(configInput)} sets throughput for volumeType ${o['volumeType'] === undefined ? '(unset)' : scalarText(o['volumeType'])}`,
      {},
      'throughput applies to gp3 volumes only: set "volumeType": "gp3" or remove throughput'
    );
  }
  for (const key of ['sizeInGiB', 'iops', 'throughput', 'volumeInitializationRate']) {
    const v = o[key];
    if (typeof v === 'number' && (!Number.isInteger(v) || v <= 0))
      throw new InputError(`${inputs.label(configInput)}.${key} is ${v}`, {}, 'use a whole number above 0');
  }
  return { name: volumeName, managedEBSVolume: o as T };
}
