/**
 * What changes between two task definitions, after normalisation, so a reordered environment or
 * a default ECS filled in shows nothing. Containers are matched by name, environment variables
 * and secrets by their names:
 *   ~ containerDefinitions[web].image: "repo:v1" → "repo:v2"
 *   + containerDefinitions[web].environment.FOO: "bar"
 *   ~ containerDefinitions[web].environment.DB_PASSWORD: (secret) changed
 *
 * Secrets are redacted on both sides. The new side's secrets are known (the values of
 * `secret-vars`), the old side's are not: after a rotation the running revision holds the
 * previous value, which no mask knows. So a place that holds a secret in the new definition is
 * redacted in the old one too, and an old environment value the new definition no longer has
 * (a secret moved to `secrets`, say) is not shown either.
 */
import { SecretMask } from '../mask.js';
import { scalarText } from '../text.js';
import { isObject, type Json, type JsonObject } from './json.js';
import { normalizeTaskDefinition, stableStringify, type AnyTaskDefinition } from './normalize.js';

export interface DiffLine {
  op: '+' | '-' | '~';
  path: string;
  before?: Json;
  after?: Json;
  /** Some of before / after was replaced by SECRET or HIDDEN. */
  redacted?: boolean;
}

export interface DiffOptions {
  /** Values that must not appear (the values of `secret-vars`); any place holding one is redacted on both sides. */
  secrets?: readonly string[];
}

/** Stands for a value that holds a secret. */
export const SECRET = '(secret)';
/** Stands for an old environment value that may have been a secret. */
export const HIDDEN = '(old value not shown)';

export function diffTaskDefinitions(before: AnyTaskDefinition, after: AnyTaskDefinition, options: DiffOptions = {}): DiffLine[] {
  const out: DiffLine[] = [];
  const b = normalizeTaskDefinition(after);
  diffValue(normalizeTaskDefinition(before), b, '', out, redaction(b, options.secrets ?? []), false);
  return out;
}

/** Lists whose items have a natural key, shown as `list.KEY` or `list[KEY]` instead of indexes. */
interface Keyed {
  key: string;
  value?: string;
  style: 'dot' | 'bracket';
}
const KEYED: Record<string, Keyed> = {
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

/** The list's key when every item (of both sides, for a diff) has one. */
function keyedList(path: string, items: readonly Json[]): Keyed | undefined {
  const keyed = KEYED[lastField(path)];
  return keyed && items.every((x) => isObject(x) && typeof x[keyed.key] === 'string') ? keyed : undefined;
}

function itemPath(path: string, keyed: Keyed, item: JsonObject): string {
  const k = scalarText(item[keyed.key]);
  return keyed.style === 'dot' ? `${path}.${k}` : `${path}[${k}]`;
}

/** Lists of objects or lists are compared item by item; lists of plain values as one value. */
function hasNested(items: readonly Json[]): boolean {
  return items.some((x) => isObject(x) || Array.isArray(x));
}

function diffValue(a: Json | undefined, b: Json | undefined, path: string, out: DiffLine[], r: Redaction, inEnvironment: boolean): void {
  if (stableStringify(a) === stableStringify(b)) return;
  if (a === undefined) {
    out.push(line({ op: '+', path, after: b! }, r, inEnvironment));
    return;
  }
  if (b === undefined) {
    out.push(line({ op: '-', path, before: a }, r, inEnvironment));
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of union(Object.keys(a), Object.keys(b))) diffValue(a[key], b[key], join(path, key), out, r, inEnvironment);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keyed = keyedList(path, [...a, ...b]);
    if (keyed) {
      const index = (list: Json[]): Map<string, Json> =>
        new Map(list.map((x) => [itemPath(path, keyed, x as JsonObject), valueOf(x as JsonObject, keyed)]));
      const ia = index(a);
      const ib = index(b);
      const env = inEnvironment || lastField(path) === 'environment';
      for (const k of union([...ia.keys()], [...ib.keys()])) diffValue(ia.get(k), ib.get(k), k, out, r, env);
      return;
    }
    if (hasNested([...a, ...b])) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) diffValue(a[i], b[i], `${path}[${i}]`, out, r, inEnvironment);
      return;
    }
  }
  out.push(line({ op: '~', path, before: a, after: b }, r, inEnvironment));
}

