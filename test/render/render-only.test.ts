/**
 * What a render-only run loads: the action, run as a workflow runs it (src/index.ts, inputs in
 * the environment), under a module hook that refuses the AWS SDK, @actions/github and the YAML
 * parser. A JSON template renders without any of them; a YAML one loads the parser and nothing else.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');

function runAction(inputs: Record<string, string>, refused: string[]): { status: number | null; out: string; rendered?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'render-only-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `const refused = ${JSON.stringify(refused)};
export async function resolve(specifier, context, next) {
  const modelByPath = ['@aws-sdk/client-ecs/dist-es/schemas/', '@aws-sdk/client-ecs/dist-es/models/'].some((p) => specifier.startsWith(p));
  if (!modelByPath && refused.some((r) => specifier === r || specifier.startsWith(r + '/'))) {
    throw new Error('render-only run loaded ' + specifier + ' (from ' + context.parentURL + ')');
  }
  return next(specifier, context);
}`
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const output = join(dir, 'output');
  writeFileSync(output, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: output,
    HOME: dir,
    GITHUB_SHA: 'abc123'
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const run = spawnSync(process.execPath, ['--import', register, '--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000
  });
  const rendered = /task-definition<<(\S+)\n(.*)\n/.exec(readFileSync(output, 'utf8'))?.[2];
  return { status: run.status, out: `${run.stdout}\n${run.stderr}`, ...(rendered ? { rendered } : {}) };
}

// The ECS client's package entry (the client itself); its schema and enum modules, imported by path, are what validation needs.
const REFUSED = [
  '@aws-sdk/client-ecs',
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-elastic-load-balancing-v2',
  '@aws-sdk/client-codedeploy',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/credential-provider-node',
  '@smithy/node-http-handler',
  '@actions/github',
  'yaml'
];

describe('a render-only run', () => {
  it('renders the 10-container JSON example without loading the AWS SDK, @actions/github or the YAML parser', () => {
    const run = runAction(
      {
        'task-definition': 'examples/shop-10.taskdef.json',
        register: 'false',
        vars: readFileSync(join(ROOT, 'examples/shop-10.vars'), 'utf8')
      },
      REFUSED
    );
    expect(run.out).not.toContain('render-only run loaded');
    expect(run.out).toContain('rendered shop →');
    expect(run.status).toBe(0);
    const td = JSON.parse(readFileSync(run.rendered!, 'utf8')) as { containerDefinitions: Array<{ image: string }>; cpu: string };
    expect(td.containerDefinitions).toHaveLength(10);
    expect(td.containerDefinitions[9].image).toBe('registry.example.com/mailer:v2');
    expect(td.cpu).toBe('1024');
  });

  it('a step written for the official render action (container-name + image) renders without the AWS SDK either', () => {
    const run = runAction(
      {
        'task-definition': 'test/fixtures/official/web-task-definition.json',
        'container-name': 'web',
        image: 'registry.example.com/web:v3'
      },
      REFUSED
    );
    expect(run.out).not.toContain('render-only run loaded');
    expect(run.status).toBe(0);
    const td = JSON.parse(readFileSync(run.rendered!, 'utf8')) as { containerDefinitions: Array<{ name: string; image: string }> };
    expect(td.containerDefinitions.find((c) => c.name === 'web')?.image).toBe('registry.example.com/web:v3');
  });

  it('the hook does refuse: a YAML template needs the YAML parser, and the run fails naming it', () => {
    const run = runAction(
      { 'task-definition': 'test/fixtures/templates/web.yaml', register: 'false', vars: 'cpu=256\nmemory=512\ntag=v1' },
      REFUSED
    );
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('render-only run loaded yaml');
  });

  it('a YAML template renders when only the AWS SDK and @actions/github are refused', () => {
    const run = runAction(
      {
        'task-definition': 'test/fixtures/templates/web.yaml',
        register: 'false',
        vars: 'cpu=256\nmemory=512\ntag=v1\nport=8080\ngreeting=hi\nstage=prod'
      },
      REFUSED.filter((r) => r !== 'yaml')
    );
    expect(run.out).not.toContain('render-only run loaded');
    expect(run.out).toContain('rendered web-prod →');
    expect(run.status).toBe(0);
  });
});
