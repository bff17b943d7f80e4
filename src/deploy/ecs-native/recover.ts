/**
 * Rolling a native deployment back, from the main step (a failed gate, a timeout, a
 * cancellation, ECS's own rollback) and from the post step or `ecs-rollout rollback`: a
 * pause is answered ROLLBACK (never CONTINUE), anything else in progress is stopped with
 * ROLLBACK; then we wait (bounded) for ECS to say ROLLBACK_SUCCESSFUL, check which revision
 * it went back to and that the production rule forwards 100 % to the old target group, and
 * put the service's own deployment configuration back. Never follows the cancellation
 * signal: a cancelled run is exactly when this must finish.
 */
import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { errorMessage } from '../../errors.js';
import { formatDuration } from '../../duration.js';
import { targetGroupName } from '../colours.js';
import { formatWeights, readWeights, sameWeights, type Weights } from '../traffic.js';
import type { DeployContext } from '../types.js';
import { revision } from '../verdict.js';
import { needsRestore, restoredConfiguration, shiftsTraffic } from './plan.js';
import { NATIVE_STATE_KEY, type NativeState, needsNativeRecovery, saveNativeState } from './state.js';
import { type NativeProgress, describeDeployment, isTerminal, readProgress } from './verdict.js';

type Ctx = Pick<DeployContext, 'aws' | 'reporter' | 'timer' | 'state'>;

export interface NativeRollback {
  ok: boolean;
  /** What happened, or exactly what is still in progress. */
  detail: string;
  /** The production rule's weights as last read. */
  weights?: Weights;
}

export async function describeOne(ctx: Pick<DeployContext, 'aws'>, arn: string): Promise<ServiceDeployment> {
  const { serviceDeployments, failures } = await ctx.aws.ecs.describeServiceDeployments([arn]);
  const found = serviceDeployments[0];
  if (!found) {
    const f = failures[0];
    throw new Error(
      `service deployment ${arn} could not be described${f ? `: ${f.reason ?? 'failed'}${f.detail ? ` (${f.detail})` : ''}` : ''}`
    );
  }
  return found;
}

/**
 * Our deployment's ARN: the saved one, or (when UpdateService's answer was lost) the
 * service's current deployment if it is a new one that deploys our revision.
 */
export async function findOurDeployment(ctx: Pick<DeployContext, 'aws'>, state: NativeState): Promise<string | undefined> {
  if (state.serviceDeploymentArn) return state.serviceDeploymentArn;
  const { services } = await ctx.aws.ecs.describeServices(state.cluster, [state.service]);
  const current = services[0]?.currentServiceDeployment;
  if (!current || current === state.previousDeploymentArn) return undefined;
  const sd = await describeOne(ctx, current);
  const target = sd.targetServiceRevision?.arn;
  if (!target) return undefined;
  const [rev] = await ctx.aws.ecs.describeServiceRevisions([target]);
  return rev?.taskDefinition === state.taskDefinitionArn ? current : undefined;
}

/** Starts ECS's rollback if it has not started: ROLLBACK at a pause, else StopServiceDeployment ROLLBACK. */
async function requestRollback(ctx: Ctx, arn: string, progress: NativeProgress): Promise<string> {
  if (progress.kind !== 'in-progress' && progress.kind !== 'stopping') return 'ECS was already rolling back';
  if (progress.kind === 'in-progress' && progress.paused) {
    try {
      await ctx.aws.ecs.continueServiceDeployment({ serviceDeploymentArn: arn, hookId: progress.paused.hookId, action: 'ROLLBACK' });
      ctx.reporter.info(`answered ROLLBACK to the pause at ${progress.stage} (hook ${progress.paused.hookId})`);
      return `answered ROLLBACK at ${progress.stage}`;
    } catch (error) {
      // The pause may have ended in between (timed out, answered): stopping works in every in-progress state.
      ctx.reporter.warning(
        `answering ROLLBACK to hook ${progress.paused.hookId} failed (${errorMessage(error)}); stopping the deployment with ROLLBACK instead`
      );
    }
  }
  await ctx.aws.ecs.stopServiceDeployment(arn, 'ROLLBACK');
  ctx.reporter.info(`asked ECS to stop service deployment ${arn} with ROLLBACK`);
  return `stopped the deployment with ROLLBACK${progress.kind === 'in-progress' ? ` at ${progress.stage}` : ''}`;
}

