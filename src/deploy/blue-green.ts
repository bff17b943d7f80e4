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
import { alarmGate, createTemporaryAlarms, deleteTemporaryAlarms } from '../gates/alarms.js';
import type { AlarmBaseline } from '../gates/analysis.js';
import { deploymentStart, metricGate, metricPolicy } from '../gates/metrics.js';
import { serviceGate } from '../gates/service.js';
import { type InconclusivePolicy, type GateSettings, wantsTemporaryAlarms } from '../gates/settings.js';
import { type Fetch, smokeTestGate, targetHealthGate } from '../gates/targets.js';
import type { Gate } from '../gates/types.js';
import { type GateLoopEnd, guarded, safe, watchGates } from './gate-loop.js';
import { type Abort, type Step, type StepResult, type Strategy, abortWith, doneWith, next, runStrategy, verdict } from './strategy.js';
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
  const result = (status: DeployResult['status'], reason: string, extra: Partial<DeployResult> = {}): DeployResult =>
    verdict(ctx, status, reason, { taskDefinitionArn, outputs: {}, ...extra });
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
      if (ctx.signal.aborted)
        return doneWith(
          result('failed', 'cancelled before anything was changed', { previousTaskDefinitionArn: plan.previousTaskDefinitionArn })
        );
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

/** What every stage of one blue/green deployment shares once the plan is known. */
interface Run extends Given {
  plan: Plan;
  state: BlueGreenState;
  liveName: string;
  newName: string;
  live: DeployContext;
  scope: ReturnType<typeof watchScope>;
  watcher: ServiceWatcher;
  /** Our monotonic deadline for the new colour to be ready (prepare and the first gates). */
  deadline: number;
  labels: Record<string, string>;
  setOpts: { readDelayMs?: number };
  policy: InconclusivePolicy;
  /** Filled as the deployment goes. */
  temporary: string[];
  baking: Gate[];
  traffic: Weights;
  stepsCompleted: number;
  promoted: string;
}

/** The deployment as the discovered plan makes it: one step per stage, and the one abort. */
function fromPlan(plan: Plan, given: Given): Planned {
  const run = startRun(plan, given);
  const steps: Step[] = [];
  if (given.opts.gates && wantsTemporaryAlarms(given.opts.gates.settings)) steps.push(temporaryAlarmsStep(run, given.opts.gates));
  if (plan.reset) steps.push(resetStep(run));
  steps.push(prepareStep(run), firstGatesStep(run));
  for (const percent of plan.steps) {
    steps.push(shiftStep(run, percent));
    if (percent === 100) break;
    steps.push(bakeStep(run, percent));
  }
  steps.push(promoteStep(run));
  return {
    steps,
    abort: (why) => abortRun(run, why),
    succeeded: () => succeededRun(run),
    dispose: () => disposeRun(run)
  };
}

function startRun(plan: Plan, given: Given): Run {
  const { deploy, bg, taskDefinitionArn, ctx, opts } = given;
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
  const watcher = new ServiceWatcher(scope.ctx, deploy.cluster, [liveName, newName], { pollIntervalMs: deploy.pollIntervalMs });
  watcher.anchor(plan.services[plan.live]);
  watcher.anchor(plan.services[plan.idle]);
  return {
    ...given,
    plan,
    state,
    liveName,
    newName,
    live: scope.ctx,
    scope,
    watcher,
    deadline: ctx.timer.now() + deploy.timeoutMs,
    labels: tgLabels({ targetGroups: state.targetGroups }),
    setOpts: opts.readDelayMs !== undefined ? { readDelayMs: opts.readDelayMs } : {},
    policy: opts.gates?.settings.inconclusive ?? DEFAULT_POLICY,
    temporary: [],
    baking: [],
    traffic: plan.originalWeights,
    stepsCompleted: 0,
    promoted: ''
  };
}

function ids(run: Run): Partial<DeployResult> {
  return {
    previousTaskDefinitionArn: run.plan.previousTaskDefinitionArn,
    ...(run.state.deploymentId ? { deploymentId: run.state.deploymentId } : {})
  };
}

function outputsOf(run: Run, serving: 'new' | 'old'): Record<string, string> {
  return {
    'live-service': serving === 'new' ? run.newName : run.liveName,
    // "the service that was live before": the old colour either way.
    'previous-service': run.liveName,
    traffic: formatTraffic(run.state, run.traffic),
    'steps-completed': String(run.stepsCompleted)
  };
}

const ended = (end: GateLoopEnd<never>): StepResult =>
  end.kind === 'passed' ? next : abortWith(end.kind === 'failed' ? end.reason : '', end.kind === 'failed' && end.explain);

