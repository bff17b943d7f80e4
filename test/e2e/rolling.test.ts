/**
 * Rolling deployments end to end: dist/index.js (main + post step) as a runner runs it,
 * against the local ECS on a ×300 clock; assertions read the resulting state through the SDK.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startSim, type Sim } from '../../sim/server.js';
import { runAction } from '../../scripts/run-action.js';
import { DescribeServiceDeploymentsCommand, ListServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import { FAST, VARS, clients, revisionOf, service, why } from './sim-helpers.js';

let sim: Sim;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterEach(async () => {
  await sim.close();
});

const deploy = (extra: Record<string, string> = {}, vars = ''): Record<string, string> => ({
  'task-definition': 'examples/web.taskdef.json',
  vars: `${VARS}\n${vars}`,
  cluster: 'prod',
  service: 'web',
  ...FAST,
  ...extra
});

const mutatingEcsCalls = (): string[] =>
  sim
    .calls({ service: 'ecs' })
    .filter((c) => /^(Update|Create|Delete|Register|Run|Stop)/.test(c.operation) && c.accessKeyId !== 'SIMSEED')
    .map((c) => c.operation);

describe('rolling', () => {
  test('a good release succeeds and the service runs the new revision', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', 'rolled-back': 'false' });
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/web:2$/);
    expect(run.outputs['previous-task-definition-arn']).toMatch(/task-definition\/web:1$/);
    expect(run.outputs['deployment-id']).toMatch(/^ecs-svc\/\d+$/);
    const web = await service(sim.url, 'web');
    expect(web.taskDefinition).toBe(run.outputs['task-definition-arn']);
    expect(web.deployments).toHaveLength(1);
    expect(web.runningCount).toBe(2);
    expect(run.post?.exitCode).toBe(0);
    // What changed, in the log and collapsed in the summary.
    expect(run.summary).toMatch(
      /<summary>Revision diff<\/summary>[\s\S]*image: "registry.example.com\/web:v1" → "registry.example.com\/web:v2"/
    );
    expect(run.log).toMatch(/changes against web:1/);
  });

  test('a secret variable that lands in the environment is masked in the log, the diff and the summary', async () => {
    const secret = 'pa55-w0rd-in-env';
    const run = await runAction({
      endpoint: sim.url,
      inputs: { ...deploy({ 'secret-vars': 'greeting' }), vars: `${VARS.replace(/^greeting=.*$/m, `greeting=${secret}`)}\ntag=v2` }
    });
    expect(run.outputs.status).toBe('succeeded');
    expect(run.summary).toMatch(/Revision diff/);
    expect(run.summary).not.toContain(secret);
    expect(run.log.split(secret)).toHaveLength(2); // only the ::add-mask:: line, which the runner consumes
  });

  test('desired-count is applied when given, and only then', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({ 'desired-count': '3' }, 'tag=v2') });
    expect(run.outputs.status).toBe('succeeded');
    expect((await service(sim.url, 'web')).runningCount).toBe(3);
    const again = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v3') });
    expect(again.outputs.status).toBe('succeeded');
    expect((await service(sim.url, 'web')).desiredCount).toBe(3);
  });

  test('wait-for-service-stability: false returns right after the update, saying so', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({ 'wait-for-service-stability': 'false' }, 'tag=v2-slow-start') });
    expect(run.outputs.status).toBe('succeeded');
    expect(why(run)).toMatch(/not waited for stability/);
    const web = await service(sim.url, 'web');
    expect(web.deployments?.find((d) => d.status === 'PRIMARY')).toMatchObject({
      taskDefinition: run.outputs['task-definition-arn'],
      rolloutState: 'IN_PROGRESS'
    });
  });

  test('re-running the same release reuses the revision', async () => {
    await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2'), post: false });
    const again = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2'), post: false });
    expect(again.outputs['task-definition-reused']).toBe('true');
    expect(again.outputs['task-definition-arn']).toMatch(/web:2$/);
  });

  test('after a rolled-back release, redeploying the good one reuses the revision the service runs', async () => {
    await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2'), post: false });
    const bad = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v3-crash'), post: false });
    expect(bad.outputs['task-definition-arn']).toMatch(/web:3$/);
    const again = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2'), post: false });
    expect(again.outputs).toMatchObject({ status: 'succeeded', 'task-definition-reused': 'true' });
    expect(again.outputs['task-definition-arn']).toMatch(/web:2$/);
    expect(sim.calls({ operation: 'RegisterTaskDefinition' }).filter((c) => c.accessKeyId !== 'SIMSEED')).toHaveLength(2);
  });

  test('a crashing image: rolled back by us after its first crash, before the circuit breaker would trip, with the container and exit code', async () => {
    // Polls a few simulated seconds apart, as the default 5 s poll is on AWS (FAST's 200 ms is a simulated minute
    // on the ×300 clock, in which both tasks crash and are relaunched and crash again).
    sim.setTimeScale(100);
    const run = await runAction({
      endpoint: sim.url,
      inputs: deploy({ 'poll-interval': '30ms', 'max-poll-interval': '30ms' }, 'tag=v2-crash')
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(run.outputs.reason).toBe('Rolled back: web:2 essential container web exited with code 1 — web is back on web:1');
    expect(run.log).toMatch(/Essential container in task exited/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
    // Our own rollback (UpdateService to web:1), not ECS's: the new revision's service deployment was
    // superseded by ours with fewer failed tasks than the circuit breaker's threshold, which never tripped.
    expect(mutatingEcsCalls().filter((op) => op === 'UpdateService')).toHaveLength(2);
    const ecs = clients(sim.url).ecs;
    const arns =
      (await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'web' }))).serviceDeployments?.map(
        (d) => d.serviceDeploymentArn ?? ''
      ) ?? [];
    const records = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }))).serviceDeployments ?? [];
    const crashing = records.filter((r) => r.status === 'STOPPED');
    expect(crashing).toHaveLength(1);
    const breaker = crashing[0].deploymentCircuitBreaker!;
    expect(breaker.failureCount).toBeGreaterThanOrEqual(1);
    expect(breaker.failureCount!).toBeLessThan(breaker.threshold!);
    expect(breaker.status).not.toBe('TRIGGERED');
  });

  test('an image that cannot be pulled: the circuit breaker rolls back and the step says so', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2-image-pull-fail') });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(why(run)).toMatch(/circuit breaker/i);
    expect(run.log).toMatch(/CannotPullContainerError/);
    expect(mutatingEcsCalls().filter((op) => op === 'UpdateService')).toHaveLength(1); // ECS's rollback, not a second one of ours
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('failing health checks: rolled back, the log shows the target health reason', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2-unhealthy') });
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.log).toMatch(/Target\.(FailedHealthChecks|ResponseCodeMismatch)|failed ELB health checks/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('slower than the timeout: we roll back ourselves to the previous revision', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({ timeout: '400ms' }, 'tag=v2-slow-start') });
    expect(run.outputs.status).toBe('rolled-back');
    expect(why(run)).toMatch(/timed out|did not finish|timeout/i);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
    const web = await service(sim.url, 'web');
    expect(web.deployments).toHaveLength(1);
  });

  test('circuit breaker off and tasks fail to start: we notice it is stuck and roll back', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({ 'circuit-breaker': 'false' }, 'tag=v2-image-pull-fail') });
    expect(run.outputs.status).toBe('rolled-back');
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('a cancelled workflow (SIGINT) mid-deployment leaves the previous revision running', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: deploy({}, 'tag=v2-slow-start'),
      interrupt: { when: /Deploying web:2/, signal: 'SIGINT', delayMs: 100 }
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.log).toMatch(/SIGINT/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('a runner killed mid-deployment: the post step rolls back', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: deploy({}, 'tag=v2-slow-start'),
      interrupt: { when: /Deploying web:2/, signal: 'SIGKILL', delayMs: 100 }
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.log).toMatch(/rolled back/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('a failing migration task: the service is untouched and the exit code shown', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: deploy({ 'run-task': 'true', 'run-task-environment': 'SIM_BEHAVIOUR=crash\nSIM_EXIT_CODE=3' }, 'tag=v2')
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.log).toMatch(/exit(ed with)? (code )?3/);
    expect(mutatingEcsCalls()).not.toContain('UpdateService');
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('a successful migration task runs before the update', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy({ 'run-task': 'true' }, 'tag=v2') });
    expect(run.outputs.status).toBe('succeeded');
    const calls = mutatingEcsCalls();
    expect(calls.indexOf('RunTask')).toBeLessThan(calls.indexOf('UpdateService'));
  });
});

describe('rolling: bad environment → clear messages, nothing changed', () => {
  test.each([
    ['unknown cluster', { cluster: 'nope' }, {}, /ClusterNotFoundException.*check the cluster name and the region/],
    ['unknown service', { service: 'nope' }, {}, /service nope (was )?not found in cluster prod|MISSING/],
    ['wrong region', {}, { AWS_REGION: 'eu-west-1' }, /ClusterNotFoundException/]
  ])('%s', async (_name, inputs, env, message) => {
    const run = await runAction({ endpoint: sim.url, inputs: deploy(inputs, 'tag=v2'), env: env });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(message);
    expect(mutatingEcsCalls()).toEqual([]);
  });

  test('access denied: the permission is named and nothing is retried', async () => {
    sim.addFault({ kind: 'deny', service: 'ecs', operation: 'UpdateService' });
    const run = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2') });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/updating service web in cluster prod: AccessDeniedException.*ecs:UpdateService/);
    expect(sim.calls({ operation: 'UpdateService' })).toHaveLength(1);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('a throttling storm is ridden out with back-off', async () => {
    // Half the reads throttled, up to 12 of them: a storm that ends, so the run's length depends on the
    // back-off (the seeded rolls), not on how long a loaded machine takes to outlast an endless one.
    sim.addFault({ kind: 'throttle', service: 'ecs', operation: 'DescribeServices', rate: 0.5, count: 12 });
    const run = await runAction({ endpoint: sim.url, inputs: deploy({}, 'tag=v2') });
    expect(run.outputs.status).toBe('succeeded');
    const throttled = sim.calls({ operation: 'DescribeServices' }).filter((c) => c.error === 'ThrottlingException');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.length).toBeLessThanOrEqual(12);
  });
});

describe('rolling: reads', () => {
  test('before UpdateService the service is described once and the serving task definition read once', async () => {
    const run = await runAction({ endpoint: sim.url, accessKeyId: 'AKIDREADS', inputs: deploy({}, 'tag=v2'), post: false });
    expect(run.outputs.status).toBe('succeeded');
    const calls = sim.calls({ accessKeyId: 'AKIDREADS', service: 'ecs' });
    const update = calls.findIndex((c) => c.operation === 'UpdateService');
    const before = calls.slice(0, update).map((c) => c.operation);
    expect(before.filter((op) => op === 'DescribeServices')).toHaveLength(1);
    expect(before.filter((op) => op === 'DescribeTaskDefinition')).toHaveLength(1);
    // The diff against the serving revision is still shown, from the read registering made.
    expect(run.log).toMatch(/changes against web:1/);
  });
});

describe('rolling: adaptive polling', () => {
  // A ×10 clock, so the moment ECS completes is known to within a tick (~20 ms real = 0.2 s simulated).
  let slow: Sim;
  beforeEach(async () => {
    slow = await startSim({ seed: true, timeScale: 10 });
  });
  afterEach(async () => {
    await slow.close();
  });

  /** A simulated timestamp as the real time of the sim's call log. */
  const toReal = (simMs: number): number => Date.now() - (slow.now() - simMs) / slow.world.clock.timeScale;

  test('a long still bake makes fewer calls than fixed polling, and the verdict still comes within a fast poll of ECS finishing', async () => {
    const bake = { 'bake-time': '5s', 'poll-interval': '200ms' };
    const runs: Array<{ key: string; describes: number; bakeReads: number; readsNearEnd: number }> = [];
    for (const [key, maxPoll, tag] of [
      ['AKIDFIXEDPOLL', '200ms', 'v2'],
      ['AKIDRESTPOLL', '2s', 'v3']
    ] as const) {
      const run = await runAction({
        endpoint: slow.url,
        accessKeyId: key,
        inputs: { ...deploy({ ...bake, 'max-poll-interval': maxPoll }, `tag=${tag}`) },
        post: false
      });
      expect(run.outputs.status).toBe('succeeded');
      expect(why(run)).toMatch(/baked 5s/);
      const completed = (await service(slow.url, 'web')).deployments?.[0]?.updatedAt;
      expect(completed).toBeDefined();
      const end = toReal(completed!.getTime());
      const reads = slow.calls({ accessKeyId: key, operation: 'DescribeServices' });
      // The watch was at the fast pace when ECS finished: a read within the last two fast polls before it.
      runs.push({
        key,
        describes: reads.length,
        bakeReads: reads.filter((c) => c.at > end).length,
        readsNearEnd: reads.filter((c) => c.at <= end && c.at >= end - 400).length
      });
    }
    const [fixed, rest] = runs;
    expect(rest.readsNearEnd).toBeGreaterThanOrEqual(1);
    expect(fixed.readsNearEnd).toBeGreaterThanOrEqual(1);
    // 5 s of bake is 25 polls at 200 ms; slowing towards 2 s through it takes under half of them.
    expect(rest.bakeReads).toBeLessThan(fixed.bakeReads / 2);
    expect(rest.describes).toBeLessThan(fixed.describes);
  });
});