/** Polls until ECS's rollback ends or the state's timeout passes (our monotonic clock). */
async function awaitEnd(
  ctx: Ctx,
  arn: string,
  state: NativeState
): Promise<{ sd: ServiceDeployment; progress: NativeProgress; waitedMs: number }> {
  const start = ctx.timer.now();
  let last = '';
  for (;;) {
    let sd: ServiceDeployment | undefined;
    try {
      sd = await describeOne(ctx, arn);
    } catch (error) {
      ctx.reporter.info(`reading service deployment ${arn} failed (${errorMessage(error)}); trying again`);
    }
    if (sd) {
      const line = describeDeployment(sd);
      if (line !== last) ctx.reporter.info(`service deployment: ${line}`);
      last = line;
      const progress = readProgress(sd);
      const waitedMs = ctx.timer.now() - start;
      if (isTerminal(progress) || waitedMs >= state.timeoutMs) return { sd, progress, waitedMs };
    } else if (ctx.timer.now() - start >= state.timeoutMs) {
      throw new Error(`service deployment ${arn} could not be read for ${formatDuration(state.timeoutMs)}`);
    }
    await ctx.timer.sleep(state.pollIntervalMs);
  }
}

/** The production rule forwards 100 % to `to` (blue after a rollback, green after a success). */
export async function verifyProduction(
  ctx: Ctx,
  state: NativeState,
  to: 'blue' | 'green'
): Promise<{ ok: boolean; detail: string; weights?: Weights }> {
  if (!state.productionRule || !state.targetGroups) return { ok: true, detail: '' };
  const tgs = state.targetGroups;
  const want: Weights = { [tgs[to]]: 100, [tgs[to === 'blue' ? 'green' : 'blue']]: 0 };
  let weights: Weights;
  try {
    weights = await readWeights({ ruleArn: state.productionRule }, ctx);
  } catch (error) {
    return { ok: false, detail: `the production rule could not be read (${errorMessage(error)})` };
  }
  const labels = { [tgs.blue]: targetGroupName(tgs.blue), [tgs.green]: targetGroupName(tgs.green) };
  const text = `the production rule forwards ${formatWeights(weights, { [tgs.blue]: 0, [tgs.green]: 0 }, labels)}`;
  const named: Record<string, number> = {};
  for (const [arn, w] of Object.entries(weights)) named[labels[arn] ?? arn] = w;
  ctx.reporter.event({ kind: 'weights', weights: named, verified: true, at: ctx.timer.now() });
  return { ok: sameWeights(weights, want), detail: `${text}${sameWeights(weights, want) ? ' (verified)' : ''}`, weights };
}

/** Puts the service's own deployment configuration back when it still carries ours; a failure is a warning. */
export async function restoreConfiguration(ctx: Ctx, state: NativeState): Promise<string> {
  try {
    const { services } = await ctx.aws.ecs.describeServices(state.cluster, [state.service]);
    const now = services[0]?.deploymentConfiguration;
    if (!needsRestore(now, state.originalConfiguration)) return '';
    // deploymentConfiguration alone: no taskDefinition, no forceNewDeployment, so no new revision is deployed.
    await ctx.aws.ecs.updateService({
      cluster: state.cluster,
      service: state.service,
      deploymentConfiguration: restoredConfiguration(now, state.originalConfiguration)
    });
    const what = `service ${state.service}'s own deployment configuration is back (our pause hook removed)`;
    ctx.reporter.info(what);
    return what;
  } catch (error) {
    const what = `putting service ${state.service}'s own deployment configuration back failed (${errorMessage(error)}): remove the PAUSE hook ecs-rollout added by hand`;
    ctx.reporter.warning(what);
    return what;
  }
}

/** Which revision ECS rolled back to, from the deployment's rollback record; undefined when it does not say. */
async function rolledBackTo(ctx: Ctx, sd: ServiceDeployment): Promise<string | undefined> {
  const arn = sd.rollback?.serviceRevisionArn ?? sd.sourceServiceRevisions?.[0]?.arn;
  if (!arn) return undefined;
  try {
    return (await ctx.aws.ecs.describeServiceRevisions([arn]))[0]?.taskDefinition;
  } catch {
    return undefined;
  }
}

/**
 * The one rollback: asks ECS to roll back (unless it already is), waits for the end,
 * verifies, restores the configuration. `ok` only when ECS says ROLLBACK_SUCCESSFUL and
 * production is verified on the old target group (and revision).
 */
