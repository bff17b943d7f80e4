/**
 * The blue/green strategy, read top to bottom:
 *   discover → prepare the idle colour → gates → (shift → bake)* → promote,
 * and on any failure, timeout, cancellation or crash: traffic back to the old colour
 * first (verified), then the new colour scaled back. The listener's weights are the
 * source of truth; what a rollback needs is saved before every mutation.
 */
import { randomUUID } from 'node:crypto';
import type { Service } from '@aws-sdk/client-ecs';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { formatDuration } from '../duration.js';
import { errorMessage } from '../errors.js';
import { alarmGate, createTemporaryAlarms, deleteAlarms } from '../gates/alarms.js';
import type { AlarmBaseline } from '../gates/analysis.js';
import { serviceGate } from '../gates/service.js';
import { type InconclusivePolicy, type GateSettings, wantsTemporaryAlarms } from '../gates/settings.js';
import { type Fetch, smokeTestGate, targetHealthGate } from '../gates/targets.js';
import type { Gate } from '../gates/types.js';
import { type GateLoopEnd, guarded, safe, watchGates } from './gate-loop.js';
import { type Abort, type Step, type StepResult, type Strategy, abortWith, doneWith, next, runStrategy } from './strategy.js';
import {
  type BlueGreenState,
  formatTraffic,
  rememberingActions,
  restoreOldColour,
  saveState,
  split,
  tgLabels
} from './blue-green-abort.js';
import { type Plan, discover, prepareIdle, resetInterrupted } from './blue-green-prepare.js';
import type { BlueGreenSettings } from './blue-green-settings.js';
import type { DeploySettings } from './settings.js';
import { type Weights, describeTarget, readWeights, sameWeights, setWeights } from './traffic.js';
import type { DeployContext, DeployResult } from './types.js';
import { explain } from './watching.js';
import { stopPhrase, watchScope } from './scope.js';
import { revision } from './verdict.js';
import { ServiceWatcher } from './watch.js';

export { BLUE_GREEN_STATE_KEY, recoverBlueGreen, type BlueGreenState, type BlueGreenPhase } from './blue-green-abort.js';
export { preflightBlueGreen } from './blue-green-prepare.js';

/** The alarm gates, decided by the pipeline before anything changes. */
export interface BlueGreenGates {
  /** Named alarms, temporary CPU / memory thresholds, alarm mode and the inconclusive policy. */
  settings: GateSettings;
  /** From verifyAlarmsExist, called before the revision is registered. */
  baseline: AlarmBaseline;
  /** Identifies this deployment in the temporary alarms' names and tags; default: a random id. */
  deploymentTag?: string;
}

export interface BlueGreenOptions {
  gates?: BlueGreenGates;
  /** The smoke test's HTTP client (tests). */
  fetch?: Fetch;
  /** ELB read-back delay for verified weight changes (setWeights' readDelayMs, default 250 ms). */
  readDelayMs?: number;
}

const DEFAULT_POLICY: InconclusivePolicy = { limit: 10, decide: 'fail' };

export function deployBlueGreen(
  deploy: DeploySettings,
  bg: BlueGreenSettings,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: BlueGreenOptions = {}
): Promise<DeployResult> {
  return runStrategy(blueGreenStrategy(deploy, bg, taskDefinitionArn, ctx, opts), ctx);
}

/**
 * discover → (temporary alarms) → (reset an interrupted listener) → prepare the idle colour →
 * gates → (shift → bake)* → promote. Every step after discovery comes from the plan it found.
 */
