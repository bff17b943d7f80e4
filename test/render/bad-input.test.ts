/** Bad templates and files that used to slip through render: each is refused with file, path and fix, before any AWS call. */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { InputError, InputErrors } from '../../src/errors.js';
import { RecordingReporter } from '../../src/events.js';
import { renderTaskDefinition, writeRendered } from '../../src/render/index.js';
import { firstInvalidUtf8, MAX_TEMPLATE_BYTES } from '../../src/render/file.js';
import { readRenderSettings } from '../../src/render/settings.js';
import { MAX_ALIASES } from '../../src/render/template.js';
import { inputErrors, inputsOf, render, stubEcs } from './helpers.js';

/** A valid Fargate definition with one container; `edit` spoils it. */
function td(edit: (c: Record<string, unknown>, doc: Record<string, unknown>) => void = () => undefined): string {
  const container: Record<string, unknown> = { name: 'web', image: 'nginx', portMappings: [{ containerPort: 80 }] };
  const doc: Record<string, unknown> = {
    family: 'web',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [container]
  };
  edit(container, doc);
  return JSON.stringify(doc, null, 2);
}

async function messagesFor(text: string | Uint8Array, vars = ''): Promise<string[]> {
  const errors = await inputErrors(render({ 'task-definition': 'td.json', ...(vars ? { vars } : {}) }, { files: { 'td.json': text } }));
  return errors.map((e) => e.message);
}

/** Renders a real file through the default reader (no in-memory stub). */
async function renderFile(path: string, extra: Record<string, string> = {}) {
  const settings = readRenderSettings(inputsOf({ 'task-definition': path, ...extra }), { GITHUB_WORKSPACE: '/', RUNNER_TEMP: tmpdir() });
  const ecs = stubEcs();
  return { ecs, promise: renderTaskDefinition(settings, { ecs, reporter: new RecordingReporter() }) };
}

async function fileErrors(path: string, extra: Record<string, string> = {}): Promise<string[]> {
  const { ecs, promise } = await renderFile(path, extra);
  const errors = await inputErrors(promise);
  expect(ecs.calls).toEqual([]);
  return errors.map((e) => e.message);
}

describe('YAML aliases are bounded', () => {
  it('an alias bomb (the 414-byte file of the report) fails at once instead of growing to gigabytes', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
      ['g', 'h'],
      ['h', 'i']
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    // The message is the proof it stopped counting: expanded, the file is 387 million strings (no stopwatch, so load cannot fail it).
    const messages = await messagesFor(lines.join('\n'));
    expect(messages).toEqual([
      expect.stringMatching(
        new RegExp(
          `^td\\.json:\\d+ \\S+: expands YAML aliases more than ${MAX_ALIASES} times \\(an alias bomb\\?\\) \\(write the repeated values out`
        )
      )
    ]);
  });

  it('a few aliases still work', async () => {
    const yaml = [
      'family: web',
      'x-env: &env',
      '  - name: A',
      '    value: "1"',
      'containerDefinitions:',
      '  - { name: a, image: nginx, memory: 128, environment: *env }',
      '  - { name: b, image: nginx, memory: 128, environment: *env }'
    ].join('\n');
    // x-env is not an ECS field: the alias expanded, and validation (not the alias limit) speaks.
    expect(await messagesFor(yaml)).toEqual([expect.stringMatching(/x-env: unknown field/)]);
  });
});