export async function rollBackNative(ctx: Ctx, state: NativeState, arn: string, known?: NativeProgress): Promise<NativeRollback> {
  saveNativeState(ctx, state, 'rolling-back');
  let asked: string;
  try {
    const progress = known ?? readProgress(await describeOne(ctx, arn));
    if (progress.kind === 'succeeded') {
      await restoreConfiguration(ctx, state);
      saveNativeState(ctx, state, 'done');
      return {
        ok: false,
        detail: `ECS had already finished the deployment (SUCCESSFUL): ${revision(state.taskDefinitionArn)} serves production; deploy ${revision(state.previousTaskDefinitionArn)} again to go back`
      };
    }
    asked = await requestRollback(ctx, arn, progress);
  } catch (error) {
    return { ok: false, detail: `asking ECS to roll back service deployment ${arn} failed: ${errorMessage(error)}` };
  }
  let end;
  try {
    end = await awaitEnd(ctx, arn, state);
  } catch (error) {
    return { ok: false, detail: `${asked}, but ${errorMessage(error)}` };
  }
  const { sd, progress } = end;
  const shifting = shiftsTraffic(state.strategy);
  const production = shifting ? await verifyProduction(ctx, state, 'blue') : { ok: true, detail: '' };
  const weights = production.weights ? { weights: production.weights } : {};
  const prod = production.detail ? `; ${production.detail}` : '';
  switch (progress.kind) {
    case 'rolled-back': {
      const back = await rolledBackTo(ctx, sd);
      const wrongRevision = back !== undefined && back !== state.previousTaskDefinitionArn;
      const restored = await restoreConfiguration(ctx, state);
      const rest = restored ? `; ${restored}` : '';
      if (!production.ok || wrongRevision) {
        // Left at rolling-back: the post step (or `ecs-rollout rollback`) verifies again.
        saveNativeState(ctx, state, 'rolling-back');
        const rev = wrongRevision ? `; ECS went back to ${revision(back)}, not ${revision(state.previousTaskDefinitionArn)}` : '';
        return { ok: false, detail: `${asked}; ECS reports ROLLBACK_SUCCESSFUL${prod}${rev}${rest}`, ...weights };
      }
      saveNativeState(ctx, state, 'rolled-back');
      return {
        ok: true,
        detail: `${asked}; ECS rolled back to ${revision(back ?? state.previousTaskDefinitionArn)} (ROLLBACK_SUCCESSFUL)${prod}${rest}`,
        ...weights
      };
    }
    case 'rollback-failed':
    case 'stopped':
    case 'succeeded': {
      const restored = await restoreConfiguration(ctx, state);
      saveNativeState(ctx, state, 'done');
      const status =
        progress.kind === 'succeeded'
          ? 'SUCCESSFUL (it finished before the rollback took)'
          : progress.kind === 'stopped'
            ? `STOPPED: ${progress.reason}`
            : `ROLLBACK_FAILED: ${progress.reason}`;
      return { ok: false, detail: `${asked}, but ECS reports ${status}${prod}${restored ? `; ${restored}` : ''}`, ...weights };
    }
    default:
      // Still rolling back: the phase stays rolling-back, so the post step (or `ecs-rollout rollback`) waits again.
      return {
        ok: false,
        detail: `${asked}; ECS's rollback has not finished after ${formatDuration(end.waitedMs)} (${describeDeployment(sd)})${prod}`,
        ...weights
      };
  }
}

/**
 * The post step's and `ecs-rollout rollback`'s entry point: rolls an in-progress native
 * deployment back and restores the service's configuration. Returns what it did (undefined:
 * nothing to do); throws when the rollback did not complete, saying what is in progress.
 */
export async function recoverNative(ctx: DeployContext): Promise<string | undefined> {
  const saved = ctx.state.load<NativeState>(NATIVE_STATE_KEY);
  if (!needsNativeRecovery(saved)) return undefined;
  const state: NativeState = { ...saved };
  const what = `the main step stopped while ${saved.phase} ${revision(state.taskDefinitionArn)} on service ${state.service}`;
  return ctx.reporter.phase('rollback', `Rolling back service ${state.service}: ${what}`, async () => {
    const arn = await findOurDeployment(ctx, state);
    if (!arn) {
      const restored = await restoreConfiguration(ctx, state);
      saveNativeState(ctx, state, 'done');
      return `${what}: ECS never started a deployment of it${restored ? `; ${restored}` : ''}`;
    }
    state.serviceDeploymentArn = arn;
    if (state.phase === 'restoring') {
      const restored = await restoreConfiguration(ctx, state);
      saveNativeState(ctx, state, 'done');
      return restored || undefined;
    }
    const outcome = await rollBackNative(ctx, state, arn);
    if (!outcome.ok) throw new Error(`${what}, and the rollback did not complete: ${outcome.detail}`);
    return `${what}: rolled back, ${outcome.detail}`;
  });
}
