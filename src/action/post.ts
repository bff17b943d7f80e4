import * as core from '@actions/core';
import { createAws } from '../aws/clients.js';
import { createLockStore, type LockStoreOptions } from '../aws/dynamodb.js';
import { LOCK_STATE_KEY, type SavedLock } from '../deploy/locking.js';
import { errorMessage } from '../errors.js';
import { finishInterrupted } from '../recover.js';
import { realTimer } from '../timer.js';
import { ActionReporter } from './reporter.js';
import { actionState } from './state.js';

/**
 * The post step runs whatever happened to the main step (cancelled, crashed, killed).
 * It finishes an interrupted rollback and deletes temporary alarms. A rollback that
 * could not complete fails the post step (production may be half-deployed); other
 * cleanup problems are warnings.
 */
export async function runPost(): Promise<void> {
  const reporter = new ActionReporter();
  try {
    const recovery = await finishInterrupted({
      aws: createAws(),
      locks: createLockStore(lockCalls(actionState.load<SavedLock>(LOCK_STATE_KEY))),
      reporter,
      timer: realTimer,
      // The post step is the last chance to restore production: it is never cancelled.
      signal: new AbortController().signal,
      state: actionState
    });
    if (recovery.actions.length === 0) core.info('ecs-rollout post: nothing left to clean up');
    for (const line of recovery.actions) core.info(`ecs-rollout post: ${line}`);
    if (!recovery.ok) core.setFailed(`ecs-rollout post: ${recovery.actions.join('; ')}`);
  } catch (error) {
    // Unreadable saved state means nobody can tell whether production was left half-deployed: that fails.
    if (/saved state .* cannot be read/.test(errorMessage(error))) core.setFailed(`ecs-rollout post: ${errorMessage(error)}`);
    else core.warning(`ecs-rollout post: ${errorMessage(error)}`);
  }
}

/** The lock's calls get a third of the saved lease, as in the main step, so heartbeats keep it during a long rollback. */
function lockCalls(saved: SavedLock | undefined): LockStoreOptions {
  return saved ? { callTimeoutMs: Math.min(10_000, Math.floor(saved.leaseMs / 3)) } : {};
}
