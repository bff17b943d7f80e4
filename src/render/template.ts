/**
 * Templates are parsed first and placeholders are substituted inside the parsed string values,
 * never in the text: a value holding quotes, braces, newlines or YAML syntax stays one string
 * and cannot add keys or change types. JSON is read by a small JSON reader (over ten times faster);
 * the `yaml` package is loaded only for YAML files and for text the JSON reader refuses.
 */
import type { Node } from 'yaml';
import { InputError, InputErrors } from '../errors.js';
import { scalarText } from '../text.js';
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

/**
 * Parses a template: `.yaml` / `.yml` files as YAML; anything else as JSON, falling back to YAML
 * when the text is not plain JSON (YAML written in a .json file, a syntax error or a duplicate
 * key, which the YAML reader reports with its line).
 */
export async function parseTemplate(text: string, file: string, variables: Variables): Promise<ParsedTemplate> {
  if (!/\.ya?ml$/i.test(file)) {
    const parsed = parseJsonTemplate(text, file, variables);
    if (parsed) return parsed;
  }
  // yaml is CommonJS for Node: a bundle's chunk gives its exports as the namespace's default only, Node gives both.
  const loaded: typeof import('yaml') & { default?: typeof import('yaml') } = await import('yaml');
  return parseYamlTemplate(loaded.default ?? loaded, text, file, variables);
}

/** Substitutes placeholders in one string value, noting what it used and any problem in `errors`. */
function placeholderSubstitution(
  parsed: ParsedTemplate,
  errors: InputError[],
  file: string,
  variables: Variables
): (raw: string, path: string, line: number | undefined) => string {
  return (raw, path, line) => {
    const s = substitute(raw, variables);
    s.used.forEach((name) => parsed.used.add(name));
    for (const name of s.missing) {
      errors.push(
        new InputError(
          `placeholder {{ ${name} }} has no value`,
          { file, line, path },
          name.startsWith('env.') ? `set the environment variable ${name.slice(4)}` : `add ${name}=… to the vars input`
        )
      );
    }
    for (const raw of s.malformed) {
      errors.push(
        new InputError(
          `"${raw}" is not a placeholder`,
          { file, line, path },
          "write {{ name }} or {{ env.NAME }}; for a literal {{ write {{ '{{' }}"
        )
      );
    }
    if (s.whole !== undefined) parsed.placeholders.set(path, s.whole);
    return s.value;
  };
}

/** Thrown inside the JSON reader: the text is not JSON it can take as it is; the YAML reader decides. */
class NotPlainJson extends Error {}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const UNQUOTED_PLACEHOLDER_AT = /\{\{\s*[^{}\s]+\s*\}\}/y;

/**
 * Strict JSON (RFC 8259) with the same results as the YAML path: the same values, lines,
 * placeholders and placeholder errors; an unquoted `{{ name }}` value is a placeholder there too.
 * Anything the YAML path would report (duplicate keys, `__proto__`, a key with a placeholder,
 * a number too large, nesting or size limits) or that is not JSON returns undefined.
 */
