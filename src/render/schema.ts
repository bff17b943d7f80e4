/**
 * Checks a document against the ECS API's own model of RegisterTaskDefinition, the runtime
 * schema the SDK ships. Fields ECS adds later are accepted as soon as the SDK knows them:
 * there is no list of field names in this code.
 *
 * The SDK is imported lazily: a run that never renders does not pay for loading it.
 */
import type { NormalizedSchema } from '@smithy/core/schema';
import { InputError } from '../errors.js';
import { loadEcsModelSource } from './ecs-model.js';
import { closest } from '../text.js';
import { formatPath, isObject, shorten, type Json, type JsonObject, type PathSegment } from './json.js';

export interface Model {
  request: NormalizedSchema;
  /** Allowed values of enum-typed string fields, by field name, from the SDK's enums. */
  enums: ReadonlyMap<string, readonly string[]>;
}

let model: Promise<Model> | undefined;

export function loadModel(): Promise<Model> {
  return (model ??= (async () => {
    const [{ request, enums: sdk }, schema] = await Promise.all([loadEcsModelSource(), import('@smithy/core/schema')]);
    // The schema types enum fields as plain strings; the SDK's enum objects carry the values.
    const enums = new Map<string, readonly string[]>([
      ['networkMode', Object.values(sdk.NetworkMode)],
      ['requiresCompatibilities', Object.values(sdk.Compatibility)],
      ['protocol', Object.values(sdk.TransportProtocol)],
      ['appProtocol', Object.values(sdk.ApplicationProtocol)],
      ['logDriver', Object.values(sdk.LogDriver)],
      ['condition', Object.values(sdk.ContainerCondition)],
      ['pidMode', Object.values(sdk.PidMode)],
      ['ipcMode', Object.values(sdk.IpcMode)]
    ]);
    return { request: schema.NormalizedSchema.of(request), enums };
  })());
}

/** Where values came from: messages name the file and line, placeholders may turn into numbers. */
export interface DocContext {
  file?: string;
  lines: ReadonlyMap<string, number>;
  /** Paths whose value was exactly one placeholder, with the variable's name. */
  placeholders: ReadonlyMap<string, string>;
}

