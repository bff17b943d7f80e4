/**
 * Putting a release's services back: what the release saves so that it can be finished later,
 * the rollback of a service that had already succeeded (its strategy's own rollback for
 * rolling; for the others the previous revision deployed again by the same strategy, traffic
 * verified), and the post step's / `ecs-rollout rollback`'s finishing of a crashed release.
 */
import { errorMessage } from '../errors.js';
import { Inputs, inputDefault } from '../inputs.js';
import { runPipeline } from '../pipeline.js';
import { finishInterrupted, type Recovery } from '../recover.js';
import { readSettings } from '../settings.js';
import { LOCK_STATE_KEY, underSavedLock, type SavedLock } from '../deploy/locking.js';
import { ROLLING_STATE_KEY, rollbackRolling, type RollingState } from '../deploy/rollback.js';
import { revision } from '../deploy/verdict.js';
import { describeService } from '../deploy/watch.js';
import type { DeployContext } from '../deploy/types.js';
import type { OnFailure } from './file.js';
import { ServiceReporter, scopedState, serviceStateKey } from './scope.js';

/** The key under which a release saves its SavedRelease. */
export const RELEASE_STATE_KEY = 'release';

export type SavedStatus = 'pending' | 'deploying' | 'succeeded' | 'rolled-back' | 'failed';

export interface SavedService {
  name: string;
  /** Its state's key prefix is serviceStateKey(index). */
  index: number;
  wave: number;
  status: SavedStatus;
  strategy: string;
  /** The revision it ran before the release. */
  previous?: string;
  /** The revision the release deployed. */
  revision?: string;
  /** The inputs that deploy a given revision with the service's strategy (no template, vars or gates: nothing secret). */
  rollbackInputs: Record<string, string>;
}

export interface SavedRelease {
  file: string;
  onFailure: OnFailure;
  services: SavedService[];
  finished?: boolean;
}

/** Inputs that choose where and how a revision is deployed; the template, its variables, gates and one-off tasks are left out. */
const DEPLOY_INPUTS = [
  'strategy',
  'cluster',
  'service',
  'circuit-breaker',
  'wait-for-service-stability',
  'timeout',
  'poll-interval',
  'wait-max-delay-seconds',
  'call-timeout',
  'max-retries',
  'blue-service',
  'green-service',
  'blue-target-group',
  'green-target-group',
  'listener-arn',
  'listener-rule-arn',
  'termination-wait',
  'idle-desired-count',
  'ecs-strategy',
  'codedeploy-appspec',
  'codedeploy-application',
  'codedeploy-deployment-group',
  'codedeploy-deployment-config'
];

/** A service's inputs for putting a revision back: its deployment inputs, traffic moved in one verified step. */
export function rollbackInputs(inputs: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of DEPLOY_INPUTS) {
    const v = inputs.get(name);
    if (v !== undefined && v !== inputDefault(name)) out[name] = v;
  }
  // The release already held (or re-entered) the lock over every service.
  out.lock = 'false';
  if ((inputs.get('strategy') ?? inputDefault('strategy')) === 'blue-green') {
    Object.assign(out, { 'traffic-steps': '100', 'step-bake': '0s', 'final-bake': '0s' });
  }
  return out;
}

export interface Restored {
  ok: boolean;
  detail: string;
}

/**
 * Puts a service that had succeeded back on the revision it ran before the release. Rolling
 * uses its own rollback (UpdateService to the previous revision, the desired count restored,
 * stable verified); the other strategies deploy the previous revision again, so traffic moves
 * back through the same verified steps.
 */
export async function restoreService(
  saved: SavedService,
  ctx: DeployContext,
  reason: string,
  env: Record<string, string | undefined>
): Promise<Restored> {
  const previous = saved.previous;
  if (!previous)
    return { ok: false, detail: `the revision service ${saved.name} ran before the release is not known; roll it back by hand` };
  if (previous === saved.revision)
    return { ok: true, detail: `service ${saved.name} still runs ${revision(previous)} (the release did not change it)` };
  try {
    const rolling = ctx.state.load<RollingState>(ROLLING_STATE_KEY);
    if (rolling && rolling.previousTaskDefinitionArn === previous) {
      const r = await rollbackRolling(rolling, ctx, reason);
      return {
        ok: r.status === 'rolled-back',
        detail: r.status === 'rolled-back' ? `service ${saved.name} is back on ${revision(previous)}` : r.reason
      };
    }
    const values = new Map(Object.entries({ ...saved.rollbackInputs, 'task-definition-arn': previous }));
    const settings = readSettings(
      new Inputs({ get: (n) => values.get(n) ?? inputDefault(n), label: (n) => `${n} (rolling back ${saved.name})` }),
      env
    );
    const redeployed = await ctx.reporter.phase('rollback', `Putting ${saved.name} back on ${revision(previous)} (${saved.strategy})`, () =>
      runPipeline(settings, ctx)
    );
    const r = redeployed.deploy;
    if (r?.status === 'succeeded')
      return {
        ok: true,
        detail: `service ${saved.name} is back on ${revision(previous)}${r.outputs.traffic ? ` (traffic ${r.outputs.traffic})` : ''}`
      };
    return { ok: false, detail: r ? r.reason : 'nothing was deployed' };
  } catch (error) {
    return { ok: false, detail: `putting ${saved.name} back on ${revision(previous)} failed: ${errorMessage(error)}` };
  }
}

