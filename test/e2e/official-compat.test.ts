/**
 * A workflow written for aws-actions/amazon-ecs-render-task-definition v1.9.0 and
 * amazon-ecs-deploy-task-definition v2.6.3, with only its `uses:` lines changed: the official
 * input set through the bundled action against the local ECS.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { startSim, type Sim } from '../../sim/server.js';
import { runAction } from '../../scripts/run-action.js';
import { clients, revisionOf, service, why } from './sim-helpers.js';

let sim: Sim;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterEach(async () => {
  await sim.close();
});

/** The render step as written for the official render action. */
const renderStep = (image: string): Record<string, string> => ({
  'task-definition': 'test/fixtures/official/web-task-definition.json',
  'container-name': 'web',
  image,
  'environment-variables': 'LOG_LEVEL=info'
});

/** The deploy step with the official deploy action's inputs (every one that applies to an ECS-controller service). */
const deployStep = (taskDefinition: string, migration: string): Record<string, string> => ({
  'task-definition': taskDefinition,
  service: 'web',
  cluster: 'prod',
  'wait-for-service-stability': 'true',
  'wait-for-minutes': '10',
  'wait-max-delay-seconds': '1',
  'desired-count': '2',
  'force-new-deployment': 'false',
  'enable-ecs-managed-tags': 'true',
  'propagate-tags': 'SERVICE',
  'keep-null-value-keys': 'placementConstraints',
  'max-retries': '3',
  'run-task': 'true',
  'run-task-container-overrides': JSON.stringify([{ name: 'web', command: ['sh', '-c', migration] }]),
  'run-task-subnets': 'subnet-0a1b2c3d4e5f00001',
  'run-task-security-groups': 'sg-0a1b2c3d4e5f00001',
  'run-task-assign-public-IP': 'DISABLED',
  'run-task-launch-type': 'FARGATE',
  'run-task-started-by': 'GitHub-Actions',
  'run-task-tags': JSON.stringify([{ key: 'team', value: 'web' }]),
  'wait-for-task-stopped': 'true'
});

async function describeTask(arn: string) {
  const out = await clients(sim.url).ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [arn], include: ['TAGS'] }));
  return out.tasks![0];
}

