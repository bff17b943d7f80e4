import type { Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { formatDuration } from '../duration.js';
import { errorMessage, InputError } from '../errors.js';
import type { Reporter } from '../events.js';
import type { Gate, GateResult } from '../gates/types.js';
import { runMigration } from './migrate.js';
import { ROLLING_STATE_KEY, awaitEcsRollback, restorePrevious, rollbackTimeout, type RollingPhase, type RollingState } from './rollback.js';
import { stopText, watchScope } from './scope.js';
import { applyUpdate } from './update.js';
import type { DeploySettings } from './settings.js';
import type { DeployContext, DeployResult } from './types.js';
import { abortReason, explain, gateLabel, outcomePhase, watchDeployment, type DeploymentDecision } from './watching.js';
export { stuckThreshold } from './watching.js';
import { judge, revision, type OurDeployment } from './verdict.js';
import { ServiceWatcher, controllerProblem, describeService, type WatchEnd } from './watch.js';

export interface RollingOptions {
  /** Checked every poll during the bake: fail rolls back, inconclusive holds up to `inconclusiveLimit`. */
  gates?: Gate[];
  /** Consecutive inconclusive rounds held before `onInconclusive` decides. Default 10. */
  inconclusiveLimit?: number;
  onInconclusive?: 'fail' | 'pass';
  /** Alarms handed to ECS (deploymentConfiguration.alarms, with rollback) so ECS acts even when we are not running. */
  ecsAlarmNames?: string[];
}

/** How the watch and the bake ended. */
type Outcome =
  | { kind: 'succeeded'; reason: string }
  | { kind: 'rolled-back-by-ecs'; reason: string }
  /** We put the previous revision back ourselves. */
  | { kind: 'roll-back'; reason: string }
  /** Failed, and the service is not ours to roll back (someone else deployed over us). */
  | { kind: 'failed'; reason: string };

/**
 * The rolling strategy, read top to bottom: describe → (migrate) → update → watch →
 * (bake) → verdict, and on failure evidence → roll back.
 */
export async function deployRolling(
  settings: DeploySettings,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: RollingOptions = {}
): Promise<DeployResult> {
  const { cluster } = settings;
  const result = (status: DeployResult['status'], reason: string, extra: Partial<DeployResult> = {}): DeployResult => {
    const r: DeployResult = { status, reason, taskDefinitionArn, rolledBack: status === 'rolled-back', outputs: {}, ...extra };
    ctx.reporter.event({ kind: 'verdict', status, reason, at: ctx.timer.now() });
    return r;
  };

  // Nothing is changed before these checks pass, so any failure here leaves the service as it was.
  let before: Service;
  let name: string;
  try {
    if (!settings.service) throw new InputError('strategy rolling needs a service', {}, 'set the service input');
    name = settings.service;
    before = await describeService(ctx, cluster, name);
    const problem = controllerProblem(before, cluster);
    if (problem) throw new Error(problem);
  } catch (error) {
    return result('failed', `${errorMessage(error)}; nothing was changed`);
  }
  const previous = previousRevision(before, ctx.reporter);
  const known = { previousTaskDefinitionArn: previous };
  ctx.reporter.info(`Service ${name} in cluster ${cluster} runs ${revision(previous)}; deploying ${revision(taskDefinitionArn)}`);

  if (settings.runTask) {
    const run = settings.runTask;
    const migration = await outcomePhase(ctx.reporter, 'migrate', `Running the migration task of ${revision(taskDefinitionArn)}`, async () => {
      try {
        const m = await runMigration(run, { cluster, taskDefinitionArn, service: before, pollIntervalMs: settings.pollIntervalMs, timeoutMs: settings.timeoutMs }, ctx);
        return { ok: m.ok, value: m };
      } catch (error) {
        return { ok: false, value: { ok: false as const, reason: `the migration task failed: ${errorMessage(error)}; the service was not updated` } };
      }
    });
    if (!migration.ok) return result('failed', migration.reason, known);
  }
  if (ctx.signal.aborted) return result('failed', 'cancelled before the service was updated; nothing was changed', known);

  const state: RollingState = {
    cluster,
    service: name,
    taskDefinitionArn,
    previousTaskDefinitionArn: previous,
    phase: 'updating',
    pollIntervalMs: settings.pollIntervalMs,
    timeoutMs: rollbackTimeout(settings.timeoutMs, settings.pollIntervalMs)
  };
  if (settings.desiredCount !== undefined && before.desiredCount !== undefined) state.previousDesiredCount = before.desiredCount;
  const save = (phase: RollingPhase): void => {
    state.phase = phase;
    ctx.state.save(ROLLING_STATE_KEY, state);
  };
  // The watch and the bake are bounded by the timeout (plus the bake time): a hung read, a
  // throttled API or a lost lock can delay the verdict, never stop it.
  const scope = watchScope(ctx, { deadlineMs: settings.timeoutMs + settings.bakeTimeMs, pollIntervalMs: settings.pollIntervalMs });
  const live = scope.ctx;
  const watcher = new ServiceWatcher(live, cluster, [name], { pollIntervalMs: settings.pollIntervalMs });
  watcher.anchor(before);
  // Evidence and the rollback read with the unbounded clients: they must finish after a stop.
  const evidence = (ours: OurDeployment): Promise<void> => explain(ctx, cluster, watcher.withContext(ctx), name, ours);

  const title = `Deploying ${revision(taskDefinitionArn)} to service ${name} in cluster ${cluster}`;
  const deployed = await outcomePhase(ctx.reporter, 'deploy', title, async () => {
    save('updating');
    const update = await applyUpdate(ctx, updateInput(settings, name, taskDefinitionArn, before, opts), before, taskDefinitionArn);
    if (update.kind === 'unchanged') {
      save('done');
      return { ok: false, value: { kind: 'failed' as const, reason: `${update.reason}; nothing was changed (service ${name} read back unchanged)` } };
    }
    if (update.kind === 'unknown') return { ok: false, value: { kind: 'roll-back' as const, reason: update.reason } };
    const deploymentId = update.deploymentId;
    if (deploymentId) state.deploymentId = deploymentId;
    save('watching');
    ctx.reporter.info(`Updated service ${name}: ${revision(previous)} → ${revision(taskDefinitionArn)}${deploymentId ? ` (deployment ${deploymentId})` : ''}`);
    if (!settings.waitForServiceStability) {
      save('done');
      const reason = `service ${name} was updated to ${revision(taskDefinitionArn)}; not waited for stability (wait-for-service-stability is false)`;
      return { ok: true, value: { kind: 'succeeded' as const, reason } };
    }
    const ours: OurDeployment = { taskDefinitionArn, previousTaskDefinitionArn: previous, ...(deploymentId ? { deploymentId } : {}) };
    const outcome = await watchRollout(settings, name, ours, watcher, live, ctx);
    // Our own rollback comes first; its evidence is gathered once the rollback is under way.
    if (outcome.kind !== 'succeeded' && outcome.kind !== 'roll-back') await evidence(ours);
    return { ok: outcome.kind === 'succeeded', value: outcome };
  });
  const ids = { ...known, ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}) };

  let outcome: Outcome = deployed;
  const gates = opts.gates ?? [];
  if (outcome.kind === 'succeeded' && settings.waitForServiceStability && (settings.bakeTimeMs > 0 || gates.length > 0)) {
    const ours: OurDeployment = { taskDefinitionArn, previousTaskDefinitionArn: previous, ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}) };
    const bakeTitle = `Baking ${revision(taskDefinitionArn)} for ${formatDuration(settings.bakeTimeMs)}${gates.length ? ` while watching ${gates.length} gate${gates.length > 1 ? 's' : ''}` : ''}`;
    outcome = await outcomePhase(ctx.reporter, 'bake', bakeTitle, async () => {
      const baked = await bake(settings, name, ours, watcher, live, ctx, opts, deployed.reason);
      if (baked.kind !== 'succeeded' && baked.kind !== 'roll-back') await evidence(ours);
      return { ok: baked.kind === 'succeeded', value: baked };
    });
  }

  scope.dispose();
  const unbounded = watcher.withContext(ctx);
  switch (outcome.kind) {
    case 'succeeded':
      if (state.phase !== 'done') save('done');
      return result('succeeded', outcome.reason, ids);
    case 'rolled-back-by-ecs': {
      // "Rolled back" is printed only once ECS's own rollback has finished.
      save('rolling-back');
      const settled = await ctx.reporter.phase('rollback', `Waiting for ECS to finish rolling service ${name} back to ${revision(previous)}`, () =>
        awaitEcsRollback(ctx, state, unbounded)
      );
      save(settled.ok ? 'done' : 'rolling-back');
      if (settled.ok) return result('rolled-back', `${outcome.reason}; ${settled.detail}`, ids);
      return result('failed', `${outcome.reason}, and ECS's rollback has not finished: ${settled.detail}`, ids);
    }
    case 'failed':
      if (state.phase !== 'done') save('done');
      return result('failed', outcome.reason, ids);
    case 'roll-back': {
      const why = outcome.reason;
      const ours: OurDeployment = { taskDefinitionArn, previousTaskDefinitionArn: previous, ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}) };
      // Production first: the rollback's UpdateService goes out before anything else; the evidence
      // (reads only) is gathered while ECS brings the previous revision back.
      const restored = await ctx.reporter.phase('rollback', `Rolling back service ${name} to ${revision(previous)}`, () =>
        restorePrevious(ctx, { ...state }, unbounded, () => evidence(ours))
      );
      if (restored.ok) return result('rolled-back', `${why}: rolled back, ${restored.detail}`, ids);
      return result('failed', `${why}, and the rollback failed: ${restored.detail}`, ids);
    }
  }
}

