/**
 * Validation before any mutating AWS call: the document is checked against the ECS model
 * (schema.ts), then for the rules ECS only enforces at registration or at launch, so the
 * user learns about every problem at once, with file, line, path and fix.
 */
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { InputErrors, type InputError } from '../errors.js';
import { isObject, type Json, type JsonObject, type PathSegment } from './json.js';
import { checkShape, loadModel, problem, type DocContext } from './schema.js';
import { checkFargateSize, cpuUnits, memoryMiB } from './units.js';

/** Returned by describe-task-definition, rejected by register-task-definition. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt'
] as const;

/**
 * `aws ecs describe-task-definition` prints `{ "taskDefinition": {…}, "tags": […] }`; people
 * save that as their template. Returns the inner definition with the tags moved into it,
 * and the context re-rooted so lines still point into the file.
 */
export function unwrapDescribeOutput(doc: JsonObject, ctx: DocContext): { doc: JsonObject; ctx: DocContext; unwrapped: boolean } {
  const inner = doc['taskDefinition'];
  if (!isObject(inner) || 'containerDefinitions' in doc) return { doc, ctx, unwrapped: false };
  const out: JsonObject = { ...inner };
  const tags = doc['tags'];
  if (Array.isArray(tags) && tags.length > 0 && !('tags' in out)) out['tags'] = tags;
  const reroot = <V>(map: ReadonlyMap<string, V>): Map<string, V> => {
    const m = new Map<string, V>();
    for (const [k, v] of map) {
      if (k.startsWith('taskDefinition.')) m.set(k.slice('taskDefinition.'.length), v);
      else if (k === 'tags' || k.startsWith('tags[')) m.set(k, v);
    }
    return m;
  };
  for (const key of Object.keys(doc)) {
    if (key !== 'taskDefinition' && key !== 'tags') out[key] = doc[key]!; // left for the validator to report
  }
  return {
    doc: out,
    ctx: { ...(ctx.file ? { file: ctx.file } : {}), lines: reroot(ctx.lines), placeholders: reroot(ctx.placeholders) },
    unwrapped: true
  };
}

/** Removes read-only fields in place; returns the names removed. */
export function stripReadOnly(doc: JsonObject): string[] {
  const removed: string[] = [];
  for (const field of READ_ONLY_FIELDS) {
    if (field in doc) {
      delete doc[field];
      removed.push(field);
    }
  }
  return removed;
}

/** Shape (from the model) and rules, all problems at once; the document is coerced in place. */
export async function validateTaskDefinition(doc: JsonObject, ctx: DocContext): Promise<RegisterTaskDefinitionCommandInput> {
  const model = await loadModel();
  const errors = checkShape(doc, model, ctx);
  // A field with the wrong shape gets one message, not a second one from a rule that read it.
  const reported = new Set(errors.map((e) => e.location.path));
  errors.push(...checkRules(doc, ctx).filter((e) => !reported.has(e.location.path)));
  if (errors.length > 0) throw new InputErrors(dedupe(errors));
  return asRegisterInput(doc);
}

function asRegisterInput(doc: JsonObject): RegisterTaskDefinitionCommandInput {
  if (!isRegisterInput(doc)) throw new Error('a validated task definition lacks family or containerDefinitions');
  return doc;
}

/** Only the required members are tested here: everything else was just checked field by field against the model. */
function isRegisterInput(doc: JsonObject): doc is JsonObject & RegisterTaskDefinitionCommandInput {
  return typeof doc['family'] === 'string' && Array.isArray(doc['containerDefinitions']);
}

function dedupe(errors: InputError[]): InputError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}

