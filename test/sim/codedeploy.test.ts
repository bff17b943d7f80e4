/**
 * The local ECS's CodeDeploy, through @aws-sdk/client-codedeploy: the seeded CODE_DEPLOY service
 * pay deployed all at once, by canary and linear steps on the sim clock, failed and rolled back,
 * stopped with rollback, refused where CodeDeploy refuses; ECS task sets as CodeDeploy leaves them;
 * and the official deploy action's CodeDeploy path (its own dist/index.js when
 * OFFICIAL_DEPLOY_ACTION_DIST points at it, else the same calls it makes, through the SDK).
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  StopDeploymentCommand,
  waitUntilDeploymentSuccessful,
  type DeploymentInfo
} from '@aws-sdk/client-codedeploy';
import {
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { clients, rejection, type Clients } from './helpers.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

let sim: Sim;
let s: Scenario;
let c: Clients;
let cd: CodeDeployClient;

function codedeploy(target: Sim): CodeDeployClient {
  return new CodeDeployClient({
    endpoint: target.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSIMTEST', secretAccessKey: 'sim-secret' },
    maxAttempts: 1
  });
}

async function fresh(timeScale = 0): Promise<void> {
  await sim?.close();
  sim = await startSim({ timeScale, seed: true });
  s = sim.scenario!;
  c = clients(sim);
  cd = codedeploy(sim);
}

afterAll(async () => {
  await sim?.close();
});

/** A new revision of pay with the given image tag (behaviours come from the tag, e.g. v2-crash). */
async function payRevision(tag: string): Promise<string> {
  const out = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'pay',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'pay', image: `registry.example.com/pay:${tag}`, essential: true, portMappings: [{ containerPort: 8080 }] }
      ]
    })
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

function appSpec(taskDefinition: string, port = 8080): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: { TaskDefinition: taskDefinition, LoadBalancerInfo: { ContainerName: 'pay', ContainerPort: port } }
        }
      }
    ]
  });
}

async function deploy(taskDefinition: string, config?: string): Promise<string> {
  const content = appSpec(taskDefinition);
  const out = await cd.send(
    new CreateDeploymentCommand({
      applicationName: 'pay-app',
      deploymentGroupName: 'pay-dg',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') } },
      ...(config ? { deploymentConfigName: config } : {})
    })
  );
  return out.deploymentId!;
}

async function info(id: string): Promise<DeploymentInfo> {
  return (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
}

async function prodWeights(): Promise<Record<string, number>> {
  return listenerWeights(s.codeDeploy.prodListener);
}

async function listenerWeights(arn: string): Promise<Record<string, number>> {
  const l = (await c.elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }))).Listeners![0];
  const out: Record<string, number> = {};
  for (const g of l.DefaultActions![0].ForwardConfig!.TargetGroups!)
    out[g.TargetGroupArn === s.codeDeploy.blueTargetGroup ? 'blue' : 'green'] = g.Weight!;
  return out;
}

async function paySets(): Promise<
  { status?: string; taskDefinition?: string; targetGroup?: string; running?: number; externalId?: string }[]
> {
  const out = await c.ecs.send(new DescribeTaskSetsCommand({ cluster: 'prod', service: 'pay' }));
  return out.taskSets!.map((t) => ({
    status: t.status,
    taskDefinition: t.taskDefinition,
    targetGroup: t.loadBalancers?.[0]?.targetGroupArn === s.codeDeploy.blueTargetGroup ? 'blue' : 'green',
    running: t.runningCount,
    externalId: t.externalId
  }));
}

/** Advances the frozen clock in 5 s steps until the deployment's status is one of `want`. */
async function until(id: string, want: string[], limitMs = 90 * MINUTE): Promise<DeploymentInfo> {
  for (let t = 0; t <= limitMs; t += 5 * SECOND) {
    const d = await info(id);
    if (want.includes(d.status!)) return d;
    sim.advance(5 * SECOND);
  }
  throw new Error(`deployment ${id} never reached ${want.join('/')}: ${(await info(id)).status}`);
}

