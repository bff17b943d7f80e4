/**
 * Pieces both strategies use while they watch a deployment: gate labels, failure
 * evidence, the cancellation reason, and phases whose failure is a value.
 */
import type { Service } from '@aws-sdk/client-ecs';
import type { GatePhase, Phase, Reporter } from '../events.js';
import { reportEvidence } from './evidence.js';
import type { Aws } from '../aws/clients.js';
import { analyseTargets, observeTargets } from '../gates/analysis.js';
import { containerSignals } from '../gates/service.js';
import { targetGroupName } from './colours.js';
import type { DeployContext } from './types.js';
import { judge, revision, type OurDeployment, type Verdict } from './verdict.js';
import { type ServiceWatcher, type WatchEnd, watchUntil } from './watch.js';

/** How watching one deployment can end, besides a timeout or cancellation. */
export type DeploymentDecision = Exclude<Verdict, { kind: 'in-progress' }> | { kind: 'stuck'; reason: string };

/**
 * The ECS circuit breaker's own threshold: half the desired count, at least 3, at most 200.
 * Without the circuit breaker we apply it ourselves, so crashing tasks do not wait for the timeout.
 */
export function stuckThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desiredCount / 2)));
}

function stuck(service: Service, ours: OurDeployment): DeploymentDecision | undefined {
  const mine = (service.deployments ?? []).find((d) =>
    ours.deploymentId ? d.id === ours.deploymentId : d.status === 'PRIMARY' && d.taskDefinition === ours.taskDefinitionArn
  );
  if (!mine) return undefined;
  const failed = mine.failedTasks ?? 0;
  const limit = stuckThreshold(mine.desiredCount ?? 0);
  if (failed < limit) return undefined;
  return {
    kind: 'stuck',
    reason: `${failed} tasks of ${revision(ours.taskDefinitionArn)} failed to start (limit ${limit}, the circuit breaker's threshold; the circuit breaker is off)`
  };
}

/** Polls until our deployment of one service is decided (the verdict, or stuck with the circuit breaker off), times out, or is cancelled. */
export function watchDeployment(
  watcher: ServiceWatcher,
  ctx: Pick<DeployContext, 'timer' | 'signal'>,
  name: string,
  ours: OurDeployment,
  opts: {
    circuitBreaker: boolean;
    timeoutMs: number;
    /** The new revision's own target group (blue/green): a target the load balancer marks unhealthy ends the wait. */
    targets?: { targetGroupArn: string; aws: Pick<Aws, 'elb'> };
    /** For the progress line, e.g. "web to run web:8". */
    waitingFor?: string;
    /** With it, an essential container of the new revision that exits or is OOM-killed ends the wait at once (not after the circuit breaker's count). */
    containers?: Pick<Aws, 'ecs'>;
  }
): Promise<WatchEnd<DeploymentDecision>> {
  const targets = opts.targets;
  const exits = opts.containers ? containerSignals(opts.containers.ecs, ours.taskDefinitionArn) : undefined;
  const containerExit = async (): Promise<DeploymentDecision | undefined> => {
    const service = exits ? watcher.latest.get(name) : undefined;
    const r = service && exits ? await exits(service, 0) : undefined;
    return r?.phase === 'fail' ? { kind: 'stuck', reason: r.reason } : undefined;
  };
  // The progress line's "2/2 targets healthy in web-green", from the last target-health read.
  let healthy: string | undefined;
  return watchUntil<DeploymentDecision>(
    watcher,
    ctx.timer,
    (services) => {
      const service = services.get(name);
      if (!service) return undefined;
      const verdict = judge(service, ours);
      if (verdict.kind !== 'in-progress') return verdict;
      return opts.circuitBreaker ? undefined : stuck(service, ours);
    },
    {
      timeoutMs: opts.timeoutMs,
      signal: ctx.signal,
      waitingFor: opts.waitingFor ?? `${name} to run ${revision(ours.taskDefinitionArn)}`,
      // Target health is read between the service's own changes: only a watch without it may slow down.
      rest: !targets,
      // Target health from the first task: ECS's circuit breaker counts only tasks it stops, minutes later.
      ...(targets
        ? {
            alsoDecide: async () =>
              (await containerExit()) ??
              unhealthyEvent(watcher, name, targets.targetGroupArn, ours) ??
              (await unhealthyTargets(targets.targetGroupArn, targets.aws, ours, (line) => (healthy = line))),
            targets: () => healthy
          }
        : opts.containers
          ? { alsoDecide: containerExit }
          : {})
    }
  );
}

