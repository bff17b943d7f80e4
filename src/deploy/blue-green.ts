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
import { type AlarmBaseline, holdInconclusive } from '../gates/analysis.js';
import { serviceGate } from '../gates/service.js';
import { type InconclusivePolicy, type GateSettings, wantsTemporaryAlarms } from '../gates/settings.js';
import { type Fetch, smokeTestGate, targetHealthGate } from '../gates/targets.js';
import type { Gate, GateResult } from '../gates/types.js';
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
import { explain, gateLabel, outcomePhase } from './watching.js';
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

/** Why the deployment is being aborted; `explain` gathers evidence from the new colour afterwards. */
interface Abort {
  reason: string;
  explain: boolean;
}

export async function deployBlueGreen(
  deploy: DeploySettings,
  bg: BlueGreenSettings,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: BlueGreenOptions = {}
): Promise<DeployResult> {
  const result = (status: DeployResult['status'], reason: string, extra: Partial<DeployResult> = {}): DeployResult => {
    ctx.reporter.event({ kind: 'verdict', status, reason, at: ctx.timer.now() });
    return { status, reason, taskDefinitionArn, rolledBack: status === 'rolled-back', outputs: {}, ...extra };
  };
  const setOpts = opts.readDelayMs !== undefined ? { readDelayMs: opts.readDelayMs } : {};
  // Every listener read is remembered, so an abort can write at once and only read back.
  const seen: { actions?: Action[] } = {};
  const elbCtx = rememberingActions(ctx, seen);
  const labels = tgLabels({ targetGroups: { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn } });

  // 1. Discover: nothing changes unless on-interrupted: rollback asks for it.
  let plan: Plan;
  try {
    const found = await outcomePhase(ctx.reporter, 'discover', `Discovering the live colour from ${describeTarget(bg.target)}`, async () => {
      const d = await discover(deploy, bg, taskDefinitionArn, elbCtx);
      return { ok: d.ok, value: d };
    });
    if (!found.ok) return result('failed', found.reason);
    plan = found.plan;
  } catch (error) {
    return result('failed', `${errorMessage(error)}; nothing was changed`);
  }
  if (ctx.signal.aborted) return result('failed', 'cancelled before anything was changed', { previousTaskDefinitionArn: plan.previousTaskDefinitionArn });

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

  let stepsCompleted = 0;
  let traffic: Weights = plan.originalWeights;
  let temporary: string[] = [];
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

  /** The one place an abort is applied. */
  const abort = async (why: Abort): Promise<DeployResult> => {
    const known = seen.actions ? { knownActions: seen.actions } : {};
    const outcome = await ctx.reporter.phase('rollback', `Restoring 100 % of traffic to ${liveName}`, () =>
      restoreOldColour(ctx, state, { ...setOpts, ...known })
    );
    if (outcome.weights) traffic = outcome.weights;
    if (why.explain) await explain(ctx, deploy.cluster, watcher.withContext(ctx), newName, state);
    if (outcome.ok) return result('rolled-back', `${why.reason}: rolled back, ${outcome.detail}`, { ...ids(), outputs: outputs('old') });
    return result('failed', `${why.reason}, and the rollback did not complete: ${outcome.detail}`, { ...ids(), outputs: outputs('old') });
  };

  // Temporary alarms watch the new colour's own service, so the old colour's load cannot mask it.
  // Created before anything else changes: if CloudWatch refuses, nothing needs undoing.
  const g = opts.gates;
  const policy = g?.settings.inconclusive ?? DEFAULT_POLICY;
  if (g && wantsTemporaryAlarms(g.settings)) {
    try {
      temporary = await createTemporaryAlarms(
        { cluster: deploy.cluster, service: newName, deploymentTag: g.deploymentTag ?? randomUUID().slice(0, 8) },
        g.settings.temporary,
        ctx
      );
    } catch (error) {
      return result('failed', `${errorMessage(error)}; nothing was changed`, ids());
    }
  }

  try {
    if (plan.reset) {
      saveState(ctx, state, 'shifting');
      traffic = await ctx.reporter.phase('rollback', `Putting 100 % back on ${liveName} (on-interrupted: rollback)`, () =>
        resetInterrupted(plan, bg, elbCtx, labels, opts.readDelayMs)
      );
    }

    const named = g?.settings.alarms ?? [];
    const watched = [...named, ...temporary];
    const alarms = watched.length && g ? [holdInconclusive(safe(alarmGate(watched, g.settings, g.baseline, live)), policy)] : [];
    // Before traffic moves, a temporary alarm on the new colour has no data until its new tasks
    // have published a period or two (minutes on AWS): its INSUFFICIENT_DATA holds until the
    // timeout, like `initial` targets, instead of running out the inconclusive limit.
    const preShiftAlarms =
      g && temporary.length
        ? [
            ...(named.length ? [holdInconclusive(safe(alarmGate(named, g.settings, g.baseline, live)), policy)] : []),
            safe(alarmGate(temporary, g.settings, g.baseline, live, 'temporary alarms'))
          ]
        : alarms;

    const latest = (): Service => watcher.latest.get(newName) ?? plan.services[plan.idle];
    const service = safe(serviceGate(latest, taskDefinitionArn, 'service'));
    const targets = safe(targetHealthGate(state.targetGroups[plan.idle], () => latest().runningCount ?? 0, live, 'targets'));
    const smoke = bg.smokeTest ? [holdInconclusive(safe(smokeTestGate(bg.smokeTest.url, bg.smokeTest.timeoutMs, opts.fetch)), policy)] : [];
    // Before traffic moves, `initial` targets and a service still settling hold until the timeout.
    const preShift: Gate[] = [service, targets, ...smoke, ...preShiftAlarms];
    // Once it serves traffic, anything but a pass is held only up to the inconclusive limit.
    const baking: Gate[] = [holdInconclusive(service, policy), holdInconclusive(targets, policy), ...alarms];

    // 2. Prepare the idle colour.
    const deadline = ctx.timer.now() + deploy.timeoutMs;
    const prepTitle = plan.resume
      ? `Waiting for ${newName} on ${revision(taskDefinitionArn)} (resuming at ${plan.fromPercent} %)`
      : `Starting ${revision(taskDefinitionArn)} on ${newName} (${plan.desiredCount} task${plan.desiredCount === 1 ? '' : 's'})`;
    const prepared = await outcomePhase(ctx.reporter, 'prepare', prepTitle, async () => {
      const p = await prepareIdle(deploy, plan, taskDefinitionArn, watcher, live, () => saveState(ctx, state, 'preparing'), deadline);
      if (p.deploymentId) {
        state.deploymentId = p.deploymentId;
        saveState(ctx, state, state.phase);
      }
      return { ok: p.kind === 'ready', value: p };
    });
    if (prepared.kind === 'failed') return await abort({ reason: prepared.reason, explain: !prepared.cancelled });

    // 3. Gates before the first shift.
    const ready = await outcomePhase(ctx.reporter, 'gates', `Checking ${newName} before traffic moves`, async () => {
      // The prepare phase's last poll is fresh: the first round reuses it.
      const r = await watchGates(preShift, { until: deadline, minMs: 0, watcher, ctx: live, what: 'before the first shift', reuseFirstPoll: true });
      return { ok: r === undefined, value: r };
    });
    if (ready) return await abort(ready);

    // 4. Shift, step by step, baking after each.
    for (const percent of plan.steps) {
      if (live.signal.aborted) return await abort({ reason: `${stopPhrase(live.signal)} before the shift to ${percent} %`, explain: false });
      state.percent = percent;
      saveState(ctx, state, percent === 100 ? 'promoting' : 'shifting');
      const shifted = await outcomePhase(ctx.reporter, 'shift', `Shifting ${percent} % of traffic to ${newName}`, async () => {
        try {
          traffic = await setWeights(bg.target, split(state, percent), elbCtx, { labels, ...setOpts });
          return { ok: true, value: undefined };
        } catch (error) {
          return { ok: false, value: { reason: `shifting ${percent} % to ${newName} failed: ${errorMessage(error)}`, explain: false } };
        }
      });
      if (shifted) return await abort(shifted);
      stepsCompleted++;
      if (percent === 100) break;
      const baked = await outcomePhase(ctx.reporter, 'bake', `Baking at ${percent} % for ${formatDuration(bg.stepBakeMs)}`, async () => {
        const r = await watchGates(baking, { minMs: bg.stepBakeMs, watcher, ctx: live, what: `at ${percent} %` });
        return { ok: r === undefined, value: r };
      });
      if (baked) return await abort(baked);
    }

    // 5. Promote: final bake, termination wait, then (and only then) the old colour goes.
    const promoteTitle = `Final bake ${formatDuration(bg.finalBakeMs)}, termination wait ${formatDuration(bg.terminationWaitMs)}, then ${liveName} to ${bg.idleDesiredCount}`;
    const promoted = await outcomePhase<Abort | string>(ctx.reporter, 'promote', promoteTitle, async () => {
      const finalBake = await watchGates(baking, { minMs: bg.finalBakeMs, watcher, ctx: live, what: 'in the final bake' });
      if (finalBake) return { ok: false, value: finalBake };
      if (bg.terminationWaitMs > 0) {
        ctx.reporter.info(`Waiting ${formatDuration(bg.terminationWaitMs)} for requests in flight on ${liveName} to finish`);
        const waited = await watchGates(baking, { minMs: bg.terminationWaitMs, watcher, ctx: live, what: 'in the termination wait', sleepFirst: true });
        if (waited) return { ok: false, value: waited };
      }
      // The listener is the source of truth: re-read it right before the old colour goes.
      const now = await readWeights(bg.target, elbCtx);
      if (!sameWeights(now, split(state, 100))) {
        return {
          ok: false,
          value: { reason: `${describeTarget(bg.target)} no longer forwards 100 % to ${newName} (someone changed it during the bake)`, explain: false }
        };
      }
      traffic = now;
      saveState(ctx, state, 'done');
      return { ok: true, value: await retire(ctx, deploy.cluster, liveName, bg.idleDesiredCount) };
    });
    if (typeof promoted !== 'string') return await abort(promoted);
    const gateNames = [...new Set(baking.map((g) => g.name))].join(', ');
    return result(
      'succeeded',
      `${newName} serves 100 % on ${revision(taskDefinitionArn)} (verified) after ${stepsCompleted} step${stepsCompleted === 1 ? '' : 's'}; gates passed at every step (${gateNames}); ${promoted}`,
      { ...ids(), outputs: outputs('new') }
    );
  } catch (error) {
    // A crash of our own half-way: the same abort as a failed gate.
    return await abort({ reason: `the deployment stopped unexpectedly: ${errorMessage(error)}`, explain: false });
  } finally {
    scope.dispose();
    if (temporary.length) {
      await deleteAlarms(temporary, ctx).catch((e: unknown) =>
        ctx.reporter.warning(`could not delete temporary alarms ${temporary.join(', ')}: ${errorMessage(e)} (the post step tries again)`)
      );
    }
  }
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

interface WatchOptions {
  watcher: ServiceWatcher;
  ctx: DeployContext;
  /** Keep watching at least this long; then the first round in which every gate passes ends it. */
  minMs: number;
  /** A deadline on our monotonic clock: inconclusive past it fails. */
  until?: number;
  /** e.g. "at 50 %", for messages. */
  what: string;
  /** The watcher polled just now: the first round uses its latest descriptions. */
  reuseFirstPoll?: boolean;
  /** The gates were checked just now: wait one poll interval before the first round. */
  sleepFirst?: boolean;
}

/**
 * Every poll: one batched DescribeServices (both colours), then every gate at once. A fail
 * ends it at once (so traffic goes back within a poll); inconclusive holds. Returns
 * undefined when the gates passed, or why to abort.
 */
async function watchGates(gates: Gate[], o: WatchOptions): Promise<Abort | undefined> {
  const { ctx, watcher } = o;
  const start = ctx.timer.now();
  const last = new Map<string, string>();
  let round = 0;
  try {
    if (o.sleepFirst) await watcher.sleep(ctx.signal);
    for (;;) {
      if (ctx.signal.aborted) return { reason: `${stopPhrase(ctx.signal)} ${o.what}`, explain: false };
      if (round++ > 0 || !o.reuseFirstPoll) await watcher.poll();
      const results = await Promise.all(gates.map(async (gate) => [gate, await gate.check()] as const));
      for (const [gate, r] of results) report(ctx, gate.name, r, last);
      const failed = results.find(([, r]) => r.phase === 'fail');
      if (failed) return { reason: `gate ${failed[0].name} failed ${o.what}: ${failed[1].reason}`, explain: true };
      const held = results.filter(([, r]) => r.phase === 'inconclusive');
      const elapsed = ctx.timer.now() - start;
      if (held.length === 0 && elapsed >= o.minMs) return undefined;
      if (o.until !== undefined && ctx.timer.now() >= o.until) {
        const why = held.map(([g, r]) => `${g.name}: ${r.reason}`).join('; ');
        return { reason: `the gates did not pass ${o.what} within the timeout (${why})`, explain: true };
      }
      await watcher.sleep(ctx.signal);
    }
  } catch (error) {
    return { reason: `watching the gates ${o.what} failed: ${errorMessage(error)}`, explain: false };
  }
}

/** A gate that throws is inconclusive (it holds, it never passes). */
function safe(gate: Gate): Gate {
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

/** Logs and emits a gate's result when it changes. */
function report(ctx: DeployContext, gate: string, r: GateResult, last: Map<string, string>): void {
  const key = `${r.phase} ${r.reason}`;
  if (last.get(gate) === key) return;
  last.set(gate, key);
  ctx.reporter.info(`gate ${gate}: ${gateLabel(r.phase)} ${r.reason}`);
  ctx.reporter.event({ kind: 'gate', gate, phase: r.phase, reason: r.reason, at: ctx.timer.now() });
}
