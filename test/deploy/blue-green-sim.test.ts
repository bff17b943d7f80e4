/**
 * deployBlueGreen end to end against the local ECS, through the real createAws() and the
 * SDK's wire protocols. Most tests freeze the sim's clock and let our timer move it, so
 * every wait is exact and a test takes well under a second; one runs on a fast real clock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createAws, type Aws } from '../../src/aws/clients.js';
import { type BlueGreenState, BLUE_GREEN_STATE_KEY, deployBlueGreen, recoverBlueGreen } from '../../src/deploy/blue-green.js';
import type { BlueGreenSettings } from '../../src/deploy/blue-green-settings.js';
import { blueGreenStatus } from '../../src/deploy/status.js';
import type { DeployContext } from '../../src/deploy/types.js';
import { RecordingReporter } from '../../src/events.js';
import { realTimer, type Timer } from '../../src/timer.js';
import type { Scenario, Sim } from '../../sim/server.js';
import { MemoryState } from './rolling-fakes.js';
import { deploySettings } from './blue-green-fakes.js';

const SAVED_ENV = { ...process.env };
function pointAt(sim: Sim): void {
  process.env.AWS_ENDPOINT_URL = sim.url;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDBLUEGREEN';
  process.env.AWS_SECRET_ACCESS_KEY = 'sim-secret';
}

/** Our clock is the sim's: a sleep moves the frozen sim forward by exactly that long. */
function simTimer(sim: Sim): Timer {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return;
      t += ms;
      sim.advance(ms);
      await new Promise((r) => setImmediate(r));
    }
  };
}

function settingsFor(s: Scenario, over: Partial<BlueGreenSettings> = {}): BlueGreenSettings {
  return {
    colours: {
      blue: { service: 'web-blue', targetGroupArn: s.targetGroups['web-blue'] },
      green: { service: 'web-green', targetGroupArn: s.targetGroups['web-green'] }
    },
    target: { listenerArn: s.listeners['web-alb:80'] },
    steps: [10, 50, 100],
    stepBakeMs: 30_000,
    finalBakeMs: 60_000,
    terminationWaitMs: 30_000,
    onInterrupted: 'fail',
    idleDesiredCount: 0,
    ...over
  };
}

/** A new revision of `web` running `image`. */
async function register(aws: Aws, image: string): Promise<string> {
  const { taskDefinition: base } = await aws.ecs.describeTaskDefinition('web');
  const registered = await aws.ecs.registerTaskDefinition({
    family: 'web',
    requiresCompatibilities: base.requiresCompatibilities,
    networkMode: base.networkMode,
    cpu: base.cpu,
    memory: base.memory,
    executionRoleArn: base.executionRoleArn,
    containerDefinitions: (base.containerDefinitions ?? []).map((c) => ({ ...c, image }))
  });
  return registered.taskDefinitionArn!;
}

type Traffic = { targetGroups: { name: string; requests: number }[] };
function requests(sim: Sim): Record<string, number> {
  return Object.fromEntries((sim.traffic() as Traffic).targetGroups.map((g) => [g.name, g.requests]));
}

