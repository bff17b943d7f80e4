/**
 * Pure: what one DescribeServiceDeployments answer says about a native deployment: the
 * stage, the pause waiting for us, and a verdict that is only ever as final as ECS's own
 * status (ROLLBACK_IN_PROGRESS is "rolling back", never "rolled back").
 */
import type { DeploymentLifecycleHookDetail, ServiceDeployment } from '@aws-sdk/client-ecs';

export interface PausedHook {
  hookId: string;
  /** As AWS stamped it; shown, never compared with our clock. */
  expiresAt?: Date;
  timeoutAction?: string;
}

export type NativeProgress =
  /** PENDING or IN_PROGRESS; `paused` when a PAUSE hook awaits our answer. */
  | { kind: 'in-progress'; stage: string; paused?: PausedHook }
  | { kind: 'succeeded' }
  /** ROLLBACK_REQUESTED / ROLLBACK_IN_PROGRESS: production is on its way back, not there yet. */
  | { kind: 'rolling-back'; reason: string }
  | { kind: 'rolled-back'; reason: string }
  | { kind: 'rollback-failed'; reason: string }
  /** STOP_REQUESTED: ECS is stopping it without a rollback. */
  | { kind: 'stopping'; reason: string }
  /** STOPPED: ended without a rollback; what serves is whatever ECS left. */
  | { kind: 'stopped'; reason: string };

export type Terminal = Extract<NativeProgress, { kind: 'succeeded' | 'rolled-back' | 'rollback-failed' | 'stopped' }>;

export function isTerminal(p: NativeProgress): p is Terminal {
  return p.kind === 'succeeded' || p.kind === 'rolled-back' || p.kind === 'rollback-failed' || p.kind === 'stopped';
}

/** A PAUSE hook awaiting action that we have not answered yet (ECS may show an answered one for a moment). */
export function pausedHook(
  details: readonly DeploymentLifecycleHookDetail[] | undefined,
  answered: ReadonlySet<string>
): PausedHook | undefined {
  const hook = (details ?? []).find(
    (h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION' && h.hookId && !answered.has(h.hookId)
  );
  if (!hook?.hookId) return undefined;
  return {
    hookId: hook.hookId,
    ...(hook.expiresAt ? { expiresAt: hook.expiresAt } : {}),
    ...(hook.timeoutAction ? { timeoutAction: hook.timeoutAction } : {})
  };
}

export function readProgress(sd: ServiceDeployment, answered: ReadonlySet<string> = new Set()): NativeProgress {
  const why = sd.rollback?.reason ?? sd.statusReason ?? 'no reason given';
  switch (sd.status) {
    case 'SUCCESSFUL':
      return { kind: 'succeeded' };
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
      return { kind: 'rolling-back', reason: why };
    case 'ROLLBACK_SUCCESSFUL':
      return { kind: 'rolled-back', reason: why };
    case 'ROLLBACK_FAILED':
      return { kind: 'rollback-failed', reason: sd.statusReason ?? why };
    case 'STOP_REQUESTED':
      return { kind: 'stopping', reason: sd.statusReason ?? 'a stop was requested' };
    case 'STOPPED':
      return { kind: 'stopped', reason: sd.statusReason ?? 'the deployment was stopped' };
    default: {
      const paused = pausedHook(sd.lifecycleHookDetails, answered);
      return { kind: 'in-progress', stage: sd.lifecycleStage ?? sd.status ?? 'PENDING', ...(paused ? { paused } : {}) };
    }
  }
}

/** The stages after which production traffic depends on the new revision. */
const WITH_PRODUCTION_TRAFFIC = new Set(['PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP']);

export function carriesProductionTraffic(stage: string): boolean {
  return WITH_PRODUCTION_TRAFFIC.has(stage);
}

/** "IN_PROGRESS at PRODUCTION_TRAFFIC_SHIFT, new revision 2/2 running (paused, hook ecs-pause-…)": one line for the log. */
export function describeDeployment(sd: ServiceDeployment): string {
  const target = sd.targetServiceRevision;
  const counts = target ? `, new revision ${target.runningTaskCount ?? 0}/${target.requestedTaskCount ?? 0} running` : '';
  const stage = sd.lifecycleStage ? ` at ${sd.lifecycleStage}` : '';
  const paused = pausedHook(sd.lifecycleHookDetails, new Set());
  const reason = sd.statusReason ? ` (${sd.statusReason})` : '';
  return `${sd.status ?? '?'}${stage}${counts}${paused ? `, paused (hook ${paused.hookId})` : ''}${reason}`;
}

/** The phase a stage is shown under in the log and the summary. */
export function stagePhase(stage: string): 'prepare' | 'gates' | 'shift' | 'bake' | 'promote' {
  if (stage === 'POST_SCALE_UP' || stage === 'SCALE_UP' || stage === 'PRE_SCALE_UP' || stage === 'RECONCILE_SERVICE') return 'prepare';
  if (stage === 'TEST_TRAFFIC_SHIFT' || stage === 'POST_TEST_TRAFFIC_SHIFT') return 'gates';
  if (stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' || stage === 'PRODUCTION_TRAFFIC_SHIFT') return 'shift';
  if (stage === 'CLEAN_UP') return 'promote';
  return 'bake';
}

/** The service gate for a native deployment: the new service revision runs every task ECS asked for. */
export function analyseTargetRevision(sd: ServiceDeployment | undefined): { phase: 'pass' | 'fail' | 'inconclusive'; reason: string } {
  if (!sd) return { phase: 'inconclusive', reason: 'the service deployment has not been read yet' };
  const p = readProgress(sd);
  if (p.kind === 'rolling-back' || p.kind === 'rolled-back' || p.kind === 'rollback-failed')
    return { phase: 'fail', reason: `ECS is rolling the deployment back: ${p.reason}` };
  if (p.kind === 'stopped' || p.kind === 'stopping') return { phase: 'fail', reason: `ECS stopped the deployment: ${p.reason}` };
  const t = sd.targetServiceRevision;
  const requested = t?.requestedTaskCount ?? 0;
  const running = t?.runningTaskCount ?? 0;
  if (requested === 0) return { phase: 'inconclusive', reason: 'ECS has not asked for tasks of the new revision yet' };
  if (running < requested) return { phase: 'inconclusive', reason: `${running} of ${requested} tasks of the new revision running` };
  return { phase: 'pass', reason: `the new revision runs ${running} of ${requested} tasks` };
}
