/**
 * Gate: the new service is steady on the new revision. The caller owns the polling (one
 * batched DescribeServices for every service it watches, as ECS throttles reads), so this
 * gate makes no call itself: it analyses the latest description it is handed.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { analyseService, analyseServingService, revisionOf } from './analysis.js';
import type { Gate } from './types.js';

/**
 * `latest` returns the most recent description of the service (from the caller's batched poll).
 * `serving`: the service receives traffic now, so losing every task fails at once.
 */
export function serviceGate(latest: () => Service | Promise<Service>, taskDefinition: string, name = 'service', serving = false): Gate {
  /** The new deployment's failed tasks when it began serving: tasks that fail after that fail the gate at once. */
  let failedAtStart: number | undefined;
  return {
    name,
    check: async () => {
      const service = await latest();
      if (!serving) return analyseService(service, taskDefinition);
      const failed = newlyFailed(service, taskDefinition, failedAtStart);
      failedAtStart ??= failed.now;
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

/** Failed tasks of the PRIMARY deployment on `taskDefinition`, now and since `baseline`. */
function newlyFailed(service: Service, taskDefinition: string, baseline: number | undefined): { now: number; since: number } {
  const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY' && revisionOf(d.taskDefinition) === revisionOf(taskDefinition));
  const now = primary?.failedTasks ?? 0;
  return { now, since: baseline === undefined ? 0 : Math.max(0, now - baseline) };
}
