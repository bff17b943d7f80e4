/**
 * What changes between two task definitions, after normalisation, so a reordered environment or
 * a default ECS filled in shows nothing. Containers are matched by name, environment variables
 * and secrets by their names:
 *   ~ containerDefinitions[web].image: "repo:v1" → "repo:v2"
 *   + containerDefinitions[web].environment.FOO: "bar"
 */
import { isObject, type Json, type JsonObject } from './json.js';
import { normalizeTaskDefinition, stableStringify, type AnyTaskDefinition } from './normalize.js';

export interface DiffLine {
  op: '+' | '-' | '~';
  path: string;
  before?: Json;
  after?: Json;
}

export function diffTaskDefinitions(before: AnyTaskDefinition, after: AnyTaskDefinition): DiffLine[] {
  const out: DiffLine[] = [];
  diffValue(normalizeTaskDefinition(before), normalizeTaskDefinition(after), '', out);
  return out;
}

/** Lists whose items have a natural key, shown as `list.KEY` or `list[KEY]` instead of indexes. */
const KEYED: Record<string, { key: string; value?: string; style: 'dot' | 'bracket' }> = {
  containerDefinitions: { key: 'name', style: 'bracket' },
  environment: { key: 'name', value: 'value', style: 'dot' },
  secrets: { key: 'name', value: 'valueFrom', style: 'dot' },
  secretOptions: { key: 'name', value: 'valueFrom', style: 'dot' },
  volumes: { key: 'name', style: 'bracket' }
};

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function lastField(path: string): string {
  const m = /([A-Za-z0-9_]+)(\[[^\]]*\])?$/.exec(path);
  return m ? m[1]! : path;
}

function diffValue(a: Json | undefined, b: Json | undefined, path: string, out: DiffLine[]): void {
  if (stableStringify(a) === stableStringify(b)) return;
  if (a === undefined) {
    out.push({ op: '+', path, after: b! });
    return;
  }
  if (b === undefined) {
    out.push({ op: '-', path, before: a });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of union(Object.keys(a), Object.keys(b))) diffValue(a[key], b[key], join(path, key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keyed = KEYED[lastField(path)];
    if (keyed && [...a, ...b].every((x) => isObject(x) && typeof x[keyed.key] === 'string')) {
      const index = (list: Json[]): Map<string, Json> =>
        new Map(list.map((x) => [String((x as JsonObject)[keyed.key]), keyed.value ? valueOf(x as JsonObject, keyed) : x]));
      const ia = index(a);
      const ib = index(b);
      for (const k of union([...ia.keys()], [...ib.keys()])) {
        diffValue(ia.get(k), ib.get(k), keyed.style === 'dot' ? `${path}.${k}` : `${path}[${k}]`, out);
      }
      return;
    }
    if ([...a, ...b].some((x) => isObject(x) || Array.isArray(x))) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) diffValue(a[i], b[i], `${path}[${i}]`, out);
      return;
    }
  }
  out.push({ op: '~', path, before: a, after: b });
}

/** `{name, value}` pairs show as their value; an item with more fields shows whole. */
function valueOf(item: JsonObject, keyed: { key: string; value?: string }): Json {
  const rest = Object.keys(item).filter((k) => k !== keyed.key);
  return rest.length === 1 && rest[0] === keyed.value ? item[keyed.value]! : item;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function show(v: Json | undefined): string {
  return JSON.stringify(v);
}

export function formatDiff(lines: readonly DiffLine[]): string {
  if (lines.length === 0) return 'no changes';
  return lines
    .map((l) => {
      const path = l.path === '' ? '(task definition)' : l.path;
      if (l.op === '+') return `+ ${path}: ${show(l.after)}`;
      if (l.op === '-') return `- ${path}: ${show(l.before)}`;
      return `~ ${path}: ${show(l.before)} → ${show(l.after)}`;
    })
    .join('\n');
}
