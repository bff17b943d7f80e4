/**
 * Template cases mutation testing found unguarded: YAML aliases resolve to their anchor's value, the
 * depth guard and the placeholder-in-key check are reached, and JSON and YAML templates agree.
 */
import { describe, expect, it } from '@jest/globals';
import { InputError, InputErrors } from '../../src/errors.js';
import { MAX_ALIASES, parseTemplate } from '../../src/render/template.js';

const vars = (pairs: Record<string, string> = {}) => ({ vars: new Map(Object.entries(pairs)), env: { HOME_REGION: 'eu-west-1' } });

async function problems(text: string, file: string): Promise<string[]> {
  const error = await parseTemplate(text, file, vars()).then(
    () => undefined,
    (e: unknown) => e
  );
  if (error instanceof InputErrors) return error.errors.map((e) => e.message);
  if (error instanceof InputError) return [error.message];
  throw new Error(`expected input problems, got ${String(error)}`);
}

describe('YAML aliases', () => {
  it('an alias is the anchored value: a shared environment list appears in both containers', async () => {
    const text = [
      'containerDefinitions:',
      '  - name: web',
      '    environment: &env',
      '      - { name: STAGE, value: "{{ stage }}" }',
      '  - name: worker',
      '    environment: *env'
    ].join('\n');
    const { doc, used } = await parseTemplate(text, 'td.yaml', vars({ stage: 'prod' }));
    const env = [{ name: 'STAGE', value: 'prod' }];
    expect(doc).toEqual({
      containerDefinitions: [
        { name: 'web', environment: env },
        { name: 'worker', environment: env }
      ]
    });
    expect([...used]).toEqual(['stage']);
  });

  it(`${MAX_ALIASES} aliases are fine; one more is refused as an alias bomb, naming the alias`, async () => {
    const ok = ['a: &a x', `list: [${Array(MAX_ALIASES).fill('*a').join(', ')}]`].join('\n');
    expect(((await parseTemplate(ok, 'td.yaml', vars())).doc as { list: string[] }).list).toHaveLength(MAX_ALIASES);
    const bomb = [
      'a: &a x',
      `list: [${Array(MAX_ALIASES + 1)
        .fill('*a')
        .join(', ')}]`
    ].join('\n');
    expect(await problems(bomb, 'td.yaml')).toEqual([
      `td.yaml:2 list[${MAX_ALIASES}]: expands YAML aliases more than ${MAX_ALIASES} times (an alias bomb?) (write the repeated values out, or use fewer aliases (*a); expansion stops at ${MAX_ALIASES})`
    ]);
  });
});

describe('nesting', () => {
  const nested = (levels: number, json: boolean): string =>
    json ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'{a: '.repeat(levels)}1${'}'.repeat(levels)}`;

  it.each([
    ['YAML', 'td.yaml', false],
    ['JSON', 'td.json', true]
  ])('%s nested 64 levels is read; deeper is refused as nested too deeply, at its path', async (_kind, file, json) => {
    const doc = (await parseTemplate(nested(64, json), file, vars())).doc;
    expect(JSON.stringify(doc)).toBe(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`);
    const messages = await problems(nested(66, json), file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      new RegExp(
        `^${file.replace('.', '\\.')} ${Array(65).fill('a').join('\\.')}: is nested too deeply \\(check for recursive YAML aliases\\)$`
      )
    );
  });
});

describe('keys', () => {
  it.each([
    ['YAML', 'td.yaml', '"{{ name }}": web'],
    ['JSON', 'td.json', '{"{{ name }}": "web"}']
  ])('a placeholder in a %s key is refused with where and why', async (_kind, file, text) => {
    expect(await problems(text, file)).toEqual([
      `${file}:1: key "{{ name }}" holds a placeholder (placeholders are substituted in values only; write the key itself)`
    ]);
  });

  it.each([
    ['YAML', 'td.yaml', '__proto__: {}'],
    ['JSON', 'td.json', '{"__proto__": {}}']
  ])('a %s key __proto__ is refused', async (_kind, file, text) => {
    expect((await problems(text, file))[0]).toMatch(/: has a key "__proto__" \(no ECS field has that name/);
  });

  it('a key that is not a name (a list) is refused; a number key is kept as its name', async () => {
    expect(await problems('? [a, b]\n: x\n', 'td.yaml')).toEqual(['td.yaml:1: has a key that is not a plain name (use string keys)']);
    expect((await parseTemplate('1: x', 'td.yaml', vars())).doc).toEqual({ '1': 'x' });
  });

  it('a duplicate key in a .json file is reported by the YAML reader with its line', async () => {
    const messages = await problems('{\n  "family": "a",\n  "family": "b"\n}', 'td.json');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^td\.json:3: is not valid JSON or YAML: .*(unique|duplicate)/i);
  });
});

