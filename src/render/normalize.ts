/**
 * One canonical form for a task definition, so that a rendered definition and a registered
 * revision compare equal when ECS would run them the same way: read-only fields and tags
 * dropped, lists whose order does not matter sorted, defaults filled in, empty values
 * removed (but an environment value of "" is kept: it means something).
 */
import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import { isObject, toJson, type Json, type JsonObject } from './json.js';
import { cpuUnits, memoryMiB } from './units.js';
import { READ_ONLY_FIELDS } from './validate.js';

export type AnyTaskDefinition = RegisterTaskDefinitionCommandInput | TaskDefinition | JsonObject;

export function normalizeTaskDefinition(td: AnyTaskDefinition): JsonObject {
  const doc = toJson(td);
  if (!isObject(doc)) return {};
  for (const field of READ_ONLY_FIELDS) delete doc[field];
  // Tags live beside the revision, not in it: they do not make two revisions differ.
  delete doc['tags'];

  const compat = Array.isArray(doc['requiresCompatibilities']) ? doc['requiresCompatibilities'] : [];
  doc['networkMode'] ??= compat.includes('FARGATE') ? 'awsvpc' : 'bridge';
  const networkMode = doc['networkMode'];
  if (typeof doc['cpu'] === 'string') doc['cpu'] = String(cpuUnits(doc['cpu']) ?? doc['cpu']);
  if (typeof doc['memory'] === 'string') doc['memory'] = String(memoryMiB(doc['memory']) ?? doc['memory']);
  if (compat.length > 0) doc['requiresCompatibilities'] = [...compat].sort(byJson);

  if (Array.isArray(doc['containerDefinitions'])) {
    doc['containerDefinitions'] = doc['containerDefinitions']
      .map((c) => (isObject(c) ? normalizeContainer(c, networkMode) : c))
      .sort((a, b) => containerName(a).localeCompare(containerName(b)));
  }
  return prune(doc, true) as JsonObject;
}

function containerName(c: Json): string {
  return isObject(c) && typeof c['name'] === 'string' ? c['name'] : '';
}

function normalizeContainer(c: JsonObject, networkMode: Json | undefined): JsonObject {
  c['essential'] ??= true;
  // ECS reports an unset container cpu as 0.
  if (c['cpu'] === 0) delete c['cpu'];
  for (const field of ['environment', 'secrets'] as const) {
    const list = c[field];
    if (Array.isArray(list)) c[field] = [...list].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }
  const log = c['logConfiguration'];
  if (isObject(log) && Array.isArray(log['secretOptions']))
    log['secretOptions'] = [...log['secretOptions']].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  if (Array.isArray(c['portMappings'])) {
    c['portMappings'] = c['portMappings']
      .map((p) => {
        if (!isObject(p)) return p;
        p['protocol'] ??= 'tcp';
        if (p['hostPort'] === undefined && typeof p['containerPort'] === 'number') {
          // awsvpc and host mode map the same port; bridge without a hostPort means a dynamic one (0).
          p['hostPort'] = networkMode === 'awsvpc' || networkMode === 'host' ? p['containerPort'] : 0;
        }
        return p;
      })
      .sort(byJson);
  }
  return c;
}

function keyOf(v: Json): string {
  return isObject(v) && typeof v['name'] === 'string' ? v['name'] : JSON.stringify(v);
}

function byJson(a: Json, b: Json): number {
  return stableStringify(a).localeCompare(stableStringify(b));
}

/**
 * Drops what means "not set": null, empty lists and objects, and false (every boolean in a task
 * definition defaults to false, except essential, which normalizeContainer has filled in).
 * Empty strings stay: an environment value of "" is a value.
 */
function prune(v: Json, top = false): Json | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    const items = v.map((x) => prune(x)).filter((x): x is Json => x !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const key of Object.keys(v).sort()) {
      const value = v[key]!;
      if (value === false && key !== 'essential') continue;
      const p = prune(value);
      if (p !== undefined) out[key] = p;
    }
    return Object.keys(out).length > 0 || top ? out : undefined;
  }
  return v;
}

/** JSON with object keys sorted: equal for equal values whatever the key order. */
export function stableStringify(v: Json | undefined): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map((x) => stableStringify(x)).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function sameTaskDefinition(a: AnyTaskDefinition, b: AnyTaskDefinition): boolean {
  return stableStringify(normalizeTaskDefinition(a)) === stableStringify(normalizeTaskDefinition(b));
}
