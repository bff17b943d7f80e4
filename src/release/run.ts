/**
 * A release: every service rendered and checked, one lock over all of them, then the services
 * in dependency waves (each deployed by the same per-service pipeline as a run of one, with its
 * own strategy and gates), and when one fails, nothing new starts and every service this
 * release changed is put back, newest wave first.
 */
import type { DeployStatus, RolloutEvent } from '../events.js';
import { InputError, InputErrors, errorMessage } from '../errors.js';
import { monotonicNow } from '../events.js';
import { runPipeline } from '../pipeline.js';
import { maskSecretVars, renderTaskDefinition } from '../render/index.js';
import { LOCK_STATE_KEY, type SavedLock } from '../deploy/locking.js';
import { deploymentLockKeys } from '../deploy/locking.js';
import { StopReason, stopText } from '../deploy/scope.js';
import type { DeployContext, DeployResult } from '../deploy/types.js';
import { acquireLocks, lockHolder, newOwnerId, type LockHandle, type LockOptions } from '../lock/lock.js';
import type { LockStore } from '../aws/dynamodb.js';
import { alarmGate, verifyAlarmsExist } from '../gates/alarms.js';
import { formatDuration } from '../duration.js';
import type { ReleasePlan, ReleaseService } from './file.js';
import { ServiceReporter, scopedState, serviceStateKey } from './scope.js';
import { RELEASE_STATE_KEY, restoreService, rollbackInputs, type SavedRelease, type SavedService } from './restore.js';

/** How every strategy says it stopped before changing anything ("…; nothing was changed"). */
const NOTHING_CHANGED = /nothing was changed|before anything was changed/;

/** How a service of the release ended. `restored`: it had succeeded and the release put it back. */
export type ServiceVerdict = 'succeeded' | 'rolled-back' | 'restored' | 'failed' | 'unchanged' | 'not-started';

export interface ServiceOutcome {
  name: string;
  wave: number;
  strategy: string;
  verdict: ServiceVerdict;
  reason: string;
  /** The failure's root cause in one sentence, when the strategy found one (the release's reason quotes it). */
  headline?: string;
  before?: string;
  after?: string;
  /** Monotonic ms, from the release's start. */
  startedMs?: number;
  endedMs?: number;
  outputs: Record<string, string>;
  events: RolloutEvent[];
}

export interface ReleaseResult {
  status: DeployStatus;
  reason: string;
  rolledBack: boolean;
  services: ServiceOutcome[];
  /** status, reason, rolled-back, services (JSON: service → its outputs). */
  outputs: Record<string, string>;
  durationMs: number;
  waves: string[][];
}

export interface ReleaseOptions {
  /** Inputs each service's strategy re-reads to put back a revision (a run of one without the render and gate inputs). */
  env?: Record<string, string | undefined>;
}