describe('deployBlueGreen against the local ECS (frozen clock moved by our timer)', () => {
  let sim: Sim;
  let aws: Aws;
  let startSim: (opts: { seed?: boolean; timeScale?: number }) => Promise<Sim>;

  beforeAll(async () => {
    ({ startSim } = await import('../../sim/server.js'));
  });
  beforeEach(async () => {
    sim = await startSim({ seed: true, timeScale: 0 });
    pointAt(sim);
    aws = createAws({ maxAttempts: 2 });
  });
  afterEach(async () => {
    await sim?.close();
  });
  afterAll(() => {
    process.env = SAVED_ENV;
  });

  function context(state = new MemoryState(), signal = new AbortController().signal): DeployContext & { reporter: RecordingReporter } {
    return { aws, reporter: new RecordingReporter(), timer: simTimer(sim), signal, state };
  }

  async function listenerWeights(): Promise<Record<string, number>> {
    const l = await aws.elb.describeListener(sim.scenario!.listeners['web-alb:80']);
    const tgs = l.DefaultActions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
    return Object.fromEntries(tgs.map((t) => [t.TargetGroupArn!.split('/')[1], t.Weight ?? 0]));
  }

  async function desired(): Promise<Record<string, [number | undefined, string | undefined]>> {
    const { services } = await aws.ecs.describeServices('prod', ['web-blue', 'web-green']);
    return Object.fromEntries(services.map((s) => [s.serviceName!, [s.desiredCount, s.taskDefinition?.split('/').pop()]]));
  }

  it('a good release: 10/50/100 → green serves every request, blue scaled to zero; a second deployment flips back', async () => {
    const v2 = await register(aws, 'registry.example.com/web:v2');
    const ctx = context();
    const before = requests(sim);
    const result = await deployBlueGreen(deploySettings(), settingsFor(sim.scenario!), v2, ctx);
    expect(result.reason).toMatch(/web-green serves 100 %/);
    expect(result.status).toBe('succeeded');
    expect(await listenerWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
    expect(await desired()).toEqual({ 'web-blue': [0, 'web:1'], 'web-green': [2, 'web:2'] });
    expect(result.outputs).toMatchObject({ 'live-service': 'web-green', traffic: 'web-blue=0,web-green=100', 'steps-completed': '3' });
    // Green took a share during the steps…
    const during = requests(sim);
    expect(during['web-green'] - before['web-green']).toBeGreaterThan(0);
    // …and now every request.
    sim.advance(60_000);
    const after = requests(sim);
    expect(after['web-green'] - during['web-green']).toBe(3000);
    expect(after['web-blue'] - during['web-blue']).toBe(0);

    const v3 = await register(aws, 'registry.example.com/web:v3');
    const second = await deployBlueGreen(deploySettings(), settingsFor(sim.scenario!), v3, context());
    expect(second.status).toBe('succeeded');
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await desired()).toEqual({ 'web-blue': [2, 'web:3'], 'web-green': [0, 'web:2'] });
  });

  it('targets unhealthy in the idle group → no request ever reached green, green scaled back to zero', async () => {
    const bad = await register(aws, 'registry.example.com/web:v2-unhealthy');
    const before = requests(sim);
    const result = await deployBlueGreen(deploySettings(), settingsFor(sim.scenario!), bad, context());
    expect(result.status).toBe('rolled-back');
    // The sim, like ECS, replaces tasks that fail ELB health checks, so the circuit breaker may trip before our gate sees them.
    expect(result.reason).toMatch(/Target\.ResponseCodeMismatch|circuit breaker/);
    expect(result.reason).toMatch(/100 % of traffic is back on web-blue \(web:1\), verified; web-green is scaled back to 0$/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect((await desired())['web-green'][0]).toBe(0);
    expect(requests(sim)['web-green'] - before['web-green']).toBe(0);
  });

  it('a release that crashes → stopped at its first exit (before the circuit breaker), no traffic moved', async () => {
    const bad = await register(aws, 'registry.example.com/web:v2-crash');
    const result = await deployBlueGreen(deploySettings(), settingsFor(sim.scenario!), bad, context());
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^web-green: essential container web of web:2 exited with code 1 in \d tasks? \(\w+/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect((await desired())['web-green'][0]).toBe(0);
  });

  it('a memory leak fires the temporary alarm on green during the bake → traffic back on blue, alarms deleted', async () => {
    const leak = await register(aws, 'registry.example.com/web:v2-memory-leak');
    const ctx = context();
    const gates = {
      settings: {
        alarms: [],
        temporary: { memoryThreshold: 60, period: 60, evaluationPeriods: 1, datapoints: 1 },
        mode: 'transitions' as const,
        ecsAlarmRollback: false,
        inconclusive: { limit: 30, decide: 'fail' as const }
      },
      baseline: {},
      deploymentTag: 'sim-leak'
    };
    const result = await deployBlueGreen(deploySettings(), settingsFor(sim.scenario!, { stepBakeMs: 10 * 60_000 }), leak, ctx, { gates });
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/gate alarms failed at 10 %: alarm ecs-rollout-prod-web-green-memory-sim-leak is ALARM/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect((await desired())['web-green'][0]).toBe(0);
    const { metricAlarms } = await aws.cloudwatch.describeAlarms(['ecs-rollout-prod-web-green-memory-sim-leak']);
    expect(metricAlarms).toEqual([]);
  });

  it('the ELB ignores one ModifyListener (sim fault) → the read-back notices and applies it again', async () => {
    sim.addFault({ kind: 'ignore', service: 'elbv2', operation: 'ModifyListener', count: 1 });
    const v2 = await register(aws, 'registry.example.com/web:v2');
    const ctx = context();
    const result = await deployBlueGreen(deploySettings(), settingsFor(sim.scenario!), v2, ctx);
    expect(result.status).toBe('succeeded');
    expect(ctx.reporter.lines.some((l) => /ignored the first change of weights; applying it again worked/.test(l))).toBe(true);
    expect(sim.calls({ service: 'elbv2', operation: 'ModifyListener' })).toHaveLength(4);
  });

  it('a listener rule instead of the default action', async () => {
    const s = sim.scenario!;
    const api = await aws.ecs.describeTaskDefinition('api');
    const v2 = (
      await aws.ecs.registerTaskDefinition({
        family: 'api',
        requiresCompatibilities: api.taskDefinition.requiresCompatibilities,
        networkMode: api.taskDefinition.networkMode,
        cpu: api.taskDefinition.cpu,
        memory: api.taskDefinition.memory,
        executionRoleArn: api.taskDefinition.executionRoleArn,
        containerDefinitions: (api.taskDefinition.containerDefinitions ?? []).map((c) => ({ ...c, image: 'registry.example.com/api:v2' }))
      })
    ).taskDefinitionArn!;
    const bg: BlueGreenSettings = {
      ...settingsFor(s, { steps: [50, 100] }),
      colours: {
        blue: { service: 'api-blue', targetGroupArn: s.targetGroups['api-blue'] },
        green: { service: 'api-green', targetGroupArn: s.targetGroups['api-green'] }
      },
      target: { ruleArn: s.rules['api-alb:80:10'] }
    };
    const result = await deployBlueGreen(deploySettings(), bg, v2, context());
    expect(result.status).toBe('succeeded');
    expect(result.outputs.traffic).toBe('api-blue=0,api-green=100');
    const status = await blueGreenStatus(bg, deploySettings(), context());
    expect(status).toMatchObject({ live: 'green', weights: { blue: 0, green: 100 } });
    const during = requests(sim);
    sim.advance(60_000);
    expect(requests(sim)['api-green'] - during['api-green']).toBe(3000);
  });

  it('the main step dies mid-shift → recoverBlueGreen (the post step) restores 100/0', async () => {
    const v2 = await register(aws, 'registry.example.com/web:v2');
    const state = new MemoryState();
    const ctx = context(state);
    const timer = ctx.timer;
    let dead = false;
    // The process "dies" in the bake at 50 %: from then on its sleeps never return.
    ctx.timer = {
      now: () => timer.now(),
      sleep: (ms, signal) => (dead ? new Promise<void>(() => undefined) : timer.sleep(ms, signal))
    };
    void deployBlueGreen(deploySettings(), settingsFor(sim.scenario!), v2, ctx);
    for (let i = 0; i < 400 && state.load<BlueGreenState>(BLUE_GREEN_STATE_KEY)?.percent !== 50; i++)
      await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 200 && (await listenerWeights())['web-green'] !== 50; i++) await new Promise((r) => setTimeout(r, 5));
    dead = true;
    expect(await listenerWeights()).toEqual({ 'web-blue': 50, 'web-green': 50 });

    const what = await recoverBlueGreen(context(state));
    expect(what).toMatch(/stopped while shifting web:2 into web-green: rolled back/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect((await desired())['web-green'][0]).toBe(0);
  });
});

describe('deployBlueGreen against the local ECS on a fast real clock', () => {
  let sim: Sim;
  afterAll(async () => {
    await sim?.close();
    process.env = SAVED_ENV;
  });

  it('a good release with a compressed clock and real waits', async () => {
    const { startSim } = await import('../../sim/server.js');
    const scale = 300;
    sim = await startSim({ seed: true, timeScale: scale });
    pointAt(sim);
    const aws = createAws({ maxAttempts: 2 });
    const v2 = await register(aws, 'registry.example.com/web:v2');
    const real = (simMs: number): number => Math.ceil(simMs / scale);
    const ctx: DeployContext = {
      aws,
      reporter: new RecordingReporter(),
      timer: realTimer,
      signal: new AbortController().signal,
      state: new MemoryState()
    };
    const result = await deployBlueGreen(
      deploySettings({ pollIntervalMs: real(5_000), timeoutMs: real(10 * 60_000) }),
      settingsFor(sim.scenario!, { stepBakeMs: real(30_000), finalBakeMs: real(30_000), terminationWaitMs: real(10_000) }),
      v2,
      ctx,
      { readDelayMs: 5 }
    );
    expect(result.status).toBe('succeeded');
    const l = await aws.elb.describeListener(sim.scenario!.listeners['web-alb:80']);
    expect(l.DefaultActions![0].ForwardConfig!.TargetGroups!.map((t) => t.Weight)).toEqual([0, 100]);
    const { services } = await aws.ecs.describeServices('prod', ['web-blue', 'web-green']);
    expect(services.map((s) => s.desiredCount)).toEqual([0, 2]);
  });
});