describe('the seeded CodeDeploy service pay', () => {
  beforeEach(async () => fresh());

  it('is a CODE_DEPLOY service on one PRIMARY task set in pay-blue, with no deployments, and a deployment group CodeDeploy describes', async () => {
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['pay'] }))).services![0];
    expect(svc.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
    expect(svc.deployments).toEqual([]);
    expect(svc.taskDefinition).toBe(s.taskDefinitions.pay);
    expect(svc.taskSets!.map((t) => [t.status, t.runningCount, t.computedDesiredCount, t.stabilityStatus, t.scale])).toEqual([
      ['PRIMARY', 2, 2, 'STEADY_STATE', { value: 100, unit: 'PERCENT' }]
    ]);
    const g = (await cd.send(new GetDeploymentGroupCommand({ applicationName: 'pay-app', deploymentGroupName: 'pay-dg' })))
      .deploymentGroupInfo!;
    expect(g.computePlatform).toBe('ECS');
    expect(g.ecsServices).toEqual([{ serviceName: 'pay', clusterName: 'prod' }]);
    expect(g.blueGreenDeploymentConfiguration).toEqual({
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 1 },
      deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 }
    });
    expect(g.loadBalancerInfo!.targetGroupPairInfoList![0].prodTrafficRoute).toEqual({ listenerArns: [s.codeDeploy.prodListener] });
    expect(g.autoRollbackConfiguration).toEqual({ enabled: true, events: ['DEPLOYMENT_FAILURE'] });
    const cfg = (await cd.send(new GetDeploymentConfigCommand({ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' })))
      .deploymentConfigInfo!;
    expect(cfg.trafficRoutingConfig).toEqual({ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } });
  });

  it('deploys all at once: a replacement task set in pay-green, 100 % of production moved, the termination wait (Baking), the original deleted', async () => {
    const td = await payRevision('v2');
    const id = await deploy(td);
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    expect((await info(id)).status).toBe('Created');
    sim.advance(5 * SECOND);
    expect((await paySets()).map((x) => [x.status, x.targetGroup, x.externalId])).toEqual([
      ['PRIMARY', 'blue', undefined],
      ['ACTIVE', 'green', id]
    ]);
    expect(await prodWeights()).toEqual({ blue: 100, green: 0 });
    const baking = await until(id, ['Baking']);
    expect(baking.instanceTerminationWaitTimeStarted).toBe(true);
    expect(await prodWeights()).toEqual({ blue: 0, green: 100 });
    expect(await listenerWeights(s.codeDeploy.testListener)).toEqual({ blue: 0, green: 100 });
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['pay'] }))).services![0];
    expect(svc.taskDefinition).toBe(td);
    // The original stays for the termination wait (1 minute), so a rollback can still use it.
    expect((await paySets()).map((x) => [x.status, x.targetGroup])).toEqual([
      ['ACTIVE', 'blue'],
      ['PRIMARY', 'green']
    ]);
    sim.advance(50 * SECOND);
    expect((await info(id)).status).toBe('Baking');
    const done = await until(id, ['Succeeded', 'Failed', 'Stopped']);
    expect(done.status).toBe('Succeeded');
    expect(done.deploymentOverview).toEqual({ Pending: 0, InProgress: 0, Succeeded: 1, Failed: 0, Skipped: 0, Ready: 0 });
    expect((await paySets()).map((x) => [x.status, x.targetGroup, x.running])).toEqual([['PRIMARY', 'green', 2]]);
    const health = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: s.codeDeploy.greenTargetGroup }));
    expect(health.TargetHealthDescriptions!.map((h) => h.TargetHealth!.State)).toEqual(['healthy', 'healthy']);
    const g = (await cd.send(new GetDeploymentGroupCommand({ applicationName: 'pay-app', deploymentGroupName: 'pay-dg' })))
      .deploymentGroupInfo!;
    expect(g.lastSuccessfulDeployment!.deploymentId).toBe(id);

    // The next deployment goes the other way: green is now the original, blue the replacement.
    const id2 = await deploy(await payRevision('v3'));
    expect((await until(id2, ['Succeeded', 'Failed', 'Stopped'])).status).toBe('Succeeded');
    expect(await prodWeights()).toEqual({ blue: 100, green: 0 });
    expect((await info(id2)).previousRevision?.appSpecContent?.content).toContain(td);
  });

  it('moves production by the canary config: 10 % for 5 minutes, then 100 %', async () => {
    const id = await deploy(await payRevision('v2'), 'CodeDeployDefault.ECSCanary10Percent5Minutes');
    for (let i = 0; i < 200 && (await prodWeights()).green === 0; i++) sim.advance(SECOND);
    expect(await prodWeights()).toEqual({ blue: 90, green: 10 });
    sim.advance(4 * MINUTE + 50 * SECOND);
    expect(await prodWeights()).toEqual({ blue: 90, green: 10 });
    expect((await info(id)).status).toBe('InProgress');
    sim.advance(15 * SECOND);
    expect(await prodWeights()).toEqual({ blue: 0, green: 100 });
  });

  it('moves production by the linear config: 10 % more every minute', async () => {
    await deploy(await payRevision('v2'), 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes');
    for (let i = 0; i < 200 && (await prodWeights()).green === 0; i++) sim.advance(SECOND);
    const seen = [(await prodWeights()).green];
    for (let i = 0; i < 9; i++) {
      sim.advance(MINUTE);
      seen.push((await prodWeights()).green);
    }
    expect(seen).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('fails a replacement that never becomes healthy after 60 minutes and rolls back: traffic never left blue, the replacement is deleted', async () => {
    const id = await deploy(await payRevision('v2-crash'));
    sim.advance(59 * MINUTE);
    expect((await info(id)).status).toBe('InProgress');
    expect(await prodWeights()).toEqual({ blue: 100, green: 0 });
    const failed = await until(id, ['Failed', 'Succeeded', 'Stopped']);
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation).toEqual({
      code: 'ECS_UPDATE_ERROR',
      message: 'The deployment timed out while waiting for the replacement task set to become healthy. This time out period is 60 minutes.'
    });
    const rollbackId = failed.rollbackInfo!.rollbackDeploymentId!;
    const rollback = await until(rollbackId, ['Succeeded', 'Failed']);
    expect(rollback.status).toBe('Succeeded');
    expect(rollback.creator).toBe('codeDeployRollback');
    expect(rollback.rollbackInfo!.rollbackTriggeringDeploymentId).toBe(id);
    expect((await paySets()).map((x) => [x.status, x.targetGroup, x.running])).toEqual([['PRIMARY', 'blue', 2]]);
    expect(await prodWeights()).toEqual({ blue: 100, green: 0 });
  });

  it('StopDeployment with autoRollbackEnabled during the termination wait puts production back on the original task set', async () => {
    const id = await deploy(await payRevision('v2'));
    await until(id, ['Baking']);
    expect(await prodWeights()).toEqual({ blue: 0, green: 100 });
    const stop = await cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    expect(stop.status).toBe('Pending');
    const stopped = await info(id);
    expect([stopped.status, stopped.errorInformation?.code]).toEqual(['Stopped', 'MANUAL_STOP']);
    sim.advance(SECOND);
    expect(await prodWeights()).toEqual({ blue: 100, green: 0 });
    expect((await until(stopped.rollbackInfo!.rollbackDeploymentId!, ['Succeeded'])).status).toBe('Succeeded');
    expect((await paySets()).map((x) => [x.status, x.targetGroup])).toEqual([['PRIMARY', 'blue']]);
    const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['pay'] }))).services![0];
    expect(svc.taskDefinition).toBe(s.taskDefinitions.pay);
    const again = await rejection(cd.send(new StopDeploymentCommand({ deploymentId: id })));
    expect(again.name).toBe('DeploymentAlreadyCompletedException');
  });

  it('refuses what CodeDeploy and ECS refuse, with the exception names of the models', async () => {
    const td = await payRevision('v2');
    const id = await deploy(td);
    expect((await rejection(deploy(td))).name).toBe('DeploymentLimitExceededException');
    const s3 = await rejection(
      cd.send(
        new CreateDeploymentCommand({
          applicationName: 'pay-app',
          deploymentGroupName: 'pay-dg',
          revision: { revisionType: 'S3', s3Location: { bucket: 'b', key: 'k', bundleType: 'YAML' } }
        })
      )
    );
    expect([s3.name, s3.message]).toEqual(['InvalidRevisionException', expect.stringMatching(/AppSpecContent only/)]);
    expect(
      (await rejection(cd.send(new GetDeploymentGroupCommand({ applicationName: 'pay-app', deploymentGroupName: 'nope' })))).name
    ).toBe('DeploymentGroupDoesNotExistException');
    expect(
      (await rejection(cd.send(new GetDeploymentGroupCommand({ applicationName: 'nope', deploymentGroupName: 'pay-dg' })))).message
    ).toBe('No application found for name: nope');
    expect((await rejection(cd.send(new GetDeploymentCommand({ deploymentId: 'd-AAAAAAAAA' })))).name).toBe(
      'DeploymentDoesNotExistException'
    );
    expect((await rejection(cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })))).name).toBe(
      'DeploymentIsNotInReadyStateException'
    );
    const update = await rejection(c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'pay', taskDefinition: td })));
    expect([update.name, update.message]).toEqual([
      'InvalidParameterException',
      'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'
    ]);
    const create = await rejection(
      c.ecs.send(
        new CreateTaskSetCommand({
          cluster: 'prod',
          service: 'pay',
          taskDefinition: td,
          loadBalancers: [{ targetGroupArn: s.codeDeploy.greenTargetGroup, containerName: 'pay', containerPort: 8080 }]
        })
      )
    );
    expect([create.name, create.message]).toEqual(['InvalidParameterException', expect.stringMatching(/managed by AWS CodeDeploy/)]);
    const sets = await c.ecs.send(new DescribeTaskSetsCommand({ cluster: 'prod', service: 'pay' }));
    expect(
      (await rejection(c.ecs.send(new DeleteTaskSetCommand({ cluster: 'prod', service: 'pay', taskSet: sets.taskSets![0].id! })))).name
    ).toBe('InvalidParameterException');
    expect((await rejection(c.ecs.send(new DescribeTaskSetsCommand({ cluster: 'prod', service: 'web' })))).name).toBe(
      'InvalidParameterException'
    );
  });

  it('refuses a deployment config of the Server platform for an ECS group', async () => {
    const err = await rejection(deploy(await payRevision('v2'), 'CodeDeployDefault.OneAtATime'));
    expect(err.name).toBe('InvalidDeploymentConfigNameException');
  });
});