/**
 * The revision to go back to. Normally the PRIMARY's; when an earlier deployment is still
 * in progress (an interrupted run), the one actually serving: the deployment with the most
 * running tasks that is not failing.
 */
export function previousRevision(service: Service, reporter?: Reporter): string {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const fallback = service.taskDefinition ?? primary?.taskDefinition ?? '';
  if (!primary || deployments.length === 1 || primary.rolloutState === 'COMPLETED') return primary?.taskDefinition ?? fallback;
  const serving = deployments
    .filter((d) => d.rolloutState !== 'FAILED')
    .sort((a, b) => (b.runningCount ?? 0) - (a.runningCount ?? 0))[0];
  const chosen = serving?.taskDefinition ?? fallback;
  reporter?.warning(
    `Service ${service.serviceName ?? ''} already has a deployment in progress (${primary.id}, ${revision(primary.taskDefinition)}); ` +
      `a rollback would return to ${revision(chosen)}, the revision with the most running tasks`
  );
  return chosen;
}

export function updateInput(
  settings: DeploySettings,
  service: string,
  taskDefinitionArn: string,
  before: Service,
  opts: RollingOptions
): UpdateServiceCommandInput {
  const on = settings.circuitBreaker;
  const deploymentConfiguration: NonNullable<UpdateServiceCommandInput['deploymentConfiguration']> = {
    // Keep what the service has (minimum healthy / maximum percent, alarms…); we only set what we own.
    ...(before.deploymentConfiguration ?? {}),
    deploymentCircuitBreaker: { enable: on, rollback: on }
  };
  if (opts.ecsAlarmNames?.length) deploymentConfiguration.alarms = { alarmNames: opts.ecsAlarmNames, enable: true, rollback: true };
  const input: UpdateServiceCommandInput = {
    cluster: settings.cluster,
    service,
    taskDefinition: taskDefinitionArn,
    forceNewDeployment: settings.forceNewDeployment,
    deploymentConfiguration
  };
  if (settings.desiredCount !== undefined) input.desiredCount = settings.desiredCount;
  if (settings.propagateTags !== undefined) input.propagateTags = settings.propagateTags;
  if (settings.enableEcsManagedTags !== undefined) input.enableECSManagedTags = settings.enableEcsManagedTags;
  if (settings.enableExecuteCommand !== undefined) input.enableExecuteCommand = settings.enableExecuteCommand;
  if (settings.healthCheckGracePeriodSeconds !== undefined) input.healthCheckGracePeriodSeconds = settings.healthCheckGracePeriodSeconds;
  return input;
}



