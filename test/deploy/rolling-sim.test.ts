/**
 * deployRolling against the local ECS through the real createAws() (the SDK, the wire
 * protocols, the sim's ECS model). The sim's clock is frozen (time scale 0) and our timer's
 * sleeps advance it, so a 10-minute deployment runs in milliseconds and exactly.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { startSim, type Sim } from '../../sim/server.js';
import { createAws, type Aws } from '../../src/aws/clients.js';
import { deployRolling } from '../../src/deploy/rolling.js';
import { rollbackRolling, type RollingState } from '../../src/deploy/rollback.js';
import type { DeployContext } from '../../src/deploy/types.js';
import { RecordingReporter } from '../../src/events.js';
import type { Timer } from '../../src/timer.js';
import { MemoryState, settings } from './rolling-fakes.js';

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
    AWS_ACCESS_KEY_ID: 'AKIDROLLING',
    AWS_SECRET_ACCESS_KEY: 'x'
  });
  aws = createAws({ maxAttempts: 1 });
});
afterEach(async () => {
  await sim.close();
});

/** Our monotonic clock is the sim's: each sleep moves simulated time. */
function simTimer(onSleep?: (elapsed: number) => void): Timer & { elapsed: number } {
  const t = {
    elapsed: 0,
    now: () => t.elapsed,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) return;
      sim.advance(ms);
      t.elapsed += ms;
      onSleep?.(t.elapsed);
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

/** Registers web's revision 1 again with another image tag (the sim reads the behaviour from the tag). */
async function revision(tag: string, container: Partial<ContainerDefinition> = {}): Promise<string> {
  const { taskDefinition: td } = await aws.ecs.describeTaskDefinition(sim.scenario!.taskDefinitions.web);
  const input: RegisterTaskDefinitionCommandInput = {
    family: td.family!,
    containerDefinitions: td.containerDefinitions!.map((c) => ({ ...c, image: c.image!.replace(/:[^:]+$/, `:${tag}`), ...container })),
    requiresCompatibilities: td.requiresCompatibilities,
    networkMode: td.networkMode,
    cpu: td.cpu,
    memory: td.memory,
    executionRoleArn: td.executionRoleArn
  };
  return (await aws.ecs.registerTaskDefinition(input)).taskDefinitionArn!;
}

async function running(): Promise<string> {
  const { services } = await aws.ecs.describeServices('prod', ['web']);
  return services[0].taskDefinition!.split('/').pop()!;
}

const simSettings = (over = {}) => settings({ cluster: 'prod', service: 'web', timeoutMs: 15 * 60_000, ...over });

describe('rolling deployments on the local ECS', () => {
  test('a good release succeeds and the service runs it', async () => {
    const arn = await revision('v2');
    const timer = simTimer();
    const { ctx, reporter } = ctxFor(timer);
    const result = await deployRolling(simSettings(), arn, ctx);
    expect(result.status).toBe('succeeded');
    expect(await running()).toBe('web:2');
    expect(reporter.events.some((e) => e.kind === 'service-event' && /steady state/.test(e.message))).toBe(true);
  });

  test('a crashing image: rolled back by us at the first crash, before the circuit breaker, with the exit code', async () => {
    const arn = await revision('v2-crash');
    const { ctx, reporter } = ctxFor(simTimer());
    const result = await deployRolling(simSettings(), arn, ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(
      /^essential container web of web:2 exited with code 1 in 1 task .*: rolled back, service web is stable on web:1/
    );
    const evidence = reporter.events.flatMap((e) => (e.kind === 'evidence' ? e.lines : [])).join('\n');
    expect(evidence).toMatch(/exit 1/);
    expect(await running()).toBe('web:1');
    const { services } = await aws.ecs.describeServices('prod', ['web']);
    const failed = services[0].deployments!.find((d) => d.taskDefinition === arn);
    // Gone already, or drained with fewer failures than the breaker's threshold: ECS never tripped it.
    expect(failed?.rolloutState ?? 'gone').not.toBe('FAILED');
  });

  test('an image that cannot be pulled: the ECS circuit breaker rollback is reported', async () => {
    const arn = await revision('v2-image-pull-fail');
    const { ctx, reporter } = ctxFor(simTimer());
    const result = await deployRolling(simSettings(), arn, ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/ECS rolled the service back to web:1/);
    const evidence = reporter.events.flatMap((e) => (e.kind === 'evidence' ? e.lines : [])).join('\n');
    expect(evidence).toMatch(/CannotPullContainerError/);
    expect(await running()).toBe('web:1');
  });

  test('failing health checks: rolled back, and the evidence names the health check failure', async () => {
    const arn = await revision('v2-unhealthy');
    const { ctx, reporter } = ctxFor(simTimer());
    const result = await deployRolling(simSettings(), arn, ctx);
    expect(result.status).toBe('rolled-back');
    const evidence = reporter.events.flatMap((e) => (e.kind === 'evidence' ? [e.title, ...e.lines] : [])).join('\n');
    expect(evidence).toMatch(/Last events of service web\n(.+\n)*.*is unhealthy in \(target-group .*Health checks failed/);
    expect(evidence).toMatch(/Target\.(FailedHealthChecks|ResponseCodeMismatch)|failed ELB health checks/);
    expect(await running()).toBe('web:1');
  });

  test('circuit breaker off and tasks fail to start: stuck, rolled back by us', async () => {
    const arn = await revision('v2-image-pull-fail');
    const timer = simTimer();
    const { ctx } = ctxFor(timer);
    const result = await deployRolling(simSettings({ circuitBreaker: false }), arn, ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/failed to start|not stable/);
    expect(await running()).toBe('web:1');
  });

  test('slower than the timeout: our rollback, previous revision running and alone', async () => {
    const arn = await revision('v2-slow-start');
    const { ctx } = ctxFor(simTimer());
    const result = await deployRolling(simSettings({ timeoutMs: 60_000 }), arn, ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/not stable after 1m \(the timeout\): rolled back/);
    const { services } = await aws.ecs.describeServices('prod', ['web']);
    expect(services[0].taskDefinition).toMatch(/web:1$/);
    expect(services[0].deployments).toHaveLength(1);
  });

  test('cancellation mid-deployment rolls back to the previous revision', async () => {
    const arn = await revision('v2-slow-start');
    const controller = new AbortController();
    const timer = simTimer((elapsed) => {
      if (elapsed >= 30_000) controller.abort(new Error('cancelled (SIGTERM)'));
    });
    const { ctx } = ctxFor(timer, controller.signal);
    const result = await deployRolling(simSettings(), arn, ctx);
    expect(result.status).toBe('rolled-back');
    expect(result.reason).toMatch(/^cancelled \(SIGTERM\)/);
    expect(await running()).toBe('web:1');
  });

  test('a failing migration leaves the service untouched and shows the exit code', async () => {
    const arn = await revision('v2');
    const { ctx } = ctxFor(simTimer());
    const runTask = {
      environment: new Map([
        ['SIM_BEHAVIOUR', 'crash'],
        ['SIM_EXIT_CODE', '3']
      ]),
      startedBy: 'migrate'
    };
    const result = await deployRolling(simSettings({ runTask }), arn, ctx);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/container web exited with code 3/);
    expect(sim.calls({ operation: 'UpdateService', accessKeyId: 'AKIDROLLING' })).toHaveLength(0);
    expect(await running()).toBe('web:1');
  });

  test('the post step finishes a rollback the main step never started', async () => {
    const arn = await revision('v2-slow-start');
    await aws.ecs.updateService({ cluster: 'prod', service: 'web', taskDefinition: arn });
    const state: RollingState = {
      cluster: 'prod',
      service: 'web',
      taskDefinitionArn: arn,
      previousTaskDefinitionArn: sim.scenario!.taskDefinitions.web,
      phase: 'watching',
      pollIntervalMs: 5_000,
      timeoutMs: 10 * 60_000
    };
    const { ctx } = ctxFor(simTimer());
    const result = await rollbackRolling(state, ctx);
    expect(result.status).toBe('rolled-back');
    expect(await running()).toBe('web:1');
  });

  test('polls cost one DescribeServices each, and a good release takes few calls', async () => {
    const arn = await revision('v2');
    const timer = simTimer();
    const { ctx } = ctxFor(timer);
    sim.clearCalls();
    await deployRolling(simSettings(), arn, ctx);
    const calls = sim.calls({ accessKeyId: 'AKIDROLLING' });
    const describes = calls.filter((c) => c.operation === 'DescribeServices').length;
    // One describe before the update, then one per poll (the first is immediate).
    expect(describes).toBe(1 + Math.round(timer.elapsed / 5_000) + 1);
    expect(calls.filter((c) => c.operation === 'UpdateService')).toHaveLength(1);
  });
});