export function lineOf(ctx: DocContext, path: readonly PathSegment[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const line = ctx.lines.get(formatPath(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}

export function problem(ctx: DocContext, path: readonly PathSegment[], message: string, fix?: string): InputError {
  return new InputError(message, { ...(ctx.file ? { file: ctx.file } : {}), line: lineOf(ctx, path), path: formatPath(path) }, fix);
}

/**
 * Walks `value` against `schema`, coercing in place where that is harmless (a placeholder in a
 * numeric field, a number for the top-level cpu/memory strings), and returns every problem.
 */
export function checkShape(doc: JsonObject, m: Model, ctx: DocContext): InputError[] {
  const errors: InputError[] = [];
  checkStruct(doc, m.request, [], m, ctx, errors);
  return errors;
}

function expected(s: NormalizedSchema): string {
  if (s.isStructSchema()) return 'an object';
  if (s.isListSchema()) return 'a list';
  if (s.isMapSchema()) return 'a map of names to strings';
  if (s.isNumericSchema()) return 'a number';
  if (s.isBooleanSchema()) return 'true or false';
  return 'a string';
}

function describe(v: Json): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'string' ? 'the string' : `the ${typeof v}`} ${JSON.stringify(v)}`;
}

function requiredCount(s: NormalizedSchema): number {
  const raw: unknown = s.getSchema();
  return Array.isArray(raw) && typeof raw[6] === 'number' ? raw[6] : 0;
}

function checkStruct(value: JsonObject, s: NormalizedSchema, path: PathSegment[], m: Model, ctx: DocContext, errors: InputError[]): void {
  const members = new Map<string, NormalizedSchema>();
  const names: string[] = [];
  for (const [name, member] of s.structIterator()) {
    members.set(name, member);
    names.push(name);
  }
  for (const key of Object.keys(value)) {
    const member = members.get(key);
    const childPath = [...path, key];
    if (!member) {
      const guess = closest(key, names);
      errors.push(
        problem(
          ctx,
          childPath,
          `unknown field "${key}"`,
          guess ? `did you mean "${guess}"?` : `remove it; ${path.length ? formatPath(path) : 'a task definition'} has: ${names.join(', ')}`
        )
      );
      continue;
    }
    const coerced = checkValue(value[key]!, member, childPath, m, ctx, errors);
    if (coerced !== undefined) value[key] = coerced;
  }
  for (const name of names.slice(0, requiredCount(s))) {
    if (!(name in value)) errors.push(problem(ctx, [...path, name], `"${name}" is missing`, `add ${name}; ECS requires it`));
  }
}

/** Returns a replacement when the value was coerced. */
function checkValue(
  value: Json,
  s: NormalizedSchema,
  path: PathSegment[],
  m: Model,
  ctx: DocContext,
  errors: InputError[]
): Json | undefined {
  const here = formatPath(path);
  const field = [...path].reverse().find((p): p is string => typeof p === 'string') ?? '';
  const wrong = (fix?: string): undefined => {
    errors.push(problem(ctx, path, `is ${describe(value)}, expected ${expected(s)}`, fix));
    return undefined;
  };
  if (value === null) {
    errors.push(problem(ctx, path, 'has no value', 'give it a value or remove the field'));
    return undefined;
  }
  if (s.isDocumentSchema() || s.isTimestampSchema() || s.isBlobSchema()) return undefined;

  if (s.isStructSchema()) {
    if (!isObject(value)) return wrong();
    checkStruct(value, s, path, m, ctx, errors);
    return undefined;
  }
  if (s.isListSchema()) {
    if (!Array.isArray(value)) return wrong(typeof value === 'string' ? `write a list: ["${value}"]` : undefined);
    const item = s.getValueSchema();
    value.forEach((v, i) => {
      const coerced = checkValue(v, item, [...path, i], m, ctx, errors);
      if (coerced !== undefined) value[i] = coerced;
    });
    return undefined;
  }
  if (s.isMapSchema()) {
    if (!isObject(value)) return wrong();
    const item = s.getValueSchema();
    for (const [k, v] of Object.entries(value)) {
      const coerced = checkValue(v, item, [...path, k], m, ctx, errors);
      if (coerced !== undefined) value[k] = coerced;
    }
    return undefined;
  }

  const variable = ctx.placeholders.get(here);
  if (s.isNumericSchema()) {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && variable !== undefined) {
      if (!/^-?\d+(\.\d+)?$/.test(value.trim())) {
        errors.push(problem(ctx, path, `{{ ${variable} }} is "${shorten(value)}", not a number`, `set ${variable} to a number`));
        return undefined;
      }
      n = Number(value.trim());
    } else {
      return wrong(
        typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? `write ${shorten(value.trim())} without quotes` : undefined
      );
    }
    const bounds = numberBounds(path);
    if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
      const shown =
        variable !== undefined && typeof value === 'string'
          ? `{{ ${variable} }} is ${shorten(value.trim())}`
          : `is ${shorten(String(value))}`;
      errors.push(
        problem(ctx, path, shown, `use a whole number from ${bounds.min} to ${bounds.max}${bounds.why ? `; ${bounds.why}` : ''}`)
      );
      return undefined;
    }
    return typeof value === 'number' ? undefined : n;
  }
  if (s.isBooleanSchema()) {
    if (typeof value === 'boolean') return undefined;
    if (typeof value === 'string' && variable !== undefined) {
      if (value.trim() === 'true' || value.trim() === 'false') return value.trim() === 'true';
      errors.push(problem(ctx, path, `{{ ${variable} }} is "${value}", not true or false`, `set ${variable} to true or false`));
      return undefined;
    }
    return wrong(value === 'true' || value === 'false' ? `write ${value} without quotes` : undefined);
  }
  if (s.isStringSchema()) {
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number' && path.length === 1 && (field === 'cpu' || field === 'memory')) {
      // The API types task-level cpu/memory as strings; everyone writes numbers. Harmless to convert.
      text = String(value);
    } else {
      return wrong(typeof value === 'number' || typeof value === 'boolean' ? `quote it: "${String(value)}"` : undefined);
    }
    const allowed = m.enums.get(field);
    if (allowed && !allowed.includes(text)) {
      const guess = closest(text, allowed);
      errors.push(
        problem(
          ctx,
          path,
          `is "${text}"`,
          `use ${guess ? `"${guess}"` : `one of: ${allowed.join(', ')}`}${guess ? ` (one of: ${allowed.join(', ')})` : ''}`
        )
      );
    }
    return typeof value === 'string' ? undefined : text;
  }
  return undefined;
}

/** Every number in RegisterTaskDefinition is a 32-bit Integer in the ECS API model. */
const INT32_MAX = 2 ** 31 - 1;

interface Bounds {
  min: number;
  max: number;
  why?: string;
}

/**
 * Ranges ECS documents for its numeric fields, by path with list indexes left out. The model
 * says only "Integer"; anything not listed is a count, size or time and may not be negative.
 */
const NUMBER_BOUNDS: ReadonlyMap<string, Bounds> = new Map([
  ['containerDefinitions.cpu', { min: 0, max: INT32_MAX, why: 'CPU units; 1024 = 1 vCPU' }],
  ['containerDefinitions.memory', { min: 6, max: INT32_MAX, why: 'MiB; Docker needs at least 6' }],
  ['containerDefinitions.memoryReservation', { min: 6, max: INT32_MAX, why: 'MiB; Docker needs at least 6' }],
  ['containerDefinitions.portMappings.containerPort', { min: 1, max: 65535, why: 'a TCP/UDP port' }],
  ['containerDefinitions.portMappings.hostPort', { min: 0, max: 65535, why: '0 or none: a dynamic port in bridge mode' }],
  ['containerDefinitions.healthCheck.interval', { min: 5, max: 300, why: 'seconds' }],
  ['containerDefinitions.healthCheck.timeout', { min: 2, max: 120, why: 'seconds' }],
  ['containerDefinitions.healthCheck.retries', { min: 1, max: 10 }],
  ['containerDefinitions.healthCheck.startPeriod', { min: 0, max: 300, why: 'seconds' }],
  ['containerDefinitions.linuxParameters.swappiness', { min: 0, max: 100 }],
  ['containerDefinitions.linuxParameters.tmpfs.size', { min: 1, max: INT32_MAX, why: 'MiB' }],
  // Docker takes -1 for "unlimited" in some ulimits.
  ['containerDefinitions.ulimits.softLimit', { min: -1, max: INT32_MAX }],
  ['containerDefinitions.ulimits.hardLimit', { min: -1, max: INT32_MAX }],
  ['volumes.efsVolumeConfiguration.transitEncryptionPort', { min: 0, max: 65535, why: 'a TCP port' }],
  ['ephemeralStorage.sizeInGiB', { min: 21, max: 200, why: 'GiB, as Fargate allows' }]
]);

export function numberBounds(path: readonly PathSegment[]): Bounds {
  const key = path.filter((p): p is string => typeof p === 'string').join('.');
  return NUMBER_BOUNDS.get(key) ?? { min: 0, max: INT32_MAX };
}
