/**
 * Templates are parsed first (the `yaml` package reads JSON too) and placeholders are
 * substituted inside the parsed string values, never in the text: a value holding quotes,
 * braces, newlines or YAML syntax stays one string and cannot add keys or change types.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { InputError, InputErrors } from '../errors.js';
import { formatPath, shorten, type Json, type JsonObject, type PathSegment } from './json.js';
import { substitute, type Variables } from './vars.js';

export interface ParsedTemplate {
  doc: Json;
  /** Line of each value by its path (`containerDefinitions[0].image`), for messages and annotations. */
  lines: Map<string, number>;
  /** Values that were exactly one placeholder, by path, with the variable's name: they may become numbers. */
  placeholders: Map<string, string>;
  /** Variables the template referred to. */
  used: Set<string>;
}

/**
 * YAML reads an unquoted `cpu: {{ cpu }}` as a nested flow mapping. When a node's source text
 * is exactly one placeholder we read it as the placeholder the user meant: this looks at the
 * node the parser produced, so it cannot be triggered by a substituted value.
 */
const UNQUOTED_PLACEHOLDER = /^\{\{\s*[^{}\s]+\s*\}\}$/;
const MAX_DEPTH = 64;
/**
 * Aliases are expanded here, by us (the yaml package's own `maxAliasCount` guards only its
 * toJS, which we do not use), so we bound them the same way: nine nested aliases of nine
 * items each turn a 414-byte file into gigabytes. A task definition needs a few aliases at
 * most, and never more values than fit in the 64 KiB ECS accepts.
 */
export const MAX_ALIASES = 100;
export const MAX_VALUES = 100_000;
/** A key JavaScript treats as the prototype: assigning it is silently dropped (or pollutes), by us and by the SDK. */
const PROTO_KEY = '__proto__';

/** Thrown out of the walk at once: carrying on would do the exponential work the limit exists to stop. */
class TooBig extends Error {
  constructor(readonly problem: InputError) {
    super(problem.message);
  }
}

export function parseTemplate(text: string, file: string, variables: Variables): ParsedTemplate {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  if (document.errors.length > 0) {
    throw new InputErrors(
      document.errors.map(
        (e) =>
          new InputError(
            `is not valid JSON or YAML: ${e.message.split('\n')[0]}`,
            { file, line: lineOf(e.pos[0]) },
            'fix the syntax at that line'
          )
      )
    );
  }

  const parsed: ParsedTemplate = { doc: null, lines: new Map(), placeholders: new Map(), used: new Set() };
  const errors: InputError[] = [];

  const stringValue = (raw: string, path: PathSegment[], line: number | undefined): string => {
    const s = substitute(raw, variables);
    s.used.forEach((name) => parsed.used.add(name));
    for (const name of s.missing) {
      errors.push(
        new InputError(
          `placeholder {{ ${name} }} has no value`,
          { file, line, path: formatPath(path) },
          name.startsWith('env.') ? `set the environment variable ${name.slice(4)}` : `add ${name}=… to the vars input`
        )
      );
    }
    for (const raw of s.malformed) {
      errors.push(
        new InputError(
          `"${raw}" is not a placeholder`,
          { file, line, path: formatPath(path) },
          "write {{ name }} or {{ env.NAME }}; for a literal {{ write {{ '{{' }}"
        )
      );
    }
    if (s.whole !== undefined) parsed.placeholders.set(formatPath(path), s.whole);
    return s.value;
  };

  let aliases = 0;
  let values = 0;
  const build = (node: Node | null, path: PathSegment[], depth: number): Json => {
    if (++values > MAX_VALUES) {
      throw new TooBig(
        new InputError(`expands to more than ${MAX_VALUES} values`, { file, path: formatPath(path) }, 'a task definition is far smaller: check for YAML aliases (*name) that repeat large parts')
      );
    }
    if (depth > MAX_DEPTH) {
      errors.push(new InputError('is nested too deeply', { file, path: formatPath(path) }, 'check for recursive YAML aliases'));
      return null;
    }
    if (node === null) return null;
    const line = lineOf(node.range?.[0]);
    const key = formatPath(path);
    if (line !== undefined && !parsed.lines.has(key)) parsed.lines.set(key, line);
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) {
        throw new TooBig(
          new InputError(
            `expands YAML aliases more than ${MAX_ALIASES} times (an alias bomb?)`,
            { file, line, path: key },
            `write the repeated values out, or use fewer aliases (*${node.source}); expansion stops at ${MAX_ALIASES}`
          )
        );
      }
      return build(node.resolve(document) ?? null, path, depth + 1);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return stringValue(v, path, line);
      if (typeof v === 'number' && !Number.isFinite(v)) {
        // JSON has no Infinity or NaN: JSON.stringify would quietly write null in its place.
        const source = node.range ? text.slice(node.range[0], node.range[1]).trim() : String(v);
        errors.push(
          new InputError(
            `is ${shorten(source)}, ${Number.isNaN(v) ? 'not a number' : 'a number too large to represent'}`,
            { file, line, path: key },
            'use a smaller number, or quote it if it is text'
          )
        );
        return null;
      }
      if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
      if (typeof v === 'bigint') return Number(v);
      return String(v);
    }
    if (isMap(node)) {
      const source = node.range ? text.slice(node.range[0], node.range[1]).trim() : '';
      if (node.flow && UNQUOTED_PLACEHOLDER.test(source)) return stringValue(source, path, line);
      const out: JsonObject = {};
      for (const pair of node.items) {
        const k = pair.key;
        const keyLine = isScalar(k) ? lineOf(k.range?.[0]) : line;
        if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) {
          errors.push(new InputError('has a key that is not a plain name', { file, line: keyLine, path: key }, 'use string keys'));
          continue;
        }
        const name = String(k.value);
        if (name === PROTO_KEY) {
          errors.push(
            new InputError(
              `has a key "${PROTO_KEY}"`,
              { file, line: keyLine, path: key },
              'no ECS field has that name, and JavaScript (this tool and the AWS SDK alike) would drop it: rename or remove it'
            )
          );
          continue;
        }
        if (name.includes('{{')) {
          errors.push(
            new InputError(
              `key "${name}" holds a placeholder`,
              { file, line: keyLine, path: key },
              'placeholders are substituted in values only; write the key itself'
            )
          );
          continue;
        }
        const childPath = [...path, name];
        if (keyLine !== undefined) parsed.lines.set(formatPath(childPath), keyLine);
        out[name] = build((pair.value as Node | null) ?? null, childPath, depth + 1);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => build((item as Node | null) ?? null, [...path, i], depth + 1));
    errors.push(new InputError('holds a value that is not JSON', { file, line, path: key }, 'use strings, numbers, lists and maps'));
    return null;
  };

  try {
    parsed.doc = build(document.contents as Node | null, [], 0);
  } catch (error) {
    if (error instanceof TooBig) throw error.problem;
    throw error;
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return parsed;
}

