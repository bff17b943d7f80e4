/**
 * ECS-native deployments end to end (issue 15): dist/index.js (main + post step) and the CLI
 * against the local ECS on a ×300 clock, deploying the seeded native service `shop` (production
 * rule shop-alb:80:10, test rule shop-alb:8080:10, target groups shop-blue / shop-green) with
 * ECS's own BLUE_GREEN, LINEAR and CANARY strategies gated through PAUSE hooks. Every assertion
 * reads what a user would look at: the rules' weights, the revision the service runs, the
 * service deployment's status (DescribeServiceDeployments), its deploymentConfiguration, the
 * lock table and the step's outputs.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServiceDeploymentsCommand, type DeploymentConfiguration, type ServiceDeployment } from '@aws-sdk/client-ecs';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { runAction } from '../../scripts/run-action.js';
import { clients, heldLocks, revisionOf, runCli, service, weights, type CliRun, why } from './sim-helpers.js';
import { shown } from './blue-green-helpers.js';

let sim: Sim;
let s: Scenario;
/** shop's deploymentConfiguration as seeded: what every deployment must leave behind. */
let seeded: DeploymentConfiguration;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
  s = sim.scenario!;
  seeded = (await service(sim.url, 'shop')).deploymentConfiguration ?? {};
});
afterEach(async () => {
  await sim.close();
});

type NativeStrategy = 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
/**
 * Per strategy: its inputs (bakes in whole minutes, 0.2 s real each on ×300), the production
 * shifts a good release makes, and green's share after the first one.
 */
const STRATEGIES: Record<NativeStrategy, { inputs: Record<string, string>; shifts: number; first: number }> = {
  BLUE_GREEN: { inputs: { 'ecs-strategy': 'BLUE_GREEN', 'ecs-bake-time': '1m' }, shifts: 1, first: 100 },
  LINEAR: {
    inputs: { 'ecs-strategy': 'LINEAR', 'linear-step-percent': '50', 'linear-step-bake': '1m', 'ecs-bake-time': '1m' },
    shifts: 2,
    first: 50
  },
  CANARY: { inputs: { 'ecs-strategy': 'CANARY', 'canary-percent': '20', 'canary-bake': '1m', 'ecs-bake-time': '1m' }, shifts: 2, first: 20 }
};
const ALL = Object.keys(STRATEGIES) as NativeStrategy[];

/** Inputs deploying registry.example.com/shop:<tag> to shop with `strategy: ecs-native`. */
function shopInputs(strategy: NativeStrategy, tag: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'task-definition-family': 'shop',
    'container-name': 'shop',
    image: `registry.example.com/shop:${tag}`,
    cluster: 'prod',
    service: 'shop',
    strategy: 'ecs-native',
    'poll-interval': '200ms',
    ...STRATEGIES[strategy].inputs,
    ...extra
  };
}

const production = (): Promise<Record<string, number>> => weights(sim.url, s.rules['shop-alb:80:10']);
const testRule = (): Promise<Record<string, number>> => weights(sim.url, s.rules['shop-alb:8080:10']);

async function serviceDeployment(arn: string): Promise<ServiceDeployment> {
  const out = await clients(sim.url).ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const sd = out.serviceDeployments?.[0];
  if (!sd) throw new Error(`no service deployment ${arn}: ${JSON.stringify(out.failures)}`);
  return sd;
}

/** The fields a deployment may change, as DescribeServices shows them (no hook list and an empty one are the same). */
async function ownConfiguration(): Promise<DeploymentConfiguration> {
  const c = (await service(sim.url, 'shop')).deploymentConfiguration ?? {};
  return { ...c, lifecycleHooks: c.lifecycleHooks ?? [] };
}
const seededConfiguration = (): DeploymentConfiguration => ({ ...seeded, lifecycleHooks: seeded.lifecycleHooks ?? [] });

const shopLockHeld = async (): Promise<boolean> => (await heldLocks(sim.url, ['service:prod/shop'])).length > 0;