describe('numbers', () => {
  it('a 400-digit number in the template fails naming the path instead of rendering as null', async () => {
    const text = td().replace('"containerPort": 80', `"containerPort": ${'9'.repeat(400)}`);
    expect(await messagesFor(text)).toEqual([
      expect.stringMatching(
        /^td\.json:\d+ containerDefinitions\[0\]\.portMappings\[0\]\.containerPort: is 99999999999999999999…\(400 characters\), a number too large to represent/
      )
    ]);
  });

  it('a 400-digit number through a placeholder fails naming the variable and path', async () => {
    const text = td().replace('"containerPort": 80', '"containerPort": "{{ port }}"');
    expect(await messagesFor(text, `port=${'9'.repeat(400)}`)).toEqual([
      expect.stringMatching(
        /containerDefinitions\[0\]\.portMappings\[0\]\.containerPort: \{\{ port \}\} is 9{20}…\(400 characters\) \(use a whole number from 1 to 65535/
      )
    ]);
  });

  it('YAML .inf and .nan are refused', async () => {
    const yaml = 'family: web\ncontainerDefinitions:\n  - name: web\n    image: nginx\n    memory: .inf\n    cpu: .nan\n';
    const messages = await messagesFor(yaml);
    expect(messages).toContainEqual(expect.stringMatching(/containerDefinitions\[0\]\.memory: is \.inf, a number too large to represent/));
    expect(messages).toContainEqual(expect.stringMatching(/containerDefinitions\[0\]\.cpu: is \.nan, not a number/));
  });

  it.each<[string, (c: Record<string, unknown>, d: Record<string, unknown>) => void, RegExp]>([
    ['memory: -512', (c) => (c.memory = -512), /containerDefinitions\[0\]\.memory: is -512 \(use a whole number from 6 to 2147483647; MiB/],
    [
      'memoryReservation: -1',
      (c) => (c.memoryReservation = -1),
      /containerDefinitions\[0\]\.memoryReservation: is -1 \(use a whole number from 6/
    ],
    ['cpu: -1', (c) => (c.cpu = -1), /containerDefinitions\[0\]\.cpu: is -1 \(use a whole number from 0 to 2147483647/],
    [
      'containerPort: 0',
      (c) => (c.portMappings = [{ containerPort: 0 }]),
      /portMappings\[0\]\.containerPort: is 0 \(use a whole number from 1 to 65535/
    ],
    [
      'hostPort: 70000',
      (c, d) => (
        (c.portMappings = [{ containerPort: 80, hostPort: 70000 }]),
        (d.networkMode = 'bridge'),
        (d.requiresCompatibilities = ['EC2'])
      ),
      /portMappings\[0\]\.hostPort: is 70000 \(use a whole number from 0 to 65535/
    ],
    ['memory: 2^31', (c) => (c.memory = 2 ** 31), /containerDefinitions\[0\]\.memory: is 2147483648 /],
    ['stopTimeout: -5', (c) => (c.stopTimeout = -5), /containerDefinitions\[0\]\.stopTimeout: is -5 \(use a whole number from 0/],
    [
      'healthCheck.interval: 1',
      (c) => (c.healthCheck = { command: ['CMD', 'true'], interval: 1 }),
      /healthCheck\.interval: is 1 \(use a whole number from 5 to 300; seconds\)/
    ],
    [
      'healthCheck.retries: 11',
      (c) => (c.healthCheck = { command: ['CMD', 'true'], retries: 11 }),
      /healthCheck\.retries: is 11 \(use a whole number from 1 to 10\)/
    ],
    [
      'ephemeralStorage 500 GiB',
      (_c, d) => (d.ephemeralStorage = { sizeInGiB: 500 }),
      /ephemeralStorage\.sizeInGiB: is 500 \(use a whole number from 21 to 200/
    ],
    [
      'memoryReservation above memory',
      (c) => ((c.memory = 256), (c.memoryReservation = 512)),
      /containerDefinitions\[0\]\.memoryReservation: is 512 MiB, more than memory \(256 MiB\)/
    ]
  ])('%s fails naming the path', async (_name, spoil, message) => {
    expect(await messagesFor(td(spoil))).toEqual([expect.stringMatching(message)]);
  });

  it('numbers in range still render', async () => {
    const { rendered } = await render(
      { 'task-definition': 'td.json' },
      {
        files: {
          'td.json': td((c) =>
            Object.assign(c, {
              memory: 512,
              memoryReservation: 256,
              cpu: 0,
              healthCheck: { command: ['CMD', 'true'], interval: 5, retries: 10 }
            })
          )
        }
      }
    );
    expect(rendered.input.containerDefinitions![0]).toMatchObject({
      memory: 512,
      memoryReservation: 256,
      healthCheck: { interval: 5, retries: 10 }
    });
  });
});

describe('prototype keys', () => {
  it('a "__proto__" key is refused naming its path, never dropped', async () => {
    const text = td().replace('"name": "web",', '"name": "web", "dockerLabels": { "__proto__": { "polluted": "yes" }, "team": "a" },');
    expect(await messagesFor(text)).toEqual([
      expect.stringMatching(/^td\.json:\d+ containerDefinitions\[0\]\.dockerLabels: has a key "__proto__" \(no ECS field has that name/)
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('"constructor" and "prototype" are kept as data where a map allows any name', async () => {
    const text = td().replace('"name": "web",', '"name": "web", "dockerLabels": { "constructor": "c", "prototype": "p" },');
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': text } });
    expect(rendered.input.containerDefinitions![0].dockerLabels).toEqual({ constructor: 'c', prototype: 'p' });
  });

  it('"constructor" as a task definition field is an unknown field, not ignored', async () => {
    expect(await messagesFor(td((_c, d) => (d['constructor'] = 'x')))).toEqual([
      expect.stringMatching(/td\.json:\d+ constructor: unknown field "constructor"/)
    ]);
  });
});

describe('size of the request', () => {
  it('a rendered definition over 64 KiB fails before registering, with its size', async () => {
    const text = td((c) => (c.environment = Array.from({ length: 700 }, (_, i) => ({ name: `VAR_${i}`, value: 'x'.repeat(100) }))));
    const messages = await messagesFor(text);
    expect(messages).toEqual([
      expect.stringMatching(
        /^td\.json: the rendered task definition is 89 KiB \(91104 bytes\); RegisterTaskDefinition accepts at most 64 KiB \(move bulky values out/
      )
    ]);
  });
});

describe('encoding', () => {
  it('bytes that are not UTF-8 are refused with their offset and line', async () => {
    const good = Buffer.from(td());
    const at = good.indexOf('nginx');
    const bytes = Buffer.concat([good.subarray(0, at), Buffer.from([0x6e, 0xff, 0x78]), good.subarray(at + 5)]);
    const line = good.subarray(0, at).toString().split('\n').length;
    expect(await messagesFor(bytes)).toEqual([
      `td.json:${line}: is not UTF-8: invalid byte at offset ${at + 1} (ff 78 22 2c) (save the file as UTF-8)`
    ]);
  });

  it('a UTF-16 file is named as such', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(td(), 'utf16le')]);
    expect(await messagesFor(bytes)).toEqual([
      expect.stringMatching(/is not UTF-8: invalid byte at offset 0 .*\(the file is UTF-16: save it as UTF-8\)/)
    ]);
  });

  it('UTF-8 with a byte order mark and non-ASCII values renders', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(td((c) => (c.environment = [{ name: 'G', value: 'grüße 👋' }])))
    ]);
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': bytes } });
    expect(rendered.input.containerDefinitions![0].environment).toEqual([{ name: 'G', value: 'grüße 👋' }]);
  });

  it.each<[string, number[], number | undefined]>([
    ['ASCII', [0x41, 0x42], undefined],
    ['a lone continuation byte', [0x41, 0x80], 1],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence', [0x41, 0xe2, 0x82], 1],
    ['a four-byte emoji', [0xf0, 0x9f, 0x91, 0x8b], undefined]
  ])('firstInvalidUtf8: %s', (_name, bytes, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });
});

describe('the template file itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tpl-files-'));
  const template = join(dir, 'web.json');
  writeFileSync(template, td());

  it('a FIFO is refused at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    expect(await fileErrors(fifo)).toEqual([
      `${fifo}: is a FIFO (named pipe), not a regular file (point task-definition at the template file in the repository)`
    ]);
  });

  it('a directory is refused', async () => {
    mkdirSync(join(dir, 'sub'));
    expect(await fileErrors(join(dir, 'sub'))).toEqual([expect.stringMatching(/sub: is a directory, not a (regular|template) file/)]);
  });

  it.each(['/dev/zero', '/dev/null', '/proc/self/environ', '/proc/kmsg', '/sys/kernel/mm/transparent_hugepage/enabled'])(
    '%s is refused as a system file',
    async (path) => {
      expect(await fileErrors(path)).toEqual([
        expect.stringMatching(new RegExp(`^${path}: is /(dev|proc|sys)/\\S*, a system file, not a template`))
      ]);
    }
  );

  it('a symlink into /proc is refused too', async () => {
    const link = join(dir, 'environ.json');
    symlinkSync('/proc/self/environ', link);
    expect(await fileErrors(link)).toEqual([expect.stringMatching(/environ\.json: is \/proc\/\d+\/environ, a system file/)]);
  });

  it('a file over the size limit is refused without reading it whole', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat(MAX_TEMPLATE_BYTES + 10));
    expect(await fileErrors(big)).toEqual([
      `${big}: is more than 1 MiB; templates are limited to 1 MiB (point task-definition at the template file in the repository (a task definition is at most 64 KiB))`
    ]);
  });

  it('a regular file renders', async () => {
    const { promise } = await renderFile(template);
    expect((await promise).input.family).toBe('web');
  });
});

