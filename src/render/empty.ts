/**
 * Empty values removed before validation, as the official deploy action does before it registers
 * (its cleanNullKeys): null, "", and lists and objects that hold nothing else; keys named in
 * `keep-null-value-keys` keep their empty values. An environment variable's value "" is always
 * kept: the official action puts it back too (maintainValidObjects), and it means something.
 */
import { isObject, type Json, type JsonObject } from './json.js';

function isEmpty(value: Json | undefined, key: string | undefined, keep: ReadonlySet<string>): boolean {
  if (key !== undefined && keep.has(key)) return false;
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.every((v) => isEmpty(v, undefined, keep));
  if (isObject(value)) return Object.entries(value).every(([k, v]) => isEmpty(v, k, keep));
  return false;
}

function clean(value: Json, keep: ReadonlySet<string>): Json {
  if (Array.isArray(value)) return value.filter((v) => !isEmpty(v, undefined, keep)).map((v) => clean(v, keep));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (!isEmpty(v, k, keep)) out[k] = clean(v, keep);
  }
  return out;
}

/**
 * Removes empty values in place (the top-level object stays); returns the paths removed, for a notice.
 * `family` and `containerDefinitions` stay even when empty, so validation names them precisely.
 */
export function removeEmptyValues(doc: JsonObject, keepKeys: readonly string[]): string[] {
  const keep = new Set([...keepKeys, 'family', 'containerDefinitions']);
  const removed: string[] = [];
  const walk = (value: Json, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (isEmpty(v, undefined, keep)) removed.push(`${path}[${i}]`);
        else walk(v, `${path}[${i}]`);
      });
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        const at = path ? `${path}.${k}` : k;
        if (isEmpty(v, k, keep)) removed.push(at);
        else walk(v, at);
      }
    }
  };
  // An environment entry { name, value: "" } loses nothing: its value is a value.
  const envValues = new Set<JsonObject>();
  for (const c of Array.isArray(doc['containerDefinitions']) ? doc['containerDefinitions'] : []) {
    if (!isObject(c) || !Array.isArray(c['environment'])) continue;
    for (const e of c['environment'])
      if (isObject(e) && e['value'] === '' && typeof e['name'] === 'string' && e['name'] !== '') envValues.add(e);
  }
  const marker = '\u0000keep';
  for (const e of envValues) e['value'] = marker;
  walk(doc, '');
  const cleaned = clean(doc, keep);
  const restore = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(restore);
    if (!isObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (x === marker) v[k] = '';
      else restore(x);
    }
  };
  restore(cleaned);
  for (const k of Object.keys(doc)) delete doc[k];
  Object.assign(doc, cleaned);
  return removed;
}