describe('values', () => {
  it.each([
    ['.inf', 'a number too large to represent'],
    ['-.inf', 'a number too large to represent'],
    ['.nan', 'not a number']
  ])('%s is refused (JSON has no such number)', async (value, why) => {
    expect(await problems(`cpu: ${value}`, 'td.yaml')).toEqual([
      `td.yaml:1 cpu: is ${value}, ${why} (use a smaller number, or quote it if it is text)`
    ]);
  });

  it('an unquoted {{ cpu }} in YAML and JSON is the placeholder the user meant, and may become a number', async () => {
    for (const [file, text] of [
      ['td.yaml', 'cpu: {{ cpu }}\nfamily: web'],
      ['td.json', '{"cpu": {{ cpu }}, "family": "web"}']
    ] as const) {
      const parsed = await parseTemplate(text, file, vars({ cpu: '256' }));
      expect(parsed.doc).toEqual({ cpu: '256', family: 'web' });
      expect(parsed.placeholders.get('cpu')).toBe('cpu');
    }
  });

  it('a flow map that is more than one placeholder is still a map', async () => {
    expect((await parseTemplate('labels: {a: "{{ x }}"}', 'td.yaml', vars({ x: '1' }))).doc).toEqual({ labels: { a: '1' } });
  });

  it('JSON and YAML give the same lines for the same keys', async () => {
    const json = await parseTemplate(
      '{\n  "family": "web",\n  "containerDefinitions": [\n    {\n      "name": "web"\n    }\n  ]\n}',
      'td.json',
      vars()
    );
    const yaml = await parseTemplate('family: web\ncontainerDefinitions:\n  - name: web\n', 'td.yaml', vars());
    expect(json.lines.get('family')).toBe(2);
    expect(json.lines.get('containerDefinitions[0].name')).toBe(5);
    expect(yaml.lines.get('family')).toBe(1);
    expect(yaml.lines.get('containerDefinitions[0].name')).toBe(3);
  });

  it('a missing variable names the line, the path and the fix', async () => {
    expect(await problems('family: web\nimage: "x:{{ tag }}"', 'td.yaml')).toEqual([
      'td.yaml:2 image: placeholder {{ tag }} has no value (add tag=… to the vars input)'
    ]);
    expect(await problems('image: "{{ env.NOPE }}"', 'td.yaml')).toEqual([
      'td.yaml:1 image: placeholder {{ env.NOPE }} has no value (set the environment variable NOPE)'
    ]);
  });

  it('JSON with escapes, true, false and null reads as JSON does', async () => {
    const text = '{"a": "q\\"uote\\n", "b": true, "c": false, "d": null, "e": [1, -2.5e3], "f": {}}';
    expect((await parseTemplate(text, 'td.json', vars())).doc).toEqual(JSON.parse(text));
  });
});

describe('the JSON reader is exactly as strict as JSON: what it must not accept, the YAML reader reports', () => {
  it.each([
    ['trailing content', '{"a": 1} x'],
    ['a missing comma', '{"a": 1 "b": 2}'],
    ['a missing colon', '{"a" 1}'],
    ['a bad escape', '{"a": "\\x"}']
  ])('%s is not valid JSON or YAML, with its line', async (_what, text) => {
    const messages = await problems(text, 'td.json');
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).toMatch(/^td\.json:1: is not valid JSON or YAML: /);
  });

  it.each([
    ['a trailing comma', '{"a": 1,}'],
    ['a list without commas', '{"a": [1 2]}'],
    ['an unquoted key and a missing value', '{a: 1, "b": }'],
    ['a single-quoted string', "{'a': 'x'}"]
  ])('%s in a .json file reads exactly as YAML reads it (the JSON reader leaves it alone)', async (_what, text) => {
    expect((await parseTemplate(text, 'td.json', vars())).doc).toEqual((await parseTemplate(text, 'td.yaml', vars())).doc);
  });

  it.each([
    ['a key on its own line', '{\n"a":\n1\n}', 1, new Map([['a', 2]])],
    ['nested lists and objects', '{"a": [{"b": [true, false, null]}], "c": -0.5e-2}', 1, new Map([['a[0].b[2]', 1]])]
  ])('%s reads with its lines', async (_what, text, _n, lines) => {
    const parsed = await parseTemplate(text, 'td.json', vars());
    expect(parsed.doc).toEqual(JSON.parse(text));
    for (const [path, line] of lines) expect(parsed.lines.get(path)).toBe(line);
  });

  it('a JSON file may hold YAML (read by the YAML reader), with the same result', async () => {
    expect((await parseTemplate('family: web\ncpu: 256', 'td.json', vars())).doc).toEqual({ family: 'web', cpu: 256 });
  });
});