describe('rendered-path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rendered-path-'));
  const template = join(dir, 'web.json');
  writeFileSync(template, td());
  const original = readFileSync(template, 'utf8');

  const sameFile: [string, () => string][] = [
    ['the same path', () => template],
    ['a relative path', () => relative(process.cwd(), template)],
    ['a path with ..', () => join(dir, 'x', '..', 'web.json')],
    [
      'a symlink to it',
      () => {
        const link = join(dir, `link-${Math.random()}.json`);
        symlinkSync(template, link);
        return link;
      }
    ],
    [
      'a hard link to it',
      () => {
        const link = join(dir, `hard-${Math.random()}.json`);
        linkSync(template, link);
        return link;
      }
    ]
  ];
  it.each(sameFile)('equal to the template (%s) is refused, and the template is untouched', async (_name, path) => {
    const renderedPath = path();
    expect(await fileErrors(template, { 'rendered-path': renderedPath })).toEqual([
      expect.stringMatching(/^input `rendered-path` is ".*", the template itself \(writing there would replace the template/)
    ]);
    expect(readFileSync(template, 'utf8')).toBe(original);
  });

  it('a FIFO as rendered-path is refused before writing would hang', async () => {
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await fileErrors(template, { 'rendered-path': fifo })).toEqual([
      `input \`rendered-path\` is "${fifo}", which is a FIFO (named pipe) (give the path of a file to write)`
    ]);
  });

  it('writeRendered refuses the template too (the CLI passes its own path)', async () => {
    const { promise } = await renderFile(template);
    const rendered = await promise;
    await expect(writeRendered(rendered, template)).rejects.toThrow(/the rendered file is ".*web\.json", the template itself/);
    expect(readFileSync(template, 'utf8')).toBe(original);
  });

  it('another file next to it is written', async () => {
    const out = join(dir, 'rendered.json');
    const { promise } = await renderFile(template, { 'rendered-path': out });
    const rendered = await promise;
    expect(await writeRendered(rendered)).toBe(out);
    expect(JSON.parse(readFileSync(out, 'utf8')).family).toBe('web');
  });
});

it('thrown problems are InputErrors (adapters turn them into annotations and status=failed)', async () => {
  const error = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': td((c) => (c.memory = -512)) } }).catch(
    (e: unknown) => e
  );
  expect(error instanceof InputErrors || error instanceof InputError).toBe(true);
});