export function blueGreenStrategy(
  deploy: DeploySettings,
  bg: BlueGreenSettings,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: BlueGreenOptions = {}
): Strategy {
  const result = (status: DeployResult['status'], reason: string, extra: Partial<DeployResult> = {}): DeployResult => {
    ctx.reporter.event({ kind: 'verdict', status, reason, at: ctx.timer.now() });
    return { status, reason, taskDefinitionArn, rolledBack: status === 'rolled-back', outputs: {}, ...extra };
  };
  // Every listener read is remembered, so an abort can write at once and only read back.
  const seen: { actions?: Action[] } = {};
  const elbCtx = rememberingActions(ctx, seen);
  const steps: Step[] = [];
  let planned: Planned | undefined;

  // 1. Discover: nothing changes unless on-interrupted: rollback asks for it.
  steps.push({
    phase: 'discover',
    title: `Discovering the live colour from ${describeTarget(bg.target)}`,
    run: async () => {
      let found;
      try {
        found = await discover(deploy, bg, taskDefinitionArn, elbCtx);
      } catch (error) {
        return doneWith(result('failed', `${errorMessage(error)}; nothing was changed`));
      }
      if (!found.ok) return doneWith(result('failed', found.reason));
      const plan = found.plan;
      if (ctx.signal.aborted) return doneWith(result('failed', 'cancelled before anything was changed', { previousTaskDefinitionArn: plan.previousTaskDefinitionArn }));
      planned = fromPlan(plan, { deploy, bg, taskDefinitionArn, ctx, opts, elbCtx, seen, result });
      steps.push(...planned.steps);
      return next;
    }
  });

  return {
    name: 'blue-green',
    nextStep: () => steps.shift(),
    abort: (why) => (planned ? planned.abort(why) : Promise.resolve(result('failed', `${why.reason}; nothing was changed`))),
    succeeded: () => {
      if (!planned) throw new Error('blue/green finished without a plan');
      return planned.succeeded();
    },
    dispose: async () => planned?.dispose()
  };
}

interface Planned {
  steps: Step[];
  abort(why: Abort): Promise<DeployResult>;
  succeeded(): DeployResult;
  dispose(): Promise<void>;
}

interface Given {
  deploy: DeploySettings;
  bg: BlueGreenSettings;
  taskDefinitionArn: string;
  ctx: DeployContext;
  opts: BlueGreenOptions;
  elbCtx: DeployContext;
  seen: { actions?: Action[] };
  result: (status: DeployResult['status'], reason: string, extra?: Partial<DeployResult>) => DeployResult;
}

