import { describe, expect, it } from '@jest/globals';
import { fixture, inputErrors, render } from './helpers.js';

const WEB_VARS = ['stage=prod', 'cpu=512', 'memory=1024', 'tag=v1.2.3', 'port=8080', 'greeting=hello'].join('\n');

describe('templates', () => {
  it('renders the YAML fixture: placeholders, env, numbers, literal {{ and empty strings', async () => {
    const { rendered, reporter } = await render(
      { 'task-definition': 'web.yaml', vars: WEB_VARS },
      { files: { 'web.yaml': fixture('templates/web.yaml') }, env: { GITHUB_SHA: 'abc123' } }
    );
    const td = rendered.input;
    expect(td.family).toBe('web-prod');
    expect(td.cpu).toBe('512');
    expect(td.memory).toBe('1024');
    const web = td.containerDefinitions![0];
    expect(web.image).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v1.2.3');
    expect(web.portMappings![0].containerPort).toBe(8080);
    expect(web.environment).toEqual([
      { name: 'STAGE', value: 'prod' },
      { name: 'GREETING', value: 'hello' },
      { name: 'COMMIT', value: 'abc123' },
      { name: 'EMPTY_ON_PURPOSE', value: '' }
    ]);
    expect(web.dockerLabels).toEqual({ 'com.example.template': '{{ .Name }}' });
    expect(rendered.sourceFile).toBe('web.yaml');
    expect(rendered.path).toMatch(/^\/tmp\/runner\/task-definition-web-prod-[0-9a-f]+\.json$/);
    expect(reporter.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  const injections: [string, string][] = [
    ['double quotes and a closing brace', 'x", "privileged": true, "y": "'],
    ['JSON that closes the object', '"}], "family": "evil", "x": [{"a": "'],
    ['newlines and YAML syntax', 'a\nprivileged: true\n- name: evil\n  image: evil'],
    ['a YAML flow mapping', '{ privileged: true }'],
    ['a placeholder for another variable', '{{ stage }}'],
    ['an env placeholder', '{{ env.SECRET_TOKEN }}'],
    ['an anchor and alias', '&a [*a]'],
    ['backslashes and unicode escapes', '\\u0022 \\" \\n'],
    ['a YAML document marker', '---\nfamily: evil\n...']
  ];
  it.each(injections)('a value with %s stays one string (JSON template)', async (_, evil) => {
    const template = JSON.stringify({
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'nginx', environment: [{ name: 'EVIL', value: '{{ evil }}' }] }]
    });
    const { rendered } = await render(
      { 'task-definition': 'td.json', vars: `evil<<EOF\n${evil}\nEOF\nstage=prod` },
      { files: { 'td.json': template }, env: { SECRET_TOKEN: 'leaked' } }
    );
    expect(rendered.input.family).toBe('web');
    const c = rendered.input.containerDefinitions!;
    expect(c).toHaveLength(1);
    expect(c[0].privileged).toBeUndefined();
    expect(c[0].environment).toEqual([{ name: 'EVIL', value: evil }]);
  });

  it.each(injections)('a value with %s stays one string (YAML template, plain scalar)', async (_, evil) => {
    const template = [
      'family: web',
      'containerDefinitions:',
      '  - name: web',
      '    image: nginx:{{ evil }}',
      '    memory: 128',
      '    environment:',
      '      - name: EVIL',
      '        value: {{ evil }}'
    ].join('\n');
    const { rendered } = await render(
      { 'task-definition': 'td.yaml', vars: `evil<<EOF\n${evil}\nEOF\nstage=prod` },
      { files: { 'td.yaml': template } }
    );
    const c = rendered.input.containerDefinitions!;
    expect(Object.keys(rendered.input).sort()).toEqual(['containerDefinitions', 'family']);
    expect(c).toHaveLength(1);
    expect(Object.keys(c[0]).sort()).toEqual(['environment', 'image', 'memory', 'name']);
    expect(c[0].image).toBe(`nginx:${evil}`);
    expect(c[0].environment).toEqual([{ name: 'EVIL', value: evil }]);
  });

  it('turns whole placeholders in numeric and boolean fields into numbers and booleans', async () => {
    const { rendered } = await render(
      {
        'task-definition': 'worker.json',
        vars: 'cpu=1 vCPU\nmemory=2 GB\ntag=9\nworkerCpu=512\nreservation=1536\nreadonly=true\nqueue=jobs'
      },
      { files: { 'worker.json': fixture('templates/worker.json') } }
    );
    const w = rendered.input.containerDefinitions![0];
    expect(rendered.input.cpu).toBe('1 vCPU');
    expect(rendered.input.memory).toBe('2 GB');
    expect(w.cpu).toBe(512);
    expect(w.memoryReservation).toBe(1536);
    expect(w.readonlyRootFilesystem).toBe(true);
    // Strings stay strings even when they look like numbers
    expect(w.image).toBe('ghcr.io/example/worker:9');
    expect(w.command).toEqual(['run', '--queue', 'jobs']);
  });

  it('reports a placeholder in a numeric field that is not a number, naming the variable', async () => {
    const errors = await inputErrors(
      render(
        { 'task-definition': 'worker.json', vars: 'cpu=256\nmemory=512\ntag=9\nworkerCpu=lots\nreservation=64\nreadonly=maybe\nqueue=q' },
        { files: { 'worker.json': fixture('templates/worker.json') } }
      )
    );
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^worker\.json:11 containerDefinitions\[0\]\.cpu: \{\{ workerCpu \}\} is "lots", not a number/),
      expect.stringMatching(
        /^worker\.json:14 containerDefinitions\[0\]\.readonlyRootFilesystem: \{\{ readonly \}\} is "maybe", not true or false/
      )
    ]);
  });

  it('reports every unresolved placeholder at once, with file, line and variable', async () => {
    const errors = await inputErrors(
      render({ 'task-definition': 'web.yaml', vars: 'stage=prod\ncpu=512' }, { files: { 'web.yaml': fixture('templates/web.yaml') } })
    );
    const messages = errors.map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^web\.yaml:7 memory: placeholder \{\{ memory \}\} has no value \(add memory=… to the vars input\)$/),
        expect.stringMatching(/^web\.yaml:12 containerDefinitions\[0\]\.image: placeholder \{\{ tag \}\} has no value/),
        expect.stringMatching(/^web\.yaml:15 containerDefinitions\[0\]\.portMappings\[0\]\.containerPort: placeholder \{\{ port \}\}/),
        expect.stringMatching(/^web\.yaml:21 .*\{\{ greeting \}\}/),
        expect.stringMatching(/^web\.yaml:23 .*\{\{ env\.GITHUB_SHA \}\} has no value \(set the environment variable GITHUB_SHA\)/)
      ])
    );
    expect(errors).toHaveLength(5);
    expect(errors[0].location).toEqual({ file: 'web.yaml', line: 7, path: 'memory' });
  });

  it('warns about variables the template does not use', async () => {
    const { reporter } = await render(
      { 'task-definition': 'web.yaml', vars: `${WEB_VARS}\nunused=1\nalso_unused=2` },
      { files: { 'web.yaml': fixture('templates/web.yaml') }, env: { GITHUB_SHA: 'abc' } }
    );
    expect(reporter.lines).toContain('warning: vars not used by the template: unused, also_unused');
  });

  it.each([
    ['{{ a b }}', /"\{\{ a b \}\}" is not a placeholder/],
    ['{{ }}', /"\{\{ \}\}" is not a placeholder/],
    ['prefix {{ unclosed', /is not a placeholder/]
  ])('rejects the malformed placeholder %s', async (value, message) => {
    const template = JSON.stringify({ family: 'f', containerDefinitions: [{ name: 'c', image: 'i', memory: 64, user: value }] });
    const errors = await inputErrors(render({ 'task-definition': 't.json' }, { files: { 't.json': template } }));
    expect(errors[0].message).toMatch(message);
    expect(errors[0].location.path).toBe('containerDefinitions[0].user');
  });

  it('reports syntax errors with the line', async () => {
    const errors = await inputErrors(
      render({ 'task-definition': 't.json' }, { files: { 't.json': '{\n  "family": "x",\n  "containerDefinitions": [\n}' } })
    );
    expect(errors[0].message).toMatch(/^t\.json:4: is not valid JSON or YAML/);
  });

  it('refuses duplicate keys (a second "image" could hide the first)', async () => {
    const errors = await inputErrors(
      render({ 'task-definition': 't.json' }, { files: { 't.json': '{"family":"f","family":"g","containerDefinitions":[]}' } })
    );
    expect(errors[0].message).toMatch(/t\.json:1: is not valid JSON or YAML: .*unique/i);
  });

  it('names the missing template file', async () => {
    const errors = await inputErrors(render({ 'task-definition': 'nope.json' }));
    expect(errors[0].message).toBe(
      'nope.json: the task definition template does not exist (check the task-definition path (relative to the repository root))'
    );
  });

  it('registers secret vars with the reporter before anything else', async () => {
    const { reporter } = await render(
      { 'task-definition': 't.json', vars: 'token=s3cr3t\nml<<EOF\nline one\nline two\nEOF', 'secret-vars': 'token, ml' },
      {
        files: {
          't.json': JSON.stringify({
            family: 'f',
            containerDefinitions: [{ name: 'c', image: 'i', memory: 64, environment: [{ name: 'T', value: '{{ token }}{{ ml }}' }] }]
          })
        }
      }
    );
    expect(reporter.secrets).toEqual(['s3cr3t', 'line one\nline two', 'line one', 'line two']);
  });
});
