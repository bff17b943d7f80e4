/**
 * Finishing what a main step left undone: the post step (and `ecs-rollout rollback`)
 * reads the saved state and completes any rollback, then deletes temporary alarms.
 * Running it after a clean finish is harmless: every saved phase says there is nothing to do.
 */
import { errorMessage } from './errors.js';
import { recoverBlueGreen } from './deploy/blue-green.js';
import { recoverNative } from './deploy/ecs-native/recover.js';
import { recoverCodeDeploy } from './deploy/codedeploy/recover.js';
import { ROLLING_STATE_KEY, needsRollback, rollbackRolling, type RollingState } from './deploy/rollback.js';
import type { DeployContext } from './deploy/types.js';
import { cleanupTemporaryAlarms } from './gates/alarms.js';
import { underSavedLock } from './deploy/locking.js';

export interface Recovery {
  /** What was done, one line each; empty when nothing was left to do. */
  actions: string[];
  /** False when a rollback was needed and did not complete. */
  ok: boolean;
  /** Another run holds the deployment lock now: the saved state was left alone. */
  deferred?: boolean;
}

/**
 * `sameOwner`: the post step of the run that saved the state (its main step is dead, so it
 * re-enters the lock); false for `ecs-rollout rollback`, which waits for the lock like any run.
 */
export async function finishInterrupted(ctx: DeployContext, o: { sameOwner: boolean } = { sameOwner: true }): Promise<Recovery> {
  // A release keeps each service's state under its own keys and finishes them all, in its own order.
  if (ctx.state.load('release')) {
    const release = await (await import('./release/restore.js')).finishRelease(ctx, o);
    if (release) return release;
  }
  const actions: string[] = [];
  let ok = true;
  const rolling = readableRolling(ctx.state.load<unknown>(ROLLING_STATE_KEY));
  const locked = await underSavedLock(ctx, { sameOwner: o.sameOwner, pollMs: rolling?.pollIntervalMs ?? 1_000 }, async (held) => {
    if (needsRollback(rolling)) {
      const result = await rollbackRolling(rolling, held, `the main step stopped while ${rolling.phase} service ${rolling.service}`);
      actions.push(result.reason);
      ok &&= result.status === 'rolled-back';
    }
    for (const recover of [recoverBlueGreen, recoverNative, recoverCodeDeploy]) {
      try {
        const restored = await recover(held);
        if (restored) actions.push(restored);
      } catch (error) {
        // Production could not be put back: the message says what the listener and services look like.
        actions.push(errorMessage(error));
        ok = false;
      }
    }
  });
  if (!locked.ran) actions.push(locked.why);
  const deleted = await cleanupTemporaryAlarms(ctx);
  if (deleted.length) actions.push(`deleted temporary alarm${deleted.length > 1 ? 's' : ''} ${deleted.join(', ')}`);
  return { actions, ok, ...(locked.ran ? {} : { deferred: true }) };
}

const PHASES = new Set(['migrating', 'updating', 'watching', 'rolling-back', 'done']);

/**
 * A saved rolling state that is not the shape deployRolling writes (hand-edited, truncated, another
 * version's) would otherwise read as "nothing to roll back" while the service may be half-deployed.
 */
function readableRolling(saved: unknown): RollingState | undefined {
  if (saved === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed: tsc narrows `unknown` only to `object`
  const s = saved as Partial<Record<keyof RollingState, unknown>> | null;
  const ok =
    typeof s === 'object' &&
    s !== null &&
    typeof s.phase === 'string' &&
    PHASES.has(s.phase) &&
    typeof s.cluster === 'string' &&
    typeof s.service === 'string' &&
    typeof s.taskDefinitionArn === 'string' &&
    typeof s.previousTaskDefinitionArn === 'string';
  if (ok) return saved as RollingState;
  throw new Error(
    // Worded like actionState's own unreadable-state error, which the post step fails on rather than warns.
    `the saved state ${ROLLING_STATE_KEY} cannot be read (${JSON.stringify(saved)?.slice(0, 200)}): it does not say which service was ` +
      'being deployed or how far it got, so nothing was rolled back. Look at the service in the console; if it is not on the revision you want, ' +
      'roll it back with `ecs-rollout rollback --cluster C --service S`'
  );
}
