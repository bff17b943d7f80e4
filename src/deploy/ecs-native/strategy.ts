/**
 * The ECS-native strategy, one step per stage as ECS reaches it:
 *   start (UpdateService with the revision and our PAUSE hook)
 *   → watch (gates between pauses) → gates at the pause → CONTINUE → watch → … → SUCCESSFUL
 *   → verify production on the new target group and put the service's own configuration back.
 * A failed gate at a pause answers ROLLBACK; between pauses it stops the deployment with
 * ROLLBACK at once. Every abort goes through `abort`, which waits for ECS's
 * ROLLBACK_SUCCESSFUL and verifies the production rule before saying "rolled back".
 */
import { randomUUID } from 'node:crypto';
import type { DeploymentConfiguration, Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import { errorMessage } from '../../errors.js';
import { alarmGate, createTemporaryAlarms, deleteTemporaryAlarms } from '../../gates/alarms.js';
import type { AlarmBaseline } from '../../gates/analysis.js';
import { metricGate, metricPolicy } from '../../gates/metrics.js';
import { wantsTemporaryAlarms, type GateSettings } from '../../gates/settings.js';
import { type Fetch, smokeTestGate, targetHealthGate } from '../../gates/targets.js';
import type { Gate } from '../../gates/types.js';
import { targetGroupName, toPercentages } from '../colours.js';
import { guarded, safe, watchGates } from '../gate-loop.js';
import { watchScope } from '../scope.js';
import type { DeploySettings } from '../settings.js';
import { type Abort, type Step, type StepResult, type Strategy, abortWith, doneWith, next, verdict } from '../strategy.js';
import { formatWeights, readWeights, sameWeights, type Weights } from '../traffic.js';
import type { DeployContext, DeployResult } from '../types.js';
import { revision } from '../verdict.js';
import { ServiceWatcher, type Poll, transient } from '../watch.js';
import { explain } from '../watching.js';
import { hookTimeoutMinutes, planConfiguration, PAUSE_STAGES, shiftsTraffic } from './plan.js';
import type { NativePlan } from './preflight.js';
import { describeOne, findOurDeployment, restoreConfiguration, rollBackNative, verifyProduction } from './recover.js';
import type { NativeSettings } from './settings.js';
import { type NativeState, saveNativeState } from './state.js';
import {
  type NativeProgress,
  type PausedHook,
  analyseTargetRevision,
  carriesProductionTraffic,
  describeDeployment,
  readProgress,
  stagePhase
} from './verdict.js';

export interface NativeOptions {
  gates: {
    settings: GateSettings;
    /** From verifyAlarmsExist, before the revision was registered. */
    baseline: AlarmBaseline;
    /** Names the temporary alarms; default: a random id. */
    deploymentTag?: string;
  };
  /** The smoke test's HTTP client (tests). */
  fetch?: Fetch;
}

/**
 * Polls the service (events, progress) and, once known, our service deployment, so one
 * round of the gate loop sees both. Stage changes are logged and the rules' weights read.
 */
class DeploymentWatcher extends ServiceWatcher {
  arn?: string;
  deployment?: ServiceDeployment;
  onDeployment?: (sd: ServiceDeployment) => Promise<void>;
  constructor(
    private readonly live: Pick<DeployContext, 'aws' | 'reporter' | 'timer'>,
    cluster: string,
    service: string,
    pollIntervalMs: number
  ) {
    super(live, cluster, [service], { pollIntervalMs });
  }
  override async poll(): Promise<Poll> {
    const polled = await super.poll();
    if (!this.arn) return polled;
    let sd: ServiceDeployment;
    try {
      sd = await describeOne(this.live, this.arn);
    } catch (error) {
      if (!transient(error)) throw error;
      // The previous answer stands for one more round; the gate that depends on it holds.
      this.live.reporter.info(`reading service deployment ${this.arn} failed (${errorMessage(error)}); trying again next poll`);
      return polled;
    }
    this.deployment = sd;
    await this.onDeployment?.(sd);
    return polled;
  }
}

type Watched = { kind: 'paused'; hook: PausedHook; stage: string } | { kind: 'ended'; progress: NativeProgress };

export function nativeStrategy(
  deploy: DeploySettings,
  native: NativeSettings,
  plan: NativePlan,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: NativeOptions
): Strategy {
  const { cluster } = deploy;
  const before = plan.service;
  const name = before.serviceName ?? deploy.service ?? '?';
  const previous = before.taskDefinition ?? '';
  const traffic = plan.traffic;
  // A pause may be held for as long as the whole deployment may take: the timeout plus ECS's own bakes.
  const bakesMs = ecsBakeMs(planConfiguration(before.deploymentConfiguration, native, { hookTimeoutMinutes: 1 }));
  const configuration = planConfiguration(before.deploymentConfiguration, native, {
    hookTimeoutMinutes: hookTimeoutMinutes(deploy.timeoutMs + bakesMs)
  });
  const state: NativeState = {
    cluster,
    service: name,
    strategy: plan.strategy,
    taskDefinitionArn,
    previousTaskDefinitionArn: previous,
    ...(before.currentServiceDeployment ? { previousDeploymentArn: before.currentServiceDeployment } : {}),
    ...(before.deploymentConfiguration ? { originalConfiguration: before.deploymentConfiguration } : {}),
    ...(traffic
      ? {
          productionRule: traffic.productionRule,
          targetGroups: traffic.targetGroups,
          ...(traffic.testRule ? { testRule: traffic.testRule } : {})
        }
      : {}),
    pollIntervalMs: deploy.pollIntervalMs,
    timeoutMs: deploy.timeoutMs,
    phase: 'starting'
  };

  // ECS's own bake times extend what the deployment may take beyond the timeout.
  const scope = watchScope(ctx, { deadlineMs: deploy.timeoutMs + bakesMs, pollIntervalMs: deploy.pollIntervalMs });
  const live = scope.ctx;
  const watcher = new DeploymentWatcher(live, cluster, name, deploy.pollIntervalMs);
  watcher.anchor(before);

  const labels: Record<string, string> = traffic
    ? {
        [traffic.targetGroups.blue]: targetGroupName(traffic.targetGroups.blue),
        [traffic.targetGroups.green]: targetGroupName(traffic.targetGroups.green)
      }
    : {};
  let weights: Weights = traffic ? { [traffic.targetGroups.blue]: 100, [traffic.targetGroups.green]: 0 } : {};
  let lastStage = '';
  let productionMoved = false;
  let stepsCompleted = 0;
  /** Green's highest share of production read back so far, percent. */
  let greenHigh = 0;
  let charted = false;
  let temporary: string[] = [];
  const answered = new Set<string>();
  let started = false;
  let ecsSucceeded = false;
  let finished = false;
  let pending: { hook: PausedHook; stage: string } | undefined;
  let successReason = '';

  /**
   * A production traffic shift counts once it is read back: green's share of the production
   * rule above any share read before. ECS moves every step of a linear or canary deployment
   * within PRODUCTION_TRAFFIC_SHIFT (a pause before a step reads that stage too), so the rule
   * is read on every poll there, not only when the stage changes.
   */
  const readProduction = async (stage: string, stageChanged: boolean): Promise<void> => {
    if (!traffic) return;
    const read = percentages(await readWeights({ ruleArn: traffic.productionRule }, live));
    const moved = !sameWeights(read, weights);
    weights = read;
    // Charted when they change (and once at the start); shown in the log after every stage.
    if (moved || !charted) chartWeights(weights);
    charted = true;
    if (stageChanged || moved) live.reporter.info(`the production rule forwards ${formatWeights(weights, order(), labels)} at ${stage}`);
    countShift(weights);
  };
  const countShift = (w: Weights): void => {
    const share = traffic ? (w[traffic.targetGroups.green] ?? 0) : 0;
    if (share <= greenHigh) return;
    greenHigh = share;
    stepsCompleted++;
    productionMoved = true;
  };

  /** After every stage (and every step of production traffic): the production and test rules' weights, read back and shown. */
  watcher.onDeployment = async (sd) => {
    const stage = sd.lifecycleStage ?? sd.status ?? '';
    const stageChanged = stage !== lastStage;
    if (!stageChanged && stage !== 'PRODUCTION_TRAFFIC_SHIFT') return;
    if (stageChanged) {
      lastStage = stage;
      live.reporter.info(`ECS: ${describeDeployment(sd)}`);
      if (carriesProductionTraffic(stage)) productionMoved = true;
    }
    if (!traffic) return;
    try {
      await readProduction(stage, stageChanged);
      if (stageChanged && traffic.testRule) {
        const test = await readWeights({ ruleArn: traffic.testRule }, live);
        live.reporter.info(`the test rule forwards ${formatWeights(test, order(), labels)} at ${stage}`);
      }
    } catch (error) {
      live.reporter.info(`reading the listener rules at ${stage} failed (${errorMessage(error)}); read again at the next poll`);
    }
  };
  const order = (): Weights => (traffic ? { [traffic.targetGroups.blue]: 0, [traffic.targetGroups.green]: 0 } : {});
  const chartWeights = (w: Weights): void => {
    const named: Record<string, number> = {};
    for (const [arn, v] of Object.entries(w)) named[labels[arn] ?? arn] = v;
    live.reporter.event({ kind: 'weights', weights: named, verified: true, at: live.timer.now() });
  };

  const outputs = (): Record<string, string> => ({
    ...(traffic
      ? { traffic: [traffic.targetGroups.blue, traffic.targetGroups.green].map((tg) => `${labels[tg]}=${weights[tg] ?? 0}`).join(',') }
      : {}),
    'steps-completed': String(stepsCompleted)
  });
  const result = (status: DeployResult['status'], reason: string): DeployResult =>
    verdict(ctx, status, reason, {
      taskDefinitionArn,
      previousTaskDefinitionArn: previous,
      ...(state.serviceDeploymentArn ? { deploymentId: state.serviceDeploymentArn } : {}),
      outputs: outputs()
    });

  // ---- gates -------------------------------------------------------------------------
  const g = opts.gates;
  const policy = g.settings.inconclusive;
  const serviceGate: Gate = { name: 'service', check: () => Promise.resolve(analyseTargetRevision(watcher.deployment)) };
  const targets: Gate[] = traffic
    ? [
        safe(
          targetHealthGate(
            traffic.targetGroups.green,
            () => watcher.deployment?.targetServiceRevision?.runningTaskCount ?? 0,
            live,
            'targets'
          )
        )
      ]
    : [];
  const smoke: Gate[] = native.smokeTest
    ? [guarded(smokeTestGate(native.smokeTest.url, native.smokeTest.timeoutMs, opts.fetch), policy)]
    : [];
  const named: Gate[] = g.settings.alarms.length ? [guarded(alarmGate(g.settings.alarms, g.settings, g.baseline, live), policy)] : [];
  const temporaryGates = (held: boolean): Gate[] => {
    if (!temporary.length) return [];
    const gate = alarmGate(temporary, g.settings, g.baseline, live, 'temporary alarms');
    // Before production traffic a new revision's metrics may not exist yet: INSUFFICIENT_DATA holds.
    return [held ? safe(gate) : guarded(gate, policy)];
  };
  const guardedService = guarded(serviceGate, policy);
  const guardedTargets = targets.map((t) => guarded(t, policy));
  // The alternate target group (the new revision's) against the one production leaves, over the same minutes.
  const m = g.settings.metrics;
  const metrics: Gate[] =
    m && traffic
      ? [
          guarded(
            metricGate(
              { canary: traffic.targetGroups.green, baseline: traffic.targetGroups.blue, since: () => watcher.deployment?.createdAt },
              m,
              live
            ),
            metricPolicy(policy, deploy.pollIntervalMs)
          )
        ]
      : [];
  /** At a pause before production traffic moves: settling tasks and `initial` targets hold until the timeout. */
  const beforeTraffic = (): Gate[] => [safe(serviceGate), ...targets, ...smoke, ...named, ...temporaryGates(true)];
  /** Once production depends on the new revision: anything but a pass is held only up to the inconclusive limit. */
  const withTraffic = (): Gate[] => [guardedService, ...guardedTargets, ...smoke, ...named, ...temporaryGates(false), ...metrics];
  /** Between pauses: before traffic moves only alarms can judge (tasks are still starting). */
  const between = (): Gate[] => (productionMoved ? withTraffic() : [...named, ...temporaryGates(true)]);

  // ---- steps -------------------------------------------------------------------------
  const startStep: Step = {
    phase: 'deploy',
    title: `Starting ECS's ${plan.strategy} deployment of ${revision(taskDefinitionArn)} on service ${name} in cluster ${cluster}${
      shiftsTraffic(plan.strategy) ? ` (gated at ${PAUSE_STAGES.join(', ')})` : ''
    }`,
    run: async (): Promise<StepResult> => {
      started = true;
      if (g && wantsTemporaryAlarms(g.settings)) {
        try {
          temporary = await createTemporaryAlarms(
            { cluster, service: name, deploymentTag: g.deploymentTag ?? randomUUID().slice(0, 8) },
            g.settings.temporary,
            ctx
          );
        } catch (error) {
          return doneWith(result('failed', `${errorMessage(error)}; nothing was changed`));
        }
      }
      if (ctx.signal.aborted) return doneWith(result('failed', 'cancelled before the service was updated; nothing was changed'));
      // Saved before the first mutation: the post step can find the deployment even if this process dies now.
      saveNativeState(ctx, state, 'starting');
      let updated: Service | undefined;
      try {
        updated = await ctx.aws.ecs.updateService({
          cluster,
          service: name,
          taskDefinition: taskDefinitionArn,
          deploymentConfiguration: configuration,
          ...(deploy.forceNewDeployment ? { forceNewDeployment: true } : {}),
          ...(deploy.desiredCount !== undefined ? { desiredCount: deploy.desiredCount } : {})
        });
      } catch (error) {
        // The answer may be lost after ECS applied it: the service says whether a deployment of ours began.
        let found: string | undefined;
        try {
          found = await findOurDeployment(ctx, state);
        } catch (readError) {
          return abortWith(
            `updating service ${name} failed (${errorMessage(error)}) and reading it back failed too (${errorMessage(readError)})`,
            false
          );
        }
        if (!found) {
          saveNativeState(ctx, state, 'done');
          return doneWith(
            result(
              'failed',
              `${errorMessage(error)}; nothing was changed (service ${name} read back without a deployment of ${revision(taskDefinitionArn)})`
            )
          );
        }
        ctx.reporter.warning(`UpdateService's answer was lost, but ECS started deployment ${found}: watching it`);
        state.serviceDeploymentArn = found;
      }
      if (!state.serviceDeploymentArn) {
        const current = updated?.currentServiceDeployment;
        state.serviceDeploymentArn = current && current !== state.previousDeploymentArn ? current : await awaitOurDeployment();
      }
      if (!state.serviceDeploymentArn)
        return abortWith(
          `ECS accepted the update of service ${name} but no service deployment of ${revision(taskDefinitionArn)} appeared`,
          false
        );
      saveNativeState(ctx, state, 'deploying');
      watcher.arn = state.serviceDeploymentArn;
      ctx.reporter.info(
        `Service deployment ${state.serviceDeploymentArn}: ${revision(previous)} → ${revision(taskDefinitionArn)} (${plan.strategy})`
      );
      return next;
    }
  };

  /** DescribeServices may show the new current deployment a moment after UpdateService answers. */
  const awaitOurDeployment = async (): Promise<string | undefined> => {
    for (let i = 0; i < 5; i++) {
      const found = await findOurDeployment(ctx, state).catch(() => undefined);
      if (found) return found;
      await ctx.timer.sleep(deploy.pollIntervalMs, live.signal);
    }
    return undefined;
  };

  const watchStep = (): Step => ({
    phase: stagePhase(lastStage || 'SCALE_UP'),
    title: lastStage
      ? `ECS continues from ${lastStage}; watching the gates until the next pause`
      : `ECS scales up ${revision(taskDefinitionArn)}; watching until the first pause`,
    run: async (): Promise<StepResult> => {
      const end = await watchGates<Watched>({
        ctx: live,
        watcher,
        gates: between(),
        minMs: Number.POSITIVE_INFINITY,
        what: lastStage ? `after ${lastStage}` : 'while ECS scales up',
        interrupt: () => {
          const sd = watcher.deployment;
          if (!sd) return undefined;
          const progress = readProgress(sd, answered);
          if (progress.kind === 'in-progress')
            return progress.paused ? { kind: 'paused', hook: progress.paused, stage: progress.stage } : undefined;
          return { kind: 'ended', progress };
        }
      });
      if (end.kind === 'failed') return abortWith(end.reason, end.explain);
      if (end.kind === 'passed') return next;
      const w = end.value;
      if (w.kind === 'paused') {
        pending = { hook: w.hook, stage: w.stage };
        return next;
      }
      const p = w.progress;
      if (p.kind === 'succeeded') {
        ecsSucceeded = true;
        return next;
      }
      if (p.kind === 'in-progress') return next;
      const what = p.kind === 'stopped' || p.kind === 'stopping' ? 'ECS stopped the deployment' : 'ECS rolled the deployment back';
      // ECS's reasons end with a full stop; ours continues the sentence.
      return abortWith(`${what}: ${p.reason.replace(/\.$/, '')}`, true);
    }
  });

  const pauseStep = (at: { hook: PausedHook; stage: string }): Step => ({
    phase: stagePhase(at.stage),
    title: `Gates at ${at.stage} (ECS paused${at.hook.timeoutAction ? `; ${at.hook.timeoutAction} if nobody answers` : ''})`,
    run: async (): Promise<StepResult> => {
      const moved = productionMoved;
      const end = await watchGates<'gone'>({
        ctx: live,
        watcher,
        gates: moved ? withTraffic() : beforeTraffic(),
        minMs: 0,
        what: `at ${at.stage}`,
        reuseFirstPoll: true,
        interrupt: () => {
          const sd = watcher.deployment;
          if (!sd) return undefined;
          const p = readProgress(sd, answered);
          return p.kind === 'in-progress' && p.paused?.hookId === at.hook.hookId ? undefined : 'gone';
        }
      });
      pending = undefined;
      if (end.kind === 'failed') return abortWith(end.reason, end.explain);
      // The pause ended without us (its timeout, or someone answered): the next watch sees what ECS did.
      if (end.kind === 'interrupted') return next;
      try {
        await ctx.aws.ecs.continueServiceDeployment({
          serviceDeploymentArn: state.serviceDeploymentArn!,
          hookId: at.hook.hookId,
          action: 'CONTINUE'
        });
      } catch (error) {
        return abortWith(`answering CONTINUE at ${at.stage} failed: ${errorMessage(error)}`, false);
      }
      answered.add(at.hook.hookId);
      ctx.reporter.info(`gates passed at ${at.stage}: answered CONTINUE`);
      return next;
    }
  });

  const finishStep: Step = {
    phase: 'promote',
    title: `Verifying production on ${revision(taskDefinitionArn)} and putting service ${name}'s own configuration back`,
    run: async (): Promise<StepResult> => {
      finished = true;
      saveNativeState(ctx, state, 'restoring');
      const production = traffic ? await verifyProduction(ctx, state, 'green') : { ok: true, detail: '' };
      if (production.weights) {
        weights = percentages(production.weights);
        countShift(weights);
      }
      const restored = await restoreConfiguration(ctx, state);
      saveNativeState(ctx, state, 'done');
      if (!production.ok) {
        return doneWith(
          result(
            'failed',
            `ECS reports the deployment SUCCESSFUL, but ${production.detail}: production is not verified on ${revision(taskDefinitionArn)}`
          )
        );
      }
      const gateNames = [...new Set(withTraffic().map((x) => x.name))].join(', ');
      successReason =
        `ECS's ${plan.strategy} deployment of ${revision(taskDefinitionArn)} on service ${name} is SUCCESSFUL` +
        `${production.detail ? `; ${production.detail}` : ''}; gates passed at every pause (${gateNames})${restored ? `; ${restored}` : ''}`;
      return next;
    }
  };

  return {
    name: 'ecs-native',
    nextStep(): Step | undefined {
      if (!started) return startStep;
      if (finished) return undefined;
      if (ecsSucceeded) return finishStep;
      if (pending) return pauseStep(pending);
      return watchStep();
    },
    async abort(why: Abort): Promise<DeployResult> {
      scope.dispose();
      let arn = state.serviceDeploymentArn;
      if (!arn && state.phase === 'starting') arn = await findOurDeployment(ctx, state).catch(() => undefined);
      if (!arn) {
        saveNativeState(ctx, state, 'done');
        return result('failed', `${why.reason}; no deployment of ${revision(taskDefinitionArn)} was started`);
      }
      state.serviceDeploymentArn = arn;
      const outcome = await ctx.reporter.phase('rollback', `Rolling service ${name} back to ${revision(previous)}`, () =>
        rollBackNative(ctx, state, arn)
      );
      if (outcome.weights) weights = percentages(outcome.weights);
      if (why.explain) await explain(ctx, cluster, watcher.withContext(ctx), name, { taskDefinitionArn });
      if (outcome.ok) return result('rolled-back', `${why.reason}: rolled back, ${outcome.detail}`);
      return result('failed', `${why.reason}, and the rollback did not complete: ${outcome.detail}`);
    },
    succeeded(): DeployResult {
      return result('succeeded', successReason || `service ${name} runs ${revision(taskDefinitionArn)}`);
    },
    async dispose(): Promise<void> {
      scope.dispose();
      await deleteTemporaryAlarms(temporary, ctx);
    }
  };
}

/** Shares in percent: a rule's weights may be tenths out of 1000 (a 3.3 % canary is 967/33). */
function percentages(w: Weights): Weights {
  return toPercentages(Object.entries(w).map(([targetGroupArn, weight]) => ({ targetGroupArn, weight })));
}

/** ECS's own bakes in this configuration, in ms: they add to what the deployment may take. */
function ecsBakeMs(
  c: Pick<DeploymentConfiguration, 'strategy' | 'bakeTimeInMinutes' | 'linearConfiguration' | 'canaryConfiguration'>
): number {
  let minutes = c.bakeTimeInMinutes ?? 0;
  if (c.strategy === 'LINEAR') {
    // ECS's defaults: 10 % steps, 6 minutes between them.
    const steps = Math.ceil(100 / (c.linearConfiguration?.stepPercent ?? 10));
    minutes += Math.max(0, steps - 1) * (c.linearConfiguration?.stepBakeTimeInMinutes ?? 6);
  }
  if (c.strategy === 'CANARY') minutes += c.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10;
  return minutes * 60_000;
}
