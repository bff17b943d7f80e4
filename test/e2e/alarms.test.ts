/**
 * Alarm gates end to end (issue 6): dist/index.js (main + post step) as a runner runs it,
 * against the local ECS on a ×300 clock. Durations given to the action are real time:
 * with poll-interval 200ms one poll is one simulated minute, so `bake-time: 3s` is a
 * 15-minute bake. Every assertion reads the resulting state through the AWS SDK.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { startSim, type Sim } from '../../sim/server.js';
import { webBlueGreenInputs } from '../../sim/seed.js';
import { runAction, type ActionRun, type RunOptions } from '../../scripts/run-action.js';
import { FAST, VARS, alarmNames, clients, revisionOf, service, weights, why } from './sim-helpers.js';

let sim: Sim;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterEach(async () => {
  await sim.close();
});

const ACTION_KEY = 'AKIDE2EALARMS';
const run = (opts: Omit<RunOptions, 'endpoint'>): Promise<ActionRun> => runAction({ endpoint: sim.url, accessKeyId: ACTION_KEY, ...opts });

const rolling = (tag: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'task-definition': 'examples/web.taskdef.json',
  vars: `${VARS}\ntag=${tag}`,
  cluster: 'prod',
  service: 'web',
  ...FAST,
  ...extra
});

const blueGreen = (tag: string, extra: Record<string, string> = {}): Record<string, string> => {
  const s = sim.scenario!;
  return {
    'task-definition': 'examples/web.taskdef.json',
    vars: `${VARS}\ntag=${tag}`,
    ...webBlueGreenInputs(s),
    ...FAST,
    'step-bake': '400ms',
    'final-bake': '400ms',
    'termination-wait': '200ms',
    ...extra
  };
};

/** Every call of the action that changes something (ECS, ELB or CloudWatch). */
/** Calls that change ECS, ELB or CloudWatch (the deployment lock's own items in DynamoDB are bookkeeping: see lockBalanced). */
const mutatingCalls = (): string[] =>
  sim
    .calls({ accessKeyId: ACTION_KEY })
    .filter(
      (c) => c.service !== 'dynamodb' && /^(Update|Create|Delete|Register|Deregister|Run|Stop|Put|Set|Modify|Tag|Untag)/.test(c.operation)
    )
    .map((c) => `${c.service}:${c.operation}`);
/** Every lock the run took (a successful PutItem per key), it released (a successful DeleteItem). */
const lockBalanced = (): boolean => {
  const ok = (operation: string): number =>
    sim.calls({ accessKeyId: ACTION_KEY, service: 'dynamodb', operation }).filter((c) => !c.error).length;
  return ok('PutItem') === ok('DeleteItem');
};

/**
 * A user's own alarm on a metric nobody publishes. With TreatMissingData `ignore` the sim
 * (like CloudWatch) never re-evaluates it, so the state this test sets holds; with
 * `missing` it stays INSUFFICIENT_DATA.
 */
async function userAlarm(name: string, opts: { state?: StateValue; treatMissingData?: 'ignore' | 'missing' } = {}): Promise<void> {
  const { cw } = clients(sim.url);
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'Acme/Web',
      MetricName: 'CheckoutErrorRate',
      Dimensions: [{ Name: 'Service', Value: 'web' }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: opts.treatMissingData ?? 'ignore'
    })
  );
  if (opts.state) await setAlarm(name, opts.state, `set by the test (${opts.state})`);
}

async function setAlarm(name: string, state: StateValue, reason: string): Promise<void> {
  await clients(sim.url).cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }));
}

async function alarmState(name: string): Promise<string | undefined> {
  const out = await clients(sim.url).cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  return out.MetricAlarms?.[0]?.StateValue;
}

/**
 * Waits until the action is baking: in a rolling deployment with only named alarms, the
 * first DescribeAlarms is the up-front check and every later one is a bake-time gate check.
 */
