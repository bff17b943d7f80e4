/**
 * The CodeDeploy strategy against the local ECS's CodeDeploy (seeded service pay, application
 * pay-app, group pay-dg) through the real createAws(): the SDK, the wire protocols, the sim's
 * models. The sim's clock is frozen and our timer's sleeps advance it, so a deployment with a
 * one-minute termination wait runs in milliseconds and exactly.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateDeploymentGroupCommand,
  DeleteDeploymentGroupCommand,
  GetDeploymentGroupCommand
} from '@aws-sdk/client-codedeploy';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../../sim/server.js';
import { createAws, type Aws } from '../../src/aws/clients.js';
import { preflightCodeDeploy } from '../../src/deploy/codedeploy/preflight.js';
import { recoverCodeDeploy } from '../../src/deploy/codedeploy/recover.js';
import { type CodeDeploySettings, readCodeDeploySettings } from '../../src/deploy/codedeploy/settings.js';
import { CODEDEPLOY_STATE_KEY, type CodeDeployState } from '../../src/deploy/codedeploy/state.js';
import { codeDeployStrategy } from '../../src/deploy/codedeploy/strategy.js';
import { runStrategy } from '../../src/deploy/strategy.js';
import type { DeployContext } from '../../src/deploy/types.js';
import { RecordingReporter } from '../../src/events.js';
import { verifyAlarmsExist } from '../../src/gates/alarms.js';
import type { GateSettings } from '../../src/gates/settings.js';
import { Inputs } from '../../src/inputs.js';
import type { Timer } from '../../src/timer.js';
import { MemoryState, settings as deploySettings } from './rolling-fakes.js';

const ENV = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const saved: Partial<Record<(typeof ENV)[number], string | undefined>> = {};
beforeAll(() => {
  for (const k of ENV) saved[k] = process.env[k];
});
afterAll(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

let sim: Sim;
let aws: Aws;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 0 });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: sim.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDCODEDEPLOY',
    AWS_SECRET_ACCESS_KEY: 'x'
  });
  aws = createAws({ maxAttempts: 1 });
});
afterEach(async () => {
  await sim.close();
});

/** Our monotonic clock is the sim's; `onSleep` may act (set an alarm, cancel) as time passes. */
function simTimer(onSleep?: (elapsed: number) => Promise<void> | void): Timer & { elapsed: number } {
  const t = {
    elapsed: 0,
    now: () => t.elapsed,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) return;
      sim.advance(ms);
      t.elapsed += ms;
      await onSleep?.(t.elapsed);
    }
  };
  return t;
}

function ctxFor(timer: Timer, signal = new AbortController().signal) {
  const reporter = new RecordingReporter();
  const state = new MemoryState();
  const ctx: DeployContext = { aws, reporter, timer, signal, state };
  return { ctx, reporter, state };
}

const gates = (over: Partial<GateSettings> = {}): GateSettings => ({
  alarms: [],
  temporary: { period: 60, evaluationPeriods: 1, datapoints: 1 },
  mode: 'transitions',
  ecsAlarmRollback: false,
  inconclusive: { limit: 3, decide: 'fail' },
  ...over
});

const cdSettings = (over: Partial<CodeDeploySettings> = {}): CodeDeploySettings => ({
  appspec: { path: 'appspec.yaml', resolved: join(mkdtempSync(join(tmpdir(), 'cd-')), 'appspec.yaml'), given: false },
  application: 'pay-app',
  deploymentGroup: 'pay-dg',
  ...over
});

const deploy = (over = {}) => deploySettings({ service: 'pay', pollIntervalMs: 10_000, timeoutMs: 30 * 60_000, ...over });

/** pay's revision 1 again with another image tag (the sim reads the behaviour from the tag). */
async function revision(tag: string): Promise<string> {
  const { taskDefinition: td } = await aws.ecs.describeTaskDefinition(sim.scenario!.taskDefinitions.pay);
  const input: RegisterTaskDefinitionCommandInput = {
    family: td.family!,
    containerDefinitions: td.containerDefinitions!.map((c) => ({ ...c, image: c.image!.replace(/:[^:]+$/, `:${tag}`) })),
    requiresCompatibilities: td.requiresCompatibilities,
    networkMode: td.networkMode,
    cpu: td.cpu,
    memory: td.memory,
    executionRoleArn: td.executionRoleArn
  };
  return (await aws.ecs.registerTaskDefinition(input)).taskDefinitionArn!;
}