/** After a rollback: production 100/0 on shop-blue (read back), shop runs shop:1 again, ECS says ROLLBACK_SUCCESSFUL, the service's own configuration is back. */
async function expectRolledBack(run: Awaited<ReturnType<typeof runAction>>): Promise<void> {
  expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true', traffic: 'shop-blue=100,shop-green=0' });
  expect(why(run)).toMatch(/ROLLBACK_SUCCESSFUL.*the production rule forwards 100\/0 to shop-blue\/shop-green \(verified\)/);
  expect(await production()).toEqual({ 'shop-blue': 100, 'shop-green': 0 });
  expect(await testRule()).toEqual({ 'shop-blue': 100, 'shop-green': 0 });
  expect(await revisionOf(sim.url, 'shop')).toBe('shop:1');
  expect((await serviceDeployment(run.outputs['deployment-id'])).status).toBe('ROLLBACK_SUCCESSFUL');
  expect(await ownConfiguration()).toEqual(seededConfiguration());
  expect(await shopLockHeld()).toBe(false);
}

describe.each(ALL)('ECS-native %s', (strategy) => {
  const { shifts, first } = STRATEGIES[strategy];

  test('a good release: SUCCESSFUL, production read back 100 % on shop-green, shop runs shop:2, every production shift counted', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: shopInputs(strategy, 'v2') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'rolled-back': 'false',
      traffic: 'shop-blue=0,shop-green=100',
      'steps-completed': String(shifts)
    });
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/shop:2$/);
    expect(run.outputs['deployment-id']).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:service-deployment\/prod\/shop\/\S+$/);
    expect(why(run)).toMatch(
      new RegExp(
        `ECS's ${strategy} deployment of shop:2 on service shop is SUCCESSFUL; the production rule forwards 0/100 to shop-blue/shop-green \\(verified\\)`
      )
    );
    expect(await production()).toEqual({ 'shop-blue': 0, 'shop-green': 100 });
    expect(await revisionOf(sim.url, 'shop')).toBe('shop:2');
    const sd = await serviceDeployment(run.outputs['deployment-id']);
    expect(sd.status).toBe('SUCCESSFUL');
    // ECS ran the strategy asked for, with our PAUSE hook; afterwards the service has its own configuration back.
    expect(sd.deploymentConfiguration?.strategy).toBe(strategy);
    expect(sd.deploymentConfiguration?.lifecycleHooks).toEqual([
      expect.objectContaining({ targetType: 'PAUSE', timeoutConfiguration: expect.objectContaining({ action: 'ROLLBACK' }) })
    ]);
    expect(await ownConfiguration()).toEqual(seededConfiguration());
    // Every production step was read back and shown, and the gates ran at every pause.
    expect(shown(run.log)).toMatch(new RegExp(`the production rule forwards ${100 - first}/${first} to shop-blue/shop-green`));
    const continues = sim.calls({ operation: 'ContinueServiceDeployment', accessKeyId: 'AKIDE2ETEST' });
    // POST_SCALE_UP, POST_TEST_TRAFFIC_SHIFT, one before each production shift, POST_PRODUCTION_TRAFFIC_SHIFT.
    expect(continues).toHaveLength(3 + shifts);
    expect(shown(run.log)).toMatch(/gates passed at POST_PRODUCTION_TRAFFIC_SHIFT: answered CONTINUE/);
    expect(run.summary).toContain('```mermaid');
    expect(run.post?.exitCode).toBe(0);
    expect(await shopLockHeld()).toBe(false);
  });

  test('a release that crashes on start: rolled back before any production shift, production verified 100/0 on shop-blue', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: shopInputs(strategy, 'v2-crash') });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['steps-completed']).toBe('0');
    expect(why(run)).toMatch(/circuit breaker|exit/i);
    expect(shown(run.log)).toMatch(/EssentialContainerExited|exit 1/);
    await expectRolledBack(run);
  });

  test('a release whose targets fail their health checks: rolled back, production verified 100/0 on shop-blue', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: shopInputs(strategy, 'v2-unhealthy') });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['steps-completed']).toBe('0');
    // Our target gate or ECS's circuit breaker (which replaces tasks failing ELB health checks) may come first.
    expect(why(run)).toMatch(/Target\.ResponseCodeMismatch|unhealthy|circuit breaker/);
    expect(shown(run.log)).toMatch(/Health checks failed|Target\.ResponseCodeMismatch|failed ELB health checks/);
    await expectRolledBack(run);
  });

  test('a release whose CPU climbs: the temporary CPU alarm rolls it back, production verified 100/0 on shop-blue, alarm deleted', async () => {
    // The spike starts two minutes after a task does: bakes long enough for the alarm to judge it (1.6 s real at most).
    const bakes: Record<NativeStrategy, Record<string, string>> = {
      BLUE_GREEN: { 'ecs-bake-time': '5m' },
      LINEAR: { 'linear-step-bake': '3m', 'ecs-bake-time': '5m' },
      CANARY: { 'canary-bake': '3m', 'ecs-bake-time': '5m' }
    };
    const run = await runAction({
      endpoint: sim.url,
      inputs: shopInputs(strategy, 'v2-cpu-spike', { 'cpu-alarm-threshold': '50', ...bakes[strategy] })
    });
    expect(run.exitCode).toBe(1);
    expect(why(run)).toMatch(/gate temporary alarms failed (at|after) [A-Z_]+: alarm ecs-rollout-prod-shop-cpu-\w+ is ALARM/);
    await expectRolledBack(run);
    const left = await clients(sim.url).cw.send(
      new (await import('@aws-sdk/client-cloudwatch')).DescribeAlarmsCommand({ AlarmNamePrefix: 'ecs-rollout-' })
    );
    expect(left.MetricAlarms ?? []).toEqual([]);
  });
});

