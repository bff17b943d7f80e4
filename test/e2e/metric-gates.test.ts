/**
 * Built-in metric gates end to end (issue 12): dist/index.js against the local ECS on a ×300
 * clock (poll-interval 200ms is one simulated minute, the ALB's metric period), blue/green, ECS-native and rolling.
 * The verdicts come from the target groups' AWS/ApplicationELB metrics, no alarm created.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { runAction } from '../../scripts/run-action.js';
import { colours, shown, simulated, webInputs, weights } from './blue-green-helpers.js';
import { FAST, VARS, clients, revisionOf, service, why } from './sim-helpers.js';

let sim: Sim;
let s: Scenario;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
  s = sim.scenario!;
});
afterEach(async () => {
  await sim.close();
});

const WEB = ['web-blue', 'web-green'];
const ACTION_KEY = 'AKIDE2EMETRICS';
const listenerWeights = (): Promise<Record<string, number>> => weights(sim.url, s.listeners['web-alb:80']);
const metricReads = (): number => sim.calls({ accessKeyId: ACTION_KEY, service: 'cloudwatch', operation: 'GetMetricData' }).length;

describe('metric gates (blue/green)', () => {
  test('a release answering 5xx is rolled back by max-error-rate: the reason names the share, production verified 100/0', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: webInputs(s, { 'max-error-rate': '1%', 'max-response-time': 'p99 800ms', 'step-bake': '1s' }, 'tag=v2-http-5xx')
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true', 'live-service': 'web-blue' });
    expect(why(run)).toMatch(
      /gate metrics failed at (10|50) %: web-green: 5xx \d+(\.\d+)? % of [\d,]+ requests over the last (minute|2 minutes) > max-error-rate 1 %/
    );
    expect(why(run)).toMatch(/100 % of traffic is back on web-blue \(web:1\), verified/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({ 'web-blue': { desired: 2, revision: 'web:1' }, 'web-green': { desired: 0 } });
    // No alarm was created for it.
    expect(sim.calls({ accessKeyId: ACTION_KEY, service: 'cloudwatch', operation: 'PutMetricAlarm' })).toHaveLength(0);
  });

  test('a good release passes every metric gate and is promoted; one GetMetricData per check for both thresholds and both colours', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      // A 5-minute final bake: ALB minutes reach CloudWatch 1–2 minutes after they end, so minutes at 100 % become readable inside it.
      inputs: webInputs(
        s,
        { 'max-error-rate': '1%', 'max-response-time': 'p99 800ms', 'compare-to-baseline': 'true', 'step-bake': '1s', 'final-bake': '1s' },
        'tag=v2'
      )
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', traffic: 'web-blue=0,web-green=100' });
    const log = shown(run.log);
    expect(log).toMatch(
      /gate metrics: \S+ web-green: 5xx 0 % of [\d,]+ requests vs 0 % on web-blue, p99 \d+ ms vs \d+ ms on web-blue over the last/
    );
    // At 100 % the live colour serves nothing: its last minutes with traffic stand in.
    expect(log).toMatch(/vs 0 % on web-blue in its last (minute|2 minutes) with traffic/);
    const checks = (run.log.match(/gate metrics: /g) ?? []).length;
    expect(checks).toBeGreaterThan(0);
    // Every check is one call, whatever the number of metrics (8 queries here); a printed line is only a change.
    expect(metricReads()).toBeGreaterThanOrEqual(checks);
    const queries = sim.calls({ accessKeyId: ACTION_KEY, service: 'cloudwatch', operation: 'GetMetricData' });
    expect(queries.length).toBeLessThan(40);
    expect(await listenerWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
  });

  test('a release that slows down (CPU past 90 % adds 600 ms) is rolled back by max-response-time', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: webInputs(s, { 'max-response-time': 'avg 300ms', 'step-bake': '1s' }, 'tag=v2-cpu-spike')
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(why(run)).toMatch(
      /gate metrics failed at \d+ %: web-green: avg \d+ ms over the last (minute|2 minutes) > max-response-time avg 300 ms/
    );
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
  });

  test('thin traffic is inconclusive and held, never green: the release does not complete, production verified back on blue', async () => {
    // 0.5 requests a simulated second: 10 % is 3 a minute, far under min-requests.
    sim.setRequestRate('web-alb', 0.5);
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: webInputs(s, { 'max-error-rate': '1%', 'step-bake': '400ms', timeout: '12s' }, 'tag=v2')
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(shown(run.log)).toMatch(
      /gate metrics: \S+ web-green: \d+ requests over the last (minute|2 minutes), fewer than min-requests 50: too few to judge/
    );
    expect(shown(run.log)).not.toMatch(/gate metrics: passes:/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
  });
});

/**
 * An incident that hurts every revision alike: web-blue (live) is moved, outside the action,
 * to a revision that answers half its requests with 5xx, and keeps serving.
 */
