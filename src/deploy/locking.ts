/**
 * The deployment lock around a run: taken after the inputs are validated and before the
 * first read that the deployment acts on; its loss stops the deployment like a
 * cancellation; released when the run ends. The post step re-enters it with the owner id
 * the main step saved (the main step is dead by then), and `ecs-rollout rollback` waits for
 * it (or for its lease to run out) like any other run.
 */
import type { LockStore } from '../aws/dynamodb.js';
import { errorMessage } from '../errors.js';
import { LockError, acquireLocks, lockHolder, lockKeys, newOwnerId, type LockHandle } from '../lock/lock.js';
import type { Settings } from '../settings.js';
import type { DeployContext } from './types.js';

/** The key under which a run saves the lock it holds. */
export const LOCK_STATE_KEY = 'lock';

export interface SavedLock {
  table: string;
  owner: string;
  keys: string[];
  leaseMs: number;
  released: boolean;
}

/** What a deployment locks: each service it changes, and the listener or rule whose weights it moves. */
export function deploymentLockKeys(settings: Settings): string[] {
  const { deploy, blueGreen } = settings;
  if (blueGreen) {
    const target = 'listenerArn' in blueGreen.target ? blueGreen.target.listenerArn : blueGreen.target.ruleArn;
    return lockKeys(deploy.cluster, [blueGreen.colours.blue.service, blueGreen.colours.green.service], target);
  }
  return deploy.service ? lockKeys(deploy.cluster, [deploy.service]) : [];
}

export interface HeldLock {
  /** The context to deploy with: its signal also aborts when the lock is lost. */
  ctx: DeployContext;
  release(): Promise<void>;
}

/** Takes the deployment's lock, or throws saying who holds it (nothing has been changed). */
export async function holdDeploymentLock(settings: Settings, ctx: DeployContext): Promise<HeldLock | undefined> {
  const lock = settings.safety.lock;
  const keys = deploymentLockKeys(settings);
  if (!lock || !ctx.locks || keys.length === 0) return undefined;
  const { leaseMs } = lock;
  const owner = newOwnerId();
  const handle = await ctx.reporter.phase('lock', `Taking the deployment lock (${keys.join(', ')})`, () =>
    take(ctx.locks!, keys, ctx, { table: lock.table, owner, leaseMs, timeoutMs: lock.timeoutMs, pollMs: settings.deploy.pollIntervalMs })
  );
  return heldBy(handle, ctx, { table: lock.table, owner, keys, leaseMs, released: false });
}

/**
 * For the post step and `ecs-rollout rollback`: holds the lock a crashed run saved while
 * `fn` finishes its work. `sameOwner` (the post step of the same run) re-enters it; otherwise
 * it is waited for like any other run's, at most `timeoutMs`, and taken over once its
 * heartbeat has stood still for a lease. Undefined when another run holds it: that run is
 * deploying now, and the crashed run's leftovers are no longer ours to undo.
 */
export async function underSavedLock<T>(
  ctx: DeployContext,
  o: { sameOwner: boolean; timeoutMs?: number; pollMs: number },
  fn: (ctx: DeployContext) => Promise<T>
): Promise<{ ran: true; value: T } | { ran: false; why: string }> {
  const saved = ctx.state.load<SavedLock>(LOCK_STATE_KEY);
  if (!saved || saved.released || !ctx.locks) return { ran: true, value: await fn(ctx) };
  const owner = o.sameOwner ? saved.owner : newOwnerId();
  let handle: LockHandle;
  try {
    handle = await take(ctx.locks, saved.keys, ctx, {
      table: saved.table,
      owner,
      leaseMs: saved.leaseMs,
      // The same owner waits out a throttled or slow DynamoDB for up to a lease; nobody else can take it sooner.
      timeoutMs: o.timeoutMs ?? (o.sameOwner ? saved.leaseMs : 3 * saved.leaseMs),
      pollMs: o.pollMs
    });
  } catch (error) {
    if (error instanceof LockError && error.reason === 'busy') {
      return { ran: false, why: `${errorMessage(error)} Another run deploys now, so the interrupted run's rollback is left to it.` };
    }
    // The lock is this run's own (its main step is dead, and nobody took it over): a DynamoDB that
    // does not answer must not keep production half-deployed.
    if (o.sameOwner && !ctx.signal.aborted) {
      ctx.reporter.warning(
        `could not re-enter the deployment lock (${errorMessage(error)}); finishing the rollback anyway: the lock is this run's own`
      );
      return { ran: true, value: await fn(ctx) };
    }
    throw error;
  }
  const held = heldBy(handle, ctx, { ...saved, owner });
  try {
    return { ran: true, value: await fn(held.ctx) };
  } finally {
    await held.release();
  }
}

function take(
  store: LockStore,
  keys: string[],
  ctx: DeployContext,
  o: { table: string; owner: string; leaseMs: number; timeoutMs: number; pollMs: number }
): Promise<LockHandle> {
  return acquireLocks(store, keys, {
    ...o,
    holder: lockHolder(),
    timer: ctx.timer,
    signal: ctx.signal,
    log: { info: (m) => ctx.reporter.info(m), warning: (m) => ctx.reporter.warning(m) }
  });
}

function heldBy(handle: LockHandle, ctx: DeployContext, saved: SavedLock): HeldLock {
  ctx.state.save(LOCK_STATE_KEY, saved);
  return {
    ctx: { ...ctx, signal: AbortSignal.any([ctx.signal, handle.lost]) },
    release: async () => {
      await handle.release();
      ctx.state.save(LOCK_STATE_KEY, { ...saved, released: true });
    }
  };
}
