/**
 * CodeDeploy blue/green end to end (issue 11): dist/index.js (main + post step) and the CLI
 * against the local ECS on a ×300 clock, deploying the seeded CODE_DEPLOY service `pay`
 * (application pay-app, group pay-dg, production listener pay-alb:80, test listener
 * pay-alb:8080, target groups pay-blue / pay-green) with the official deploy action's inputs.
 * Every assertion reads what a user would look at: the production listener's weights, the
 * service's task sets, CodeDeploy's GetDeployment, the lock table and the step's outputs.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateDeploymentGroupCommand,
  DeleteDeploymentGroupCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  type DeploymentInfo
} from '@aws-sdk/client-codedeploy';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { runAction, type ActionRun } from '../../scripts/run-action.js';
import { alarmNames, heldLocks, revisionOf, runCli, service, weights, type CliRun, why } from './sim-helpers.js';
import { shown } from './blue-green-helpers.js';

let sim: Sim;
let s: Scenario;
let dir: string;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
  s = sim.scenario!;
  dir = mkdtempSync(join(tmpdir(), 'e2e-codedeploy-'));
});
afterEach(async () => {
  await sim.close();
});

const credentials = { accessKeyId: 'AKIDASSERT', secretAccessKey: 'x' };

/** pay's task definition as a workflow keeps it in its repository (what the official render action writes), with `image` at `tag`. */
function payTaskDefinition(tag: string): string {
  const file = join(dir, `pay-${tag}.json`);
  const td = {
    family: 'pay',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    containerDefinitions: [
      {
        name: 'pay',
        image: `registry.example.com/pay:${tag}`,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/pay', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'pay' }
        }
      }
    ]
  };
  writeFileSync(file, JSON.stringify(td, null, 2));
  return file;
}

/** The official deploy action's inputs for pay (plus a 200 ms poll: one simulated minute). */
function payInputs(tag: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'task-definition': payTaskDefinition(tag),
    service: 'pay',
    cluster: 'prod',
    'wait-for-service-stability': 'true',
    'codedeploy-application': 'pay-app',
    'codedeploy-deployment-group': 'pay-dg',
    'poll-interval': '200ms',
    ...extra
  };
}

const CANARY = { 'codedeploy-deployment-config': 'CodeDeployDefault.ECSCanary10Percent15Minutes' };
/** The log line when CodeDeploy has moved the canary's 10 % of production (15 simulated minutes there: 3 s real). */
const AT_CANARY = /the production listener forwards 90\/10 to pay-blue\/pay-green/;

const production = (): Promise<Record<string, number>> => weights(sim.url, s.codeDeploy.prodListener);
const testListener = (): Promise<Record<string, number>> => weights(sim.url, s.codeDeploy.testListener);

/** pay's task sets as DescribeServices shows them: status → revision. */
async function taskSets(): Promise<Record<string, string>> {
  const sets = (await service(sim.url, 'pay')).taskSets ?? [];
  return Object.fromEntries(sets.map((t) => [t.status ?? '?', t.taskDefinition?.split('/').pop() ?? '?']));
}