async function liveColourInIncident(): Promise<void> {
  const { ecs } = clients(sim.url);
  const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' }))).taskDefinition!;
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      containerDefinitions: td.containerDefinitions!.map((c) => ({ ...c, image: c.image!.replace(/:[^:/]+$/, ':v1-http-5xx') })),
      ...(td.cpu ? { cpu: td.cpu } : {}),
      ...(td.memory ? { memory: td.memory } : {}),
      ...(td.networkMode ? { networkMode: td.networkMode } : {}),
      ...(td.requiresCompatibilities ? { requiresCompatibilities: td.requiresCompatibilities } : {}),
      ...(td.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {})
    })
  );
  await ecs.send(
    new UpdateServiceCommand({ cluster: 'prod', service: 'web-blue', taskDefinition: registered.taskDefinition!.taskDefinitionArn! })
  );
  for (let i = 0; i < 100; i++) {
    const svc = await service(sim.url, 'web-blue');
    if (svc.deployments?.length === 1 && svc.runningCount === svc.desiredCount) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // -http-5xx fails half the requests from a minute after a task runs: a few simulated minutes more (×300: what 1.5 s was unloaded).
  await simulated(sim, 450_000);
}

describe('metric gates during an incident that hurts both colours', () => {
  test('compare-to-baseline passes a release no worse than the live colour; without it, the same release is rolled back', async () => {
    await liveColourInIncident();
    const inputs = (extra: Record<string, string>): Record<string, string> =>
      webInputs(s, { 'max-error-rate': '5%', 'step-bake': '1s', ...extra }, 'tag=v2-http-5xx');
    const absolute = await runAction({ endpoint: sim.url, accessKeyId: ACTION_KEY, inputs: inputs({}) });
    expect(absolute.exitCode).toBe(1);
    expect(why(absolute)).toMatch(
      /gate metrics failed at \d+ %: web-green: 5xx \d+(\.\d+)? % of [\d,]+ requests over the last (minute|2 minutes) > max-error-rate 5 %/
    );
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });

    const relative = await runAction({ endpoint: sim.url, accessKeyId: ACTION_KEY, inputs: inputs({ 'compare-to-baseline': 'true' }) });
    expect(shown(relative.log)).toMatch(
      /gate metrics: passes: web-green: 5xx \d+(\.\d+)? % of [\d,]+ requests vs \d+(\.\d+)? % on web-blue/
    );
    expect(relative.exitCode).toBe(0);
    expect(await listenerWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
  });
});

describe('metric gates (ECS-native CANARY)', () => {
  const shop = (tag: string, extra: Record<string, string>): Record<string, string> => ({
    'task-definition-family': 'shop',
    'container-name': 'shop',
    image: `registry.example.com/shop:${tag}`,
    cluster: 'prod',
    service: 'shop',
    strategy: 'ecs-native',
    'poll-interval': '200ms',
    'ecs-strategy': 'CANARY',
    'canary-percent': '20',
    // Long enough for a minute of 5xx to be published (-http-5xx starts a minute after a task runs).
    'canary-bake': '4m',
    'ecs-bake-time': '1m',
    ...extra
  });
  const production = (): Promise<Record<string, number>> => weights(sim.url, s.rules['shop-alb:80:10']);

  test('the canary answering 5xx is rolled back by max-error-rate, judged against the live group; production verified 100/0', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: shop('v2-http-5xx', { 'max-error-rate': '1%', 'compare-to-baseline': 'true' })
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('rolled-back');
    expect(why(run)).toMatch(
      /gate metrics failed .*shop-green: 5xx \d+(\.\d+)? % of [\d,]+ requests vs 0 % on shop-blue over the last (minute|2 minutes), [\d.]+ points worse > max-error-rate 1 %/
    );
    expect(await production()).toEqual({ 'shop-blue': 100, 'shop-green': 0 });
  });

  test('a good canary passes the metric gates and completes', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: shop('v2', { 'max-error-rate': '1%', 'compare-to-baseline': 'true', 'canary-bake': '2m' })
    });
    expect(run.exitCode).toBe(0);
    expect(shown(run.log)).toMatch(/gate metrics: passes: shop-green: 5xx 0 % of [\d,]+ requests vs 0 % on shop-blue/);
    expect(await production()).toEqual({ 'shop-blue': 0, 'shop-green': 100 });
  });
});

describe("metric gates (rolling: the service's one target group)", () => {
  const web = (tag: string, extra: Record<string, string>): Record<string, string> => ({
    'task-definition': 'examples/web.taskdef.json',
    vars: `${VARS}\ntag=${tag}`,
    cluster: 'prod',
    service: 'web',
    ...FAST,
    ...extra
  });

  test('a release answering 5xx fails the bake on max-error-rate and is rolled back to web:1', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: web('v2-http-5xx', { 'max-error-rate': '1%', 'bake-time': '2s' })
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(why(run)).toMatch(
      /gate metrics failed during the bake: web-rolling: 5xx \d+(\.\d+)? % of [\d,]+ requests over the last (minute|2 minutes) > max-error-rate 1 %/
    );
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('a good release passes the metric gate', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: web('v2', { 'max-error-rate': '1%', 'max-response-time': 'avg 500ms', 'bake-time': '1s' })
    });
    expect(run.exitCode).toBe(0);
    expect(shown(run.log)).toMatch(/gate metrics: passes: web-rolling: 5xx 0 % of [\d,]+ requests, avg \d+ ms over the last/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:2');
  });

  test('compare-to-baseline: judged against the same group before the deployment', async () => {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: web('v2-http-5xx', { 'max-error-rate': '1%', 'compare-to-baseline': 'true', 'bake-time': '2s' })
    });
    expect(run.exitCode).toBe(1);
    expect(why(run)).toMatch(
      /gate metrics failed during the bake: web-rolling: 5xx \d+(\.\d+)? % of [\d,]+ requests vs 0 % on web-rolling before the deployment over the last (minute|2 minutes), [\d.]+ points worse > max-error-rate 1 %/
    );
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });
});