describe('ECS-native: a runner that dies, a cancelled workflow, the CLI, a rolling-strategy deploy', () => {
  test('the runner is killed (SIGKILL) during the canary: the post step rolls back, never a CONTINUE after the kill, hooks restored, lock released', async () => {
    let killedAt = 0;
    let log = '';
    const run = await runAction({
      endpoint: sim.url,
      // A 10-minute canary bake (2 s real): the kill lands while 20 % of production is on the canary.
      inputs: shopInputs('CANARY', 'v2', { 'canary-bake': '10m' }),
      interrupt: { when: /the production rule forwards 80\/20 to shop-blue\/shop-green/, signal: 'SIGKILL' },
      onOutput: (chunk) => {
        log += chunk;
        if (!killedAt && /forwards 80\/20/.test(log)) killedAt = Date.now();
      }
    });
    expect(run.signal).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);
    expect(run.outputs.status).toBeUndefined();
    expect(run.post?.exitCode).toBe(0);
    const post = shown(run.post?.log ?? '');
    expect(post).toMatch(/the main step stopped while deploying shop:2 on service shop: rolled back/);
    expect(post).toMatch(/answered ROLLBACK to the pause|stopped? .*with ROLLBACK/);
    expect(post).not.toMatch(/answered CONTINUE/);
    // After the kill only the post step spoke to ECS's pauses, and only to roll back: the final shift to 100 % never happened.
    const after = sim.calls({ operation: 'ContinueServiceDeployment' }).filter((c) => c.at > killedAt);
    expect(after.length).toBeLessThanOrEqual(1);
    const arn = /service-deployment\/prod\/shop\/\S+?(?=[\s:)]|$)/.exec(run.log)?.[0];
    expect(arn).toBeDefined();
    const sd = await serviceDeployment(`arn:aws:ecs:us-east-1:123456789012:${arn}`);
    expect(sd.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(sd.rollback?.reason).toMatch(/rolled back by a ContinueServiceDeployment request|StopServiceDeployment request/);
    expect(await production()).toEqual({ 'shop-blue': 100, 'shop-green': 0 });
    expect(await revisionOf(sim.url, 'shop')).toBe('shop:1');
    expect(await ownConfiguration()).toEqual(seededConfiguration());
    expect(await shopLockHeld()).toBe(false);
  });

  test('a cancelled workflow (SIGINT) during the canary: rolled back at once, production verified 100/0 on shop-blue', async () => {
    const t0 = Date.now();
    const run = await runAction({
      endpoint: sim.url,
      // A 60-minute canary bake (12 s real): only the cancellation ends this run quickly.
      inputs: shopInputs('CANARY', 'v2', { 'canary-bake': '60m' }),
      interrupt: { when: /the production rule forwards 80\/20 to shop-blue\/shop-green/, signal: 'SIGINT', delayMs: 200 },
      post: false
    });
    expect(run.exitCode).not.toBe(0);
    expect(shown(run.log)).toMatch(/Received SIGINT/);
    expect(why(run)).toMatch(/^cancelled \(SIGINT\).*: rolled back, /);
    expect(run.outputs['steps-completed']).toBe('1');
    expect(shown(run.log)).not.toMatch(/Received SIGINT[\s\S]*answered CONTINUE/);
    await expectRolledBack(run);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  test('`ecs-rollout rollback` finishes a killed CLI deploy of shop', async () => {
    // Slow by design (about 10 s): the rollback waits for the killed deploy's lock lease to run out before taking it over.
    const dir = mkdtempSync(join(tmpdir(), 'cli-native-'));
    const deploy = [
      'deploy',
      ...['--task-definition-family', 'shop', '--container-name', 'shop', '--image', 'registry.example.com/shop:v2'],
      ...['--cluster', 'prod', '--service', 'shop', '--strategy', 'ecs-native', '--poll-interval', '200ms'],
      ...['--ecs-strategy', 'CANARY', '--canary-percent', '20', '--canary-bake', '10m']
    ];
    const killed = await cli(deploy, dir, /the production rule forwards 80\/20 to shop-blue\/shop-green/);
    expect(killed.status).toBeNull();
    expect(readdirSync(join(dir, '.ecs-rollout')).filter((n) => n.startsWith('prod-shop.'))).toHaveLength(1);
    const r = await cli(['rollback', '--cluster', 'prod', '--service', 'shop'], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/rolled back/);
    expect(r.stderr).not.toMatch(/answered CONTINUE/);
    expect(await production()).toEqual({ 'shop-blue': 100, 'shop-green': 0 });
    expect(await revisionOf(sim.url, 'shop')).toBe('shop:1');
    expect(await ownConfiguration()).toEqual(seededConfiguration());
    expect(readdirSync(join(dir, '.ecs-rollout')).filter((n) => n.startsWith('prod-shop.'))).toEqual([]);
    expect(await shopLockHeld()).toBe(false);
  });

  test('strategy left at rolling on a service configured for BLUE_GREEN: a notice says it deploys natively, and every pause is gated', async () => {
    const inputs = shopInputs('BLUE_GREEN', 'v2');
    delete inputs.strategy;
    delete inputs['ecs-strategy'];
    delete inputs['ecs-bake-time'];
    const run = await runAction({ endpoint: sim.url, inputs });
    expect(shown(run.log)).toMatch(
      /::notice::.*service shop is configured for ECS's own BLUE_GREEN deployments: deploying it with strategy ecs-native/
    );
    expect(run.outputs).toMatchObject({ status: 'succeeded', traffic: 'shop-blue=0,shop-green=100', 'steps-completed': '1' });
    expect((await serviceDeployment(run.outputs['deployment-id'])).status).toBe('SUCCESSFUL');
    expect(sim.calls({ operation: 'ContinueServiceDeployment', accessKeyId: 'AKIDE2ETEST' })).toHaveLength(4);
    expect(await production()).toEqual({ 'shop-blue': 0, 'shop-green': 100 });
    expect(await ownConfiguration()).toEqual(seededConfiguration());
  });
});

/** The bundled CLI (next to dist/index.js), in `cwd`; SIGKILLed when stderr matches `killWhen`. */
const cli = (args: string[], cwd: string, killWhen?: RegExp): Promise<CliRun> =>
  runCli(sim.url, args, { cwd, ...(killWhen ? { killWhen } : {}) });
