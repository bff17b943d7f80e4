import type { Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { formatDuration } from '../duration.js';
import { errorMessage, InputError } from '../errors.js';
import type { Reporter } from '../events.js';
import type { Gate } from '../gates/types.js';
import { guarded, watchGates } from './gate-loop.js';
import { serviceGate } from '../gates/service.js';
import { runMigration } from './migrate.js';
import { ROLLING_STATE_KEY, awaitEcsRollback, restorePrevious, rollbackTimeout, type RollingPhase, type RollingState } from './rollback.js';
import { stopText, watchScope } from './scope.js';
import { applyUpdate } from './update.js';
import type { DeploySettings } from './settings.js';
import type { DeployContext, DeployResult } from './types.js';
import { abortWith, doneWith, next, runStrategy, verdict, type Step, type StepResult, type Strategy } from './strategy.js';
import { abortReason, explain, watchDeployment, type DeploymentDecision } from './watching.js';
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
  /** The service as preflight described it, moments ago under the same lock: not read again before UpdateService. */
  described?: Service;
}

/**
 * The rolling strategy, read top to bottom: check → (migrate) → deploy (update, watch) →
 * (bake) → verdict; an abort puts the previous revision back (or waits for ECS's own
 * rollback), with the evidence gathered while ECS restores.
 */
export function deployRolling(
  settings: DeploySettings,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: RollingOptions = {}
): Promise<DeployResult> {
  return runStrategy(rollingStrategy(settings, taskDefinitionArn, ctx, opts), ctx);
}