describe('the official deploy action (aws-actions/amazon-ecs-deploy-task-definition v2.6.3) on the CODE_DEPLOY path', () => {
  const official = process.env.OFFICIAL_DEPLOY_ACTION_DIST;

  it(
    official && existsSync(official)
      ? `its own dist/index.js (${official}) deploys pay through CodeDeploy and waits for success`
      : 'its call sequence (RegisterTaskDefinition, DescribeServices, GetDeploymentGroup, CreateDeployment, waitUntilDeploymentSuccessful) deploys pay',
    async () => {
      // A running clock: the action and its waiter poll in real time; 60× makes the 1-minute termination wait one second.
      await fresh(60);
      const dir = mkdtempSync(join(tmpdir(), 'official-cd-'));
      const taskDef: RegisterTaskDefinitionCommandInput = {
        family: 'pay',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'pay', image: 'registry.example.com/pay:v2', essential: true, portMappings: [{ containerPort: 8080 }] }
        ]
      };
      writeFileSync(join(dir, 'task-definition.json'), JSON.stringify(taskDef));
      writeFileSync(
        join(dir, 'appspec.yaml'),
        'version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: <TASK_DEFINITION>\n        LoadBalancerInfo:\n          ContainerName: pay\n          ContainerPort: 8080\n'
      );
      let deploymentId: string;
      if (official && existsSync(official)) {
        const outputFile = join(dir, 'output');
        writeFileSync(outputFile, '');
        const inputs: Record<string, string> = {
          'task-definition': 'task-definition.json',
          service: 'pay',
          cluster: 'prod',
          'wait-for-service-stability': 'true',
          'wait-for-minutes': '10',
          'codedeploy-appspec': 'appspec.yaml',
          'codedeploy-application': 'pay-app',
          'codedeploy-deployment-group': 'pay-dg'
        };
        const env: NodeJS.ProcessEnv = {
          PATH: process.env.PATH,
          GITHUB_WORKSPACE: dir,
          GITHUB_OUTPUT: outputFile,
          AWS_ENDPOINT_URL: sim.url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIDOFFICIAL',
          AWS_SECRET_ACCESS_KEY: 'sim-secret',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
        };
        const run = await new Promise<{ code: number | null; log: string }>((resolve) => {
          const child = spawn(process.execPath, [official], { env, cwd: dir });
          let log = '';
          child.stdout.on('data', (b: Buffer) => (log += b.toString()));
          child.stderr.on('data', (b: Buffer) => (log += b.toString()));
          child.on('close', (code) => resolve({ code, log }));
        });
        expect({ code: run.code, failed: run.log.split('\n').filter((l) => l.startsWith('::error')) }).toEqual({ code: 0, failed: [] });
        const outputs = readFileSync(outputFile, 'utf8');
        deploymentId = /codedeploy-deployment-id<<(\S+)\n(d-[A-Z0-9]{9})\n/.exec(outputs)?.[2] ?? '';
        expect(run.log).toContain(`deployments/${deploymentId}?region=us-east-1`);
        expect(sim.calls({ service: 'codedeploy', accessKeyId: 'AKIDOFFICIAL' }).map((x) => x.operation)).toEqual(
          expect.arrayContaining(['GetDeploymentGroup', 'CreateDeployment', 'GetDeployment'])
        );
      } else {
        // The official action is not on npm; without its dist, make the calls its index.js makes, in its order, with its waiter.
        const registered = await c.ecs.send(new RegisterTaskDefinitionCommand(taskDef));
        const arn = registered.taskDefinition!.taskDefinitionArn!;
        const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['pay'] }))).services![0];
        expect(svc.deploymentController?.type).toBe('CODE_DEPLOY');
        const group = (await cd.send(new GetDeploymentGroupCommand({ applicationName: 'pay-app', deploymentGroupName: 'pay-dg' })))
          .deploymentGroupInfo!;
        const bg = group.blueGreenDeploymentConfiguration!;
        const totalWaitMin =
          bg.deploymentReadyOption!.waitTimeInMinutes! + bg.terminateBlueInstancesOnDeploymentSuccess!.terminationWaitTimeInMinutes! + 10;
        expect(Number.isFinite(totalWaitMin)).toBe(true);
        const content = JSON.stringify({
          version: 0,
          Resources: [
            {
              TargetService: {
                Type: 'AWS::ECS::Service',
                Properties: { TaskDefinition: arn, LoadBalancerInfo: { ContainerName: 'pay', ContainerPort: 8080 } }
              }
            }
          ]
        });
        const created = await cd.send(
          new CreateDeploymentCommand({
            applicationName: 'pay-app',
            deploymentGroupName: 'pay-dg',
            revision: {
              revisionType: 'AppSpecContent',
              appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') }
            }
          })
        );
        deploymentId = created.deploymentId!;
        await waitUntilDeploymentSuccessful({ client: cd, minDelay: 1, maxDelay: 2, maxWaitTime: totalWaitMin * 60 }, { deploymentId });
      }
      expect((await info(deploymentId)).status).toBe('Succeeded');
      expect(await prodWeights()).toEqual({ blue: 0, green: 100 });
      const svc = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['pay'] }))).services![0];
      expect(svc.taskDefinition).toMatch(/task-definition\/pay:2$/);
    },
    120_000
  );
});