describe('YAML lines and limits', () => {
  it("an alias keeps its own line; a key whose value is on the next line has the key's line", async () => {
    const parsed = await parseTemplate('a: &x 1\nb: *x\nfamily:\n  web\n', 'td.yaml', vars());
    expect(parsed.lines.get('a')).toBe(1);
    expect(parsed.lines.get('b')).toBe(2);
    expect(parsed.lines.get('family')).toBe(3);
  });

  it('a list that contains itself is nested too deeply, not an alias bomb', async () => {
    const messages = await problems('a: &a [1, *a]', 'td.yaml');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/: is nested too deeply \(check for recursive YAML aliases\)$/);
  });

  it('more than 100 000 values (a large list repeated by aliases) is refused, naming where', async () => {
    const text = `a: &a [${Array(1001).fill('1').join(',')}]\nb: [${Array(99).fill('*a').join(',')}]`;
    const messages = await problems(text, 'td.yaml');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^td\.yaml b\[\d+\]\[\d+\]: expands to more than 100000 values \(a task definition is far smaller: check for YAML aliases \(\*name\) that repeat large parts\)$/
    );
  });

  it('an unquoted placeholder without spaces in YAML is the placeholder too', async () => {
    expect((await parseTemplate('cpu: {{cpu}}', 'td.yaml', vars({ cpu: '256' }))).doc).toEqual({ cpu: '256' });
  });
});

describe('what a syntax error says', () => {
  it('one line: where, what the YAML reader found, and the fix (no source excerpt glued on)', async () => {
    expect(await problems('family: web\ncpu: [1\n', 'td.yaml')).toEqual([
      'td.yaml:3: is not valid JSON or YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (fix the syntax at that line)'
    ]);
  });
});

describe('the value limit in YAML', () => {
  it('exactly 100 000 values (the list and its items) are read', async () => {
    const doc = (await parseTemplate(`[${Array(99_999).fill('1').join(',')}]`, 'td.yaml', vars())).doc as number[];
    expect(doc).toHaveLength(99_999);
  });
});

describe('keys YAML reads as something other than a name', () => {
  it.each([
    ['true', 'true: x'],
    ['null', '~: x']
  ])('a %s key is refused at its own line, not turned into a name', async (_what, line) => {
    expect(await problems(`family: web\n${line}\n`, 'td.yaml')).toEqual([
      'td.yaml:2: has a key that is not a plain name (use string keys)'
    ]);
  });
});

describe('text the JSON reader must leave to the YAML reader', () => {
  it('a list item glued to garbage is one YAML string, not two JSON numbers', async () => {
    expect((await parseTemplate('{"a": [1 x2]}', 'td.json', vars())).doc).toEqual({ a: ['1 x2'] });
  });

  it('a pair glued to garbage is a syntax error, not a second key', async () => {
    expect(await problems('{"a": 1 x"b": 2}', 'td.json')).toEqual([
      'td.json:1: is not valid JSON or YAML: Block collections are not allowed within flow collections (fix the syntax at that line)'
    ]);
  });
});

describe('empty YAML values', () => {
  it('an empty file, a key without a value, ~ and null are all null', async () => {
    expect((await parseTemplate('', 'td.yaml', vars())).doc).toBeNull();
    expect((await parseTemplate('? a\n', 'td.yaml', vars())).doc).toEqual({ a: null });
    expect((await parseTemplate('a: ~\nb: null\nc: true', 'td.yaml', vars())).doc).toEqual({ a: null, b: null, c: true });
  });
});
