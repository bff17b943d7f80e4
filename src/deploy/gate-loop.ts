/**
 * The one loop that watches gates, for every strategy: each round one poll of the services
 * (one batched DescribeServices), then every gate at once. A fail ends it at once (so
 * production goes back within a poll); inconclusive holds under one policy (see `guarded`);
 * a new gate is added by adding it to a strategy's list, nothing else.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { errorMessage } from '../errors.js';
import { holdInconclusive } from '../gates/analysis.js';
import type { InconclusivePolicy } from '../gates/settings.js';
import type { Gate, GateResult } from '../gates/types.js';
import { stopPhrase } from './scope.js';
import type { DeployContext } from './types.js';
import { settling, type ServiceWatcher } from './watch.js';
import { gateLabel } from './watching.js';

/** A gate that throws is inconclusive: it holds, it never passes. */
export function safe(gate: Gate): Gate {
  return {
    name: gate.name,
    check: async () => {
      try {
        return await gate.check();
      } catch (error) {
        return { phase: 'inconclusive', reason: `checking failed: ${errorMessage(error)}` };
      }
    }
  };
}

/**
 * The inconclusive policy every strategy applies once traffic depends on the gate: held for
 * up to `limit` consecutive checks, and the limit-th check is decided by `decide`.
 */
export function guarded(gate: Gate, policy: InconclusivePolicy): Gate {
  return holdInconclusive(safe(gate), policy);
}

export interface GateLoopOptions<T> {
  /** The watch's context (see scope.ts): its signal ends the loop. */
  ctx: DeployContext;
  /** Polled once per round; paces the rounds (and backs off while AWS throttles). */
  watcher: ServiceWatcher;
  gates: Gate[];
  /** Keep watching at least this long; then the first round in which every gate passes ends it. */
  minMs: number;
  /** A deadline on our monotonic clock: a gate still inconclusive past it fails the watch. */
  until?: number;
  /** e.g. "at 50 %", for messages. */
  what: string;
  /** The watcher polled just now: the first round uses its latest descriptions. */
  reuseFirstPoll?: boolean;
  /** The gates were checked just now: wait one poll interval before the first round. */
  sleepFirst?: boolean;
  /** Looked at after every poll, before the gates: a verdict that ends the watch (ECS rolled back by itself). */
  interrupt?: (services: Map<string, Service>) => T | undefined;
  /**
   * The gates read nothing that can turn bad unseen by the services' own counts and events
   * (the service gate alone): the loop may slow down while nothing moves and every gate
   * passes (cadence.ts). Alarm, metric and target-health gates keep it at the poll interval,
   * so their failure is still caught within one poll.
   */
  rest?: boolean;
  /** For the progress line: what we wait for. Default: "the gates <what>". */
  waitingFor?: string;
}

export type GateLoopEnd<T> = { kind: 'passed' } | { kind: 'failed'; reason: string; explain: boolean } | { kind: 'interrupted'; value: T };

export async function watchGates<T = never>(o: GateLoopOptions<T>): Promise<GateLoopEnd<T>> {
  const { ctx, watcher } = o;
  const start = ctx.timer.now();
  // The moments a slow poll must not overshoot: the end of the bake, the deadline.
  const limits = [start + o.minMs, o.until];
  const limitMs = Number.isFinite(o.minMs) && o.minMs > 0 ? o.minMs : o.until !== undefined ? o.until - start : undefined;
  const waitingFor = o.waitingFor ?? `the gates ${o.what}`;
  const last = new Map<string, string>();
  let round = 0;
  // A new loop is a new phase (a traffic shift, a new bake): it starts at the fast interval.
  watcher.cadence.reset();
  try {
    if (o.sleepFirst) await watcher.sleep(ctx.signal, limits);
    for (;;) {
      if (ctx.signal.aborted) return { kind: 'failed', reason: `${stopPhrase(ctx.signal)} ${o.what}`, explain: false };
      if (round++ > 0 || !o.reuseFirstPoll) {
        const poll = await watcher.poll();
        if (poll.kind === 'ok' && o.interrupt) {
          const value = o.interrupt(poll.services);
          if (value !== undefined) return { kind: 'interrupted', value };
        }
      }
      const results = await Promise.all(o.gates.map(async (gate) => [gate, await gate.check()] as const));
      let gatesMoved = false;
      for (const [gate, r] of results) gatesMoved = report(ctx, gate.name, r, last) || gatesMoved;
      const failed = results.find(([, r]) => r.phase === 'fail');
      if (failed) return { kind: 'failed', reason: `gate ${failed[0].name} failed ${o.what}: ${failed[1].reason}`, explain: true };
      const held = results.filter(([, r]) => r.phase === 'inconclusive');
      if (held.length === 0 && ctx.timer.now() - start >= o.minMs) return { kind: 'passed' };
      if (o.until !== undefined && ctx.timer.now() >= o.until) {
        const why = held.map(([g, r]) => `${g.name}: ${r.reason}`).join('; ');
        return { kind: 'failed', reason: `the gates did not pass ${o.what} within the timeout (${why})`, explain: true };
      }
      if (gatesMoved) watcher.liveLine.spoke();
      watcher.show({
        waitingFor,
        elapsedMs: ctx.timer.now() - start,
        ...(limitMs !== undefined ? { limitMs } : {}),
        gates: results.map(([g, r]) => ({ name: g.name, phase: r.phase }))
      });
      const services = [...watcher.latest.values()];
      watcher.pace(o.rest === true && !gatesMoved && held.length === 0 && !services.some(settling));
      await watcher.sleep(ctx.signal, limits);
    }
  } catch (error) {
    return { kind: 'failed', reason: `watching the gates ${o.what} failed: ${errorMessage(error)}`, explain: false };
  }
}

/** Logs and emits a gate's result when it changes; true when it did. */
function report(ctx: DeployContext, gate: string, r: GateResult, last: Map<string, string>): boolean {
  const key = `${r.phase} ${r.reason}`;
  if (last.get(gate) === key) return false;
  last.set(gate, key);
  ctx.reporter.info(`gate ${gate}: ${gateLabel(r.phase)} ${r.reason}`);
  ctx.reporter.event({ kind: 'gate', gate, phase: r.phase, reason: r.reason, at: ctx.timer.now() });
  return true;
}
