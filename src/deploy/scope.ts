/**
 * The bounds of a strategy's watch: one signal that aborts on cancellation, on the
 * deployment's deadline or when the deployment lock is lost, and an AWS view whose reads
 * end with that signal and never take longer than a poll round. A hung or throttled read
 * then costs one round (the gate holds), never the deployment; the rollback afterwards
 * uses the unbounded clients, each call with its own deadline.
 */
import type { Aws } from '../aws/clients.js';
import { formatDuration } from '../duration.js';
import type { DeployContext } from './types.js';

/** Why a watch stopped early: a cancelled workflow, the deadline, or a lost lock. */
export class StopReason extends Error {
  override readonly name = 'StopReason';
}

export interface WatchScope {
  /** The context to watch with: `signal` is the scope's, `aws` reads are bounded. */
  ctx: DeployContext;
  /** Why the scope stopped, once `ctx.signal` has aborted. */
  why(): string;
  /** Stops the deadline timer. */
  dispose(): void;
}

/**
 * The longest one read may take inside a watch: two poll intervals, and at least a second
 * (real AWS reads take up to a few hundred milliseconds; a poll of 200 ms on the local ECS
 * would otherwise time out healthy reads).
 */
export function readBoundMs(pollIntervalMs: number): number {
  return Math.max(2 * pollIntervalMs, 1_000);
}

export function watchScope(ctx: DeployContext, o: { deadlineMs?: number; pollIntervalMs: number }): WatchScope {
  const controller = new AbortController();
  const forward = (): void => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) forward();
  else ctx.signal.addEventListener('abort', forward, { once: true });
  // A real timer, not ctx.timer: tests drive ctx.timer as a simulated clock that jumps, and
  // the loops check their own timeouts on it; this one only cuts reads that hang past the
  // deadline. Unref'd: the run's own work keeps the process alive, never this.
  const deadline =
    o.deadlineMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new StopReason(`the deadline (${formatDuration(o.deadlineMs ?? 0)}) passed`)), o.deadlineMs);
  deadline?.unref();
  return {
    ctx: { ...ctx, signal: controller.signal, aws: boundedReads(ctx.aws, controller.signal, readBoundMs(o.pollIntervalMs)) },
    why: () => stopText(controller.signal),
    dispose: () => {
      clearTimeout(deadline);
      ctx.signal.removeEventListener('abort', forward);
      if (!controller.signal.aborted) controller.abort(new StopReason('finished'));
    }
  };
}

/** "the deadline (30m) passed", "cancelled (SIGINT)", "the deployment lock was lost: …". */
export function stopText(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
}

/** Why a watch stopped, for a verdict: the deadline as it is, anything else as a cancellation. */
export function stopPhrase(signal: AbortSignal): string {
  if (signal.reason instanceof StopReason) return stopText(signal);
  const text = stopText(signal);
  return /^cancelled\b/.test(text) ? text : `cancelled (${text})`;
}

/**
 * Reads end when `signal` aborts or after `readMs`; mutations pass through unbounded (a
 * half-sent mutation is worse than a slow one: each still has its per-call deadline).
 */
export function boundedReads(base: Aws, signal: AbortSignal, readMs: number): Aws {
  const reads = base.withSignal(signal).withCallTimeout(readMs);
  return {
    ecs: {
      ...base.ecs,
      describeTaskDefinition: (ref) => reads.ecs.describeTaskDefinition(ref),
      latestTaskDefinition: (family) => reads.ecs.latestTaskDefinition(family),
      describeServices: (cluster, services) => reads.ecs.describeServices(cluster, services),
      listTasks: (input) => reads.ecs.listTasks(input),
      describeTasks: (cluster, arns) => reads.ecs.describeTasks(cluster, arns),
      listServiceDeployments: (cluster, service, status) => reads.ecs.listServiceDeployments(cluster, service, status),
      describeServiceDeployments: (arns) => reads.ecs.describeServiceDeployments(arns),
      describeServiceRevisions: (arns) => reads.ecs.describeServiceRevisions(arns)
    },
    ecsAdmin: base.ecsAdmin,
    elb: {
      ...base.elb,
      describeListener: (arn) => reads.elb.describeListener(arn),
      describeRule: (arn) => reads.elb.describeRule(arn),
      describeTargetGroups: (arns) => reads.elb.describeTargetGroups(arns),
      describeTargetHealth: (arn) => reads.elb.describeTargetHealth(arn)
    },
    cloudwatch: {
      ...base.cloudwatch,
      describeAlarms: (names) => reads.cloudwatch.describeAlarms(names),
      getMetricData: (queries, start, end) => reads.cloudwatch.getMetricData(queries, start, end)
    },
    codedeploy: {
      ...base.codedeploy,
      getDeploymentGroup: (app, group) => reads.codedeploy.getDeploymentGroup(app, group),
      getDeploymentConfig: (name) => reads.codedeploy.getDeploymentConfig(name),
      getDeployment: (id) => reads.codedeploy.getDeployment(id),
      listDeployments: (app, group, statuses) => reads.codedeploy.listDeployments(app, group, statuses)
    },
    withSignal: (s) => boundedReads(base, AbortSignal.any([signal, s]), readMs),
    withCallTimeout: (ms) => boundedReads(base.withCallTimeout(ms), signal, readMs)
  };
}