export function rollingStrategy(
  settings: DeploySettings,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: RollingOptions = {}
): Strategy {
  const { cluster } = settings;
  const policy = { limit: opts.inconclusiveLimit ?? 10, decide: opts.onInconclusive ?? 'fail' } as const;
  const gates = (opts.gates ?? []).map((g) => guarded(g, policy));
  const result = (status: DeployResult['status'], reason: string, extra: Partial<DeployResult> = {}): DeployResult =>
    verdict(ctx, status, reason, {
      taskDefinitionArn,
      outputs: runTaskArn ? { 'run-task-arn': JSON.stringify([runTaskArn]) } : {},
      ...extra
    });
  /** The one-off task, once started: the official action's run-task-arn output (a JSON array). */
  let runTaskArn: string | undefined;

  // What the check step finds; every later step runs only after it.
  const name = settings.service ?? '';
  let before: Service = {};
  let previous = '';
  let stableReason = '';
  const state: RollingState = {
    cluster,
    service: name,
    taskDefinitionArn,
    previousTaskDefinitionArn: '',
    phase: 'updating',
    pollIntervalMs: settings.pollIntervalMs,
    timeoutMs: rollbackTimeout(settings.timeoutMs, settings.pollIntervalMs)
  };
  const save = (phase: RollingPhase): void => {
    state.phase = phase;
    ctx.state.save(ROLLING_STATE_KEY, state);
  };
  const ids = (): Partial<DeployResult> => ({
    previousTaskDefinitionArn: previous,
    ...(state.deploymentId ? { deploymentId: state.deploymentId } : {})
  });
  const ours = (): OurDeployment => ({
    taskDefinitionArn,
    previousTaskDefinitionArn: previous,
    ...(state.deploymentId ? { deploymentId: state.deploymentId } : {})
  });

  // The watch and the bake are bounded by the timeout (plus the bake time): a hung read, a
  // throttled API or a lost lock can delay the verdict, never stop it.
  const scope = watchScope(ctx, { deadlineMs: settings.timeoutMs + settings.bakeTimeMs, pollIntervalMs: settings.pollIntervalMs });
  const live = scope.ctx;
  let watcher: ServiceWatcher | undefined;
  const watching = (): ServiceWatcher =>
    (watcher ??= new ServiceWatcher(live, cluster, [name], {
      pollIntervalMs: settings.pollIntervalMs,
      ...(settings.maxPollIntervalMs !== undefined ? { maxPollIntervalMs: settings.maxPollIntervalMs } : {})
    }));
  // Evidence and the rollback read with the unbounded clients: they must finish after a stop.
  const unbounded = (): ServiceWatcher => watching().withContext(ctx);
  const evidence = (): Promise<void> => explain(ctx, cluster, unbounded(), name, ours());
  /** A verdict reached while watching, as a step result. */
  const decided = async (outcome: Outcome): Promise<StepResult> => {
    switch (outcome.kind) {
      case 'succeeded':
        stableReason = outcome.reason;
        return next;
      case 'roll-back':
        return abortWith(outcome.reason);
      case 'rolled-back-by-ecs':
        return abortWith(outcome.reason, true, true);
      case 'failed':
        await evidence();
        if (state.phase !== 'done') save('done');
        return doneWith(result('failed', outcome.reason, ids()));
    }
  };

  const check: Step = {
    title: `Checking service ${name} in cluster ${cluster}`,
    run: async () => {
      // Nothing is changed before these checks pass, so any failure here leaves the service as it was.
      try {
        if (!settings.service) throw new InputError('strategy rolling needs a service', {}, 'set the service input');
        before = opts.described ?? (await describeService(ctx, cluster, name));
        const problem = controllerProblem(before, cluster);
        if (problem) throw new Error(problem);
      } catch (error) {
        return doneWith(result('failed', `${errorMessage(error)}; nothing was changed`));
      }
      previous = previousRevision(before, ctx.reporter);
      state.previousTaskDefinitionArn = previous;
      state.service = name;
      if (settings.desiredCount !== undefined && before.desiredCount !== undefined) state.previousDesiredCount = before.desiredCount;
      watching().anchor(before);
      ctx.reporter.info(`Service ${name} in cluster ${cluster} runs ${revision(previous)}; deploying ${revision(taskDefinitionArn)}`);
      return next;
    }
  };

  const migrate = (run: NonNullable<DeploySettings['runTask']>): Step => ({
    phase: 'migrate',
    title: `Running the migration task of ${revision(taskDefinitionArn)}`,
    run: async () => {
      let m;
      try {
        m = await runMigration(
          run,
          { cluster, taskDefinitionArn, service: before, pollIntervalMs: settings.pollIntervalMs, timeoutMs: settings.timeoutMs },
          ctx
        );
      } catch (error) {
        m = { ok: false as const, reason: `the migration task failed: ${errorMessage(error)}; the service was not updated` };
      }
      if (m.taskArn) runTaskArn = m.taskArn;
      return m.ok ? next : doneWith(result('failed', m.reason, ids()));
    }
  });

  const deploy: Step = {
    phase: 'deploy',
    title: `Deploying ${revision(taskDefinitionArn)} to service ${name} in cluster ${cluster}`,
    run: async () => {
      if (ctx.signal.aborted) return doneWith(result('failed', 'cancelled before the service was updated; nothing was changed', ids()));
      save('updating');
      const update = await applyUpdate(ctx, updateInput(settings, name, taskDefinitionArn, before, opts), before, taskDefinitionArn);
      if (update.kind === 'unchanged') {
        save('done');
        return doneWith(result('failed', `${update.reason}; nothing was changed (service ${name} read back unchanged)`, ids()));
      }
      if (update.kind === 'unknown') return abortWith(update.reason, false);
      if (update.deploymentId) state.deploymentId = update.deploymentId;
      save('watching');
      ctx.reporter.info(
        `Updated service ${name}: ${revision(previous)} → ${revision(taskDefinitionArn)}${state.deploymentId ? ` (deployment ${state.deploymentId})` : ''}`
      );
      if (!settings.waitForServiceStability) {
        save('done');
        stableReason = `service ${name} was updated to ${revision(taskDefinitionArn)}; not waited for stability (wait-for-service-stability is false)`;
        return next;
      }
      return decided(await watchRollout(settings, name, ours(), watching(), live, ctx));
    }
  };

  const bake: Step = {
    phase: 'bake',
    title: `Baking ${revision(taskDefinitionArn)} for ${formatDuration(settings.bakeTimeMs)}${gates.length ? ` while watching ${gates.length} gate${gates.length > 1 ? 's' : ''}` : ''}`,
    run: async () => {
      // The service itself is a gate too: tasks of the new revision that die during the bake
      // (an OOM kill, a crash after start) leave it short of its desired count past the limit.
      const service = guarded(
        serviceGate(() => watching().latest.get(name) ?? before, taskDefinitionArn, 'service', true, live.aws.ecs),
        policy
      );
      const end = await watchGates<Outcome>({
        ctx: live,
        watcher: watching(),
        gates: [service, ...gates],
        minMs: settings.bakeTimeMs,
        what: 'during the bake',
        waitingFor: `the bake of ${revision(taskDefinitionArn)} to end`,
        // With the service gate alone, nothing can turn bad unseen by the service's counts: the bake may poll slower.
        rest: gates.length === 0,
        // ECS may still roll back (its alarms); a task replaced during the bake is normal.
        interrupt: (services) => {
          const service = services.get(name);
          const verdict = service ? judge(service, ours()) : undefined;
          return verdict?.kind === 'rolled-back-by-ecs' || verdict?.kind === 'failed' ? fromDecision(verdict, name, ours()) : undefined;
        }
      });
      if (end.kind === 'interrupted') return decided(end.value);
      if (end.kind === 'failed') {
        const timedOut = !ctx.signal.aborted && live.signal.aborted;
        return abortWith(
          timedOut
            ? `the bake did not end within the timeout (${formatDuration(settings.timeoutMs)} after the bake time): ${stopText(live.signal)}`
            : end.reason
        );
      }
      const gatesPart = gates.length ? `; ${gates.length} gate${gates.length > 1 ? 's' : ''} passed` : '';
      stableReason = `${stableReason}; baked ${formatDuration(settings.bakeTimeMs)}${gatesPart}`;
      return next;
    }
  };

  const steps: Step[] = [
    check,
    ...(settings.runTask ? [migrate(settings.runTask)] : []),
    deploy,
    ...(settings.waitForServiceStability && (settings.bakeTimeMs > 0 || gates.length > 0) ? [bake] : [])
  ];

  return {
    name: 'rolling',
    nextStep: () => steps.shift(),
    succeeded: () => {
      if (state.phase !== 'done') save('done');
      return result('succeeded', stableReason, ids());
    },
    abort: async (why) => {
      scope.dispose();
      if (why.platformRollingBack) {
        // "Rolled back" is printed only once ECS's own rollback has finished.
        await evidence();
        save('rolling-back');
        const settled = await ctx.reporter.phase(
          'rollback',
          `Waiting for ECS to finish rolling service ${name} back to ${revision(previous)}`,
          () => awaitEcsRollback(ctx, state, unbounded())
        );
        save(settled.ok ? 'done' : 'rolling-back');
        if (settled.ok) return result('rolled-back', `${why.reason}; ${settled.detail}`, ids());
        return result('failed', `${why.reason}, and ECS's rollback has not finished: ${settled.detail}`, ids());
      }
      // Production first: the rollback's UpdateService goes out before anything else; the evidence
      // (reads only) is gathered while ECS brings the previous revision back.
      const restored = await ctx.reporter.phase('rollback', `Rolling back service ${name} to ${revision(previous)}`, () =>
        restorePrevious(ctx, { ...state }, unbounded(), () => evidence())
      );
      if (restored.ok) return result('rolled-back', `${why.reason}: rolled back, ${restored.detail}`, ids());
      return result('failed', `${why.reason}, and the rollback failed: ${restored.detail}`, ids());
    },
    dispose: () => Promise.resolve(scope.dispose())
  };
}