/** The release's own steps go in the log as groups, the services' lines inside them. */
export async function runRelease(plan: ReleasePlan, ctx: DeployContext, o: ReleaseOptions = {}): Promise<ReleaseResult> {
  const started = monotonicNow();
  const { reporter } = ctx;
  const outcomes = new Map<string, ServiceOutcome>(
    plan.services.map((s) => [
      s.name,
      { name: s.name, wave: s.wave, strategy: strategyOf(s), verdict: 'not-started', reason: 'not started', outputs: {}, events: [] }
    ])
  );
  const scopes = new Map(
    plan.services.map((s, i) => [
      s.name,
      { reporter: new ServiceReporter(reporter, s.name), state: scopedState(ctx.state, serviceStateKey(i)), index: i }
    ])
  );
  const serviceCtx = (s: ReleaseService, signal: AbortSignal): DeployContext => {
    const scope = scopes.get(s.name)!;
    // No lock store: the release holds every service's lock itself.
    return { aws: ctx.aws, reporter: scope.reporter, timer: ctx.timer, signal, state: scope.state };
  };

  // Every service's secret values are masked before anything is rendered or printed.
  for (const s of plan.services) maskSecretVars(s.settings.render, reporter);
  // 1. Every template rendered and validated (read-only), all problems together.
  await reporter.phase(
    'render',
    `Validate the release (${plan.services.length} services in ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'})`,
    async () => {
      const errors: InputError[] = [];
      const others: string[] = [];
      await inParallel(plan.services, plan.maxParallel, async (s) => {
        try {
          await renderTaskDefinition(s.settings.render, { ecs: ctx.aws.ecs, reporter: scopes.get(s.name)!.reporter });
        } catch (error) {
          if (error instanceof InputErrors) errors.push(...error.errors);
          else if (error instanceof InputError) errors.push(error);
          else others.push(`service ${s.name}: ${errorMessage(error)}`);
        }
      });
      if (others.length) throw new Error(`${others.join('; ')}; nothing was changed`);
      if (errors.length === 1) throw errors[0]!;
      if (errors.length) throw new InputErrors(errors);
      plan.waves.forEach((w, i) => reporter.info(`wave ${i + 1}: ${w.join(', ')}`));
    }
  );

  // 2. One lock over every service (keys sorted: two releases sharing services cannot deadlock).
  const lock = await holdReleaseLock(plan, ctx);
  const run = lock?.ctx ?? ctx;
  try {
    // 3. Every service's preflight (read-only) before the first change.
    const deploying = await import('../deploy/run.js');
    await reporter.phase('discover', 'Check every service before changing any', async () => {
      const problems: string[] = [];
      const inputErrors: InputError[] = [];
      await inParallel(plan.services, plan.maxParallel, async (s) => {
        try {
          const checked = await deploying.preflight(s.settings, serviceCtx(s, run.signal));
          const outcome = outcomes.get(s.name)!;
          if (checked.current) outcome.before = checked.current;
        } catch (error) {
          if (error instanceof InputError) inputErrors.push(error);
          else problems.push(`service ${s.name}: ${errorMessage(error)}`);
        }
      });
      if (inputErrors.length && !problems.length) throw inputErrors.length === 1 ? inputErrors[0]! : new InputErrors(inputErrors);
      if (problems.length || inputErrors.length) throw new Error(`${[...inputErrors.map((e) => e.message), ...problems].join('; ')}`);
    });

    const saved: SavedRelease = {
      file: plan.file,
      onFailure: plan.onFailure,
      services: plan.services.map((s, i) => ({
        name: s.name,
        index: i,
        wave: s.wave,
        status: 'pending',
        strategy: strategyOf(s),
        ...(outcomes.get(s.name)!.before ? { previous: outcomes.get(s.name)!.before! } : {}),
        rollbackInputs: rollbackInputs(s.inputs)
      }))
    };
    const save = (): void => run.state.save(RELEASE_STATE_KEY, saved);
    const entry = (name: string): SavedService => saved.services.find((x) => x.name === name)!;
    save();

    // The release-level gate, and the first failure: nothing new starts after it.
    let failure: string | undefined;
    const inFlight = new Map<string, AbortController>();
    const fail = (why: string): void => {
      if (failure !== undefined) return;
      failure = why;
      if (plan.onFailure === 'rollback') for (const [, c] of inFlight) c.abort(new StopReason(`stopped: ${why}`));
    };
    const onCancel = (): void => fail(stopText(run.signal));
    if (run.signal.aborted) onCancel();
    else run.signal.addEventListener('abort', onCancel, { once: true });
    const gate = await releaseGate(plan, run, fail);

    try {
      for (const [waveIndex, names] of plan.waves.entries()) {
        if (failure !== undefined) break;
        await reporter.phase('deploy', `Wave ${waveIndex + 1} of ${plan.waves.length}: ${names.join(', ')}`, async () => {
          const wave = plan.services.filter((s) => names.includes(s.name));
          await inParallel(wave, plan.maxParallel, async (s) => {
            if (failure !== undefined) return;
            const outcome = outcomes.get(s.name)!;
            const own = new AbortController();
            inFlight.set(s.name, own);
            outcome.startedMs = monotonicNow() - started;
            entry(s.name).status = 'deploying';
            save();
            scopes.get(s.name)!.reporter.info(`started (wave ${s.wave + 1})`);
            let result: DeployResult | undefined;
            try {
              const r = await runPipeline(s.settings, serviceCtx(s, AbortSignal.any([run.signal, own.signal])));
              result = r.deploy;
              if (!result) throw new Error('nothing was deployed');
              Object.assign(outcome.outputs, r.outputs);
              outcome.after = result.taskDefinitionArn;
              if (result.previousTaskDefinitionArn) outcome.before = result.previousTaskDefinitionArn;
              outcome.reason = result.reason;
              if (result.headline) outcome.headline = result.headline;
              outcome.verdict = result.status === 'succeeded' ? 'succeeded' : result.status === 'rolled-back' ? 'rolled-back' : 'failed';
              // Stopped (or refused) before its service changed: nothing to put back, and nothing broken.
              if (result.status === 'failed' && NOTHING_CHANGED.test(result.reason)) outcome.verdict = 'unchanged';
            } catch (error) {
              // Refused before its service changed (preflight, registration): the release still stops here.
              outcome.verdict = 'unchanged';
              outcome.reason = errorMessage(error);
            } finally {
              inFlight.delete(s.name);
              outcome.endedMs = monotonicNow() - started;
              outcome.events = scopes.get(s.name)!.reporter.events;
            }
            scopes.get(s.name)!.reporter.info(`finished: ${outcome.verdict}`);
            const e = entry(s.name);
            e.status = outcome.verdict === 'succeeded' ? 'succeeded' : outcome.verdict === 'failed' ? 'failed' : 'rolled-back';
            if (outcome.before) e.previous = outcome.before;
            if (outcome.after) e.revision = outcome.after;
            save();
            if (outcome.verdict !== 'succeeded')
              fail(
                `service ${s.name} ${outcome.verdict === 'unchanged' ? 'could not deploy' : outcome.verdict === 'rolled-back' ? 'was rolled back' : 'failed'}: ${outcome.headline ?? outcome.reason}`
              );
          });
        });
      }
    } finally {
      gate.stop();
      run.signal.removeEventListener('abort', onCancel);
    }

    // 4. All or nothing: what this release changed goes back, newest wave first.
    if (failure !== undefined && plan.onFailure === 'rollback') {
      // The rollback is never cancelled: a cancelled workflow is exactly when it must finish.
      const restoring: DeployContext = { ...run, signal: lock?.lostSignal ?? new AbortController().signal };
      const changed = plan.services.filter((s) => outcomes.get(s.name)!.verdict === 'succeeded');
      if (changed.length) {
        await reporter.phase('rollback', `Roll back ${changed.map((s) => s.name).join(', ')} (the release failed)`, async () => {
          for (const wave of [...plan.waves.keys()].reverse()) {
            const batch = changed.filter((s) => s.wave === wave);
            await inParallel(batch, plan.maxParallel, async (s) => {
              const outcome = outcomes.get(s.name)!;
              const restored = await restoreService(
                entry(s.name),
                serviceCtx(s, restoring.signal),
                `the release failed (${failure})`,
                o.env ?? process.env
              );
              outcome.events = scopes.get(s.name)!.reporter.events;
              outcome.verdict = restored.ok ? 'restored' : 'failed';
              outcome.reason = restored.ok
                ? `rolled back with the release: ${restored.detail}`
                : `the release failed and putting it back failed: ${restored.detail}`;
              outcome.endedMs = monotonicNow() - started;
              entry(s.name).status = restored.ok ? 'rolled-back' : 'failed';
              save();
            });
          }
        });
      }
    }
    saved.finished = true;
    save();
    return result(plan, [...outcomes.values()], failure, monotonicNow() - started);
  } finally {
    await lock?.release();
  }
}

