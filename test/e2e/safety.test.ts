/**
 * Safe under real CI conditions (issue 10), end to end: dist/index.js (main + post) and the
 * CLI against the local ECS on a ×300 clock. Racing runs meet the deployment lock in
 * DynamoDB; a hung call, a lost UpdateService answer and a throttled CloudWatch never stop a
 * rollback; "rolled back" is printed only when it is true. Every assertion reads the state
 * the user would look at: listener weights, the running revision, the lock table, outputs.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { ROOT, runAction } from '../../scripts/run-action.js';
import { FAST, VARS, heldLocks, revisionOf, runCli, service, type CliRun, why } from './sim-helpers.js';
import { colours, until, webInputs, weights } from './blue-green-helpers.js';

let sim: Sim;
let s: Scenario;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
  s = sim.scenario!;
});
afterEach(async () => {
  await sim.close();
});

const rolling = (vars: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'task-definition': 'examples/web.taskdef.json',
  vars: `${VARS}\n${vars}`,
  cluster: 'prod',
  service: 'web',
  ...FAST,
  ...extra
});
const listener = (): Promise<Record<string, number>> => weights(sim.url, s.listeners['web-alb:80']);

const heldLocksOf = (keys: string[] = ['service:prod/web']): Promise<string[]> => heldLocks(sim.url, keys);
const PAIR_KEYS = (): string[] => ['service:prod/web-blue', 'service:prod/web-green', `listener:${s.listeners['web-alb:80']}`];

/** Real time (epoch ms) of the calls one run made, by its access key. */
const callsOf = (key: string, operation?: string): number[] =>
  sim.calls({ accessKeyId: key, ...(operation ? { operation } : {}) }).map((c) => c.at);

describe('racing runs meet the deployment lock', () => {
  test('two rolling runs started together on one service never interleave: the second waits, names the holder, then deploys', async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([
        runAction({ endpoint: sim.url, accessKeyId: `AKIDRACEA${round}`, inputs: rolling(`tag=v${round}a`) }),
        runAction({ endpoint: sim.url, accessKeyId: `AKIDRACEB${round}`, inputs: rolling(`tag=v${round}b`) })
      ]);
      expect([a.outputs.status, b.outputs.status]).toEqual(['succeeded', 'succeeded']);
      const [first, second, secondKey] =
        Math.min(...callsOf(`AKIDRACEA${round}`, 'UpdateService')) < Math.min(...callsOf(`AKIDRACEB${round}`, 'UpdateService'))
          ? [`AKIDRACEA${round}`, b, `AKIDRACEB${round}`]
          : [`AKIDRACEB${round}`, a, `AKIDRACEA${round}`];
      // The second run's first look at the service comes after the first run let go of it.
      const firstDone = Math.max(...callsOf(first, 'DescribeServices'));
      expect(Math.min(...callsOf(secondKey, 'UpdateService'))).toBeGreaterThan(firstDone);
      expect(second.log).toMatch(/deployment lock service:prod\/web is held by (https:\/\/\S+|host \S+ pid \d+)/);
      expect(await heldLocksOf()).toEqual([]);
    }
  });

  test('lock-timeout: 0 fails the second run at once, with status=failed, the holder named and nothing changed', async () => {
    const slow = runAction({ endpoint: sim.url, accessKeyId: 'AKIDHOLDER', inputs: rolling('tag=v2-slow-start') });
    await until('the first run holds the lock', async () => (await heldLocksOf()).length > 0);
    const refused = await runAction({ endpoint: sim.url, accessKeyId: 'AKIDREFUSED', inputs: rolling('tag=v3', { 'lock-timeout': '0' }) });
    expect(refused.exitCode).toBe(1);
    expect(refused.outputs.status).toBe('failed');
    expect(refused.outputs.reason).toMatch(/^Not deployed: deployment lock service:prod\/web is held by \S+ — nothing changed$/);
    expect(refused.log).toMatch(
      /deployment lock service:prod\/web is held by \S+ \(lock-timeout is 0: not waiting\)\. Nothing was changed/
    );
    const mutating = sim
      .calls({ accessKeyId: 'AKIDREFUSED' })
      .filter((c) => /^(Update|Register|Modify|Put|Delete|Create)/.test(c.operation) && c.service !== 'dynamodb');
    expect(mutating).toEqual([]);
    expect((await slow).outputs.status).toBe('succeeded');
  });

  test('two blue/green runs on one pair: the second waits for the first, then deploys from the colour the first made live', async () => {
    const [a, b] = await Promise.all([
      runAction({ endpoint: sim.url, accessKeyId: 'AKIDBGA', inputs: webInputs(s, {}, 'tag=v2') }),
      runAction({ endpoint: sim.url, accessKeyId: 'AKIDBGB', inputs: webInputs(s, {}, 'tag=v3') })
    ]);
    expect([a.outputs.status, b.outputs.status]).toEqual(['succeeded', 'succeeded']);
    // Both succeeded one after the other: the last one's colour serves 100 %, the other is idle at 0.
    const second = Math.min(...callsOf('AKIDBGA', 'ModifyListener')) < Math.min(...callsOf('AKIDBGB', 'ModifyListener')) ? b : a;
    const live = second.outputs['live-service'];
    expect(Object.values(await listener()).sort()).toEqual([0, 100]);
    expect((await listener())[`${live}`]).toBe(100);
    const states = await colours(sim.url, ['web-blue', 'web-green']);
    expect(states[live]?.revision).toBe(/web:\d+$/.exec(second.outputs['task-definition-arn'] ?? '')?.[0]);
    expect(
      Object.values(states)
        .map((c) => c.desired)
        .sort()
    ).toEqual([0, 2]);
    expect(await heldLocksOf(PAIR_KEYS())).toEqual([]);
  });

  test("a dead runner's lock is taken over once its heartbeat has stood still for a lease", async () => {
    const killed = await runAction({
      endpoint: sim.url,
      accessKeyId: 'AKIDDEAD',
      inputs: rolling('tag=v2'),
      post: false,
      interrupt: { when: /holding deployment lock/, signal: 'SIGKILL' }
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(await heldLocksOf()).toEqual(['service:prod/web']);
    const next = await runAction({ endpoint: sim.url, accessKeyId: 'AKIDNEXT', inputs: rolling('tag=v3') });
    expect(next.log).toMatch(/took over deployment lock service:prod\/web from \S+: its heartbeat had stopped for a whole lease/);
    expect(next.outputs.status).toBe('succeeded');
    expect(await revisionOf(sim.url, 'web')).toBe(/web:\d+$/.exec(next.outputs['task-definition-arn'] ?? '')?.[0]);
    expect(await heldLocksOf()).toEqual([]);
  });

  test('the post step of a killed run re-enters its lock, rolls back and releases it', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: rolling('tag=v2-slow-start'),
      interrupt: { when: /Updated service web/, signal: 'SIGKILL' }
    });
    expect(run.post?.log).toMatch(/rolled back/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
    expect(await heldLocksOf()).toEqual([]);
  });
});