/** How watching ended. */
type Outcome =
  | { kind: 'succeeded'; reason: string }
  | { kind: 'rolled-back-by-ecs'; reason: string }
  /** We put the previous revision back ourselves. */
  | { kind: 'roll-back'; reason: string }
  /** Failed, and the service is not ours to roll back (someone else deployed over us). */
  | { kind: 'failed'; reason: string };

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
  const serving = deployments.filter((d) => d.rolloutState !== 'FAILED').sort((a, b) => (b.runningCount ?? 0) - (a.runningCount ?? 0))[0];
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
  if (settings.serviceVolume) input.volumeConfigurations = [settings.serviceVolume];
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
    // Containers as a gate from the first task: the first essential container of the new revision that
    // exits (or is OOM-killed) fails the rollout at once, where ECS's circuit breaker waits for 3+ failed
    // tasks. Stopped tasks are read only when the deployment's failed count rises: no extra call per poll.
    end = await watchDeployment(watcher, live, name, ours, {
      ...settings,
      waitingFor: `${name} to run ${revision(ours.taskDefinitionArn)}`,
      containers: live.aws
    });
  } catch (error) {
    return { kind: 'roll-back', reason: `watching the deployment failed: ${errorMessage(error)}` };
  }
  if (end.kind === 'cancelled' && !ctx.signal.aborted) end = { kind: 'timeout', waitedMs: settings.timeoutMs };
  switch (end.kind) {
    case 'cancelled':
      return {
        kind: 'roll-back',
        reason: `cancelled (${abortReason(ctx.signal)}) while ${revision(ours.taskDefinitionArn)} was rolling out`
      };
    case 'timeout':
      return {
        kind: 'roll-back',
        reason: `${revision(ours.taskDefinitionArn)} was not stable after ${formatDuration(settings.timeoutMs)} (the timeout)`
      };
    case 'decided':
      return fromDecision(end.value, name, ours);
  }
}

function fromDecision(decision: DeploymentDecision, name: string, ours: OurDeployment): Outcome {
  switch (decision.kind) {
    case 'succeeded':
      return {
        kind: 'succeeded',
        reason: `service ${name} runs ${revision(ours.taskDefinitionArn)}${ours.deploymentId ? ` (deployment ${ours.deploymentId})` : ''}, stable`
      };
    case 'rolled-back-by-ecs':
      return { kind: 'rolled-back-by-ecs', reason: decision.reason };
    case 'stuck':
      return { kind: 'roll-back', reason: decision.reason };
    case 'failed':
      return decision.rollBack ? { kind: 'roll-back', reason: decision.reason } : { kind: 'failed', reason: decision.reason };
  }
}
