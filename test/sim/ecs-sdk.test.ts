/**
 * The ECS model as an independent client sees it: the unmodified AWS SDK over the wire
 * against startSim(), including the SDK's own waitUntilServicesStable waiter — which
 * reports "stable" after the circuit breaker rolled a bad release back, exactly the trap
 * the product exists to avoid.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Service
} from '@aws-sdk/client-ecs';
import { startSim, type Sim } from '../../sim/server.js';
import type { Scenario } from '../../sim/seed.js';
import { clients, rejection } from './helpers.js';

let sim: Sim;
let ecs: ECSClient;
let scenario: Scenario;

beforeEach(async () => {
  sim = await startSim({ timeScale: 0 });
  scenario = await sim.seed();
  ecs = clients(sim).ecs;
});

afterEach(async () => {
  ecs.destroy();
  await sim.close();
});

/** Registers a new revision of `web` from the current one with another image, as a deploy tool would. */
async function registerWeb(image: string): Promise<string> {
  const current = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }))).taskDefinition!;
  const input: RegisterTaskDefinitionCommandInput = {
    family: current.family,
    requiresCompatibilities: current.requiresCompatibilities,
    networkMode: current.networkMode,
    cpu: current.cpu,
    memory: current.memory,
    executionRoleArn: current.executionRoleArn,
    containerDefinitions: current.containerDefinitions!.map((c) => ({ ...c, image }))
  };
  return (await ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition!.taskDefinitionArn!;
}

async function web(): Promise<Service> {
  return (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0];
}

/** Lets simulated time run fast (10 simulated minutes per real second) while the SDK's waiter polls every second. */
async function waitStable(): Promise<string> {
  sim.setTimeScale(600);
  try {
    const result = await waitUntilServicesStable(
      { client: ecs, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { cluster: 'prod', services: ['web'] }
    );
    return result.state;
  } finally {
    sim.setTimeScale(0);
  }
}

describe('ECS over the wire', () => {
  test('a good release: the SDK waiter sees the service stable on the new revision', async () => {
    const v2 = await registerWeb(`${scenario.images.web.split(':')[0]}:v2`);
    const updated = (await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: v2 }))).service!;
    expect(updated.deployments).toHaveLength(2);
    expect(updated.deployments![0].createdAt).toBeInstanceOf(Date);

    expect(await waitStable()).toBe('SUCCESS');
    const svc = await web();
    expect(svc.taskDefinition).toBe(v2);
    expect(svc.deployments).toHaveLength(1);
    expect(svc.deployments![0]).toMatchObject({ rolloutState: 'COMPLETED', runningCount: 2, failedTasks: 0 });
    expect(svc.events![0].message).toBe('(service web) has reached a steady state.');
  }, 30_000);

  test('a crashing release: the waiter also says stable, but on the old revision after ECS rolled back', async () => {
    const v1 = (await web()).taskDefinition!;
    const bad = await registerWeb(`${scenario.images.web.split(':')[0]}:v2-crash`);
    const failedId = (await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: bad }))).service!
      .deployments![0].id!;

    expect(await waitStable()).toBe('SUCCESS');
    const svc = await web();
    expect(svc.taskDefinition).toBe(v1);
    expect(svc.deployments![0].rolloutStateReason).toMatch(/^ECS deployment ecs-svc\/\d+ completed\.$/);
    const messages = svc.events!.map((e) => e.message!);
    expect(messages).toContain(`(service web) (deployment ${failedId}) deployment failed: tasks failed to start.`);
    expect(messages.some((m) => m.startsWith('(service web) rolling back to deployment ecs-svc/'))).toBe(true);
  }, 30_000);

  test('errors arrive as the SDK exceptions ECS throws', async () => {
    const missing = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['nope'] }));
    expect(missing.failures).toEqual([{ arn: `arn:aws:ecs:us-east-1:${scenario.accountId}:service/prod/nope`, reason: 'MISSING' }]);
    expect((await rejection(ecs.send(new DescribeServicesCommand({ cluster: 'staging', services: ['web'] })))).name).toBe(
      'ClusterNotFoundException'
    );
    expect((await rejection(ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'nope', desiredCount: 1 })))).name).toBe(
      'ServiceNotFoundException'
    );
    const td = await rejection(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })));
    expect([td.name, td.message]).toEqual(['ClientException', 'Unable to describe task definition.']);
    const elsewhere = clients(sim, { region: 'eu-west-1' }).ecs;
    expect((await rejection(elsewhere.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))).name).toBe(
      'ClusterNotFoundException'
    );
    elsewhere.destroy();
  });

  test('RunTask with a crash override: the stopped task carries its exit code and reason', async () => {
    const svc = await web();
    const out = await ecs.send(
      new RunTaskCommand({
        cluster: 'prod',
        taskDefinition: svc.taskDefinition,
        launchType: 'FARGATE',
        networkConfiguration: svc.networkConfiguration,
        overrides: {
          containerOverrides: [
            {
              name: 'web',
              environment: [
                { name: 'SIM_BEHAVIOUR', value: 'crash' },
                { name: 'SIM_EXIT_CODE', value: '2' }
              ]
            }
          ]
        }
      })
    );
    const arn = out.tasks![0].taskArn!;
    sim.advance(2 * 60_000);
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [arn] }))).tasks![0];
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited'
    });
    expect(task.containers![0].exitCode).toBe(2);
    expect(task.stoppedAt).toBeInstanceOf(Date);
  });
});
