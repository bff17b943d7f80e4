/**
 * The CodeDeploy strategy, for a service on the CODE_DEPLOY deployment controller:
 *   start (CreateDeployment with the AppSpec, as the official deploy action sends it)
 *   → watch the gates while CodeDeploy installs the replacement task set
 *   → [Ready: gates, then ContinueDeployment] → watch while production traffic moves and
 *     during the termination wait → Succeeded → verify production on the new target group.
 * A failed gate, the deadline or a cancellation stops the deployment with rollback; every
 * abort goes through `abort`, which waits for CodeDeploy's rollback deployment and verifies
 * the production listener and the service's primary task set before saying "rolled back".
 */
import { randomUUID } from 'node:crypto';
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { awsErrorCode } from '../../aws/errors.js';
import { formatDuration } from '../../duration.js';
import { errorMessage } from '../../errors.js';
import { alarmGate, createTemporaryAlarms, deleteTemporaryAlarms } from '../../gates/alarms.js';
import type { AlarmBaseline } from '../../gates/analysis.js';
import { wantsTemporaryAlarms, type GateSettings } from '../../gates/settings.js';
import { targetHealthGate } from '../../gates/targets.js';
import type { Gate } from '../../gates/types.js';
import { targetGroupName } from '../colours.js';
import { guarded, safe, watchGates } from '../gate-loop.js';
import { runMigration } from '../migrate.js';
import { watchScope } from '../scope.js';
import { MAX_DEPLOY_MS, type DeploySettings } from '../settings.js';
import { type Abort, type Step, type StepResult, type Strategy, abortWith, doneWith, next, verdict } from '../strategy.js';
import { formatWeights, readWeights, sameWeights, type Weights } from '../traffic.js';
import type { DeployContext, DeployResult } from '../types.js';
import { revision } from '../verdict.js';
import { ServiceWatcher, type Poll, transient } from '../watch.js';
import { explain } from '../watching.js';
import { appSpecContent, defaultAppSpec, withTaskDefinition } from './appspec.js';
import { appSpecSummary, type CodeDeployPlan } from './preflight.js';
import { findOurDeployment, rollBackCodeDeploy, verifyProduction } from './recover.js';
import type { CodeDeploySettings } from './settings.js';
import { type CodeDeployState, saveCodeDeployState } from './state.js';
import {
  type CodeDeployProgress,
  analyseReplacement,
  describeDeployment,
  readProgress,
  sharesByName,
  targetGroupOf,
  taskSetsOf,
  trafficOutput
} from './verdict.js';

export interface CodeDeployOptions {
  gates: {
    settings: GateSettings;
    /** From verifyAlarmsExist, before the revision was registered. */
    baseline: AlarmBaseline;
    /** Names the temporary alarms; default: a random id. */
    deploymentTag?: string;
  };
}

/**
 * Polls the service (events, task sets) and, once the deployment exists, CodeDeploy's view of
 * it and the production listener, so one round of the gate loop sees all three.
 */
class CodeDeployWatcher extends ServiceWatcher {
  deploymentId?: string;
  deployment?: DeploymentInfo;
  weights?: Weights;
  onRound?: () => void;
  constructor(
    private readonly live: Pick<DeployContext, 'aws' | 'reporter' | 'timer'>,
    cluster: string,
    service: string,
    pollIntervalMs: number,
    private readonly prodListener: string
  ) {
    super(live, cluster, [service], { pollIntervalMs });
  }
  override async poll(): Promise<Poll> {
    const polled = await super.poll();
    if (!this.deploymentId) return polled;
    // A transient failure keeps the previous answer for one more round; the gates that depend on it hold.
    try {
      this.deployment = await this.live.aws.codedeploy.getDeployment(this.deploymentId);
    } catch (error) {
      if (!transient(error)) throw error;
      this.live.reporter.info(`reading CodeDeploy deployment ${this.deploymentId} failed (${errorMessage(error)}); trying again next poll`);
    }
    try {
      this.weights = await readWeights({ listenerArn: this.prodListener }, this.live);
    } catch (error) {
      if (!transient(error)) throw error;
      this.live.reporter.info(`reading the production listener failed (${errorMessage(error)}); trying again next poll`);
    }
    this.onRound?.();
    return polled;
  }
}

type Watched =
  | { kind: 'moved' }
  | { kind: 'ready' }
  | { kind: 'succeeded' }
  | { kind: 'ended'; progress: Extract<CodeDeployProgress, { kind: 'ended' }> };