/** Production listener weights by target group name, and the revision of pay's PRIMARY task set. */
async function production(): Promise<{ weights: Record<string, number>; primary: string; taskSets: number }> {
  const listener = await aws.elb.describeListener(sim.scenario!.codeDeploy.prodListener);
  const weights: Record<string, number> = {};
  for (const tg of listener.DefaultActions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? []) {
    weights[/targetgroup\/([^/]+)\//.exec(tg.TargetGroupArn ?? '')![1]] = tg.Weight ?? 0;
  }
  const { services } = await aws.ecs.describeServices('prod', ['pay']);
  const sets = services[0].taskSets ?? [];
  return {
    weights,
    primary:
      sets
        .find((t) => t.status === 'PRIMARY')
        ?.taskDefinition?.split('/')
        .pop() ?? '',
    taskSets: sets.length
  };
}

/** Preflight, then the strategy, as the one switch runs them. */
async function deployPay(
  arn: string,
  ctx: DeployContext,
  o: { gates?: GateSettings; settings?: CodeDeploySettings; deploy?: object } = {}
) {
  const g = o.gates ?? gates();
  const d = deploy(o.deploy);
  const cd = o.settings ?? cdSettings();
  const plan = await preflightCodeDeploy(d, cd, ctx);
  const baseline = await verifyAlarmsExist(g.alarms, ctx, g);
  return runStrategy(codeDeployStrategy(d, cd, plan, arn, ctx, { gates: { settings: g, baseline, deploymentTag: 't1' } }), ctx);
}

/** pay-dg again, but waiting at Ready (STOP_DEPLOYMENT) for ContinueDeployment before production traffic moves. */
async function waitAtReady(): Promise<void> {
  const cd = new CodeDeployClient({
    endpoint: sim.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
    maxAttempts: 1
  });
  const key = { applicationName: 'pay-app', deploymentGroupName: 'pay-dg' };
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
  cd.destroy();
}

describe('CodeDeploy strategy against the local ECS', () => {
  test('a good release: CodeDeploy Succeeded, production read back 100 % on pay-green, pay:2 primary, outputs set', async () => {
    const arn = await revision('v2');
    const { ctx, reporter, state } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx);
    expect(result.status).toBe('succeeded');
    expect(result.reason).toMatch(
      /Succeeded; the production listener forwards 0\/100 to pay-blue\/pay-green \(verified\); gates passed throughout \(service, targets\)/
    );
    expect(result.outputs['codedeploy-deployment-id']).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(result.deploymentId).toBe(result.outputs['codedeploy-deployment-id']);
    expect(result.outputs.traffic).toBe('pay-blue=0,pay-green=100');
    expect(result.outputs['steps-completed']).toBe('1');
    expect(await production()).toEqual({ weights: { 'pay-blue': 0, 'pay-green': 100 }, primary: 'pay:2', taskSets: 1 });
    expect(state.phases()).toEqual(['starting', 'deploying', 'done']);
    expect(reporter.lines.join('\n')).toMatch(/AppSpec written from service pay: container pay, port 8080/);
    expect(reporter.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
    expect(reporter.events.filter((e) => e.kind === 'weights').length).toBeGreaterThan(0);
  });

  test("the user's AppSpec file is sent with its TaskDefinition replaced, and a canary config moves 10 % then 100 %", async () => {
    const arn = await revision('v2');
    const dir = mkdtempSync(join(tmpdir(), 'cd-'));
    writeFileSync(
      join(dir, 'appspec.yaml'),
      'version: 0.0\nresources:\n  - TargetService:\n      type: AWS::ECS::Service\n      properties:\n        taskdefinition: "<TASK_DEFINITION>"\n        LoadBalancerInfo:\n          ContainerName: pay\n          ContainerPort: 8080\n'
    );
    const { ctx } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx, {
      settings: cdSettings({
        appspec: { path: 'appspec.yaml', resolved: join(dir, 'appspec.yaml'), given: true },
        deploymentConfig: 'CodeDeployDefault.ECSCanary10Percent5Minutes'
      })
    });
    expect(result.status).toBe('succeeded');
    expect(result.outputs['steps-completed']).toBe('2');
    expect((await production()).primary).toBe('pay:2');
  });

  test('unhealthy targets of the replacement fail a gate before production moves: StopDeployment with rollback, production verified on pay-blue', async () => {
    const arn = await revision('v2-unhealthy');
    const { ctx, reporter, state } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.rolledBack).toBe(true);
    expect(result.reason).toMatch(/gate targets failed before production traffic moved: .*unhealthy/);
    expect(result.reason).toMatch(
      /stopped the deployment with rollback; CodeDeploy's rollback deployment d-\w+ Succeeded; the production listener forwards 100\/0 to pay-blue\/pay-green \(verified\); service pay's primary task set runs pay:1/
    );
    expect(await production()).toEqual({ weights: { 'pay-blue': 100, 'pay-green': 0 }, primary: 'pay:1', taskSets: 1 });
    expect(state.phases().slice(-2)).toEqual(['rolling-back', 'rolled-back']);
    expect(reporter.lines.join('\n')).toMatch(/asked CodeDeploy to stop deployment d-\w+ with rollback/);
  });

  test('an alarm going off after production moved rolls back during the termination wait', async () => {
    const arn = await revision('v2');
    const cw = new CloudWatchClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
      maxAttempts: 1
    });
    await aws.cloudwatch.putMetricAlarm({
      AlarmName: 'pay-5xx',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching'
    });
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'pay-5xx', StateValue: 'OK', StateReason: 'no errors' }));
    let fired = false;
    let reporter: RecordingReporter | undefined;
    const timer = simTimer(async () => {
      const moved = reporter?.events.some((e) => e.kind === 'weights' && e.weights['pay-green'] === 100);
      if (moved && !fired) {
        fired = true;
        await cw.send(new SetAlarmStateCommand({ AlarmName: 'pay-5xx', StateValue: 'ALARM', StateReason: 'Threshold Crossed: 42 errors' }));
      }
    });
    const c = ctxFor(timer);
    reporter = c.reporter;
    const result = await deployPay(arn, c.ctx, { gates: gates({ alarms: ['pay-5xx'] }) });
    expect(fired).toBe(true);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/gate alarms failed at 100 % on pay-green: .*pay-5xx/);
    expect(result.outputs.traffic).toBe('pay-blue=100,pay-green=0');
    expect(await production()).toEqual({ weights: { 'pay-blue': 100, 'pay-green': 0 }, primary: 'pay:1', taskSets: 1 });
  });

  test('a cancelled workflow after production moved stops the deployment with rollback and verifies production', async () => {
    const arn = await revision('v2');
    const cancel = new AbortController();
    let reporter: RecordingReporter | undefined;
    const timer = simTimer(() => {
      if (reporter?.events.some((e) => e.kind === 'weights' && e.weights['pay-green'] === 100))
        cancel.abort(new Error('cancelled (SIGINT)'));
    });
    const c = ctxFor(timer, cancel.signal);
    reporter = c.reporter;
    const result = await deployPay(arn, c.ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^cancelled \(SIGINT\)/);
    expect(await production()).toEqual({ weights: { 'pay-blue': 100, 'pay-green': 0 }, primary: 'pay:1', taskSets: 1 });
  });

  test('a crashing release that never becomes healthy is rolled back at the deadline, not after CodeDeploy’s 60 minutes', async () => {
    const arn = await revision('v2-crash');
    const { ctx } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx, { deploy: { timeoutMs: 5 * 60_000 } });
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/CodeDeploy did not finish the deployment within 6m/);
    expect(await production()).toEqual({ weights: { 'pay-blue': 100, 'pay-green': 0 }, primary: 'pay:1', taskSets: 1 });
  });

  test('a group that waits at Ready: the gates pass, ContinueDeployment is sent exactly once, and the release succeeds', async () => {
    await waitAtReady();
    const arn = await revision('v2');
    const { ctx, reporter } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx);
    expect(result.reason).toMatch(/Succeeded; the production listener forwards 0\/100 to pay-blue\/pay-green \(verified\)/);
    expect(result.status).toBe('succeeded');
    expect(sim.calls({ operation: 'ContinueDeployment' })).toHaveLength(1);
    expect(reporter.lines.join('\n')).toMatch(/gates passed at Ready: CodeDeploy may reroute production traffic/);
    expect(await production()).toEqual({ weights: { 'pay-blue': 0, 'pay-green': 100 }, primary: 'pay:2', taskSets: 1 });
  });

  test('run-task runs the migration before the deployment, as the official action does: exit 0 deploys (run-task-arn set), exit 3 fails with nothing created', async () => {
    const arn = await revision('v2');
    const migration = (code: number) => ({
      runTask: { command: ['sh', '-c', `exit ${code}`], environment: new Map<string, string>(), startedBy: 'ecs-rollout-migrate' }
    });
    const failing = ctxFor(simTimer());
    const failed = await deployPay(arn, failing.ctx, { deploy: migration(3) });
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/exited with code 3/);
    expect(JSON.parse(failed.outputs['run-task-arn'])).toHaveLength(1);
    expect(sim.calls({ operation: 'CreateDeployment' })).toEqual([]);
    expect((await production()).primary).toBe('pay:1');

    const { ctx } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx, { deploy: migration(0) });
    expect(result.status).toBe('succeeded');
    const [task] = await aws.ecs.describeTasks('prod', JSON.parse(result.outputs['run-task-arn']) as string[]);
    expect(task).toMatchObject({ taskDefinitionArn: arn, startedBy: 'ecs-rollout-migrate', lastStatus: 'STOPPED' });
    expect(sim.calls({ operation: 'CreateDeployment' })).toHaveLength(1);
    expect(await production()).toEqual({ weights: { 'pay-blue': 0, 'pay-green': 100 }, primary: 'pay:2', taskSets: 1 });
  });

  test('ecs-alarm-rollback is said not to reach CodeDeploy (the alarms belong on the deployment group), in one warning line', async () => {
    const arn = await revision('v2');
    const { ctx, reporter } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx, { gates: gates({ ecsAlarmRollback: true }) });
    expect(result.status).toBe('succeeded');
    expect(reporter.lines.filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(/ecs-alarm-rollback is set, but service pay is deployed through CodeDeploy.*alarmConfiguration/)
    ]);
  });

  test('wait-for-service-stability false: the deployment is created and left to CodeDeploy (as the official action does), no temporary alarm, nothing for the post step', async () => {
    const arn = await revision('v2');
    const { ctx, state } = ctxFor(simTimer());
    const result = await deployPay(arn, ctx, {
      deploy: { waitForServiceStability: false },
      gates: gates({ temporary: { period: 60, evaluationPeriods: 1, datapoints: 1, cpuThreshold: 50 } })
    });
    expect(result.status).toBe('succeeded');
    expect(result.reason).toMatch(
      /^CodeDeploy deployment d-\w+ of pay:2 on service pay created; not waited for \(wait-for-service-stability is false\)/
    );
    const id = result.outputs['codedeploy-deployment-id'];
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    // Nothing moved yet, and nothing was rolled back: CodeDeploy carries on by itself.
    expect(result.outputs.traffic).toBe('pay-blue=100,pay-green=0');
    expect((await aws.codedeploy.getDeployment(id)).status).toMatch(/^(Created|InProgress)$/);
    expect(sim.calls({ operation: 'PutMetricAlarm' })).toEqual([]);
    expect(sim.calls({ operation: 'StopDeployment' })).toEqual([]);
    expect(state.load<CodeDeployState>(CODEDEPLOY_STATE_KEY)?.phase).toBe('done');
    expect(await recoverCodeDeploy({ ...ctxFor(simTimer()).ctx, state })).toBeUndefined();
    for (let i = 0; i < 60 && (await aws.codedeploy.getDeployment(id)).status !== 'Succeeded'; i++) sim.advance(10_000);
    expect(await production()).toEqual({ weights: { 'pay-blue': 0, 'pay-green': 100 }, primary: 'pay:2', taskSets: 1 });
  });

  test('a runner killed after production moved: the post step stops the deployment with rollback from the saved state', async () => {
    const arn = await revision('v2');
    const { ctx, state } = ctxFor(simTimer());
    const d = deploy();
    const cd = cdSettings();
    const plan = await preflightCodeDeploy(d, cd, ctx);
    const strategy = codeDeployStrategy(d, cd, plan, arn, ctx, { gates: { settings: gates(), baseline: {}, deploymentTag: 't1' } });
    // The main step creates the deployment, then dies: nothing of it runs any more.
    expect((await strategy.nextStep()!.run()).kind).toBe('next');
    await strategy.dispose?.();
    for (let i = 0; i < 60 && (await production()).weights['pay-green'] !== 100; i++) sim.advance(5_000);
    expect((await production()).weights['pay-green']).toBe(100);
    expect(state.load<CodeDeployState>(CODEDEPLOY_STATE_KEY)?.phase).toBe('deploying');

    const post = ctxFor(simTimer());
    const postCtx = { ...post.ctx, state };
    const done = await recoverCodeDeploy(postCtx);
    expect(done).toMatch(/rolled back, stopped the deployment with rollback; CodeDeploy's rollback deployment d-\w+ Succeeded/);
    expect(await production()).toEqual({ weights: { 'pay-blue': 100, 'pay-green': 0 }, primary: 'pay:1', taskSets: 1 });
    // A second post step finds nothing to do.
    expect(await recoverCodeDeploy(postCtx)).toBeUndefined();
  });
});