/** The deployment as the discovered plan makes it: state, watch, gates, steps and the one abort. */
function fromPlan(plan: Plan, given: Given): Planned {
  const { deploy, bg, taskDefinitionArn, ctx, opts, elbCtx, seen, result } = given;
  const setOpts = opts.readDelayMs !== undefined ? { readDelayMs: opts.readDelayMs } : {};
  const labels = tgLabels({ targetGroups: { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn } });
  const state: BlueGreenState = {
    cluster: deploy.cluster,
    target: bg.target,
    targetGroups: { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn },
    services: plan.names,
    live: plan.live,
    idle: plan.idle,
    originalWeights: plan.originalWeights,
    taskDefinitionArn,
    previousTaskDefinitionArn: plan.previousTaskDefinitionArn,
    newColourBefore: plan.newColourBefore,
    percent: plan.fromPercent,
    phase: 'preparing'
  };
  const liveName = plan.names[plan.live];
  const newName = plan.names[plan.idle];
  // Everything the deployment waits for is bounded by the timeout plus the configured bakes:
  // a hung read or a throttled API holds a gate for a round, and never stops the rollback.
  const waits = Math.max(0, plan.steps.length - 1) * bg.stepBakeMs + bg.finalBakeMs + bg.terminationWaitMs;
  const scope = watchScope(ctx, { deadlineMs: deploy.timeoutMs + waits, pollIntervalMs: deploy.pollIntervalMs });
  const live = scope.ctx;
  const watcher = new ServiceWatcher(live, deploy.cluster, [liveName, newName], { pollIntervalMs: deploy.pollIntervalMs });
  watcher.anchor(plan.services[plan.live]);
  watcher.anchor(plan.services[plan.idle]);
  const deadline = ctx.timer.now() + deploy.timeoutMs;

  let stepsCompleted = 0;
  let traffic: Weights = plan.originalWeights;
  let temporary: string[] = [];
  let promoted = '';
  const outputs = (serving: 'new' | 'old'): Record<string, string> => ({
    'live-service': serving === 'new' ? newName : liveName,
    // "the service that was live before": the old colour either way.
    'previous-service': liveName,
    traffic: formatTraffic(state, traffic),
    'steps-completed': String(stepsCompleted)
  });
  const ids = (): Partial<DeployResult> => ({
    previousTaskDefinitionArn: plan.previousTaskDefinitionArn,
    ...(state.deploymentId ? { deploymentId: state.deploymentId } : {})
  });
  const ended = (end: GateLoopEnd<never>): StepResult => (end.kind === 'passed' ? next : abortWith(end.kind === 'failed' ? end.reason : '', end.kind === 'failed' && end.explain));

  // The gates. Temporary alarms watch the new colour's own service, so the old colour's load cannot mask it.
  const g = opts.gates;
  const policy = g?.settings.inconclusive ?? DEFAULT_POLICY;
  const named = g?.settings.alarms ?? [];
  const latest = (): Service => watcher.latest.get(newName) ?? plan.services[plan.idle];
  const service = serviceGate(latest, taskDefinitionArn, 'service');
  const targets = targetHealthGate(state.targetGroups[plan.idle], () => latest().runningCount ?? 0, live, 'targets');
  // Once the new colour takes traffic, losing every task or every healthy target fails at once.
  const servingService = serviceGate(latest, taskDefinitionArn, 'service', true);
  const servingTargets = targetHealthGate(state.targetGroups[plan.idle], () => latest().runningCount ?? 0, live, 'targets', true);
  const smoke = bg.smokeTest ? [guarded(smokeTestGate(bg.smokeTest.url, bg.smokeTest.timeoutMs, opts.fetch), policy)] : [];
  const alarmGates = (): { preShift: Gate[]; baking: Gate[] } => {
    if (!g) return { preShift: [], baking: [] };
    const watched = [...named, ...temporary];
    const baking = watched.length ? [guarded(alarmGate(watched, g.settings, g.baseline, live), policy)] : [];
    // Before traffic moves, a temporary alarm on the new colour has no data until its new tasks
    // have published a period or two (minutes on AWS): its INSUFFICIENT_DATA holds until the
    // timeout, like `initial` targets, instead of running out the inconclusive limit.
    if (!temporary.length) return { preShift: baking, baking };
    return {
      preShift: [
        ...(named.length ? [guarded(alarmGate(named, g.settings, g.baseline, live), policy)] : []),
        safe(alarmGate(temporary, g.settings, g.baseline, live, 'temporary alarms'))
      ],
      baking
    };
  };
  let baking: Gate[] = [];

  const steps: Step[] = [];
  if (g && wantsTemporaryAlarms(g.settings)) {
    // Created before anything else changes: if CloudWatch refuses, nothing needs undoing.
    steps.push({
      title: `Creating temporary alarms on ${newName}`,
      run: async () => {
        try {
          temporary = await createTemporaryAlarms(
            { cluster: deploy.cluster, service: newName, deploymentTag: g.deploymentTag ?? randomUUID().slice(0, 8) },
            g.settings.temporary,
            ctx
          );
          return next;
        } catch (error) {
          return doneWith(result('failed', `${errorMessage(error)}; nothing was changed`, ids()));
        }
      }
    });
  }
  if (plan.reset) {
    steps.push({
      phase: 'rollback',
      title: `Putting 100 % back on ${liveName} (on-interrupted: rollback)`,
      run: async () => {
        saveState(ctx, state, 'shifting');
        traffic = await resetInterrupted(plan, bg, elbCtx, labels, opts.readDelayMs);
        return next;
      }
    });
  }

  // 2. Prepare the idle colour.
  steps.push({
    phase: 'prepare',
    title: plan.resume
      ? `Waiting for ${newName} on ${revision(taskDefinitionArn)} (resuming at ${plan.fromPercent} %)`
      : `Starting ${revision(taskDefinitionArn)} on ${newName} (${plan.desiredCount} task${plan.desiredCount === 1 ? '' : 's'})`,
    run: async () => {
      const p = await prepareIdle(deploy, plan, taskDefinitionArn, watcher, live, () => saveState(ctx, state, 'preparing'), deadline);
      if (p.deploymentId) {
        state.deploymentId = p.deploymentId;
        saveState(ctx, state, state.phase);
      }
      return p.kind === 'ready' ? next : abortWith(p.reason, !p.cancelled);
    }
  });

  // 3. Gates before the first shift: `initial` targets and a service still settling hold until the timeout.
  steps.push({
    phase: 'gates',
    title: `Checking ${newName} before traffic moves`,
    run: async () => {
      const alarms = alarmGates();
      baking = [guarded(servingService, policy), guarded(servingTargets, policy), ...alarms.baking];
      // The prepare phase's last poll is fresh: the first round reuses it.
      return ended(
        await watchGates({ ctx: live, watcher, gates: [safe(service), safe(targets), ...smoke, ...alarms.preShift], minMs: 0, until: deadline, what: 'before the first shift', reuseFirstPoll: true })
      );
    }
  });

  // 4. Shift, step by step, baking after each. Once it serves traffic, anything but a pass is held only up to the inconclusive limit.
  for (const percent of plan.steps) {
    steps.push({
      phase: 'shift',
      title: `Shifting ${percent} % of traffic to ${newName}`,
      run: async () => {
        if (live.signal.aborted) return abortWith(`${stopPhrase(live.signal)} before the shift to ${percent} %`, false);
        state.percent = percent;
        saveState(ctx, state, percent === 100 ? 'promoting' : 'shifting');
        try {
          traffic = await setWeights(bg.target, split(state, percent), elbCtx, { labels, ...setOpts });
        } catch (error) {
          return abortWith(`shifting ${percent} % to ${newName} failed: ${errorMessage(error)}`, false);
        }
        stepsCompleted++;
        return next;
      }
    });
    if (percent === 100) break;
    steps.push({
      phase: 'bake',
      title: `Baking at ${percent} % for ${formatDuration(bg.stepBakeMs)}`,
      run: async () => ended(await watchGates({ ctx: live, watcher, gates: baking, minMs: bg.stepBakeMs, what: `at ${percent} %` }))
    });
  }

  // 5. Promote: final bake, termination wait, then (and only then) the old colour goes.
  steps.push({
    phase: 'promote',
    title: `Final bake ${formatDuration(bg.finalBakeMs)}, termination wait ${formatDuration(bg.terminationWaitMs)}, then ${liveName} to ${bg.idleDesiredCount}`,
    run: async () => {
      const finalBake = await watchGates({ ctx: live, watcher, gates: baking, minMs: bg.finalBakeMs, what: 'in the final bake' });
      if (finalBake.kind !== 'passed') return ended(finalBake);
      if (bg.terminationWaitMs > 0) {
        ctx.reporter.info(`Waiting ${formatDuration(bg.terminationWaitMs)} for requests in flight on ${liveName} to finish`);
        const waited = await watchGates({ ctx: live, watcher, gates: baking, minMs: bg.terminationWaitMs, what: 'in the termination wait', sleepFirst: true });
        if (waited.kind !== 'passed') return ended(waited);
      }
      // The listener is the source of truth: re-read it right before the old colour goes.
      const now = await readWeights(bg.target, elbCtx);
      if (!sameWeights(now, split(state, 100))) {
        return abortWith(`${describeTarget(bg.target)} no longer forwards 100 % to ${newName} (someone changed it during the bake)`, false);
      }
      traffic = now;
      saveState(ctx, state, 'done');
      promoted = await retire(ctx, deploy.cluster, liveName, bg.idleDesiredCount);
      return next;
    }
  });

  return {
    steps,
    /** The one place an abort is applied. */
    abort: async (why) => {
      const known = seen.actions ? { knownActions: seen.actions } : {};
      const outcome = await ctx.reporter.phase('rollback', `Restoring 100 % of traffic to ${liveName}`, () =>
        restoreOldColour(ctx, state, { ...setOpts, ...known })
      );
      if (outcome.weights) traffic = outcome.weights;
      if (why.explain) await explain(ctx, deploy.cluster, watcher.withContext(ctx), newName, state);
      if (outcome.ok) return result('rolled-back', `${why.reason}: rolled back, ${outcome.detail}`, { ...ids(), outputs: outputs('old') });
      return result('failed', `${why.reason}, and the rollback did not complete: ${outcome.detail}`, { ...ids(), outputs: outputs('old') });
    },
    succeeded: () => {
      const gateNames = [...new Set(baking.map((gate) => gate.name))].join(', ');
      return result(
        'succeeded',
        `${newName} serves 100 % on ${revision(taskDefinitionArn)} (verified) after ${stepsCompleted} step${stepsCompleted === 1 ? '' : 's'}; gates passed at every step (${gateNames}); ${promoted}`,
        { ...ids(), outputs: outputs('new') }
      );
    },
    dispose: async () => {
      scope.dispose();
      if (temporary.length) {
        await deleteAlarms(temporary, ctx).catch((e: unknown) =>
          ctx.reporter.warning(`could not delete temporary alarms ${temporary.join(', ')}: ${errorMessage(e)} (the post step tries again)`)
        );
      }
    }
  };
}

/** Scales the old colour down; a failure here leaves a successful deployment with a warning (the new colour serves, verified). */
async function retire(ctx: DeployContext, cluster: string, name: string, desiredCount: number): Promise<string> {
  try {
    await ctx.aws.ecs.updateService({ cluster, service: name, desiredCount });
    const what = `${name} scaled to ${desiredCount}`;
    ctx.reporter.info(what);
    return what;
  } catch (error) {
    const what = `${name} could not be scaled to ${desiredCount} (${errorMessage(error)}); scale it by hand`;
    ctx.reporter.warning(what);
    return what;
  }
}