/**
 * The post step of a release (and `ecs-rollout rollback`): each service's interrupted
 * deployment finished as for a run of one, then — all or nothing — every service the release
 * had changed is put back, newest wave first, under the release's lock. Undefined when no
 * release was saved.
 */
export async function finishRelease(
  ctx: DeployContext,
  o: { sameOwner: boolean; env?: Record<string, string | undefined> }
): Promise<Recovery | undefined> {
  const saved = ctx.state.load<SavedRelease>(RELEASE_STATE_KEY);
  if (!saved) return undefined;
  // A release that reached its verdict left nothing to finish (its rollback, if any, already ran).
  if (saved.finished) return { actions: [], ok: true };
  const actions: string[] = [];
  let ok = true;
  const touched = saved.services.filter((s) => s.status !== 'pending');
  const pollMs = 1_000;
  // The keys are taken over one by one, each after its own lease of silence: a dead release's N keys take N leases.
  const lock = ctx.state.load<SavedLock>(LOCK_STATE_KEY);
  const timeoutMs = lock && !o.sameOwner ? (lock.keys.length + 2) * lock.leaseMs : undefined;
  const locked = await underSavedLock(ctx, { sameOwner: o.sameOwner, pollMs, ...(timeoutMs ? { timeoutMs } : {}) }, async (held) => {
    const waves = [...new Set(touched.map((s) => s.wave))].sort((a, b) => b - a);
    for (const wave of waves) {
      await Promise.all(
        touched
          .filter((s) => s.wave === wave)
          .map(async (s) => {
            // No lock store: the release's lock is held here, each service's own state has none.
            const unlocked: DeployContext = {
              aws: held.aws,
              timer: held.timer,
              signal: held.signal,
              reporter: new ServiceReporter(held.reporter, s.name),
              state: scopedState(held.state, serviceStateKey(s.index))
            };
            // An interrupted deployment is finished as for a run of one (its own state, no lock of its own).
            if (s.status === 'deploying') {
              const recovery = await finishInterrupted(unlocked, { sameOwner: true });
              for (const line of recovery.actions) actions.push(`${s.name}: ${line}`);
              if (!recovery.ok) ok = false;
              s.status = recovery.ok ? ((await stillOnNew(s, unlocked)) ? 'succeeded' : 'rolled-back') : 'failed';
            }
            if (s.status === 'succeeded' && saved.onFailure === 'rollback') {
              const restored = await restoreService(s, unlocked, 'the release did not finish', o.env ?? process.env);
              actions.push(
                `${s.name}: ${restored.ok ? `rolled back with the release: ${restored.detail}` : `could not be put back: ${restored.detail}`}`
              );
              ok &&= restored.ok;
              s.status = restored.ok ? 'rolled-back' : 'failed';
            }
            held.state.save(RELEASE_STATE_KEY, saved);
          })
      );
    }
  });
  if (!locked.ran) return { actions: [locked.why], ok, deferred: true };
  saved.finished = true;
  ctx.state.save(RELEASE_STATE_KEY, saved);
  return { actions, ok };
}

/** A rolling service whose deployment had finished before the crash still runs the new revision: the release must put it back. */
async function stillOnNew(s: SavedService, ctx: DeployContext): Promise<boolean> {
  const rolling = ctx.state.load<RollingState>(ROLLING_STATE_KEY);
  if (!rolling || rolling.phase !== 'done') return false;
  try {
    const service = await describeService(ctx, rolling.cluster, rolling.service);
    s.previous ??= rolling.previousTaskDefinitionArn;
    s.revision ??= rolling.taskDefinitionArn;
    return service.taskDefinition === rolling.taskDefinitionArn && rolling.taskDefinitionArn !== rolling.previousTaskDefinitionArn;
  } catch {
    return false;
  }
}