async function untilBaking(pending: Promise<ActionRun>, checks = 2): Promise<void> {
  let finished = false;
  const done = (): void => {
    finished = true;
  };
  pending.then(done, done);
  const deadline = Date.now() + 30_000;
  while (sim.calls({ accessKeyId: ACTION_KEY, operation: 'DescribeAlarms' }).length < checks) {
    if (finished) throw new Error('the action ended before its bake began');
    if (Date.now() > deadline) throw new Error('the action never started baking');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Desired count and revision of each colour. */
async function colours(): Promise<Record<string, [number, string]>> {
  const out: Record<string, [number, string]> = {};
  for (const name of ['web-blue', 'web-green']) {
    const s = await service(sim.url, name);
    out[name] = [s.desiredCount ?? -1, s.taskDefinition?.split('/').pop() ?? ''];
  }
  return out;
}

describe('temporary CPU / memory alarms', () => {
  test('rolling, healthy release: temporary alarms are created, watched through the bake and deleted; the release stays', async () => {
    const r = await run({ inputs: rolling('v2', { 'cpu-alarm-threshold': '80', 'memory-alarm-threshold': '90', 'bake-time': '2s' }) });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'succeeded', 'rolled-back': 'false' });
    expect(r.log).toMatch(/created temporary alarm ecs-rollout-prod-web-cpu-\S+: CPUUtilization > 80 %/);
    expect(r.log).toMatch(/created temporary alarm ecs-rollout-prod-web-memory-\S+: MemoryUtilization > 90 %/);
    expect(sim.calls({ accessKeyId: ACTION_KEY, operation: 'PutMetricAlarm' })).toHaveLength(2);
    expect(await revisionOf(sim.url, 'web')).toBe('web:2');
    // Deleted by the main step when the deployment ended; the post step finds nothing left.
    expect(r.log).toMatch(/deleted temporary alarms ecs-rollout-prod-web-(cpu|memory)-/);
    expect(await alarmNames(sim.url)).toEqual([]);
    expect(r.post?.exitCode).toBe(0);
    expect(r.post?.log).toMatch(/nothing left to clean up/);
  });

  test('rolling: CPU climbs past the threshold during the bake → the temporary alarm fires → previous revision restored, alarm deleted', async () => {
    const started = Date.now();
    const r = await run({ inputs: rolling('v2-cpu-spike', { 'cpu-alarm-threshold': '80', 'bake-time': '3s' }) });
    const elapsed = Date.now() - started;
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(r.outputs['previous-task-definition-arn']).toMatch(/task-definition\/web:1$/);
    expect(why(r)).toMatch(/during the bake: alarm ecs-rollout-prod-web-cpu-\S+ is ALARM: Threshold Crossed/);
    // The analysis names the metric value and the threshold.
    expect(why(r)).toMatch(/latest value (9\d|1\d\d)(\.\d+)?, threshold 80/);
    // It fired during the bake: the 3 s bake never ran to its end.
    expect(r.log).toMatch(/Baking web:2/);
    expect(r.log).not.toMatch(/baked 3s/);
    const web = await service(sim.url, 'web');
    expect(web.taskDefinition).toMatch(/task-definition\/web:1$/);
    expect(web.deployments).toHaveLength(1);
    expect(web.runningCount).toBe(2);
    expect(r.log).toMatch(/deleted temporary alarm ecs-rollout-prod-web-cpu-/);
    expect(await alarmNames(sim.url)).toEqual([]);
    expect(r.post?.exitCode).toBe(0);
    expect(r.post?.log).toMatch(/nothing left to clean up/);
    expect(elapsed).toBeLessThan(30_000);
  });

  test('blue/green: a memory leak fires the temporary alarm at the 50 % step → traffic verified back on blue, green scaled down, alarms deleted', async () => {
    const before = await colours();
    expect(before).toEqual({ 'web-blue': [2, 'web:1'], 'web-green': [0, 'web:1'] });
    const r = await run({
      inputs: blueGreen('v2-memory-leak', { 'memory-alarm-threshold': '60', 'traffic-steps': '50,100', 'step-bake': '3s' })
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(why(r)).toMatch(/at 50 %.*alarm ecs-rollout-prod-web-green-memory-\S+ is ALARM/);
    expect(why(r)).toMatch(/100 % of traffic is back on web-blue \(web:1\), verified; web-green is scaled back to 0$/);
    expect(r.outputs).toMatchObject({ traffic: 'web-blue=100,web-green=0', 'live-service': 'web-blue', 'steps-completed': '1' });
    // The memory alarm was on green's own service, so blue's load could not mask it.
    const put = sim.calls({ accessKeyId: ACTION_KEY, operation: 'PutMetricAlarm' });
    expect(put).toHaveLength(1);
    expect(r.log).toMatch(/created temporary alarm ecs-rollout-prod-web-green-memory-/);
    // Green did serve half the traffic before the alarm fired.
    expect(sim.calls({ accessKeyId: ACTION_KEY, operation: 'ModifyListener' }).length).toBeGreaterThanOrEqual(2);
    expect(await weights(sim.url, sim.scenario!.listeners['web-alb:80'])).toEqual({ 'web-blue': 100, 'web-green': 0 });
    const after = await colours();
    expect(after['web-blue']).toEqual([2, 'web:1']);
    expect(after['web-green'][0]).toBe(0);
    expect((await service(sim.url, 'web-blue')).runningCount).toBe(2);
    expect(r.log).toMatch(/deleted temporary alarm ecs-rollout-prod-web-green-memory-/);
    expect(await alarmNames(sim.url)).toEqual([]);
    expect(r.post?.exitCode).toBe(0);
    expect(r.post?.log).toMatch(/nothing left to clean up/);
  });
});

describe("a user's named alarms", () => {
  test('goes to ALARM during the bake → aborted at once, rolled back, the reason names the alarm and its reason', async () => {
    await userAlarm('web-checkout-errors', { state: 'OK' });
    const started = Date.now();
    const pending = run({ inputs: rolling('v2', { alarms: 'web-checkout-errors', 'bake-time': '20s' }) });
    await untilBaking(pending);
    // The release is live on web:2 when the alarm fires.
    expect(await revisionOf(sim.url, 'web')).toBe('web:2');
    await setAlarm('web-checkout-errors', 'ALARM', 'checkout error rate 7 % (set by the test)');
    const firedAt = Date.now();
    const r = await pending;
    // The rollback's UpdateService went out within a few 200 ms polls of the alarm firing.
    const rollbackAt = sim.calls({ accessKeyId: ACTION_KEY, operation: 'UpdateService' }).at(-1)!.at;
    expect(rollbackAt - firedAt).toBeLessThan(2000);
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(why(r)).toMatch(/during the bake: alarm web-checkout-errors is ALARM: checkout error rate 7 %/);
    // Aborted within polls of the alarm, not at the end of the 20 s bake.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
    expect((await service(sim.url, 'web')).deployments).toHaveLength(1);
    // The user's alarm is theirs: never deleted.
    expect(await alarmState('web-checkout-errors')).toBe('ALARM');
  });

  test('blue/green: goes to ALARM during a step bake → traffic back on blue, green scaled down', async () => {
    await userAlarm('web-checkout-errors', { state: 'OK' });
    const pending = run({ inputs: blueGreen('v2', { alarms: 'web-checkout-errors', 'step-bake': '20s' }) });
    // Wait until green serves 10 %.
    const deadline = Date.now() + 30_000;
    while ((await weights(sim.url, sim.scenario!.listeners['web-alb:80']))['web-green'] !== 10) {
      if (Date.now() > deadline) throw new Error('green never reached 10 %');
      await new Promise((r) => setTimeout(r, 50));
    }
    await setAlarm('web-checkout-errors', 'ALARM', 'checkout error rate 7 % (set by the test)');
    const firedAt = Date.now();
    const r = await pending;
    // Traffic went back to blue (the last ModifyListener) within a few 200 ms polls of the alarm firing.
    const restoredAt = sim.calls({ accessKeyId: ACTION_KEY, operation: 'ModifyListener' }).at(-1)!.at;
    expect(restoredAt - firedAt).toBeLessThan(2000);
    expect(r.outputs).toMatchObject({
      status: 'rolled-back',
      'rolled-back': 'true',
      traffic: 'web-blue=100,web-green=0',
      'live-service': 'web-blue'
    });
    expect(why(r)).toMatch(/at 10 %.*alarm web-checkout-errors is ALARM: checkout error rate 7 %/);
    expect(await weights(sim.url, sim.scenario!.listeners['web-alb:80'])).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect((await colours())['web-green'][0]).toBe(0);
    expect(await alarmState('web-checkout-errors')).toBe('ALARM');
  });

  test('already in ALARM at the start, alarm-mode transitions (default): reported up front, the hotfix deploys while it stays red', async () => {
    await userAlarm('web-latency-high', { state: 'ALARM' });
    const r = await run({ inputs: rolling('v2', { alarms: 'web-latency-high', 'bake-time': '1s' }) });
    expect(r.log).toMatch(/alarm web-latency-high is already in ALARM: set by the test \(ALARM\)\. alarm-mode transitions/);
    // Reported before anything changed.
    expect(r.log.indexOf('already in ALARM')).toBeLessThan(r.log.indexOf('Updated service web'));
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'succeeded', 'rolled-back': 'false' });
    expect(await revisionOf(sim.url, 'web')).toBe('web:2');
    expect(await alarmState('web-latency-high')).toBe('ALARM');
  });

  test('already in ALARM at the start, alarm-mode transitions: it fires again during the bake (OK → ALARM) → rolled back', async () => {
    await userAlarm('web-latency-high', { state: 'ALARM' });
    const pending = run({ inputs: rolling('v2', { alarms: 'web-latency-high', 'bake-time': '20s' }) });
    await untilBaking(pending);
    await setAlarm('web-latency-high', 'OK', 'recovered (set by the test)');
    await untilBaking(pending, sim.calls({ accessKeyId: ACTION_KEY, operation: 'DescribeAlarms' }).length + 1);
    await setAlarm('web-latency-high', 'ALARM', 'p99 latency 2.4 s (set by the test)');
    const r = await pending;
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(why(r)).toMatch(/alarm web-latency-high is ALARM \(fired again after the deployment started\): p99 latency 2\.4 s/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('already in ALARM at the start, alarm-mode strict: reported up front, and the deployment is rolled back', async () => {
    await userAlarm('web-latency-high', { state: 'ALARM' });
    const r = await run({ inputs: rolling('v2', { alarms: 'web-latency-high', 'alarm-mode': 'strict', 'bake-time': '1s' }) });
    expect(r.log).toMatch(/alarm web-latency-high is already in ALARM: .*alarm-mode strict: the deployment fails while it stays in ALARM/);
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(why(r)).toMatch(/alarm web-latency-high is ALARM \(already in ALARM at the start; alarm-mode strict\)/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('blue/green, already in ALARM at the start, alarm-mode strict: no traffic ever moves to green', async () => {
    await userAlarm('web-latency-high', { state: 'ALARM' });
    const r = await run({ inputs: blueGreen('v2', { alarms: 'web-latency-high', 'alarm-mode': 'strict', 'inconclusive-limit': '3' }) });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', traffic: 'web-blue=100,web-green=0' });
    expect(why(r)).toMatch(/web-latency-high is ALARM \(already in ALARM at the start; alarm-mode strict\)/);
    expect(sim.calls({ accessKeyId: ACTION_KEY, operation: 'ModifyListener' })).toEqual([]);
    expect(await weights(sim.url, sim.scenario!.listeners['web-alb:80'])).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect((await colours())['web-green'][0]).toBe(0);
  });
});

describe('INSUFFICIENT_DATA past the inconclusive limit', () => {
  test('on-inconclusive fail (default): held up to the limit, then rolled back', async () => {
    await userAlarm('web-queue-depth', { treatMissingData: 'missing' });
    expect(await alarmState('web-queue-depth')).toBe('INSUFFICIENT_DATA');
    const r = await run({ inputs: rolling('v2', { alarms: 'web-queue-depth', 'inconclusive-limit': '3', 'bake-time': '5s' }) });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(why(r)).toMatch(/inconclusive for 3 checks \(limit 3\): alarm web-queue-depth has INSUFFICIENT_DATA/);
    // Held: one up-front check plus three bake checks (the limit-th decides, as in every strategy), no more.
    expect(sim.calls({ accessKeyId: ACTION_KEY, operation: 'DescribeAlarms' })).toHaveLength(4);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('on-inconclusive pass: a warning, and the release stays', async () => {
    await userAlarm('web-queue-depth', { treatMissingData: 'missing' });
    const r = await run({
      inputs: rolling('v2', { alarms: 'web-queue-depth', 'inconclusive-limit': '2', 'on-inconclusive': 'pass', 'bake-time': '1s' })
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'succeeded', 'rolled-back': 'false' });
    expect(r.log).toMatch(/web-queue-depth has INSUFFICIENT_DATA.*passing because on-inconclusive is pass/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:2');
  });
});

describe('a runner killed after the temporary alarms exist', () => {
  test('rolling, killed mid-deployment: the post step rolls back and deletes them', async () => {
    const inputs = rolling('v2-slow-start', { 'cpu-alarm-threshold': '80', 'memory-alarm-threshold': '90', 'bake-time': '2s' });
    const main = await run({ inputs, post: false, interrupt: { when: /Updated service web/, signal: 'SIGKILL', delayMs: 100 } });
    expect(main.signal).toBe('SIGKILL');
    // Left behind by the dead main step.
    const left = await alarmNames(sim.url);
    expect(left).toHaveLength(2);
    expect(left.every((n) => /^ecs-rollout-prod-web-(cpu|memory)-/.test(n))).toBe(true);
    // The post step, as the runner runs it: the main step's saved state as STATE_*.
    const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]));
    const post = await run({ inputs, env: stateEnv, post: false });
    expect(post.exitCode).toBe(0);
    expect(post.log).toMatch(/rolled back/);
    expect(post.log).toMatch(/deleted temporary alarms ecs-rollout-prod-web-/);
    expect(await alarmNames(sim.url)).toEqual([]);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });
  test('blue/green, killed while baking at 10 %: the post step puts traffic back on blue and deletes the alarms on green', async () => {
    const inputs = blueGreen('v2', { 'cpu-alarm-threshold': '80', 'memory-alarm-threshold': '90', 'step-bake': '20s' });
    const main = await run({ inputs, post: false, interrupt: { when: /Baking at 10 /, signal: 'SIGKILL', delayMs: 100 } });
    expect(main.signal).toBe('SIGKILL');
    expect(await weights(sim.url, sim.scenario!.listeners['web-alb:80'])).toEqual({ 'web-blue': 90, 'web-green': 10 });
    const left = await alarmNames(sim.url);
    expect(left).toHaveLength(2);
    expect(left.every((n) => /^ecs-rollout-prod-web-green-(cpu|memory)-/.test(n))).toBe(true);
    const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]));
    const post = await run({ inputs, env: stateEnv, post: false });
    expect(post.exitCode).toBe(0);
    expect(post.log).toMatch(/deleted temporary alarms ecs-rollout-prod-web-green-/);
    expect(await weights(sim.url, sim.scenario!.listeners['web-alb:80'])).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect((await colours())['web-green'][0]).toBe(0);
    expect(await alarmNames(sim.url)).toEqual([]);
  });
});

describe('bad alarm inputs: a clear error naming the input, nothing changed', () => {
  test.each([
    [
      'a named alarm that does not exist',
      { alarms: 'web-cpu-hihg' },
      /alarm "web-cpu-hihg" named in `alarms` does not exist in this account and region/
    ],
    [
      'a CPU threshold above 100',
      { 'cpu-alarm-threshold': '150' },
      /input `cpu-alarm-threshold` is "150" \(use a percentage from 1 to 100/
    ],
    [
      'a memory threshold of 0',
      { 'memory-alarm-threshold': '0' },
      /input `memory-alarm-threshold` is "0" \(use a percentage from 1 to 100/
    ],
    [
      'a period CloudWatch does not allow',
      { 'cpu-alarm-threshold': '80', 'alarm-period': '45' },
      /input `alarm-period` is 45 \(use 10, 30 or a multiple of 60 seconds/
    ],
    [
      'more datapoints than periods',
      { 'cpu-alarm-threshold': '80', 'alarm-evaluation-periods': '2', 'alarm-datapoints': '3' },
      /input `alarm-datapoints` is 3, more than input `alarm-evaluation-periods` \(2\)/
    ],
    [
      'an unknown alarm mode',
      { alarms: 'x', 'alarm-mode': 'lenient' },
      /input `alarm-mode` is "lenient" \(use one of: transitions, strict\)/
    ],
    [
      'ECS alarm rollback with no named alarm',
      { 'ecs-alarm-rollback': 'true', 'cpu-alarm-threshold': '80' },
      /input `ecs-alarm-rollback` is true but input `alarms` names no alarm/
    ]
  ])('%s', async (_name, extra, message) => {
    const r = await run({ inputs: rolling('v2', extra) });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(message);
    expect(mutatingCalls()).toEqual([]);
    expect(lockBalanced()).toBe(true);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
    expect(await alarmNames(sim.url)).toEqual([]);
  });

  test('several problems at once are all named', async () => {
    const r = await run({ inputs: rolling('v2', { 'cpu-alarm-threshold': '150', 'alarm-period': '45' }) });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(/2 problems:.*input `cpu-alarm-threshold` is "150".*input `alarm-period` is 45/);
    expect(mutatingCalls()).toEqual([]);
  });

  test('blue/green with a missing alarm: no service scaled, no weight moved', async () => {
    const r = await run({ inputs: blueGreen('v2', { alarms: 'web-cpu-hihg', 'cpu-alarm-threshold': '80' }) });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(/alarm "web-cpu-hihg" named in `alarms` does not exist/);
    expect(mutatingCalls()).toEqual([]);
    expect(lockBalanced()).toBe(true);
    expect(await colours()).toEqual({ 'web-blue': [2, 'web:1'], 'web-green': [0, 'web:1'] });
  });
});

describe('ecs-alarm-rollback', () => {
  test('hands the named alarms to ECS (deploymentConfiguration.alarms), never the temporary ones', async () => {
    await userAlarm('web-checkout-errors', { state: 'OK' });
    const r = await run({
      inputs: rolling('v2', { alarms: 'web-checkout-errors', 'ecs-alarm-rollback': 'true', 'cpu-alarm-threshold': '80', 'bake-time': '1s' })
    });
    expect(r.outputs.status).toBe('succeeded');
    const web = await service(sim.url, 'web');
    expect(web.taskDefinition).toMatch(/web:2$/);
    expect(web.deploymentConfiguration?.alarms).toEqual({ alarmNames: ['web-checkout-errors'], enable: true, rollback: true });
    expect(r.log).toMatch(/deleted temporary alarm ecs-rollout-prod-web-cpu-/);
    expect(await alarmNames(sim.url)).toEqual([]);
  });

  test('without it, the service has no deployment alarms', async () => {
    await userAlarm('web-checkout-errors', { state: 'OK' });
    const r = await run({ inputs: rolling('v2', { alarms: 'web-checkout-errors', 'bake-time': '1s' }) });
    expect(r.outputs.status).toBe('succeeded');
    const alarms = (await service(sim.url, 'web')).deploymentConfiguration?.alarms;
    expect(alarms?.alarmNames ?? []).toEqual([]);
  });
});
