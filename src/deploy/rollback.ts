import type { Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { formatDuration } from '../duration.js';
import { errorMessage } from '../errors.js';
import type { DeployContext, DeployResult } from './types.js';
import { judge, revision, type OurDeployment } from './verdict.js';
import { ServiceWatcher, describeService, progressLine, watchUntil } from './watch.js';

/** Where a rolling deployment got to, saved for the post step. */
export type RollingPhase = 'migrating' | 'updating' | 'watching' | 'rolling-back' | 'done';

/** The key under which deployRolling saves its RollingState. */
export const ROLLING_STATE_KEY = 'rolling';

export interface RollingState {
  cluster: string;
  service: string;
  taskDefinitionArn: string;
  previousTaskDefinitionArn: string;
  /** Set only when the deployment changed the desired count, so a rollback restores it. */
  previousDesiredCount?: number;
  deploymentId?: string;
  phase: RollingPhase;
  pollIntervalMs: number;
  /** Bound on the rollback's own wait (see rollbackTimeout). */
  timeoutMs: number;
}

/**
 * How long a rollback may take. A deployment's timeout can be short ("give up after 2
 * minutes") while putting the old revision back still has to start tasks and drain the
 * new ones, so the rollback gets at least 60 polls (5 minutes at the default interval).
 */
export function rollbackTimeout(timeoutMs: number, pollIntervalMs: number): number {
  return Math.max(timeoutMs, 60 * pollIntervalMs);
}

/** Whether the post step has something to finish: the service was (or may have been) updated and not settled. */
export function needsRollback(saved: RollingState | undefined): saved is RollingState {
  return saved !== undefined && (saved.phase === 'updating' || saved.phase === 'watching' || saved.phase === 'rolling-back');
}

export interface RestoreResult {
  ok: boolean;
  /** What happened, or exactly what state the service is in when it did not work. */
  detail: string;
  deploymentId?: string;
}

/**
 * Puts the service back on the previous revision and waits until that is stable. The
 * wait is bounded by `saved.timeoutMs` and deliberately ignores cancellation: a cancelled
 * workflow is exactly when this must finish.
 */
export async function restorePrevious(
  ctx: DeployContext,
  saved: RollingState,
  watcher = new ServiceWatcher(ctx, saved.cluster, [saved.service], { pollIntervalMs: saved.pollIntervalMs }),
  /** Runs once the rollback has been asked for (e.g. gathering the failure's evidence): production first. */
  afterStart?: () => Promise<void>
): Promise<RestoreResult> {
  const { cluster, service, previousTaskDefinitionArn: previous } = saved;
  const save = (phase: RollingPhase, deploymentId?: string): void =>
    ctx.state.save(ROLLING_STATE_KEY, { ...saved, phase, ...(deploymentId ? { deploymentId } : {}) });
  let current: Service;
  let rollbackId: string | undefined;
  try {
    current = await describeService(ctx, cluster, service);
    if (!watcher.latest.has(service)) watcher.anchor(current);
    const primary = current.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.taskDefinition === previous && primary.rolloutState !== 'FAILED') {
      // Already heading back (ECS's own rollback, or an earlier attempt of ours): wait for it rather than start another.
      rollbackId = primary.id;
      ctx.reporter.info(`Service ${service} is already on ${revision(previous)} (deployment ${primary.id}); waiting for it to be stable`);
    } else {
      const input: UpdateServiceCommandInput = { cluster, service, taskDefinition: previous };
      if (saved.previousDesiredCount !== undefined) input.desiredCount = saved.previousDesiredCount;
      const updated = await ctx.aws.ecs.updateService(input);
      rollbackId = updated.deployments?.find((d) => d.status === 'PRIMARY' && d.taskDefinition === previous)?.id;
      ctx.reporter.info(`Rolling service ${service} back to ${revision(previous)}${rollbackId ? ` (deployment ${rollbackId})` : ''}`);
    }
    save('rolling-back', rollbackId);
  } catch (error) {
    return {
      ok: false,
      detail: `could not start the rollback to ${revision(previous)}: ${errorMessage(error)}; ${await stateOf(ctx, saved)}`
    };
  }
  await afterStart?.().catch((error: unknown) => ctx.reporter.warning(`could not gather the evidence: ${errorMessage(error)}`));

  const ours = { taskDefinitionArn: previous, ...(rollbackId ? { deploymentId: rollbackId } : {}) };
  const settled = await settleOnPrevious(ctx, saved, watcher, 'the rollback', () => ours);
  if (settled.ok) save('done', rollbackId);
  return settled.ok ? { ...settled, ...(rollbackId ? { deploymentId: rollbackId } : {}) } : settled;
}

