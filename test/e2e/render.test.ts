/**
 * The bundled action, run as a runner runs it, for render-only runs: no AWS needed.
 * (Register and deploy flows run against the local ECS in the other e2e tests.)
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, ROOT } from '../../scripts/run-action.js';

const NOWHERE = 'http://127.0.0.1:9'; // nothing listens: any AWS call would fail loudly
const vars = readFileSync(join(ROOT, 'examples/web.vars'), 'utf8');

describe('render-only through dist/index.js', () => {
  test('renders the template and outputs the file path', async () => {
    const run = await runAction({
      endpoint: NOWHERE,
      inputs: { 'task-definition': 'examples/web.taskdef.json', register: 'false', vars: vars.replace(/^tag=.*$/m, 'tag=v9') },
      post: false
    });
    expect(run.exitCode).toBe(0);
    const rendered = JSON.parse(readFileSync(run.outputs['task-definition'], 'utf8'));
    expect(rendered.containerDefinitions[0].image).toBe('registry.example.com/web:v9');
    expect(rendered.cpu).toBe('256');
    expect(rendered.containerDefinitions[0].environment).toContainEqual({ name: 'GREETING', value: 'hello, world' });
    expect(run.outputs['task-definition-arn']).toBeUndefined();
    expect(run.summary).toMatch(/^### ✅ Rendered/);
  });

  test('the official render action inputs work', async () => {
    const run = await runAction({
      endpoint: NOWHERE,
      inputs: {
        'task-definition': 'examples/web.taskdef.json',
        register: 'false',
        vars,
        'container-name': 'web',
        image: 'registry.example.com/web:sha-123',
        'environment-variables': 'DSN=postgres://u@h/db?sslmode=require\nEMPTY=',
        command: `sh -c "echo 'a b' && exec web"`
      },
      post: false
    });
    expect(run.exitCode).toBe(0);
    const web = JSON.parse(readFileSync(run.outputs['task-definition'], 'utf8')).containerDefinitions[0];
    expect(web.image).toBe('registry.example.com/web:sha-123');
    expect(web.environment).toContainEqual({ name: 'DSN', value: 'postgres://u@h/db?sslmode=require' });
    expect(web.environment).toContainEqual({ name: 'EMPTY', value: '' });
    expect(web.command).toEqual(['sh', '-c', "echo 'a b' && exec web"]);
  });

  test('bad template: fails naming file, line and path, as an annotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    const file = join(dir, 'bad.json');
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples/web.taskdef.json'), 'utf8'));
    doc.containerDefinitions[0].portMapings = doc.containerDefinitions[0].portMappings;
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const run = await runAction({ endpoint: NOWHERE, inputs: { 'task-definition': file, register: 'false', vars }, post: false });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/::error title=containerDefinitions\[0\]\.portMapings,file=[^,]*bad\.json,line=\d+::/);
    expect(run.log).toMatch(/bad\.json:\d+ containerDefinitions\[0\]\.portMapings: unknown field/);
    expect(run.log).toMatch(/did you mean "portMappings"/);
  });

  test('bad inputs fail before anything else, all at once', async () => {
    const run = await runAction({
      endpoint: NOWHERE,
      inputs: { 'task-definition': 'examples/web.taskdef.json', register: 'maybe', 'poll-interval': 'fast', vars },
      post: false
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/input `register` is "maybe"/);
    expect(run.log).toMatch(/input `poll-interval`.*"fast" is not a duration/);
  });

  test('a secret variable never reaches the log', async () => {
    const secret = 'hunter2-s3cr3t-value';
    const run = await runAction({
      endpoint: NOWHERE,
      inputs: {
        'task-definition': 'examples/web.taskdef.json',
        register: 'false',
        vars: vars.replace(/^greeting=.*$/m, `greeting=${secret}`),
        'secret-vars': 'greeting'
      },
      post: false
    });
    expect(run.exitCode).toBe(0);
    // The runner masks values registered with ::add-mask::, which must come before any other mention.
    const firstMention = run.log.indexOf(secret);
    expect(firstMention).toBe(run.log.indexOf(`::add-mask::${secret}`) + '::add-mask::'.length);
    expect(run.log.split(secret).length).toBe(2);
    // No summary/outputs check here: a render-only run prints no variable values there, so it could not fail.
    // The summary's masking is proved where it shows the diff (e2e/rolling.test.ts, report/summary.test.ts).
  });
});