const MINUTE = 60_000;

export function codeDeployStrategy(
  deploy: DeploySettings,
  settings: CodeDeploySettings,
  plan: CodeDeployPlan,
  taskDefinitionArn: string,
  ctx: DeployContext,
  opts: CodeDeployOptions
): Strategy {
  const { cluster } = deploy;
  const name = plan.service.serviceName ?? deploy.service ?? '?';
  const previous = plan.previousTaskDefinitionArn;
  const names = plan.targetGroups;
  const spec =
    plan.appSpec.kind === 'file'
      ? withTaskDefinition(plan.appSpec.spec, taskDefinitionArn)
      : defaultAppSpec(taskDefinitionArn, plan.appSpec.target);
  const content = appSpecContent(spec);
  const state: CodeDeployState = {
    cluster,
    service: name,
    application: plan.application,
    group: plan.group,
    taskDefinitionArn,
    previousTaskDefinitionArn: previous,
    appSpecSha256: content.sha256,
    ...(plan.previousDeploymentId ? { previousDeploymentId: plan.previousDeploymentId } : {}),
    prodListener: plan.prodListener,
    targetGroups: names,
    pollIntervalMs: deploy.pollIntervalMs,
    timeoutMs: deploy.timeoutMs,
    phase: 'starting'
  };

  // As the official action waits: the timeout plus the group's ready and termination waits, at most six hours.
  const deadlineMs = Math.min(MAX_DEPLOY_MS, deploy.timeoutMs + (plan.readyWaitMinutes + plan.terminationWaitMinutes) * MINUTE);
  const scope = watchScope(ctx, { deadlineMs, pollIntervalMs: deploy.pollIntervalMs });
  const live = scope.ctx;
  const watcher = new CodeDeployWatcher(live, cluster, name, deploy.pollIntervalMs, plan.prodListener);
  watcher.anchor(plan.service);

  let weights: Weights = plan.weights;
  let greenHigh = 0;
  let stepsCompleted = 0;
  let productionMoved = false;
  let movedReported = false;
  let lastLine = '';
  let temporary: string[] = [];
  let started = false;
  let migrated = !deploy.runTask;
  /** The one-off task, once started: the official action's run-task-arn output (a JSON array). */
  let runTaskArn: string | undefined;
  let pendingReady = false;
  /**
   * ContinueDeployment was answered (or Ready ended without us): never again. The last poll, and
   * for a moment CodeDeploy itself, may still say Ready; continuing twice is refused
   * (DeploymentIsNotInReadyStateException) and must not roll back a good release.
   */
  let continued = false;
  let cdSucceeded = false;
  let finished = false;
  let successReason = '';
  /** When CreateDeployment was sent, on our monotonic clock: the deadline counts from here. */
  let startedAt = 0;

  const chart = (w: Weights): void => {
    const named: Record<string, number> = {};
    for (const [arn, v] of Object.entries(w)) named[targetGroupName(arn)] = v;
    live.reporter.event({ kind: 'weights', weights: named, verified: true, at: live.timer.now() });
  };
  // Where production stood before the deployment: the summary charts traffic only once it has moved from here.
  chart(weights);
  /** After every poll: CodeDeploy's status when it changes, the production listener when its weights change. */
  watcher.onRound = () => {
    const d = watcher.deployment;
    if (d) {
      const line = describeDeployment(d);
      if (line !== lastLine) live.reporter.info(`CodeDeploy deployment ${state.deploymentId ?? '?'}: ${line}`);
      lastLine = line;
    }
    const read = watcher.weights;
    if (!read || sameWeights(read, weights)) return;
    weights = read;
    chart(weights);
    live.reporter.info(`the production listener forwards ${formatWeights(weights, {})} (read back)`);
    const green = sharesByName(weights, names).green;
    if (green > greenHigh) {
      greenHigh = green;
      stepsCompleted++;
      productionMoved = true;
    }
  };

  const outputs = (): Record<string, string> => ({
    traffic: trafficOutput(weights, names),
    'steps-completed': String(stepsCompleted),
    'codedeploy-deployment-id': state.deploymentId ?? '',
    ...(runTaskArn ? { 'run-task-arn': JSON.stringify([runTaskArn]) } : {})
  });
  const result = (status: DeployResult['status'], reason: string): DeployResult =>
    verdict(ctx, status, reason, {
      taskDefinitionArn,
      previousTaskDefinitionArn: previous,
      ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}),
      outputs: outputs()
    });

  // ---- gates -------------------------------------------------------------------------
  const g = opts.gates;
  const policy = g.settings.inconclusive;
  const replacement = () =>
    taskSetsOf(watcher.latest.get(name), {
      ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}),
      taskDefinitionArn,
      ...(plan.originalTaskSetId ? { originalId: plan.originalTaskSetId } : {})
    }).replacement;
  const serviceGate: Gate = { name: 'service', check: () => Promise.resolve(analyseReplacement(replacement(), productionMoved)) };
  const targetsGate: Gate = {
    name: 'targets',
    check: async () => {
      const ts = replacement();
      const arn = targetGroupOf(ts);
      if (!ts || !arn) return { phase: 'inconclusive', reason: `the replacement task set has not registered in ${names.green} yet` };
      return targetHealthGate(arn, () => ts.runningCount ?? 0, live, 'targets', productionMoved).check();
    }
  };
  const named: Gate[] = g.settings.alarms.length ? [guarded(alarmGate(g.settings.alarms, g.settings, g.baseline, live), policy)] : [];
  const temporaryGates = (held: boolean): Gate[] => {
    if (!temporary.length) return [];
    const gate = alarmGate(temporary, g.settings, g.baseline, live, 'temporary alarms');
    // Before production traffic the new tasks' metrics may not exist yet: INSUFFICIENT_DATA holds.
    return [held ? safe(gate) : guarded(gate, policy)];
  };
  const guardedService = guarded(serviceGate, policy);
  const guardedTargets = guarded(targetsGate, policy);
  /** Before production traffic moves: starting tasks and `initial` targets hold; unhealthy targets fail. */
  const beforeTraffic = (): Gate[] => [safe(serviceGate), safe(targetsGate), ...named, ...temporaryGates(true)];
  /** Once production depends on the new revision: anything but a pass is held only up to the inconclusive limit. */
  const withTraffic = (): Gate[] => [guardedService, guardedTargets, ...named, ...temporaryGates(false)];

  // ---- steps -------------------------------------------------------------------------
  const startStep: Step = {
    phase: 'deploy',
    title: `Starting a CodeDeploy deployment of ${revision(taskDefinitionArn)} to service ${name} in cluster ${cluster} (application ${plan.application}, group ${plan.group}, ${plan.configName})`,
    run: async (): Promise<StepResult> => {
      started = true;
      startedAt = ctx.timer.now();
      if (g.settings.ecsAlarmRollback) {
        ctx.reporter.warning(
          `ecs-alarm-rollback is set, but service ${name} is deployed through CodeDeploy, which does not read the service's deploymentConfiguration.alarms: ` +
            `ecs-rollout watches the alarms itself while it runs; for CodeDeploy to watch them too, add them to deployment group ${plan.group}'s alarmConfiguration`
        );
      }
      // Not waiting means no gate watches the deployment: temporary alarms would only be created and deleted.
      if (deploy.waitForServiceStability && wantsTemporaryAlarms(g.settings)) {
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
      if (ctx.signal.aborted) return doneWith(result('failed', 'cancelled before the deployment was created; nothing was changed'));
      ctx.reporter.info(appSpecSummary(plan));
      // Saved before the first mutation: the post step can find the deployment even if this process dies now.
      saveCodeDeployState(ctx, state, 'starting');
      try {
        state.deploymentId = await ctx.aws.codedeploy.createDeployment({
          applicationName: plan.application,
          deploymentGroupName: plan.group,
          revision: { revisionType: 'AppSpecContent', appSpecContent: content },
          ...(settings.description !== undefined ? { description: settings.description } : {}),
          ...(plan.configInput ? { deploymentConfigName: plan.configInput } : {})
        });
      } catch (error) {
        // The answer may be lost after CodeDeploy created it: the group says whether a deployment of ours began.
        let found: string | undefined;
        try {
          found = await findOurDeployment(ctx, state);
        } catch (readError) {
          return abortWith(
            `creating the CodeDeploy deployment failed (${errorMessage(error)}) and reading the group back failed too (${errorMessage(readError)})`,
            false
          );
        }
        if (!found) {
          saveCodeDeployState(ctx, state, 'done');
          return doneWith(
            result(
              'failed',
              `${errorMessage(error)}; nothing was changed (deployment group ${plan.group} read back without a deployment of ${revision(taskDefinitionArn)})`
            )
          );
        }
        ctx.reporter.warning(`CreateDeployment's answer was lost, but CodeDeploy started deployment ${found}: watching it`);
        state.deploymentId = found;
      }
      // As the official action: not waiting leaves the deployment to CodeDeploy (its own auto-rollback applies); the post step leaves it alone.
      saveCodeDeployState(ctx, state, deploy.waitForServiceStability ? 'deploying' : 'done');
      ctx.reporter.info(
        `CodeDeploy deployment ${state.deploymentId}: ${revision(previous)} → ${revision(taskDefinitionArn)}, production listener on ${names.blue} → ${names.green}`
      );
      if (!deploy.waitForServiceStability) {
        return doneWith(
          result(
            'succeeded',
            `CodeDeploy deployment ${state.deploymentId} of ${revision(taskDefinitionArn)} on service ${name} created; not waited for (wait-for-service-stability is false): ` +
              `CodeDeploy moves the traffic and rolls back on its own as deployment group ${plan.group} says, with no gate watching`
          )
        );
      }
      watcher.deploymentId = state.deploymentId;
      return next;
    }
  };

  /** As the official action: `run-task` runs the new revision once before the deployment, whatever the controller; a failed task leaves the service untouched. */
  const migrateStep = (run: NonNullable<DeploySettings['runTask']>): Step => ({
    phase: 'migrate',
    title: `Running the migration task of ${revision(taskDefinitionArn)}`,
    run: async (): Promise<StepResult> => {
      migrated = true;
      let m;
      try {
        m = await runMigration(
          run,
          { cluster, taskDefinitionArn, service: plan.service, pollIntervalMs: deploy.pollIntervalMs, timeoutMs: deploy.timeoutMs },
          ctx
        );
      } catch (error) {
        m = { ok: false as const, reason: `the migration task failed: ${errorMessage(error)}; the service was not updated` };
      }
      if (m.taskArn) runTaskArn = m.taskArn;
      return m.ok ? next : doneWith(result('failed', m.reason));
    }
  });

  const interrupt = (): Watched | undefined => {
    const d = watcher.deployment;
    if (!d) return undefined;
    const p = readProgress(d);
    if (p.kind === 'ended') return { kind: 'ended', progress: p };
    if (p.kind === 'succeeded') return { kind: 'succeeded' };
    if (p.kind === 'ready' && !pendingReady && !continued) return { kind: 'ready' };
    if (productionMoved && !movedReported) return { kind: 'moved' };
    return undefined;
  };

  const watchStep = (): Step => ({
    phase: productionMoved ? 'bake' : 'prepare',
    title: productionMoved
      ? `Production traffic on ${revision(taskDefinitionArn)}; watching the gates until CodeDeploy finishes (termination wait ${plan.terminationWaitMinutes} min)`
      : `CodeDeploy installs ${revision(taskDefinitionArn)} in ${names.green}; watching the gates until production traffic moves`,
    run: async (): Promise<StepResult> => {
      const end = await watchGates<Watched>({
        ctx: live,
        watcher,
        gates: productionMoved ? withTraffic() : beforeTraffic(),
        minMs: Number.POSITIVE_INFINITY,
        until: startedAt + deadlineMs,
        what: productionMoved ? `at ${sharesByName(weights, names).green} % on ${names.green}` : 'before production traffic moved',
        interrupt
      });
      if (end.kind === 'failed' && ctx.timer.now() >= startedAt + deadlineMs && !live.signal.aborted) {
        const at = watcher.deployment ? ` (it is ${describeDeployment(watcher.deployment)})` : '';
        return abortWith(`CodeDeploy did not finish the deployment within ${formatDuration(deadlineMs)}${at}: ${end.reason}`, true);
      }
      if (end.kind === 'failed') return abortWith(end.reason, end.explain);
      if (end.kind === 'passed') return next;
      const w = end.value;
      if (w.kind === 'moved') movedReported = true;
      else if (w.kind === 'ready') pendingReady = true;
      else if (w.kind === 'succeeded') cdSucceeded = true;
      else {
        const p = w.progress;
        return abortWith(
          `CodeDeploy ${p.status === 'Failed' ? 'failed' : 'stopped'} the deployment: ${p.reason}`,
          true,
          Boolean(p.rollbackDeploymentId)
        );
      }
      return next;
    }
  });

  const readyStep: Step = {
    phase: 'gates',
    title: `Gates at Ready (CodeDeploy waits for ContinueDeployment before production traffic moves${plan.readyWaitMinutes ? `; it stops by itself after ${plan.readyWaitMinutes} min` : ''})`,
    run: async (): Promise<StepResult> => {
      const end = await watchGates<'gone'>({
        ctx: live,
        watcher,
        gates: beforeTraffic(),
        minMs: 0,
        until: startedAt + deadlineMs,
        what: 'at Ready',
        reuseFirstPoll: true,
        interrupt: () => (watcher.deployment && readProgress(watcher.deployment).kind === 'ready' ? undefined : 'gone')
      });
      if (end.kind === 'failed') return abortWith(end.reason, end.explain);
      // Ready ended without us (its wait ran out, someone continued or stopped it): the next watch sees what CodeDeploy did.
      continued = true;
      if (end.kind === 'interrupted') return next;
      try {
        await ctx.aws.codedeploy.continueDeployment(state.deploymentId!, 'READY_WAIT');
      } catch (error) {
        // Between our poll and the call, Ready ended (its wait ran out, or someone answered it): the next watch sees how.
        if (awsErrorCode(error) === 'DeploymentIsNotInReadyStateException') {
          ctx.reporter.info(`the deployment left Ready before ContinueDeployment (${errorMessage(error)}); watching what CodeDeploy does`);
          return next;
        }
        return abortWith(`continuing the deployment at Ready failed: ${errorMessage(error)}`, false);
      }
      ctx.reporter.info('gates passed at Ready: CodeDeploy may reroute production traffic (ContinueDeployment READY_WAIT)');
      return next;
    }
  };

  const finishStep: Step = {
    phase: 'promote',
    title: `Verifying production on ${revision(taskDefinitionArn)}`,
    run: async (): Promise<StepResult> => {
      finished = true;
      const production = await verifyProduction(ctx, state, 'green');
      if (production.weights) weights = production.weights;
      const green = sharesByName(weights, names).green;
      if (green > greenHigh) {
        greenHigh = green;
        stepsCompleted++;
      }
      saveCodeDeployState(ctx, state, 'done');
      const primary = (await ctx.aws.ecs.describeServices(cluster, [name]).catch(() => undefined))?.services[0]?.taskSets?.find(
        (t) => t.status === 'PRIMARY'
      );
      if (!production.ok) {
        return doneWith(
          result(
            'failed',
            `CodeDeploy reports the deployment Succeeded, but ${production.detail}: production is not verified on ${revision(taskDefinitionArn)}`
          )
        );
      }
      if (primary && primary.taskDefinition !== taskDefinitionArn) {
        return doneWith(
          result(
            'failed',
            `CodeDeploy reports the deployment Succeeded, but service ${name}'s primary task set runs ${revision(primary.taskDefinition)}, not ${revision(taskDefinitionArn)}`
          )
        );
      }
      const gateNames = [...new Set(withTraffic().map((x) => x.name))].join(', ');
      successReason = `CodeDeploy deployment ${state.deploymentId ?? '?'} of ${revision(taskDefinitionArn)} on service ${name} Succeeded; ${production.detail}; gates passed throughout (${gateNames})`;
      return next;
    }
  };

  return {
    name: 'codedeploy',
    nextStep(): Step | undefined {
      if (!migrated && deploy.runTask) return migrateStep(deploy.runTask);
      if (!started) return startStep;
      if (finished) return undefined;
      if (cdSucceeded) return finishStep;
      if (pendingReady && !continued && watcher.deployment && readProgress(watcher.deployment).kind === 'ready') return readyStep;
      return watchStep();
    },
    async abort(why: Abort): Promise<DeployResult> {
      scope.dispose();
      let id = state.deploymentId;
      if (!id && state.phase === 'starting') id = await findOurDeployment(ctx, state).catch(() => undefined);
      if (!id) {
        saveCodeDeployState(ctx, state, 'done');
        return result('failed', `${why.reason}; no CodeDeploy deployment of ${revision(taskDefinitionArn)} was started`);
      }
      state.deploymentId = id;
      const outcome = await ctx.reporter.phase('rollback', `Rolling service ${name} back to ${revision(previous)} through CodeDeploy`, () =>
        rollBackCodeDeploy(ctx, state, id)
      );
      if (outcome.weights) weights = outcome.weights;
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