function parseJsonTemplate(text: string, file: string, variables: Variables): ParsedTemplate | undefined {
  const parsed: ParsedTemplate = { doc: null, lines: new Map(), placeholders: new Map(), used: new Set() };
  const errors: InputError[] = [];
  const stringValue = placeholderSubstitution(parsed, errors, file, variables);
  let pos = 0;
  let line = 1;
  let values = 0;

  // Sticky regular expressions: the native regex engine walks the text, not a JavaScript loop per character.
  const SPACE = /[ \t\n\r]*/y;
  // JSON forbids raw control characters inside strings: matching them is the point.
  // eslint-disable-next-line no-control-regex
  const STRING = /"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y;
  const space = (): void => {
    SPACE.lastIndex = pos;
    const run = SPACE.exec(text)![0];
    if (run.length === 0) return;
    for (let i = run.indexOf('\n'); i !== -1; i = run.indexOf('\n', i + 1)) line++;
    pos += run.length;
  };
  const string = (): string => {
    STRING.lastIndex = pos;
    const token = STRING.exec(text)?.[0];
    if (token === undefined) throw new NotPlainJson();
    pos += token.length;
    return token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
  };
  const value = (key: string, depth: number): Json => {
    if (++values > MAX_VALUES || depth > MAX_DEPTH) throw new NotPlainJson();
    space();
    if (!parsed.lines.has(key)) parsed.lines.set(key, line);
    const c = text.charCodeAt(pos);
    if (c === 0x22) return stringValue(string(), key, line);
    if (c === 0x7b) {
      UNQUOTED_PLACEHOLDER_AT.lastIndex = pos;
      const placeholder = UNQUOTED_PLACEHOLDER_AT.exec(text);
      if (placeholder) {
        pos += placeholder[0].length;
        return stringValue(placeholder[0], key, line);
      }
      pos++;
      const out: JsonObject = {};
      const seen = new Set<string>();
      space();
      if (text.charCodeAt(pos) === 0x7d) {
        pos++;
        return out;
      }
      for (;;) {
        space();
        if (text.charCodeAt(pos) !== 0x22) throw new NotPlainJson();
        const keyLine = line;
        const name = string();
        if (seen.has(name) || name === PROTO_KEY || name.includes('{{')) throw new NotPlainJson();
        seen.add(name);
        space();
        if (text.charCodeAt(pos++) !== 0x3a) throw new NotPlainJson();
        const child = key === '' ? name : `${key}.${name}`;
        parsed.lines.set(child, keyLine);
        out[name] = value(child, depth + 1);
        space();
        const next = text.charCodeAt(pos++);
        if (next === 0x7d) return out;
        if (next !== 0x2c) throw new NotPlainJson();
      }
    }
    if (c === 0x5b) {
      pos++;
      const out: Json[] = [];
      space();
      if (text.charCodeAt(pos) === 0x5d) {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value(`${key}[${out.length}]`, depth + 1));
        space();
        const next = text.charCodeAt(pos++);
        if (next === 0x5d) return out;
        if (next !== 0x2c) throw new NotPlainJson();
      }
    }
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    JSON_NUMBER.lastIndex = pos;
    const number = JSON_NUMBER.exec(text);
    if (!number) throw new NotPlainJson();
    pos += number[0].length;
    const n = Number(number[0]);
    if (!Number.isFinite(n)) throw new NotPlainJson();
    return n;
  };

  try {
    parsed.doc = value('', 0);
    space();
    if (pos !== text.length) throw new NotPlainJson();
  } catch (error) {
    if (error instanceof NotPlainJson) return undefined;
    throw error;
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return parsed;
}

function parseYamlTemplate(yaml: typeof import('yaml'), text: string, file: string, variables: Variables): ParsedTemplate {
  const { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

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
  const stringValue = placeholderSubstitution(parsed, errors, file, variables);

  let aliases = 0;
  let values = 0;
  const build = (node: Node | null, path: PathSegment[], depth: number): Json => {
    if (++values > MAX_VALUES) {
      throw new TooBig(
        new InputError(
          `expands to more than ${MAX_VALUES} values`,
          { file, path: formatPath(path) },
          'a task definition is far smaller: check for YAML aliases (*name) that repeat large parts'
        )
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
      if (typeof v === 'string') return stringValue(v, key, line);
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
      return scalarText(v);
    }
    if (isMap(node)) {
      const source = node.range ? text.slice(node.range[0], node.range[1]).trim() : '';
      if (node.flow && UNQUOTED_PLACEHOLDER.test(source)) return stringValue(source, key, line);
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
    parsed.doc = build(document.contents, [], 0);
  } catch (error) {
    if (error instanceof TooBig) throw error.problem;
    throw error;
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return parsed;
}