/** The new colour's gates: before traffic moves (patient) and once it serves traffic (held up to the limit, serving rules). */
function gatesOf(run: Run): { preShift: Gate[]; baking: Gate[] } {
  const { opts, live, state, plan, policy, taskDefinitionArn, bg, temporary } = run;
  const latest = (): Service => run.watcher.latest.get(run.newName) ?? plan.services[plan.idle];
  const expected = (): number => latest().runningCount ?? 0;
  const tg = state.targetGroups[plan.idle];
  const smoke = bg.smokeTest ? [guarded(smokeTestGate(bg.smokeTest.url, bg.smokeTest.timeoutMs, opts.fetch), policy)] : [];
  // Once the new colour takes traffic, losing every task or every healthy target fails at once.
  const serving = [
    guarded(serviceGate(latest, taskDefinitionArn, 'service', true, live.aws.ecs), policy),
    guarded(targetHealthGate(tg, expected, live, 'targets', true), policy)
  ];
  const starting = [
    safe(serviceGate(latest, taskDefinitionArn, 'service', false, live.aws.ecs)),
    safe(targetHealthGate(tg, expected, live, 'targets'))
  ];
  const g = opts.gates;
  if (!g) return { preShift: [...starting, ...smoke], baking: serving };
  const named = g.settings.alarms;
  const watched = [...named, ...temporary];
  const alarms = watched.length ? [guarded(alarmGate(watched, g.settings, g.baseline, live), policy)] : [];
  // The new colour's ALB metrics against the live colour's over the same minutes; only once it serves traffic (before, it has none to judge).
  const m = g.settings.metrics;
  const since = (): Date | undefined => deploymentStart(latest(), taskDefinitionArn);
  const metrics = m
    ? [
        guarded(
          metricGate({ canary: tg, baseline: state.targetGroups[plan.live], since }, m, live),
          metricPolicy(policy, run.deploy.pollIntervalMs)
        )
      ]
    : [];
  // Before traffic moves, a temporary alarm on the new colour has no data until its new tasks
  // have published a period or two (minutes on AWS): its INSUFFICIENT_DATA holds until the
  // timeout, like `initial` targets, instead of running out the inconclusive limit.
  const preShiftAlarms = temporary.length
    ? [
        ...(named.length ? [guarded(alarmGate(named, g.settings, g.baseline, live), policy)] : []),
        safe(alarmGate(temporary, g.settings, g.baseline, live, 'temporary alarms'))
      ]
    : alarms;
  return { preShift: [...starting, ...smoke, ...preShiftAlarms], baking: [...serving, ...alarms, ...metrics] };
}

/** Temporary alarms on the new colour's own service, so the old colour's load cannot mask it; created before anything else changes. */
function temporaryAlarmsStep(run: Run, g: BlueGreenGates): Step {
  return {
    title: `Creating temporary alarms on ${run.newName}`,
    run: async () => {
      try {
        run.temporary = await createTemporaryAlarms(
          { cluster: run.deploy.cluster, service: run.newName, deploymentTag: g.deploymentTag ?? randomUUID().slice(0, 8) },
          g.settings.temporary,
          run.ctx
        );
        return next;
      } catch (error) {
        return doneWith(run.result('failed', `${errorMessage(error)}; nothing was changed`, ids(run)));
      }
    }
  };
}

function resetStep(run: Run): Step {
  return {
    phase: 'rollback',
    title: `Putting 100 % back on ${run.liveName} (on-interrupted: rollback)`,
    run: async () => {
      saveState(run.ctx, run.state, 'shifting');
      run.traffic = await resetInterrupted(run.plan, run.bg, run.elbCtx, run.labels, run.opts.readDelayMs);
      return next;
    }
  };
}

function prepareStep(run: Run): Step {
  const { plan, newName, taskDefinitionArn } = run;
  return {
    phase: 'prepare',
    title: plan.resume
      ? `Waiting for ${newName} on ${revision(taskDefinitionArn)} (resuming at ${plan.fromPercent} %)`
      : `Starting ${revision(taskDefinitionArn)} on ${newName} (${plan.desiredCount} task${plan.desiredCount === 1 ? '' : 's'})`,
    run: async () => {
      const p = await prepareIdle(
        run.deploy,
        plan,
        taskDefinitionArn,
        run.watcher,
        run.live,
        () => saveState(run.ctx, run.state, 'preparing'),
        run.deadline,
        run.state.targetGroups[plan.idle]
      );
      if (p.deploymentId) {
        run.state.deploymentId = p.deploymentId;
        saveState(run.ctx, run.state, run.state.phase);
      }
      return p.kind === 'ready' ? next : abortWith(p.reason, !p.cancelled);
    }
  };
}

/** Before the first shift: `initial` targets and a service still settling hold until the timeout. */
function firstGatesStep(run: Run): Step {
  return {
    phase: 'gates',
    title: `Checking ${run.newName} before traffic moves`,
    run: async () => {
      const gates = gatesOf(run);
      run.baking = gates.baking;
      // The prepare phase's last poll is fresh: the first round reuses it.
      return ended(
        await watchGates({
          ctx: run.live,
          watcher: run.watcher,
          gates: gates.preShift,
          minMs: 0,
          until: run.deadline,
          what: 'before the first shift',
          reuseFirstPoll: true
        })
      );
    }
  };
}

