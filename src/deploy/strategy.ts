/**
 * One contract for every strategy, and the engine that runs it. A deployment is an ordered
 * list of steps with a current position (argo-rollouts' model): each step returns next, done
 * (a verdict the strategy reached itself) or abort. An abort is an intent applied in one
 * place, the strategy's `abort`, which puts production back first and verifies it.
 */
import { errorMessage } from '../errors.js';
import type { Phase } from '../events.js';
import type { DeployContext, DeployResult } from './types.js';
import { failureHeadline } from './evidence.js';
import { outcomePhase } from './watching.js';

/** Why a deployment is being aborted; `explain` gathers the new revision's evidence afterwards. */
export interface Abort {
  reason: string;
  explain: boolean;
  /** ECS is already rolling back by itself (circuit breaker, its alarms): wait for it, never race it with a rollback of ours. */
  platformRollingBack?: boolean;
}

export type StepResult =
  | { kind: 'next' }
  /** Finished with a verdict of the strategy's own (succeeded early, refused with nothing changed, ECS rolled back). */
  | { kind: 'done'; result: DeployResult }
  | ({ kind: 'abort' } & Abort);

export interface Step {
  /** The log group and summary row; none for a silent read-only check. */
  phase?: Phase;
  title: string;
  run(): Promise<StepResult>;
}

export interface Strategy {
  readonly name: 'rolling' | 'blue-green' | 'ecs-native' | 'codedeploy';
  /**
   * The next step, or undefined when the deployment is complete. Asked after every step, so
   * a strategy can decide its steps as it goes (ECS-native: one per paused lifecycle stage).
   */
  nextStep(): Step | undefined;
  /** The one place an abort is applied: production back on the previous revision, verified. */
  abort(why: Abort): Promise<DeployResult>;
  /** The verdict once every step returned next. */
  succeeded(): DeployResult;
  /** Always runs last (temporary alarms, timers), whatever the outcome. */
  dispose?(): Promise<void>;
}

/**
 * Every strategy's one way to end: the result, announced as the verdict event. `rolledBack`
 * follows from the status, so no strategy can say one and mean the other.
 */
export function verdict(
  ctx: Pick<DeployContext, 'reporter' | 'timer'>,
  status: DeployResult['status'],
  reason: string,
  fields: Omit<DeployResult, 'status' | 'reason' | 'rolledBack'>
): DeployResult {
  const headline = status === 'succeeded' ? undefined : failureHeadline(ctx.reporter, status, reason, fields);
  ctx.reporter.event({ kind: 'verdict', status, reason, ...(headline ? { headline } : {}), at: ctx.timer.now() });
  return { ...fields, status, reason, ...(headline ? { headline } : {}), rolledBack: status === 'rolled-back' };
}

export const next: StepResult = { kind: 'next' };
export const abortWith = (reason: string, explain = true, platformRollingBack = false): StepResult => ({
  kind: 'abort',
  reason,
  explain,
  ...(platformRollingBack ? { platformRollingBack } : {})
});
export const doneWith = (result: DeployResult): StepResult => ({ kind: 'done', result });

/**
 * Runs a strategy step by step, each in its own log group. A step that throws is a crash of
 * our own: aborted like a failed gate.
 */
export async function runStrategy(strategy: Strategy, ctx: Pick<DeployContext, 'reporter'>): Promise<DeployResult> {
  try {
    for (let step = strategy.nextStep(); step; step = strategy.nextStep()) {
      const current = step;
      let result: StepResult;
      try {
        const phase = current.phase;
        result = phase
          ? await outcomePhase(ctx.reporter, phase, current.title, async () => {
              const r = await current.run();
              return { ok: r.kind !== 'abort' && !(r.kind === 'done' && r.result.status !== 'succeeded'), value: r };
            })
          : await current.run();
      } catch (error) {
        result = abortWith(`the deployment stopped unexpectedly: ${errorMessage(error)}`, false);
      }
      if (result.kind === 'abort') return await strategy.abort(result);
      if (result.kind === 'done') return result.result;
    }
    return strategy.succeeded();
  } finally {
    await strategy.dispose?.();
  }
}