describe('hung calls, lost answers and throttling never stop a rollback', () => {
  test('a DescribeTargetHealth that never answers at 10 % ends rolled back, 100/0 verified, within the timeout', async () => {
    let faulted = false;
    const started = Date.now();
    const run = await runAction({
      endpoint: sim.url,
      inputs: webInputs(s, { 'traffic-steps': '10,100', 'step-bake': '6s', timeout: '2s', 'inconclusive-limit': '100' }, 'tag=v2'),
      onOutput: (chunk) => {
        if (!faulted && /Shifting 10 /.test(chunk)) {
          faulted = true;
          sim.addFault({ kind: 'latency', service: 'elbv2', operation: 'DescribeTargetHealth', latencyMs: 120_000 });
        }
      }
    });
    const elapsed = Date.now() - started;
    expect(faulted).toBe(true);
    expect(run.outputs.status).toBe('rolled-back');
    expect(why(run)).toMatch(/deadline|timeout/);
    expect(await listener()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    // The deadline is the timeout plus the configured bakes (2 s + 6 s), not the 120 s the call hangs.
    expect(elapsed).toBeLessThan(60_000);
  });

  test('a workflow cancelled while a call hangs rolls back at once', async () => {
    let faulted = false;
    const run = await runAction({
      endpoint: sim.url,
      inputs: webInputs(s, { 'traffic-steps': '10,100', 'step-bake': '60s', 'inconclusive-limit': '100' }, 'tag=v2'),
      onOutput: (chunk) => {
        if (!faulted && /Shifting 10 /.test(chunk)) {
          faulted = true;
          sim.addFault({ kind: 'latency', service: 'elbv2', operation: 'DescribeTargetHealth', latencyMs: 120_000 });
        }
      },
      interrupt: { when: /Baking at 10 %/, signal: 'SIGINT', delayMs: 500 }
    });
    expect(run.outputs.status).toBe('rolled-back');
    expect(why(run)).toMatch(/cancelled \(SIGINT\)/);
    expect(await listener()).toEqual({ 'web-blue': 100, 'web-green': 0 });
  });

  test('a lost UpdateService answer is read back: the deployment that did start is watched to the end', async () => {
    // Every attempt of the SDK's retries is applied and its answer lost.
    sim.addFault({ kind: 'lost-answer', service: 'ecs', operation: 'UpdateService', count: 20 });
    const run = await runAction({ endpoint: sim.url, inputs: rolling('tag=v2') });
    expect(run.log).toMatch(/UpdateService's answer was lost .*but service web is deploying web:2 \(deployment [^)]+\): watching it/);
    expect(run.outputs.status).toBe('succeeded');
    expect(await revisionOf(sim.url, 'web')).toBe('web:2');
  });

  test('a lost answer for a bad release still ends rolled back on the previous revision', async () => {
    sim.addFault({ kind: 'lost-answer', service: 'ecs', operation: 'UpdateService', count: 20 });
    const run = await runAction({ endpoint: sim.url, inputs: rolling('tag=v2-crash') });
    expect(run.outputs.status).toBe('rolled-back');
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('an UpdateService that never reached ECS is reported as nothing changed, read back', async () => {
    sim.addFault({ kind: 'drop', service: 'ecs', operation: 'UpdateService' });
    const run = await runAction({ endpoint: sim.url, inputs: rolling('tag=v2', { 'call-timeout': '3s' }) });
    expect(run.outputs.status).toBe('failed');
    expect(why(run)).toMatch(/nothing was changed \(service web read back unchanged\)/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('"rolled-back" after the circuit breaker is printed only once ECS has finished its rollback', async () => {
    // Tasks that never start: only ECS's circuit breaker acts on them (a crashing container is rolled back by us at its first exit).
    const run = await runAction({ endpoint: sim.url, inputs: rolling('tag=v2-image-pull-fail') });
    expect(run.outputs.status).toBe('rolled-back');
    expect(why(run)).toMatch(/ECS's rollback finished: service web is stable on web:1/);
    // The moment the step ended, the service was already steady on the previous revision.
    const now = await service(sim.url, 'web');
    const primary = now.deployments?.find((d) => d.status === 'PRIMARY');
    expect(primary?.taskDefinition).toMatch(/web:1$/);
    expect(primary?.rolloutState).toBe('COMPLETED');
    expect(now.runningCount).toBe(now.desiredCount);
  });

  test('a throttled CloudWatch does not blind the alarm gate: a CPU-burning release is rolled back by its alarm with traffic verified', async () => {
    sim.addFault({ kind: 'throttle', service: 'cloudwatch', operation: 'DescribeAlarms', rate: 0.6 });
    const run = await runAction({
      endpoint: sim.url,
      inputs: webInputs(s, { 'cpu-alarm-threshold': '70', 'traffic-steps': '10,100', 'step-bake': '10s' }, 'tag=v2-cpu-spike')
    });
    expect(run.outputs.status).toBe('rolled-back');
    expect(why(run)).toMatch(/alarm ecs-rollout-prod-web-green-cpu-\S+ is ALARM/);
    // Throttling was real: some of the gate's reads were refused, and the gate still decided.
    expect(sim.calls({ operation: 'DescribeAlarms' }).some((c) => c.error === 'Throttling' || c.error === 'ThrottlingException')).toBe(
      true
    );
    expect(await listener()).toEqual({ 'web-blue': 100, 'web-green': 0 });
  });
});

describe('paging', () => {
  test('60 named alarms (DescribeAlarms pages of 50) are all found and watched', async () => {
    const { cw } = (await import('./sim-helpers.js')).clients(sim.url);
    const { PutMetricAlarmCommand } = await import('@aws-sdk/client-cloudwatch');
    const names = Array.from({ length: 60 }, (_, i) => `web-alarm-${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'AWS/ECS',
          MetricName: 'CPUUtilization',
          Dimensions: [
            { Name: 'ClusterName', Value: 'prod' },
            { Name: 'ServiceName', Value: 'web' }
          ],
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 99,
          ComparisonOperator: 'GreaterThanThreshold'
        })
      );
    }
    const run = await runAction({ endpoint: sim.url, inputs: rolling('tag=v2', { alarms: names.join('\n'), 'bake-time': '1s' }) });
    expect(run.log).not.toMatch(/not found|missing/i);
    expect(run.outputs.status).toBe('succeeded');
  });
});

describe('CLI deployments keep their own state', () => {
  const cli = (args: string[], cwd: string, killWhen?: RegExp): Promise<CliRun> =>
    runCli(sim.url, args, { cwd, ...(killWhen ? { killWhen } : {}) });
  const deployArgs = (name: string, vars: string): string[] => [
    'deploy',
    '--task-definition',
    join(ROOT, 'examples/web.taskdef.json'),
    '--vars',
    `${VARS}\n${vars}`,
    '--cluster',
    'prod',
    '--service',
    name,
    '--poll-interval',
    '200ms'
  ];

  test('a deploy that succeeds does not delete a killed deploy’s state; rollback finds it and finishes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-safety-'));
    const killed = await cli(deployArgs('web', 'tag=v2-slow-start'), dir, /Updated service web/);
    expect(killed.status).toBeNull();
    const other = await cli(deployArgs('api-blue', 'tag=v5'), dir);
    expect(other.stdout).toMatch(/^status=/m);
    const left = readdirSync(join(dir, '.ecs-rollout')).filter((n) => n.startsWith('prod-web.'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^prod-web\.[0-9a-f]{8}\.json$/);
    const r = await cli(['rollback', '--cluster', 'prod', '--service', 'web'], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/rolled back/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
    expect(existsSync(join(dir, '.ecs-rollout', left[0]))).toBe(false);
  });
});