function shiftStep(run: Run, percent: number): Step {
  return {
    phase: 'shift',
    title: `Shifting ${percent} % of traffic to ${run.newName}`,
    run: async () => {
      if (run.live.signal.aborted) return abortWith(`${stopPhrase(run.live.signal)} before the shift to ${percent} %`, false);
      run.state.percent = percent;
      saveState(run.ctx, run.state, percent === 100 ? 'promoting' : 'shifting');
      try {
        run.traffic = await setWeights(run.bg.target, split(run.state, percent), run.elbCtx, { labels: run.labels, ...run.setOpts });
      } catch (error) {
        return abortWith(`shifting ${percent} % to ${run.newName} failed: ${errorMessage(error)}`, false);
      }
      run.stepsCompleted++;
      return next;
    }
  };
}

/** Once it serves traffic, anything but a pass is held only up to the inconclusive limit. */
function bakeStep(run: Run, percent: number): Step {
  return {
    phase: 'bake',
    title: `Baking at ${percent} % for ${formatDuration(run.bg.stepBakeMs)}`,
    run: async () =>
      ended(await watchGates({ ctx: run.live, watcher: run.watcher, gates: run.baking, minMs: run.bg.stepBakeMs, what: `at ${percent} %` }))
  };
}

/** Final bake, termination wait, then (and only then, with 100 % read back) the old colour goes. */
function promoteStep(run: Run): Step {
  const { bg, liveName, newName } = run;
  return {
    phase: 'promote',
    title: `Final bake ${formatDuration(bg.finalBakeMs)}, termination wait ${formatDuration(bg.terminationWaitMs)}, then ${liveName} to ${bg.idleDesiredCount}`,
    run: async () => {
      const watch = { ctx: run.live, watcher: run.watcher, gates: run.baking };
      const finalBake = await watchGates({ ...watch, minMs: bg.finalBakeMs, what: 'in the final bake' });
      if (finalBake.kind !== 'passed') return ended(finalBake);
      if (bg.terminationWaitMs > 0) {
        run.ctx.reporter.info(`Waiting ${formatDuration(bg.terminationWaitMs)} for requests in flight on ${liveName} to finish`);
        const waited = await watchGates({ ...watch, minMs: bg.terminationWaitMs, what: 'in the termination wait', sleepFirst: true });
        if (waited.kind !== 'passed') return ended(waited);
      }
      // The listener is the source of truth: re-read it right before the old colour goes.
      const now = await readWeights(bg.target, run.elbCtx);
      if (!sameWeights(now, split(run.state, 100))) {
        return abortWith(`${describeTarget(bg.target)} no longer forwards 100 % to ${newName} (someone changed it during the bake)`, false);
      }
      run.traffic = now;
      saveState(run.ctx, run.state, 'done');
      run.promoted = await retire(run.ctx, run.deploy.cluster, liveName, bg.idleDesiredCount);
      return next;
    }
  };
}

/** The one place an abort is applied: traffic back on the old colour first (verified), then the new colour scaled back. */
async function abortRun(run: Run, why: Abort): Promise<DeployResult> {
  const { ctx } = run;
  const known = run.seen.actions ? { knownActions: run.seen.actions } : {};
  const outcome = await ctx.reporter.phase('rollback', `Restoring 100 % of traffic to ${run.liveName}`, () =>
    restoreOldColour(ctx, run.state, { ...run.setOpts, ...known })
  );
  if (outcome.weights) run.traffic = outcome.weights;
  if (why.explain) await explain(ctx, run.deploy.cluster, run.watcher.withContext(ctx), run.newName, run.state);
  const extra = { ...ids(run), outputs: outputsOf(run, 'old') };
  if (outcome.ok) return run.result('rolled-back', `${why.reason}: rolled back, ${outcome.detail}`, extra);
  return run.result('failed', `${why.reason}, and the rollback did not complete: ${outcome.detail}`, extra);
}

function succeededRun(run: Run): DeployResult {
  const gateNames = [...new Set(run.baking.map((gate) => gate.name))].join(', ');
  const steps = `${run.stepsCompleted} step${run.stepsCompleted === 1 ? '' : 's'}`;
  return run.result(
    'succeeded',
    `${run.newName} serves 100 % on ${revision(run.taskDefinitionArn)} (verified) after ${steps}; gates passed at every step (${gateNames}); ${run.promoted}`,
    { ...ids(run), outputs: outputsOf(run, 'new') }
  );
}

async function disposeRun(run: Run): Promise<void> {
  run.scope.dispose();
  await deleteTemporaryAlarms(run.temporary, run.ctx);
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