describe('the official actions, uses: swapped', () => {
  test('render step then deploy step: the new revision is live, the task ran with its overrides and tags, outputs as the official actions set them', async () => {
    const rendered = await runAction({ endpoint: sim.url, inputs: renderStep('registry.example.com/web:v2') });
    expect(rendered.exitCode).toBe(0);
    const file = rendered.outputs['task-definition'];
    expect(file).toMatch(/task-definition-web-.*\.json$/);
    // Like the official render action, the render step only renders: nothing registered yet.
    expect(rendered.outputs['task-definition-arn']).toBeUndefined();
    expect(sim.calls({ operation: 'RegisterTaskDefinition' }).filter((c) => c.accessKeyId !== 'SIMSEED')).toEqual([]);

    const run = await runAction({ endpoint: sim.url, inputs: deployStep(file, 'echo migrated; exit 0') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded' });
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/web:2$/);
    // The official inputs given, no default differs: no warning line.
    expect(run.log).not.toMatch(/::warning::/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:2');
    expect((await service(sim.url, 'web')).runningCount).toBe(2);

    const arns = JSON.parse(run.outputs['run-task-arn']) as string[];
    expect(arns).toHaveLength(1);
    const task = await describeTask(arns[0]);
    expect(task.overrides?.containerOverrides).toEqual([
      expect.objectContaining({ name: 'web', command: ['sh', '-c', 'echo migrated; exit 0'] })
    ]);
    expect(task.startedBy).toBe('GitHub-Actions');
    expect(task.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'web' }]));
    expect(task.taskDefinitionArn).toBe(run.outputs['task-definition-arn']);

    const td = (await clients(sim.url).ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }))).taskDefinition!;
    const web = td.containerDefinitions![0];
    expect(web.image).toBe('registry.example.com/web:v2');
    expect(web.dockerLabels).toEqual({ 'log-tag': 'docker.{{.Name}}' });
    expect(web.environment).toEqual(
      expect.arrayContaining([
        { name: 'EMPTY', value: '' },
        { name: 'LOG_LEVEL', value: 'info' }
      ])
    );
  });

  test('run-task-container-overrides reach RunTask: a migration command exiting 3 fails the step and leaves the service untouched', async () => {
    const rendered = await runAction({ endpoint: sim.url, inputs: renderStep('registry.example.com/web:v2') });
    const run = await runAction({ endpoint: sim.url, inputs: deployStep(rendered.outputs['task-definition'], 'exit 3') });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.status).toBe('failed');
    expect(why(run)).toMatch(/exited with code 3/);
    expect(JSON.parse(run.outputs['run-task-arn'])).toHaveLength(1);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('run-task without a service runs the task on its own, as the official action does: exit 0 passes, exit 3 fails; no service touched', async () => {
    const rendered = await runAction({ endpoint: sim.url, inputs: renderStep('registry.example.com/web:v2') });
    const { service: _service, 'desired-count': _count, ...taskOnly } = deployStep(rendered.outputs['task-definition'], 'echo ran; exit 0');
    const ok = await runAction({ endpoint: sim.url, inputs: taskOnly });
    expect(ok.exitCode).toBe(0);
    const [arn] = JSON.parse(ok.outputs['run-task-arn']) as string[];
    const task = await describeTask(arn);
    expect(task.lastStatus).toBe('STOPPED');
    expect(task.launchType).toBe('FARGATE');
    expect(task.containers?.[0]?.exitCode).toBe(0);
    expect(ok.outputs['task-definition-arn']).toBe(task.taskDefinitionArn);

    const { service: _s, 'desired-count': _c, ...failing } = deployStep(rendered.outputs['task-definition'], 'exit 3');
    const bad = await runAction({ endpoint: sim.url, inputs: failing });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.log).toMatch(/exited with code 3/);
    // A verdict downstream steps can read, as for a deployment.
    expect(bad.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(why(bad)).toMatch(/exited with code 3/);
    expect(bad.log).not.toMatch(/the service was not updated/);
    expect(JSON.parse(bad.outputs['run-task-arn'])).toHaveLength(1);
    // No service was asked for, so none changed.
    expect(sim.calls({ operation: 'UpdateService' })).toEqual([]);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('task-definition-family with task-definition-revision renders that revision, not the latest', async () => {
    const ecs = clients(sim.url).ecs;
    const first = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' }))).taskDefinition!;
    const later = structuredClone(first.containerDefinitions!);
    later[0].environment = [...(later[0].environment ?? []), { name: 'ONLY_IN_LATEST', value: 'yes' }];
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: later,
        requiresCompatibilities: first.requiresCompatibilities,
        networkMode: first.networkMode,
        cpu: first.cpu,
        memory: first.memory,
        executionRoleArn: first.executionRoleArn
      })
    );
    const run = await runAction({
      endpoint: sim.url,
      inputs: {
        'task-definition-family': 'web',
        'task-definition-revision': '1',
        'container-name': 'web',
        image: 'registry.example.com/web:v3',
        register: 'false'
      }
    });
    expect(run.exitCode).toBe(0);
    const { readFileSync } = await import('node:fs');
    const out = JSON.parse(readFileSync(run.outputs['task-definition'], 'utf8')) as {
      containerDefinitions: { image: string; environment?: { name: string }[] }[];
    };
    expect(out.containerDefinitions[0].image).toBe('registry.example.com/web:v3');
    expect(JSON.stringify(out)).not.toContain('ONLY_IN_LATEST');
    expect(run.log).toMatch(/starting from .*web:1/);
  });
});