/**
 * After ECS's circuit breaker (or its alarm rollback) failed our deployment: waits until
 * ECS's own rollback deployment is stable on the previous revision, so "rolled back" is
 * true when it is printed. Never starts a deployment of its own (that would race ECS's).
 */
export async function awaitEcsRollback(ctx: DeployContext, saved: RollingState, watcher: ServiceWatcher): Promise<RestoreResult> {
  let rollbackId: string | undefined;
  const settled = await settleOnPrevious(ctx, saved, watcher, "ECS's rollback", (svc) => {
    const primary = svc.deployments?.find((d) => d.status === 'PRIMARY');
    // Until ECS has started its rollback deployment, ours is still PRIMARY (FAILED).
    if (!primary || primary.taskDefinition !== saved.previousTaskDefinitionArn) return undefined;
    rollbackId = primary.id;
    return { taskDefinitionArn: saved.previousTaskDefinitionArn, ...(primary.id ? { deploymentId: primary.id } : {}) };
  });
  const ids = rollbackId ? { deploymentId: rollbackId } : {};
  if (!settled.ok) return { ...settled, ...ids };
  return { ...settled, detail: `ECS's rollback finished: ${settled.detail}${rollbackId ? ` (deployment ${rollbackId})` : ''}`, ...ids };
}

/**
 * Waits, bounded by `saved.timeoutMs`, until the deployment `which` names (undefined: not
 * there yet) is stable on the previous revision; says exactly what runs when it is not.
 */
async function settleOnPrevious(
  ctx: DeployContext,
  saved: RollingState,
  watcher: ServiceWatcher,
  who: string,
  which: (service: Service) => OurDeployment | undefined
): Promise<RestoreResult> {
  const { service, previousTaskDefinitionArn: previous } = saved;
  try {
    const end = await watchUntil(
      watcher,
      ctx.timer,
      (services) => {
        const svc = services.get(service);
        const ours = svc && which(svc);
        if (!svc || !ours) return undefined;
        const verdict = judge(svc, ours);
        return verdict.kind === 'in-progress' ? undefined : verdict;
      },
      { timeoutMs: saved.timeoutMs }
    );
    if (end.kind === 'decided' && end.value.kind === 'succeeded')
      return { ok: true, detail: `service ${service} is stable on ${revision(previous)}` };
    const why =
      end.kind === 'decided' && end.value.kind !== 'succeeded'
        ? `${who} deployment did not succeed: ${end.value.reason}`
        : `${who} was not stable after ${formatDuration(saved.timeoutMs)}`;
    return { ok: false, detail: `${why}; ${describeState(service, watcher.latest.get(service))}` };
  } catch (error) {
    return { ok: false, detail: `watching ${who} failed: ${errorMessage(error)}; ${await stateOf(ctx, saved)}` };
  }
}

/**
 * The post step's entry point (and `ecs-rollout rollback`): roll the service back to the
 * revision saved before the deployment, in its own log group.
 */
export async function rollbackRolling(
  saved: RollingState,
  ctx: DeployContext,
  reason = 'the deployment did not finish'
): Promise<DeployResult> {
  const restored = await ctx.reporter.phase(
    'rollback',
    `Rolling back service ${saved.service} to ${revision(saved.previousTaskDefinitionArn)}`,
    () => restorePrevious(ctx, saved)
  );
  const result: DeployResult = {
    status: restored.ok ? 'rolled-back' : 'failed',
    reason: restored.ok ? `${reason}: rolled back, ${restored.detail}` : `${reason}, and the rollback failed: ${restored.detail}`,
    taskDefinitionArn: saved.taskDefinitionArn,
    previousTaskDefinitionArn: saved.previousTaskDefinitionArn,
    rolledBack: restored.ok,
    outputs: {},
    ...(saved.deploymentId ? { deploymentId: saved.deploymentId } : {})
  };
  ctx.reporter.event({ kind: 'verdict', status: result.status, reason: result.reason, at: ctx.timer.now() });
  return result;
}

/** "service web: PRIMARY web:7 (ecs-svc/2) IN_PROGRESS: 1/2 running, …; ACTIVE web:8 …". */
export function describeState(name: string, service: Service | undefined): string {
  if (!service) return `the state of service ${name} is unknown`;
  const lines = (service.deployments ?? []).map(progressLine);
  return `service ${name} now has ${lines.length === 0 ? 'no deployments' : lines.join('; ')}`;
}

async function stateOf(ctx: DeployContext, saved: RollingState): Promise<string> {
  try {
    return describeState(saved.service, await describeService(ctx, saved.cluster, saved.service));
  } catch (error) {
    return `the state of service ${saved.service} could not be read (${errorMessage(error)})`;
  }
}
