/**
 * Gate: every target of the new colour's target group is healthy, as many as the service
 * runs tasks. One DescribeTargetHealth per check.
 */
import { analyseServingTargets, analyseTargets, observeTargets } from './analysis.js';
import type { Aws } from '../aws/clients.js';
import { targetGroupName } from '../deploy/colours.js';
import type { Gate } from './types.js';

export interface TargetGateContext {
  aws: Pick<Aws, 'elb'>;
}

/**
 * `expectedRunning` returns the service's running count from the caller's latest
 * DescribeServices, so both gates judge the same moment.
 */
export function targetHealthGate(
  targetGroupArn: string,
  expectedRunning: () => number | Promise<number>,
  ctx: TargetGateContext,
  name = 'targets',
  /** The group receives traffic now: no healthy target left fails at once (the load balancer answers 503). */
  serving = false
): Gate {
  const analyse = serving ? analyseServingTargets : analyseTargets;
  return {
    name,
    check: async () => {
      const [descriptions, expected] = await Promise.all([ctx.aws.elb.describeTargetHealth(targetGroupArn), expectedRunning()]);
      return analyse(observeTargets(descriptions), expected, targetGroupName(targetGroupArn));
    }
  };
}

export type Fetch = (url: string, init: { signal: AbortSignal; redirect: 'manual' }) => Promise<{ status: number }>;

/**
 * Gate: an HTTP GET to `url` (typically a test listener in front of the new colour)
 * answers 2xx within `timeoutMs`. Another status fails; no answer at all (refused,
 * timed out) is inconclusive, held by the policy like any other, since a test listener
 * can take a moment to see newly registered targets. Redirects are not followed: a 3xx
 * usually means a login page, not a healthy release.
 */
export function smokeTestGate(url: string, timeoutMs: number, fetchImpl: Fetch = fetch, name = 'smoke-test'): Gate {
  return {
    name,
    check: async () => {
      try {
        const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        if (res.status >= 200 && res.status < 300) return { phase: 'pass', reason: `GET ${url} answered ${res.status}` };
        return { phase: 'fail', reason: `GET ${url} answered ${res.status}, not 2xx` };
      } catch (error) {
        // Duck-typed: fetch rejects with a DOMException on timeout, which is not always an `Error` of this realm.
        const e = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
        const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
        const cause = typeof e.cause?.message === 'string' ? e.cause.message : typeof e.message === 'string' ? e.message : String(error);
        const detail = timedOut ? `no answer within ${timeoutMs} ms` : cause;
        return { phase: 'inconclusive', reason: `GET ${url}: ${detail}` };
      }
    }
  };
}