async function watchRollout(
  settings: DeploySettings,
  name: string,
  ours: OurDeployment,
  watcher: ServiceWatcher,
  live: DeployContext,
  ctx: DeployContext
): Promise<Outcome> {
  let end: WatchEnd<DeploymentDecision>;
  try {
    end = await watchDeployment(watcher, live, name, ours, settings);
  } catch (error) {
    return { kind: 'roll-back', reason: `watching the deployment failed: ${errorMessage(error)}` };
  }
  if (end.kind === 'cancelled' && !ctx.signal.aborted) end = { kind: 'timeout', waitedMs: settings.timeoutMs };
  switch (end.kind) {
    case 'cancelled':
      return { kind: 'roll-back', reason: `cancelled (${abortReason(ctx.signal)}) while ${revision(ours.taskDefinitionArn)} was rolling out` };
    case 'timeout':
      return { kind: 'roll-back', reason: `${revision(ours.taskDefinitionArn)} was not stable after ${formatDuration(settings.timeoutMs)} (the timeout)` };
    case 'decided':
      return fromDecision(end.value, name, ours);
  }
}

function fromDecision(decision: DeploymentDecision, name: string, ours: OurDeployment): Outcome {
  switch (decision.kind) {
    case 'succeeded':
      return { kind: 'succeeded', reason: `service ${name} runs ${revision(ours.taskDefinitionArn)}${ours.deploymentId ? ` (deployment ${ours.deploymentId})` : ''}, stable` };
    case 'rolled-back-by-ecs':
      return { kind: 'rolled-back-by-ecs', reason: decision.reason };
    case 'stuck':
      return { kind: 'roll-back', reason: decision.reason };
    case 'failed':
      return decision.rollBack ? { kind: 'roll-back', reason: decision.reason } : { kind: 'failed', reason: decision.reason };
  }
}