describe('CodeDeploy preflight against the local ECS', () => {
  test('the official defaults AppECS-{cluster}-{service} / DgpECS-… are named when they do not exist; nothing is changed', async () => {
    const { ctx } = ctxFor(simTimer());
    const inputs = new Inputs({ get: () => '', label: (n) => `input \`${n}\`` });
    const settings = readCodeDeploySettings(inputs, {});
    await expect(preflightCodeDeploy(deploy(), settings, ctx)).rejects.toThrow(
      /CodeDeploy application AppECS-prod-pay does not exist .*codedeploy-application is not set, so its default "AppECS-prod-pay" was used.*nothing was changed/
    );
    const group = preflightCodeDeploy(deploy(), cdSettings({ deploymentGroup: 'DgpECS-prod-pay' }), ctx);
    await expect(group).rejects.toThrow(/CodeDeploy application pay-app has no deployment group DgpECS-prod-pay/);
  });

  test('a service on the ECS controller, a Server configuration and a missing AppSpec file are refused', async () => {
    const { ctx } = ctxFor(simTimer());
    await expect(preflightCodeDeploy(deploy({ service: 'web' }), cdSettings(), ctx)).rejects.toThrow(
      /service web in cluster prod uses the ECS deployment controller, not CODE_DEPLOY/
    );
    await expect(preflightCodeDeploy(deploy(), cdSettings({ deploymentConfig: 'CodeDeployDefault.OneAtATime' }), ctx)).rejects.toThrow(
      /codedeploy-deployment-config is "CodeDeployDefault.OneAtATime", a configuration for Server, not ECS/
    );
    await expect(
      preflightCodeDeploy(
        deploy(),
        cdSettings({ appspec: { path: 'deploy/appspec.yml', resolved: '/nonexistent/appspec.yml', given: true } }),
        ctx
      )
    ).rejects.toThrow(/deploy\/appspec.yml: the AppSpec file does not exist/);
  });

  test('a deployment already running in the group is refused with its id', async () => {
    const arn = await revision('v2');
    const { ctx } = ctxFor(simTimer());
    const d = deploy();
    const plan = await preflightCodeDeploy(d, cdSettings(), ctx);
    const strategy = codeDeployStrategy(d, cdSettings(), plan, arn, ctx, { gates: { settings: gates(), baseline: {} } });
    await strategy.nextStep()!.run();
    await strategy.dispose?.();
    await expect(preflightCodeDeploy(d, cdSettings(), ctx)).rejects.toThrow(
      /group pay-dg already has a deployment that is not finished: d-\w+/
    );
  });
});