/** `{name, value}` pairs show as their value; an item with more fields shows whole. */
function valueOf(item: JsonObject, keyed: Keyed): Json {
  const rest = Object.keys(item).filter((k) => k !== keyed.key);
  return keyed.value && rest.length === 1 && rest[0] === keyed.value ? item[keyed.value]! : item;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

// ── Redaction ───────────────────────────────────────────────────────────────────────────

interface Redaction {
  isSecret(text: string): boolean;
  /** Places (as the diff names them) whose new value holds a secret. */
  secretPaths: Set<string>;
  /** Environment values the new definition has. */
  newEnvironment: Set<string>;
}

/** A leaf is a plain value, or a list of plain values (the diff shows those whole). */
type LeafFn = (path: string, leaf: Json, inEnvironment: boolean) => Json;

/**
 * Rebuilds `v` with every leaf passed through `fn`, naming each leaf the way the diff names it,
 * so a place found in the new definition is the same place in the old one.
 */
function mapLeaves(v: Json, path: string, inEnvironment: boolean, fn: LeafFn): Json {
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapLeaves(x, join(path, k), inEnvironment, fn);
    return out;
  }
  if (Array.isArray(v)) {
    const keyed = keyedList(path, v);
    if (keyed) {
      const env = inEnvironment || lastField(path) === 'environment';
      return v.map((x) => {
        const item = x as JsonObject;
        const p = itemPath(path, keyed, item);
        const shown = valueOf(item, keyed);
        if (shown === item) return mapLeaves(item, p, env, fn);
        return { ...item, [keyed.value!]: mapLeaves(shown, p, env, fn) };
      });
    }
    if (hasNested(v)) return v.map((x, i) => mapLeaves(x, `${path}[${i}]`, inEnvironment, fn));
  }
  return fn(path, v, inEnvironment);
}

function leafText(leaf: Json): string {
  return typeof leaf === 'string' ? leaf : JSON.stringify(leaf);
}

function redaction(after: JsonObject, secrets: readonly string[]): Redaction {
  const mask = new SecretMask();
  for (const s of secrets) mask.add(s);
  const r: Redaction = { isSecret: (text) => mask.covers(text), secretPaths: new Set(), newEnvironment: new Set() };
  mapLeaves(after, '', false, (path, leaf, inEnvironment) => {
    if (r.isSecret(leafText(leaf))) r.secretPaths.add(path);
    if (inEnvironment) r.newEnvironment.add(path);
    return leaf;
  });
  return r;
}

function redactSide(
  v: Json,
  path: string,
  side: 'before' | 'after',
  r: Redaction,
  inEnvironment: boolean
): { value: Json; redacted: boolean } {
  let redacted = false;
  const value = mapLeaves(v, path, inEnvironment, (p, leaf, env) => {
    if (r.secretPaths.has(p) || r.isSecret(leafText(leaf))) {
      redacted = true;
      return SECRET;
    }
    // "" cannot be a secret, and removing it is a change worth seeing.
    if (side === 'before' && env && leaf !== '' && !r.newEnvironment.has(p)) {
      redacted = true;
      return HIDDEN;
    }
    return leaf;
  });
  return { value, redacted };
}

function line(l: DiffLine, r: Redaction, inEnvironment: boolean): DiffLine {
  const out: DiffLine = { op: l.op, path: l.path };
  let redacted = false;
  for (const side of ['before', 'after'] as const) {
    const v = l[side];
    if (v === undefined) continue;
    const red = redactSide(v, l.path, side, r, inEnvironment);
    out[side] = red.value;
    redacted ||= red.redacted;
  }
  if (redacted) out.redacted = true;
  return out;
}

// ── Formatting ──────────────────────────────────────────────────────────────────────────

function show(v: Json | undefined): string {
  return v === SECRET || v === HIDDEN ? v : JSON.stringify(v);
}

export function formatDiff(lines: readonly DiffLine[]): string {
  if (lines.length === 0) return 'no changes';
  return lines
    .map((l) => {
      const path = l.path === '' ? '(task definition)' : l.path;
      if (l.op === '+') return `+ ${path}: ${show(l.after)}`;
      if (l.op === '-') return `- ${path}: ${show(l.before)}`;
      // Both sides redacted the same way: say that it changed, not what to.
      if (l.redacted && stableStringify(l.before) === stableStringify(l.after)) return `~ ${path}: ${show(l.after)} changed`;
      return `~ ${path}: ${show(l.before)} → ${show(l.after)}`;
    })
    .join('\n');
}