/**
 * After the service is stable: keep watching it (ECS may still roll back, e.g. on an alarm)
 * and check the gates every poll until the bake time has passed and a full round of gates passed.
 */
async function bake(
  settings: DeploySettings,
  name: string,
  ours: OurDeployment,
  watcher: ServiceWatcher,
  live: DeployContext,
  ctx: DeployContext,
  opts: RollingOptions,
  stableReason: string
): Promise<Outcome> {
  const gates = opts.gates ?? [];
  const limit = opts.inconclusiveLimit ?? 10;
  const start = ctx.timer.now();
  const last = new Map<string, string>();
  let streak = 0;
  try {
    for (;;) {
      if (ctx.signal.aborted) return { kind: 'roll-back', reason: `cancelled (${abortReason(ctx.signal)}) during the bake` };
      if (live.signal.aborted) return { kind: 'roll-back', reason: `the bake did not end within the timeout (${formatDuration(settings.timeoutMs)} after the bake time): ${stopText(live.signal)}` };
      const poll = await watcher.poll();
      if (poll.kind === 'ok') {
        const service = poll.services.get(name);
        const verdict = service ? judge(service, ours) : { kind: 'in-progress' as const };
        // A task replaced during the bake is normal (in-progress); losing our deployment is not.
        if (verdict.kind === 'rolled-back-by-ecs' || verdict.kind === 'failed') {
          return fromDecision(verdict, name, ours);
        }
      }
      const results = await checkGates(gates, ctx, last);
      const failed = results.find(([, r]) => r.phase === 'fail');
      if (failed) return { kind: 'roll-back', reason: `gate ${failed[0].name} failed during the bake: ${failed[1].reason}` };
      const inconclusive = results.find(([, r]) => r.phase === 'inconclusive');
      let passed = !inconclusive;
      if (inconclusive) {
        streak += 1;
        if (streak > limit) {
          const why = `gate ${inconclusive[0].name} was inconclusive ${streak} times in a row (limit ${limit}): ${inconclusive[1].reason}`;
          if (opts.onInconclusive !== 'pass') return { kind: 'roll-back', reason: why };
          ctx.reporter.warning(`${why}; counted as a pass (on-inconclusive is pass)`);
          passed = true;
        }
      } else {
        streak = 0;
      }
      if (passed && ctx.timer.now() - start >= settings.bakeTimeMs) {
        const gatesPart = gates.length ? `; ${gates.length} gate${gates.length > 1 ? 's' : ''} passed` : '';
        return { kind: 'succeeded', reason: `${stableReason}; baked ${formatDuration(settings.bakeTimeMs)}${gatesPart}` };
      }
      await watcher.sleep(live.signal);
    }
  } catch (error) {
    return { kind: 'roll-back', reason: `watching the bake failed: ${errorMessage(error)}` };
  }
}

/** Checks every gate; a gate that throws is inconclusive (it holds, it does not pass). Emits a gate event when a result changes. */
async function checkGates(gates: Gate[], ctx: DeployContext, last: Map<string, string>): Promise<Array<[Gate, GateResult]>> {
  const results: Array<[Gate, GateResult]> = [];
  for (const gate of gates) {
    let r: GateResult;
    try {
      r = await gate.check();
    } catch (error) {
      r = { phase: 'inconclusive', reason: `checking failed: ${errorMessage(error)}` };
    }
    results.push([gate, r]);
    const key = `${r.phase} ${r.reason}`;
    if (last.get(gate.name) !== key) {
      last.set(gate.name, key);
      ctx.reporter.info(`gate ${gate.name}: ${gateLabel(r.phase)} ${r.reason}`);
      ctx.reporter.event({ kind: 'gate', gate: gate.name, phase: r.phase, reason: r.reason, at: ctx.timer.now() });
    }
  }
  return results;
}

