/**
 * A JSON template is read by the small JSON reader alone: the YAML package (and its parse time) is
 * never loaded for it. Here loading YAML fails, so any JSON the reader wrongly gives up on shows.
 */
import { describe, expect, it, jest } from '@jest/globals';

jest.unstable_mockModule('yaml', () => {
  const message = 'the YAML package was used for a plain JSON template';
  const loaded = (): never => {
    throw new Error(message);
  };
  class LineCounter {
    constructor() {
      throw new Error(message);
    }
  }
  return { LineCounter, parseDocument: loaded, isAlias: loaded, isMap: loaded, isScalar: loaded, isSeq: loaded };
});
const { parseTemplate } = await import('../../src/render/template.js');
const { InputErrors } = await import('../../src/errors.js');

const vars = (pairs: Record<string, string> = {}) => ({ vars: new Map(Object.entries(pairs)), env: { REGION: 'eu-west-1' } });

describe('plain JSON never loads the YAML reader', () => {
  it.each([
    ['an empty object', '{}'],
    ['an empty object with space', '{ \n }'],
    ['empty lists', '{"a": [], "b": [ ]}'],
    ['numbers in every JSON form', '{"a": 0, "b": -1, "c": 2.5, "d": 1e3, "e": -1.5E-2, "f": 10}'],
    ['true, false, null', '{"a": true, "b": false, "c": null}'],
    ['escapes', '{"a": "q\\"uote", "b": "back\\\\slash", "c": "\\u00e9\\n\\t\\/"}'],
    ['nesting', '{"a": [{"b": [[1], {"c": {}}]}]}'],
    ['a top-level list', '[1, "x", {"y": null}]'],
    ['text with braces and colons in strings', '{"cmd": "echo {a}: [b], c"}'],
    ['tabs and CRLF between tokens', '{\r\n\t"a"\t:\t1\r\n}'],
    ['numbers with several fraction and exponent digits', '{"a": 2.55, "b": 1e10, "c": 12.345E+67}'],
    ['64 levels of objects', `${'{"a":'.repeat(64)}1${'}'.repeat(64)}`],
    ['64 levels of lists', `${'['.repeat(64)}1${']'.repeat(64)}`]
  ])('%s', async (_what, text) => {
    expect((await parseTemplate(text, 'td.json', vars())).doc).toEqual(JSON.parse(text));
  });

  it('placeholders: in strings, whole values (unquoted too), env; lines and placeholders recorded', async () => {
    const text = '{\n  "family": "web-{{ stage }}",\n  "cpu": {{ cpu }},\n  "memory": "{{ memory }}",\n  "region": "{{ env.REGION }}"\n}';
    const parsed = await parseTemplate(text, 'td.json', vars({ stage: 'prod', cpu: '256', memory: '512' }));
    expect(parsed.doc).toEqual({ family: 'web-prod', cpu: '256', memory: '512', region: 'eu-west-1' });
    expect([...parsed.placeholders]).toEqual([
      ['cpu', 'cpu'],
      ['memory', 'memory'],
      ['region', 'env.REGION']
    ]);
    expect([...parsed.used].sort()).toEqual(['cpu', 'env.REGION', 'memory', 'stage']);
    expect(parsed.lines.get('family')).toBe(2);
    expect(parsed.lines.get('region')).toBe(5);
  });

  it('lines of list items and nested keys', async () => {
    const parsed = await parseTemplate(
      '{\n  "c": [\n    {\n      "n": "a"\n    },\n    {\n      "n": "b"\n    }\n  ]\n}',
      'td.json',
      vars()
    );
    expect(parsed.lines.get('c')).toBe(2);
    expect(parsed.lines.get('c[1].n')).toBe(7);
  });

  it('a missing variable and a malformed placeholder are reported from the JSON reader, every one, with lines', async () => {
    const error = await parseTemplate('{\n  "a": "{{ nope }}",\n  "b": "{{ bad name }}"\n}', 'td.json', vars()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputErrors);
    expect((error as InstanceType<typeof InputErrors>).errors.map((e) => e.message)).toEqual([
      'td.json:2 a: placeholder {{ nope }} has no value (add nope=… to the vars input)',
      `td.json:3 b: "{{ bad name }}" is not a placeholder (write {{ name }} or {{ env.NAME }}; for a literal {{ write {{ '{{' }})`
    ]);
  });

  it('what JSON forbids goes to the YAML reader (which here fails): trailing content, a duplicate key, __proto__, a key with a placeholder', async () => {
    for (const text of [
      '{"a": 1} x',
      '{"a": 1, "a": 2}',
      '{"__proto__": {}}',
      '{"{{ k }}": 1}',
      '{"a": 1,}',
      '{"a": [1 2]}',
      '{"a" 1}',
      '{"a": 01}',
      '{"a": "\\x"}',
      '{"a": tru}',
      '{"a": "\\u0"}',
      `${'{"a":'.repeat(66)}1${'}'.repeat(66)}`,
      `${'['.repeat(66)}1${']'.repeat(66)}`
    ]) {
      await expect(parseTemplate(text, 'td.json', vars())).rejects.toThrow('the YAML package was used for a plain JSON template');
    }
  });

  it.each([['td.yaml'], ['td.yml'], ['TD.YAML']])('%s goes to the YAML reader even when it is JSON', async (file) => {
    await expect(parseTemplate('{}', file, vars())).rejects.toThrow('the YAML package was used');
  });

  it('100 000 values, the most a template may hold, are still read as JSON; one more goes to the YAML reader', async () => {
    const list = (n: number): string => `[${Array(n).fill('1').join(',')}]`;
    expect(((await parseTemplate(list(99_999), 'td.json', vars())).doc as number[]).length).toBe(99_999);
    await expect(parseTemplate(list(100_000), 'td.json', vars())).rejects.toThrow('the YAML package was used');
  });

  it('a .yaml.json file is JSON', async () => {
    expect((await parseTemplate('{}', 'td.yaml.json', vars())).doc).toEqual({});
  });
});