function strategyOf(s: ReleaseService): string {
  return s.settings.deploy.strategy;
}

/** The verdict of the whole release, and its outputs. */
function result(plan: ReleasePlan, services: ServiceOutcome[], failure: string | undefined, durationMs: number): ReleaseResult {
  const outputs = Object.fromEntries(services.map((s) => [s.name, serviceOutputs(s)]));
  const broken = services.filter((s) => s.verdict === 'failed');
  let status: DeployStatus;
  let reason: string;
  if (failure === undefined) {
    status = 'succeeded';
    reason = `released ${services.length} service${services.length === 1 ? '' : 's'} in ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'} (${formatDuration(Math.round(durationMs))})`;
  } else if (broken.length) {
    status = 'failed';
    reason = `${failure}; ${broken.map((s) => s.name).join(', ')} could not be put back: ${broken.map((s) => `${s.name}: ${s.reason}`).join('; ')}`;
  } else if (plan.onFailure === 'keep') {
    status = 'failed';
    const kept = services.filter((s) => s.verdict === 'succeeded').map((s) => s.name);
    reason = `${failure}; kept ${kept.length ? kept.join(', ') : 'nothing'} (on-failure: keep)`;
  } else {
    status = 'rolled-back';
    const back = services.filter((s) => s.verdict === 'restored' || s.verdict === 'rolled-back').map((s) => s.name);
    reason = `${failure}; ${back.length ? `back on their previous revisions: ${back.join(', ')}` : 'nothing had changed'}`;
  }
  const rolledBack = status === 'rolled-back';
  return {
    status,
    reason,
    rolledBack,
    services,
    durationMs,
    waves: plan.waves,
    outputs: { status, reason, 'rolled-back': String(rolledBack), services: JSON.stringify(outputs) }
  };
}