async function getDeployment(id: string): Promise<DeploymentInfo> {
  const cd = new CodeDeployClient({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    const d = (await cd.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    if (!d) throw new Error(`no deployment ${id}`);
    return d;
  } finally {
    cd.destroy();
  }
}

/** The AppSpec CodeDeploy received, as GetDeployment returns it. */
async function appSpecOf(id: string): Promise<{ Resources?: Array<Record<string, { Properties: Record<string, unknown> }>> }> {
  return JSON.parse((await getDeployment(id)).revision?.appSpecContent?.content ?? '{}') as {
    Resources?: Array<Record<string, { Properties: Record<string, unknown> }>>;
  };
}

/** pay-dg recreated to wait at Ready (STOP_DEPLOYMENT, 30 min) for ContinueDeployment before production traffic moves. */
async function waitAtReady(): Promise<void> {
  const cd = new CodeDeployClient({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const key = { applicationName: 'pay-app', deploymentGroupName: 'pay-dg' };
  try {
    const g = (await cd.send(new GetDeploymentGroupCommand(key))).deploymentGroupInfo!;
    await cd.send(new DeleteDeploymentGroupCommand(key));
    await cd.send(
      new CreateDeploymentGroupCommand({
        ...key,
        serviceRoleArn: g.serviceRoleArn!,
        deploymentConfigName: g.deploymentConfigName,
        deploymentStyle: g.deploymentStyle,
        ecsServices: g.ecsServices,
        loadBalancerInfo: g.loadBalancerInfo,
        autoRollbackConfiguration: g.autoRollbackConfiguration,
        blueGreenDeploymentConfiguration: {
          ...g.blueGreenDeploymentConfiguration,
          deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 }
        }
      })
    );
  } finally {
    cd.destroy();
  }
}

const payLockHeld = async (): Promise<boolean> => (await heldLocks(sim.url, ['service:prod/pay'])).length > 0;

/** The calls the step made (not the test's own reads), by operation. */
const calls = (operation: string, accessKeyId = 'AKIDE2ETEST') => sim.calls({ operation, accessKeyId });

/**
 * After a rollback: production and test listeners 100/0 on pay-blue (read back), pay's only
 * task set is the original on pay:1, CodeDeploy says Stopped with a rollback deployment that
 * Succeeded, and the lock is free.
 */
/** `maybeBeforeProduction`: the stop may have landed before production moved, when CodeDeploy needs no rollback deployment. */
async function expectRolledBack(id: string, maybeBeforeProduction = false): Promise<void> {
  expect(await production()).toEqual({ 'pay-blue': 100, 'pay-green': 0 });
  expect(await testListener()).toEqual({ 'pay-blue': 100, 'pay-green': 0 });
  expect(await taskSets()).toEqual({ PRIMARY: 'pay:1' });
  expect(await revisionOf(sim.url, 'pay')).toBe('pay:1');
  const d = await getDeployment(id);
  expect(d.status).toBe('Stopped');
  // A deployment stopped before production moved needs no rollback deployment (the replacement is simply gone, checked above).
  const rollbackId = d.rollbackInfo?.rollbackDeploymentId;
  if (!maybeBeforeProduction || rollbackId !== undefined) {
    expect(rollbackId).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(await getDeployment(rollbackId!)).toMatchObject({ status: 'Succeeded', creator: 'codeDeployRollback' });
  }
  expect(await payLockHeld()).toBe(false);
}

function expectRolledBackOutputs(run: ActionRun, maybeBeforeProduction = false): string {
  expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true', traffic: 'pay-blue=100,pay-green=0' });
  // Stopped before production moved, CodeDeploy needs no rollback deployment; after, its rollback deployment must succeed.
  const how = maybeBeforeProduction
    ? "(CodeDeploy's rollback deployment d-\\w+ Succeeded|CodeDeploy stopped it before production traffic moved)"
    : "CodeDeploy's rollback deployment d-\\w+ Succeeded";
  expect(why(run)).toMatch(
    new RegExp(
      `: rolled back, stopped the deployment with rollback; ${how}; the production listener forwards 100/0 to pay-blue/pay-green \\(verified\\); service pay's primary task set runs pay:1`
    )
  );
  const id = run.outputs['codedeploy-deployment-id'];
  expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
  expect(run.outputs['deployment-id']).toBe(id);
  return id;
}

describe('CodeDeploy blue/green through the bundled action', () => {
  test('a good release: Succeeded, production read back 100 % on pay-green, the PRIMARY task set runs pay:2, outputs as the official action sets them', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: payInputs('v2', { 'codedeploy-deployment-description': 'pay v2 from acme/web@0123456' })
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'rolled-back': 'false',
      traffic: 'pay-blue=0,pay-green=100',
      'steps-completed': '1'
    });
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/pay:2$/);
    expect(run.outputs['previous-task-definition-arn']).toMatch(/task-definition\/pay:1$/);
    const id = run.outputs['codedeploy-deployment-id'];
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(run.outputs['deployment-id']).toBe(id);
    expect(why(run)).toBe(
      `CodeDeploy deployment ${id} of pay:2 on service pay Succeeded; the production listener forwards 0/100 to pay-blue/pay-green (verified); gates passed throughout (service, targets)`
    );

    expect(await production()).toEqual({ 'pay-blue': 0, 'pay-green': 100 });
    // CodeDeploy deleted the original after the termination wait: one task set, on the new revision.
    expect(await taskSets()).toEqual({ PRIMARY: 'pay:2' });
    expect(await revisionOf(sim.url, 'pay')).toBe('pay:2');
    const d = await getDeployment(id);
    expect(d).toMatchObject({
      status: 'Succeeded',
      applicationName: 'pay-app',
      deploymentGroupName: 'pay-dg',
      description: 'pay v2 from acme/web@0123456',
      creator: 'user'
    });
    // No appspec.yaml in the workspace: the AppSpec was written from pay's load balancer, with the new revision.
    expect(run.log).toMatch(/AppSpec written from service pay: container pay, port 8080/);
    expect((await appSpecOf(id)).Resources?.[0]?.TargetService?.Properties).toEqual({
      TaskDefinition: run.outputs['task-definition-arn'],
      LoadBalancerInfo: { ContainerName: 'pay', ContainerPort: 8080 }
    });
    expect(calls('CreateDeployment')).toHaveLength(1);
    expect(calls('StopDeployment')).toHaveLength(0);
    expect(run.log).not.toMatch(/::warning::/);
    expect(run.summary).toContain(id);
    expect(run.summary).toContain('```mermaid');
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.log).not.toMatch(/Rolling back/);
    expect(await payLockHeld()).toBe(false);
  });

  test("the user's AppSpec (its TaskDefinition replaced) and a canary config: production moves 10 % then 100 %, both read back; desired-count is said to be unused", async () => {
    const appspec = join(dir, 'appspec.yml');
    // Lower-case keys and a placeholder, as the official action accepts them.
    writeFileSync(
      appspec,
      'version: 0.0\nresources:\n  - TargetService:\n      type: AWS::ECS::Service\n      properties:\n        taskdefinition: "<TASK_DEFINITION>"\n        loadbalancerinfo:\n          containername: pay\n          containerport: 8080\n'
    );
    const run = await runAction({
      endpoint: sim.url,
      inputs: payInputs('v2', {
        'codedeploy-appspec': appspec,
        'codedeploy-deployment-config': 'CodeDeployDefault.ECSCanary10Percent5Minutes',
        'desired-count': '4'
      })
    });
    expect(run.exitCode).toBe(0);
    expect(shown(run.log)).toMatch(
      /::warning::desired-count is set, but service pay is deployed through CodeDeploy, which does not use it/
    );
    expect(run.outputs).toMatchObject({ status: 'succeeded', traffic: 'pay-blue=0,pay-green=100', 'steps-completed': '2' });
    const log = shown(run.log);
    expect(log).toMatch(/forwards 90\/10 to pay-blue\/pay-green \(read back\)[\s\S]*forwards 0\/100 to pay-blue\/pay-green/);
    expect(log).toMatch(/AppSpec .*appspec\.yml: container pay, port 8080/);
    const id = run.outputs['codedeploy-deployment-id'];
    expect((await getDeployment(id)).deploymentConfigName).toBe('CodeDeployDefault.ECSCanary10Percent5Minutes');
    const sent = JSON.parse((await getDeployment(id)).revision?.appSpecContent?.content ?? '{}') as {
      resources: Array<{ TargetService: { properties: Record<string, unknown> } }>;
    };
    expect(sent.resources[0].TargetService.properties.taskdefinition).toBe(run.outputs['task-definition-arn']);
    expect(await production()).toEqual({ 'pay-blue': 0, 'pay-green': 100 });
    expect(await taskSets()).toEqual({ PRIMARY: 'pay:2' });
  });

  test('a release whose targets fail their health checks: StopDeployment with rollback before production moves, production verified 100/0 on pay-blue', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: payInputs('v2-unhealthy') });
    expect(run.exitCode).toBe(1);
    const id = expectRolledBackOutputs(run);
    expect(run.outputs['steps-completed']).toBe('0');
    expect(why(run)).toMatch(/^gate targets failed before production traffic moved: .*pay-green unhealthy: Target\.ResponseCodeMismatch/);
    expect(shown(run.log)).toMatch(/asked CodeDeploy to stop deployment d-\w+ with rollback/);
    // The evidence: why the replacement's tasks were stopped.
    expect(shown(run.log)).toMatch(/Stopped tasks of pay:2[\s\S]*failed ELB health checks/);
    expect(calls('StopDeployment')).toHaveLength(1);
    await expectRolledBack(id);
    expect((await getDeployment(id)).errorInformation?.code).toBe('MANUAL_STOP');
    expect(run.post?.exitCode).toBe(0);
  });

  test('a release whose CPU climbs during the canary: the temporary CPU alarm rolls it back from 10 %, production verified 100/0, alarm deleted', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: payInputs('v2-cpu-spike', { 'cpu-alarm-threshold': '50', ...CANARY }) });
    expect(run.exitCode).toBe(1);
    const id = expectRolledBackOutputs(run);
    expect(run.outputs['steps-completed']).toBe('1');
    expect(why(run)).toMatch(/^gate temporary alarms failed at 10 % on pay-green: alarm ecs-rollout-prod-pay-cpu-\w+ is ALARM/);
    await expectRolledBack(id);
    expect(await alarmNames(sim.url)).toEqual([]);
  });

  test('a cancelled workflow (SIGINT) at 10 %: stopped with rollback at once, production verified 100/0 on pay-blue', async () => {
    const t0 = Date.now();
    const run = await runAction({
      endpoint: sim.url,
      inputs: payInputs('v2', CANARY),
      interrupt: { when: AT_CANARY, signal: 'SIGINT', delayMs: 100 },
      post: false
    });
    expect(run.exitCode).not.toBe(0);
    expect(shown(run.log)).toMatch(/Received SIGINT/);
    const id = expectRolledBackOutputs(run);
    expect(why(run)).toMatch(/^cancelled \(SIGINT\) at 10 % on pay-green/);
    await expectRolledBack(id);
    // Well before the canary's 15 simulated minutes (3 s real) would have moved the rest.
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  test('the runner is killed (SIGKILL) at 10 %: the post step stops the deployment with rollback and verifies production', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: payInputs('v2', CANARY), interrupt: { when: AT_CANARY, signal: 'SIGKILL' } });
    expect(run.signal).toBe('SIGKILL');
    expect(run.outputs.status).toBeUndefined();
    expect(run.post?.exitCode).toBe(0);
    const post = shown(run.post?.log ?? '');
    expect(post).toMatch(
      /the main step stopped while deploying pay:2 on service pay through CodeDeploy: rolled back, stopped the deployment with rollback; CodeDeploy's rollback deployment d-\w+ Succeeded; the production listener forwards 100\/0 to pay-blue\/pay-green \(verified\)/
    );
    const id = /CodeDeploy deployment (d-[A-Z0-9]{9}):/.exec(run.log)?.[1];
    expect(id).toBeDefined();
    await expectRolledBack(id!);
  });

  test('`ecs-rollout rollback` finishes a killed CLI deploy of pay', async () => {
    // Slow by design (about 10 s): the rollback waits for the killed deploy's lock lease to run out before taking it over.
    // CodeDeploy does not wait for anyone at the canary, so the clock slows to ×30 after the kill: the 10 s wait is 5 of its 15 minutes.
    const deploy = [
      'deploy',
      ...['--task-definition', payTaskDefinition('v2'), '--cluster', 'prod', '--service', 'pay', '--poll-interval', '200ms'],
      ...[
        '--codedeploy-application',
        'pay-app',
        '--codedeploy-deployment-group',
        'pay-dg',
        '--codedeploy-deployment-config',
        CANARY['codedeploy-deployment-config']
      ]
    ];
    const killed = await cli(deploy, dir, AT_CANARY);
    sim.setTimeScale(30);
    expect(killed.status).toBeNull();
    expect(readdirSync(join(dir, '.ecs-rollout')).filter((n) => n.startsWith('prod-pay.'))).toHaveLength(1);
    const id = /CodeDeploy deployment (d-[A-Z0-9]{9}):/.exec(killed.stderr)?.[1];
    expect(id).toBeDefined();
    expect((await getDeployment(id!)).status).toBe('InProgress');

    const r = await cli(['rollback', '--cluster', 'prod', '--service', 'pay'], dir);
    // The whole stderr in the failure message: it says what the rollback found.
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 0,
      stderr: expect.stringMatching(/rolled back, stopped the deployment with rollback/)
    });
    await expectRolledBack(id!);
    expect(readdirSync(join(dir, '.ecs-rollout')).filter((n) => n.startsWith('prod-pay.'))).toEqual([]);
  });

  test('a group that waits at Ready: the gates pass before production moves, ContinueDeployment is sent once, the release succeeds', async () => {
    await waitAtReady();
    const run = await runAction({ endpoint: sim.url, inputs: payInputs('v2') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', traffic: 'pay-blue=0,pay-green=100', 'steps-completed': '1' });
    const log = shown(run.log);
    expect(log).toMatch(
      /gate targets: passes: all 2 targets in pay-green healthy\n[\s\S]*gates passed at Ready: CodeDeploy may reroute production traffic \(ContinueDeployment READY_WAIT\)[\s\S]*forwards 0\/100/
    );
    expect(calls('ContinueDeployment')).toHaveLength(1);
    expect((await getDeployment(run.outputs['codedeploy-deployment-id'])).status).toBe('Succeeded');
    expect(await production()).toEqual({ 'pay-blue': 0, 'pay-green': 100 });
    expect(await taskSets()).toEqual({ PRIMARY: 'pay:2' });
  });

  test('a named alarm that goes off as the deployment starts, in a group that waits at Ready: stopped with rollback, production never left pay-blue', async () => {
    await waitAtReady();
    // A slower clock (×30) for this race: the alarm is set when the step prints the deployment, and must land before the
    // replacement is ready, however loaded the machine (at ×300 the gates could pass at Ready first).
    sim.setTimeScale(30);
    const cw = new CloudWatchClient({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'pay-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 10,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching'
      })
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'pay-5xx', StateValue: 'OK', StateReason: 'no errors' }));
    let fired: Promise<unknown> | undefined;
    let log = '';
    const run = await runAction({
      endpoint: sim.url,
      inputs: payInputs('v2', { alarms: 'pay-5xx' }),
      onOutput: (chunk) => {
        log += chunk;
        // At least a simulated minute before Ready; and however fast the replacement gets there, CodeDeploy cannot move production before our ContinueDeployment.
        if (!fired && /CodeDeploy deployment d-\w+: pay:1 → pay:2/.test(log))
          fired = cw.send(
            new SetAlarmStateCommand({ AlarmName: 'pay-5xx', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 42 errors' })
          );
      }
    });
    await fired;
    cw.destroy();
    expect(run.exitCode).toBe(1);
    const id = expectRolledBackOutputs(run, true);
    expect(run.outputs['steps-completed']).toBe('0');
    expect(why(run)).toMatch(/^gate alarms failed (before production traffic moved|at Ready): alarm pay-5xx is ALARM/);
    expect(calls('ContinueDeployment')).toEqual([]);
    expect(shown(run.log)).not.toMatch(/forwards \d+\/\d+ to pay-blue\/pay-green \(read back\)/);
    await expectRolledBack(id, true);
  });

  test('wait-for-service-stability: false: the deployment is created and left to CodeDeploy, as the official action does; the post step does not stop it', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: payInputs('v2', { 'wait-for-service-stability': 'false' }) });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(why(run)).toMatch(/created; not waited for \(wait-for-service-stability is false\)/);
    const id = run.outputs['codedeploy-deployment-id'];
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(run.post?.exitCode).toBe(0);
    expect(calls('StopDeployment')).toEqual([]);
    // CodeDeploy finishes it by itself (about 3 simulated minutes: under a second real).
    for (let i = 0; i < 50 && (await getDeployment(id)).status !== 'Succeeded'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await getDeployment(id)).status).toBe('Succeeded');
    expect(await production()).toEqual({ 'pay-blue': 0, 'pay-green': 100 });
    expect(await taskSets()).toEqual({ PRIMARY: 'pay:2' });
  });

  test('CodeDeploy inputs for a service on the ECS controller: refused before anything is registered or changed', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: {
        'task-definition-family': 'web',
        'container-name': 'web',
        image: 'registry.example.com/web:v2',
        service: 'web',
        cluster: 'prod',
        'wait-for-service-stability': 'true',
        'codedeploy-application': 'pay-app',
        'codedeploy-deployment-group': 'pay-dg'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(why(run)).toMatch(
      /codedeploy-application, codedeploy-deployment-group are set but service web uses the ECS deployment controller, not CODE_DEPLOY/
    );
    expect(why(run)).toMatch(/nothing was changed/);
    for (const op of ['RegisterTaskDefinition', 'UpdateService', 'CreateDeployment']) expect(calls(op)).toEqual([]);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
    expect(await taskSets()).toEqual({ PRIMARY: 'pay:1' });
  });
});

/** The bundled CLI (next to dist/index.js), in `cwd`; SIGKILLed when stderr matches `killWhen`. */
const cli = (args: string[], cwd: string, killWhen?: RegExp): Promise<CliRun> =>
  runCli(sim.url, args, { cwd, ...(killWhen ? { killWhen } : {}) });
