/**
 * JSON templates are read by the JSON reader, YAML files by the YAML parser; a user must not be
 * able to tell them apart: for any JSON text both give the same values, lines, placeholders and
 * errors. JSON the JSON reader will not take (YAML in a .json file, a duplicate key) is still read
 * by the YAML parser, with its messages.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputErrors } from '../../src/errors.js';
import { parseTemplate, type ParsedTemplate } from '../../src/render/template.js';
import type { Variables } from '../../src/render/vars.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VARS: Variables = {
  vars: new Map([
    ['cpu', '256'],
    ['memory', '512'],
    ['tag', 'v2'],
    ['greeting', 'hello, "world"\n{ x: 1 }'],
    ['commit', 'abc'],
    ['port', '8080'],
    ['stage', 'prod']
  ]),
  env: { GITHUB_SHA: 'abc123' }
};

/** Both readers' results side by side, or the messages each threw. */
async function both(text: string): Promise<[unknown, unknown]> {
  const read = async (file: string): Promise<unknown> => {
    try {
      const p: ParsedTemplate = await parseTemplate(text, file, VARS);
      return { doc: p.doc, lines: [...p.lines], placeholders: [...p.placeholders], used: [...p.used].sort() };
    } catch (error) {
      if (error instanceof InputErrors)
        return error.errors.map((e) => [e.message.replace(/^t\.(json|yaml)/, 'FILE'), e.location.line, e.location.path]);
      throw error;
    }
  };
  return [await read('t.json'), await read('t.yaml')];
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return f.endsWith('.json') ? [path] : [];
  });
}

describe('the JSON reader gives what the YAML parser gives', () => {
  const files = [...jsonFiles(join(ROOT, 'examples')), ...jsonFiles(join(ROOT, 'test/fixtures'))];

  it('there are JSON fixtures to compare', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))('%s', async (_name, path) => {
    const [json, yaml] = await both(readFileSync(path, 'utf8'));
    expect(json).toEqual(yaml);
  });

  it.each([
    ['escapes and unicode', '{"family": "a\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00 é", "x": ["{{ tag }}", "pre-{{ tag }}-post"]}'],
    ['numbers', '{"a": 0, "b": -12, "c": 1.5, "d": 1e3, "e": -2.5E-2, "f": 12345678901234567890, "g": [true, false, null]}'],
    ['empty containers and nesting', '{"a": {}, "b": [], "c": [[{"d": [{}]}]]}'],
    ['a root that is a list', '[1, {"a": "{{ cpu }}"}]'],
    ['whitespace, CRLF lines and tabs', '{\r\n\t"family" :\r\n\t\t"web",\r\n\t"cpu":\t"{{ cpu }}"\r\n}\r\n'],
    [
      'unquoted placeholders (YAML reads them as the placeholder the user meant)',
      '{\n  "cpu": {{ cpu }},\n  "memory": {{memory}},\n  "list": [{{ port }}]\n}'
    ],
    [
      'a placeholder with no value and a malformed one',
      '{\n  "image": "web:{{ nope }}",\n  "user": "{{ a b }}",\n  "x": "{{ env.MISSING }}"\n}'
    ],
    ['a value with YAML syntax stays a string', '{"a": "- x\\nb: c", "b": "&anchor *alias", "c": "# not a comment"}']
  ])('%s', async (_name, text) => {
    const [json, yaml] = await both(text);
    expect(json).toEqual(yaml);
  });
});

describe('JSON the JSON reader does not take is read as YAML, with its messages', () => {
  it.each([
    ['a duplicate key', '{"family": "f", "family": "g"}', /unique/i],
    ['a syntax error', '{\n  "family": "x",\n  "containerDefinitions": [\n}', /is not valid JSON or YAML/],
    ['a trailing comma', '{"a": [1, 2,], }', /is not valid JSON or YAML|./]
  ])('%s', async (_name, text, message) => {
    const [json, yaml] = await both(text);
    expect(json).toEqual(yaml);
    expect(JSON.stringify(json)).toMatch(message);
  });

  it('a __proto__ key is refused by name, as in YAML', async () => {
    const [json] = await both('{"family": "f", "__proto__": {"x": 1}}');
    expect(JSON.stringify(json)).toContain('has a key \\"__proto__\\"');
  });

  it('a number too large is refused naming the path', async () => {
    const [json] = await both('{"memory": 1e400}');
    expect(json).toEqual([[expect.stringMatching(/memory: is 1e400, a number too large/), 1, 'memory']]);
  });

  it('YAML written in a .json file still renders', async () => {
    const parsed = await parseTemplate('family: web\ncpu: "{{ cpu }}"\n', 't.json', VARS);
    expect(parsed.doc).toEqual({ family: 'web', cpu: '256' });
    expect(parsed.lines.get('cpu')).toBe(2);
  });
});
