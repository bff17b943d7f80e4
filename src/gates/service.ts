/**
 * Gate: the new service is steady on the new revision. The caller owns the polling (one
 * batched DescribeServices for every service it watches, as ECS throttles reads), so this
 * gate makes no call itself: it analyses the latest description it is handed.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { analyseService, analyseServingService } from './analysis.js';
import type { Gate } from './types.js';

/**
 * `latest` returns the most recent description of the service (from the caller's batched poll).
 * `serving`: the service receives traffic now, so losing every task fails at once.
 */
export function serviceGate(latest: () => Service | Promise<Service>, taskDefinition: string, name = 'service', serving = false): Gate {
  return {
    name,
    check: async () => (serving ? analyseServingService : analyseService)(await latest(), taskDefinition)
  };
}