/** One service's outputs: those of a run of one, with the verdict the release gave it. */
function serviceOutputs(s: ServiceOutcome): Record<string, string> {
  const status =
    s.verdict === 'succeeded'
      ? 'succeeded'
      : s.verdict === 'rolled-back' || s.verdict === 'restored'
        ? 'rolled-back'
        : s.verdict === 'failed'
          ? 'failed'
          : s.verdict;
  return {
    ...s.outputs,
    status,
    reason: s.reason,
    'rolled-back': String(status === 'rolled-back'),
    strategy: s.strategy,
    wave: String(s.wave + 1),
    ...(s.before ? { 'previous-task-definition-arn': s.before } : {}),
    ...(s.after ? { 'task-definition-arn': s.after } : {})
  };
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface ReleaseLock {
  ctx: DeployContext;
  /** Aborts only when the lock is lost (the rollback must stop then: another run may own the services). */
  lostSignal: AbortSignal;
  release(): Promise<void>;
}

/** Every key of every service, taken at once before anything changes, saved for the post step like a run of one. */
async function holdReleaseLock(plan: ReleasePlan, ctx: DeployContext): Promise<ReleaseLock | undefined> {
  const lock = plan.services[0]!.settings.safety.lock;
  const keys = [...new Set(plan.services.flatMap((s) => deploymentLockKeys(s.settings)))].sort();
  if (!lock || !ctx.locks || keys.length === 0) return undefined;
  const owner = newOwnerId();
  const pollMs = Math.min(...plan.services.map((s) => s.settings.deploy.pollIntervalMs));
  const options = (timeoutMs: number): LockOptions => ({
    table: lock.table,
    owner,
    leaseMs: lock.leaseMs,
    timeoutMs,
    pollMs,
    holder: lockHolder(),
    timer: ctx.timer,
    signal: ctx.signal,
    log: { info: (m) => ctx.reporter.info(m), warning: (m) => ctx.reporter.warning(m) }
  });
  const handle = await ctx.reporter.phase(
    'lock',
    `Taking the deployment lock (${keys.length} keys: ${keys.join(', ')})`,
    async () => (await takeAtOnce(ctx.locks!, keys, options(0))) ?? acquireLocks(ctx.locks!, keys, options(lock.timeoutMs))
  );
  const saved: SavedLock = { table: lock.table, owner, keys, leaseMs: lock.leaseMs, released: false };
  ctx.state.save(LOCK_STATE_KEY, saved);
  return {
    ctx: { ...ctx, signal: AbortSignal.any([ctx.signal, handle.lost]) },
    lostSignal: handle.lost,
    release: async () => {
      await handle.release();
      ctx.state.save(LOCK_STATE_KEY, { ...saved, released: true });
    }
  };
}

/**
 * Every key at once, none waited for: a release of 50 services would otherwise take 50 round
 * trips in a row. Safe from deadlock because nothing waits while holding: when any key is held
 * by another run, the keys taken are released and undefined says to take them the usual way,
 * one by one in sorted order, waiting as needed.
 */
async function takeAtOnce(store: LockStore, keys: string[], o: LockOptions): Promise<LockHandle | undefined> {
  const quiet: LockOptions = { ...o, log: { info: (message) => o.log.info(message), warning: () => undefined } };
  const taken = await Promise.allSettled(keys.map((key) => acquireLocks(store, [key], quiet)));
  const handles = taken.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
  if (handles.length < keys.length) {
    await Promise.all(handles.map((h) => h.release()));
    return undefined;
  }
  const lost = AbortSignal.any(handles.map((h) => h.lost));
  let released: Promise<void> | undefined;
  return {
    keys: [...keys].sort(),
    owner: o.owner,
    lost,
    release: () => (released ??= Promise.all(handles.map((h) => h.release())).then(() => undefined))
  };
}

/**
 * The release-level gate: the top-level alarms, checked every poll for the whole release. An
 * alarm going off fails the release like a failed service (alarms already in ALARM at the
 * start are judged by the alarm mode, as for one service).
 */
async function releaseGate(plan: ReleasePlan, ctx: DeployContext, fail: (why: string) => void): Promise<{ stop(): void }> {
  if (plan.alarms.length === 0) return { stop: () => undefined };
  const gates = plan.services[0]!.settings.gates;
  const baseline = await verifyAlarmsExist(plan.alarms, ctx, gates);
  const gate = alarmGate(plan.alarms, gates, baseline, ctx, 'release alarms');
  const pollMs = Math.min(...plan.services.map((s) => s.settings.deploy.pollIntervalMs));
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const r = await gate.check();
        ctx.reporter.event({ kind: 'gate', gate: 'release alarms', phase: r.phase, reason: r.reason, at: ctx.timer.now() });
        if (r.phase === 'fail') {
          ctx.reporter.warning(`release gate: ${r.reason}`);
          fail(`the release gate failed: ${r.reason}`);
          return;
        }
      } catch (error) {
        ctx.reporter.info(`release gate: could not read the alarms (${errorMessage(error)}); checking again next poll`);
      }
      await ctx.timer.sleep(pollMs, stop.signal);
    }
  })();
  return {
    stop: () => {
      stop.abort();
      void loop;
    }
  };
}
