/**
 * Gate: the new service is steady on the new revision, and none of its essential
 * containers exited or was OOM-killed. The caller owns the polling (one batched
 * DescribeServices for every service it watches, as ECS throttles reads), so the steady
 * part makes no call itself; the container part reads the deployment's stopped tasks only
 * when ECS's failed-task count for it rises.
 */
import type { Service, Task } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../aws/clients.js';
import { analyseContainerExits, analyseService, analyseServingService, revisionOf } from './analysis.js';
import type { Gate, GateResult } from './types.js';

/** Stopped tasks per describe call: ECS's own limit. */
const DESCRIBE_LIMIT = 100;

/**
 * `latest` returns the most recent description of the service (from the caller's batched poll).
 * `serving`: the service receives traffic now, so losing every task fails at once.
 * `ecs`: with it, an essential container of the new revision that exits or is OOM-killed
 * fails the gate at once, with the container, exit code and ECS's reason (rather than
 * waiting for the circuit breaker's count, or reporting only "a task failed").
 */
export function serviceGate(
  latest: () => Service | Promise<Service>,
  taskDefinition: string,
  name = 'service',
  serving = false,
  ecs?: Pick<EcsApi, 'listTasks' | 'describeTasks'>
): Gate {
  /** The new deployment's failed tasks when it began serving: tasks that fail after that fail the gate at once. */
  let failedAtStart: number | undefined;
  const containers = ecs ? containerSignals(ecs, taskDefinition) : undefined;
  return {
    name,
    check: async () => {
      const service = await latest();
      const failed = newlyFailed(service, taskDefinition, failedAtStart);
      if (serving) failedAtStart ??= failed.now;
      const exited = await containers?.(service, serving ? (failedAtStart ?? 0) : 0);
      if (exited?.phase === 'fail') return exited;
      if (!serving) return analyseService(service, taskDefinition);
      if (failed.since > 0) {
        return {
          phase: 'fail',
          reason: `${failed.since} task${failed.since === 1 ? '' : 's'} of ${revisionOf(taskDefinition)} failed in service ${service.serviceName ?? ''} while it served traffic (ECS counts ${failed.now} failed in the deployment)`
        };
      }
      return analyseServingService(service, taskDefinition);
    }
  };
}

/**
 * Reads the stopped tasks of our deployment each time its failed count rises past what was
 * already examined, and judges their containers. A read that fails is not a verdict: the
 * next rise (or the other gates) decide.
 */
export function containerSignals(
  ecs: Pick<EcsApi, 'listTasks' | 'describeTasks'>,
  taskDefinition: string
): (service: Service, baseline: number) => Promise<GateResult | undefined> {
  let examined = 0;
  const seen = new Set<string>();
  return async (service: Service, baseline: number) => {
    const primary = primaryOn(service, taskDefinition);
    const failed = primary?.failedTasks ?? 0;
    // ECS puts the count back to 0 once a task passes its health checks: a later crash counts up from there.
    if (failed < examined) examined = failed;
    if (!primary?.id || failed <= Math.max(examined, baseline)) return undefined;
    const cluster = service.clusterArn ?? '';
    let tasks: Task[];
    try {
      const arns = (await ecs.listTasks({ cluster, desiredStatus: 'STOPPED', startedBy: primary.id })).filter((a) => !seen.has(a));
      tasks = arns.length ? await ecs.describeTasks(cluster, arns.slice(0, DESCRIBE_LIMIT)) : [];
    } catch {
      return undefined;
    }
    // A task still STOPPING may have no exit code yet: it is read again on the next check.
    const settled = tasks.filter((t) => t.lastStatus === 'STOPPED' || t.containers?.some((c) => c.exitCode !== undefined));
    if (settled.length === tasks.length) examined = failed;
    for (const t of settled) if (t.taskArn) seen.add(t.taskArn);
    return analyseContainerExits(settled, revisionOf(taskDefinition));
  };
}

function primaryOn(service: Service, taskDefinition: string) {
  return (service.deployments ?? []).find((d) => d.status === 'PRIMARY' && revisionOf(d.taskDefinition) === revisionOf(taskDefinition));
}

/** Failed tasks of the PRIMARY deployment on `taskDefinition`, now and since `baseline`. */
function newlyFailed(service: Service, taskDefinition: string, baseline: number | undefined): { now: number; since: number } {
  const now = primaryOn(service, taskDefinition)?.failedTasks ?? 0;
  return { now, since: baseline === undefined ? 0 : Math.max(0, now - baseline) };
}