const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Rules ECS enforces that the model does not express. Wrong types were reported by the shape check; skip them here. */
export function checkRules(doc: JsonObject, ctx: DocContext): InputError[] {
  const errors: InputError[] = [];
  const at = (path: PathSegment[], message: string, fix?: string) => errors.push(problem(ctx, path, message, fix));

  const family = str(doc['family']);
  if (family !== undefined && !FAMILY.test(family)) {
    at(['family'], `is "${family}", not a valid family name`, 'use up to 255 letters, digits, _ and -');
  }

  const compat = Array.isArray(doc['requiresCompatibilities']) ? doc['requiresCompatibilities'] : [];
  const fargate = compat.includes('FARGATE');
  const networkMode = str(doc['networkMode']) ?? (fargate ? 'awsvpc' : 'bridge');
  if (fargate && doc['networkMode'] !== undefined && networkMode !== 'awsvpc') {
    at(['networkMode'], `is "${networkMode}", but FARGATE tasks use awsvpc`, 'set networkMode to awsvpc');
  }

  const cpu = str(doc['cpu']);
  const memory = str(doc['memory']);
  const cpuN = cpu !== undefined ? cpuUnits(cpu) : undefined;
  const memN = memory !== undefined ? memoryMiB(memory) : undefined;
  if (cpu !== undefined && cpuN === undefined) at(['cpu'], `is "${cpu}", not a CPU size`, 'write CPU units ("1024") or vCPUs ("1 vCPU")');
  if (memory !== undefined && memN === undefined) at(['memory'], `is "${memory}", not a memory size`, 'write MiB ("2048") or GB ("2 GB")');
  if (fargate) {
    if (cpu === undefined) at(['cpu'], 'is missing; FARGATE needs a task-level cpu', 'add cpu, e.g. "256" (0.25 vCPU)');
    if (memory === undefined) at(['memory'], 'is missing; FARGATE needs a task-level memory', 'add memory, e.g. "512" (MiB)');
    if (cpuN !== undefined && memN !== undefined) {
      const size = checkFargateSize(cpuN, memN);
      if (!size.ok) {
        at([size.problem], `cpu ${cpuN} with memory ${memN} MiB is not a Fargate task size`, size.fix);
      }
    }
  }

  const containers = Array.isArray(doc['containerDefinitions']) ? doc['containerDefinitions'] : undefined;
  if (!containers) return errors;
  if (containers.length === 0) {
    at(['containerDefinitions'], 'is empty', 'define at least one container');
    return errors;
  }
  const names = new Map<string, number>();
  let essential = 0;
  containers.forEach((c, i) => {
    if (!isObject(c)) return;
    const base: PathSegment[] = ['containerDefinitions', i];
    const name = str(c['name']);
    if (name === undefined || name === '') {
      if (c['name'] === undefined || name === '') at([...base, 'name'], 'is missing', 'give every container a name');
    } else if (!FAMILY.test(name)) {
      at([...base, 'name'], `is "${name}", not a valid container name`, 'use up to 255 letters, digits, _ and -');
    } else if (names.has(name)) {
      at([...base, 'name'], `"${name}" is also the name of containerDefinitions[${names.get(name)}]`, 'container names must be unique');
    } else {
      names.set(name, i);
    }
    if (c['image'] === undefined || c['image'] === '') {
      at([...base, 'image'], 'is missing', 'set the image here, or with the image / images inputs');
    }
    if (c['essential'] !== false) essential++;

    if (!fargate && memN === undefined && c['memory'] === undefined && c['memoryReservation'] === undefined) {
      at(
        base,
        `container ${name ?? i} has no memory or memoryReservation, and the task has no memory`,
        'set memory or memoryReservation on the container, or memory on the task'
      );
    }

    const hard = c['memory'];
    const soft = c['memoryReservation'];
    if (typeof hard === 'number' && typeof soft === 'number' && soft > hard) {
      at(
        [...base, 'memoryReservation'],
        `is ${soft} MiB, more than memory (${hard} MiB)`,
        'the reservation (soft limit) must be at most memory (the hard limit): lower it or raise memory'
      );
    }

    const ports = Array.isArray(c['portMappings']) ? c['portMappings'] : [];
    ports.forEach((p, j) => {
      if (!isObject(p)) return;
      const pb: PathSegment[] = [...base, 'portMappings', j];
      const containerPort = p['containerPort'];
      const hostPort = p['hostPort'];
      if (containerPort === undefined && p['containerPortRange'] === undefined) {
        at([...pb, 'containerPort'], 'is missing', 'set the port the container listens on');
      }
      // Ranges were checked with the shape (schema.ts numberBounds).
      if (networkMode === 'awsvpc' && typeof hostPort === 'number' && typeof containerPort === 'number' && hostPort !== containerPort) {
        at(
          [...pb, 'hostPort'],
          `is ${hostPort} but containerPort is ${containerPort}; with awsvpc they must be equal`,
          `set hostPort to ${containerPort} or remove it`
        );
      }
    });
  });
  if (essential === 0) {
    at(['containerDefinitions'], 'has no essential container', 'set "essential": true on the main container (essential defaults to true)');
  }
  containers.forEach((c, i) => {
    if (!isObject(c) || !Array.isArray(c['dependsOn'])) return;
    c['dependsOn'].forEach((d, j) => {
      const target = isObject(d) ? str(d['containerName']) : undefined;
      if (target !== undefined && !names.has(target)) {
        at(
          ['containerDefinitions', i, 'dependsOn', j, 'containerName'],
          `names "${target}", which is not a container here`,
          `use one of: ${[...names.keys()].join(', ')}`
        );
      }
    });
  });
  return errors;
}