/**
 * ECS's own event "(service web-green) (port 8080) is unhealthy in (target-group …) due to
 * (reason …)" since the watch began: a target can fail and be replaced between two polls,
 * where DescribeTargetHealth would never show it.
 */
export function unhealthyEvent(
  watcher: ServiceWatcher,
  name: string,
  targetGroupArn: string,
  ours: OurDeployment
): DeploymentDecision | undefined {
  const group = targetGroupArn.slice(targetGroupArn.indexOf('targetgroup/'));
  for (const e of watcher.eventsSinceStart(name)) {
    const m = /is unhealthy in \(target-group ([^)]*)\)(?: due to \(reason (.*)\))?/.exec(e.message ?? '');
    if (m && m[1]!.includes(group)) {
      return {
        kind: 'stuck',
        reason: `${revision(ours.taskDefinitionArn)} fails its health checks in ${targetGroupName(targetGroupArn)}: ${m[2] ?? 'unhealthy'}`
      };
    }
  }
  return undefined;
}

/** A decision when any target of the group is `unhealthy` (with the reason codes); undefined otherwise, or when the read fails (the next poll tries again). */
async function unhealthyTargets(
  targetGroupArn: string,
  aws: Pick<Aws, 'elb'>,
  ours: OurDeployment,
  seen: (line: string) => void
): Promise<DeploymentDecision | undefined> {
  let observed;
  try {
    observed = observeTargets(await aws.elb.describeTargetHealth(targetGroupArn));
  } catch {
    return undefined;
  }
  seen(`${observed.filter((t) => t.state === 'healthy').length}/${observed.length} targets healthy in ${targetGroupName(targetGroupArn)}`);
  const result = analyseTargets(observed, observed.length, targetGroupName(targetGroupArn));
  if (result.phase !== 'fail') return undefined;
  return { kind: 'stuck', reason: `${revision(ours.taskDefinitionArn)} fails its health checks: ${result.reason}` };
}

export function gateLabel(phase: GatePhase): string {
  return phase === 'pass' ? 'passes:' : phase === 'fail' ? 'FAILS:' : 'inconclusive:';
}

/** Reports the evidence (events since we started, stopped tasks, target health) for a service the watcher has seen. */
export async function explain(
  ctx: DeployContext,
  cluster: string,
  watcher: ServiceWatcher,
  name: string,
  ours: { taskDefinitionArn: string; deploymentId?: string }
): Promise<void> {
  const service = watcher.latest.get(name);
  if (!service) return;
  const sinceEventId = watcher.anchorEventId(name);
  await reportEvidence(ctx, {
    cluster,
    service,
    taskDefinitionArn: ours.taskDefinitionArn,
    ...(ours.deploymentId ? { deploymentId: ours.deploymentId } : {}),
    ...(sinceEventId ? { sinceEventId } : {})
  });
}

/** "SIGINT" from the cancellation signal's reason ("cancelled (SIGINT)"). */
export function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  const text = r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
  return text.replace(/^cancelled \((.*)\)$/, '$1');
}

/**
 * Runs a phase whose failure is a value, not an exception, and still marks the phase as
 * failed in the log group and summary (phase-finished ok: false).
 */
export async function outcomePhase<T>(
  reporter: Reporter,
  phase: Phase,
  title: string,
  fn: () => Promise<{ ok: boolean; value: T }>
): Promise<T> {
  const failedSignal = new Error('phase failed');
  let failed: { value: T } | undefined;
  try {
    return await reporter.phase(phase, title, async () => {
      const r = await fn();
      if (!r.ok) {
        failed = { value: r.value };
        throw failedSignal;
      }
      return r.value;
    });
  } catch (error) {
    if (error === failedSignal && failed) return failed.value;
    throw error;
  }
}
