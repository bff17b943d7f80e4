/**
 * Render → validate → register through dist/index.js against the local ECS (no service: the
 * action renders and registers only), and bad templates stopped before any mutating call.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { runAction, ROOT } from '../../scripts/run-action.js';
import { startSim, type Sim } from '../../sim/server.js';
import { VARS, clients } from './sim-helpers.js';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterAll(async () => {
  await sim.close();
});

const registers = (): number => sim.calls({ operation: 'RegisterTaskDefinition' }).filter((c) => c.accessKeyId !== 'SIMSEED').length;

describe('render and register', () => {
  test('a new revision is registered and its ARN output; the same template again reuses it', async () => {
    const inputs = { 'task-definition': 'examples/web.taskdef.json', vars: `${VARS}\ntag=v5` };
    const run = await runAction({ endpoint: sim.url, inputs, post: false });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['task-definition-arn']).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task-definition\/web:2$/);
    expect(run.outputs['task-definition-reused']).toBe('false');
    const { taskDefinition } = await clients(sim.url).ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }));
    expect(taskDefinition?.containerDefinitions?.[0]?.image).toBe('registry.example.com/web:v5');

    const again = await runAction({ endpoint: sim.url, inputs, post: false });
    expect(again.outputs).toMatchObject({ 'task-definition-arn': run.outputs['task-definition-arn'], 'task-definition-reused': 'true' });
    expect(again.log).toMatch(/reusing .*web:2: it is the latest ACTIVE revision/);
    expect(registers()).toBe(1);
  });

  test('a file copied from describe-task-definition registers, read-only fields stripped with a notice', async () => {
    const { taskDefinition } = await clients(sim.url).ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' }));
    const file = join(mkdtempSync(join(tmpdir(), 'described-')), 'web.json');
    writeFileSync(file, JSON.stringify({ taskDefinition: { ...taskDefinition, cpu: '512', memory: '1024' } }, null, 2));
    const run = await runAction({ endpoint: sim.url, inputs: { 'task-definition': file }, post: false });
    expect(run.exitCode).toBe(0);
    expect(run.log).toMatch(/::notice.*taskDefinitionArn/);
    expect(run.outputs['task-definition-reused']).toBe('false');
  });

  test.each([
    [
      'an unknown key',
      (d: Record<string, any>) => (d.containerDefinitions[0].imag = 'x'),
      /containerDefinitions\[0\]\.imag: unknown field "imag" \(did you mean "image"\?\)/
    ],
    ['a Fargate size that does not exist', (d: Record<string, any>) => (d.memory = '3000'), /memory/],
    [
      'two containers with one name',
      (d: Record<string, any>) => d.containerDefinitions.push({ ...d.containerDefinitions[0] }),
      /containerDefinitions\[1\]\.name/
    ],
    ['no essential container', (d: Record<string, any>) => (d.containerDefinitions[0].essential = false), /essential/],
    [
      'a port out of range',
      (d: Record<string, any>) => (d.containerDefinitions[0].portMappings[0].containerPort = 70000),
      /containerDefinitions\[0\]\.portMappings\[0\]\.containerPort/
    ]
  ])('%s: fails naming the field, and nothing is registered', async (_name, spoil, message) => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples/web.taskdef.json'), 'utf8')) as Record<string, any>;
    spoil(doc);
    const file = join(mkdtempSync(join(tmpdir(), 'bad-')), 'web.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const before = registers();
    const run = await runAction({ endpoint: sim.url, inputs: { 'task-definition': file, vars: `${VARS}\ntag=v2` }, post: false });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(message);
    expect(run.log).toContain(file);
    expect(registers()).toBe(before);
  });
});
