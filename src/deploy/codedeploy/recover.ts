/**
 * Rolling a CodeDeploy deployment back, from the main step (a failed gate, the deadline, a
 * cancellation, CodeDeploy's own stop) and from the post step or `ecs-rollout rollback`:
 * StopDeployment with autoRollbackEnabled, then wait (bounded) until CodeDeploy's rollback
 * deployment has Succeeded, and verify that the production listener forwards 100 % to the
 * original target group and the service's PRIMARY task set runs the previous revision. Never
 * follows the cancellation signal: a cancelled run is exactly when this must finish.
 */
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { awsErrorCode } from '../../aws/errors.js';
import { formatDuration } from '../../duration.js';
import { errorMessage } from '../../errors.js';
import { formatWeights, readWeights, type Weights } from '../traffic.js';
import type { DeployContext } from '../types.js';
import { revision } from '../verdict.js';
import { CODEDEPLOY_STATE_KEY, type CodeDeployState, needsCodeDeployRecovery, saveCodeDeployState } from './state.js';
import { type CodeDeployProgress, describeDeployment, readProgress, readRollback, sharesByName } from './verdict.js';

type Ctx = Pick<DeployContext, 'aws' | 'reporter' | 'timer' | 'state'>;

/** The statuses of a deployment that has not ended. */
export const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Ready', 'Baking'] as const;

export interface CodeDeployRollback {
  ok: boolean;
  /** What happened, or exactly what is still in progress. */
  detail: string;
  /** The production listener's weights as last read. */
  weights?: Weights;
}

/**
 * Our deployment's id: the saved one, or (when CreateDeployment's answer was lost) an active
 * deployment of the group, or its last attempted one, that is not the one before ours and
 * carries exactly our AppSpec.
 */
export async function findOurDeployment(ctx: Pick<DeployContext, 'aws'>, state: CodeDeployState): Promise<string | undefined> {
  if (state.deploymentId) return state.deploymentId;
  const active = await ctx.aws.codedeploy.listDeployments(state.application, state.group, [...ACTIVE_STATUSES]);
  const group = await ctx.aws.codedeploy.getDeploymentGroup(state.application, state.group);
  const last = group.lastAttemptedDeployment?.deploymentId;
  const candidates = [...new Set([...active, ...(last ? [last] : [])])].filter((id) => id !== state.previousDeploymentId);
  for (const id of candidates) {
    const d = await ctx.aws.codedeploy.getDeployment(id);
    if (d.creator !== 'codeDeployRollback' && d.revision?.appSpecContent?.sha256 === state.appSpecSha256) return id;
  }
  return undefined;
}

/** Production forwards 100 % to `to` ('blue' after a rollback, 'green' after a success), read back from the listener. */
export async function verifyProduction(
  ctx: Ctx,
  state: CodeDeployState,
  to: 'blue' | 'green'
): Promise<{ ok: boolean; detail: string; weights?: Weights }> {
  let weights: Weights;
  try {
    weights = await readWeights({ listenerArn: state.prodListener }, ctx);
  } catch (error) {
    return { ok: false, detail: `the production listener could not be read (${errorMessage(error)})` };
  }
  const shares = sharesByName(weights, state.targetGroups);
  const named: Record<string, number> = {};
  for (const [arn, w] of Object.entries(weights)) named[labelOf(arn)] = w;
  ctx.reporter.event({ kind: 'weights', weights: named, verified: true, at: ctx.timer.now() });
  const ok = shares[to] === 100;
  const text = `the production listener forwards ${formatWeights(weights, {}, labelsOf(weights))}`;
  return { ok, detail: `${text}${ok ? ' (verified)' : ''}`, weights };
}

function labelOf(arn: string): string {
  const m = /:targetgroup\/([^/]+)\//.exec(arn);
  return m ? m[1]! : arn;
}

function labelsOf(weights: Weights): Record<string, string> {
  return Object.fromEntries(Object.keys(weights).map((arn) => [arn, labelOf(arn)]));
}

/** The service's PRIMARY task set runs the previous revision (CodeDeploy made the original primary again). */
async function verifyService(ctx: Ctx, state: CodeDeployState): Promise<{ ok: boolean; detail: string }> {
  try {
    const { services } = await ctx.aws.ecs.describeServices(state.cluster, [state.service]);
    const sets = services[0]?.taskSets ?? [];
    const primary = sets.find((t) => t.status === 'PRIMARY');
    const left = sets.filter((t) => t.taskDefinition === state.taskDefinitionArn);
    const rest = left.length
      ? `; a task set of ${revision(state.taskDefinitionArn)} is still ${left.map((t) => t.status ?? '?').join(', ')}`
      : '';
    if (primary?.taskDefinition === state.previousTaskDefinitionArn) {
      return { ok: true, detail: `service ${state.service}'s primary task set runs ${revision(state.previousTaskDefinitionArn)}${rest}` };
    }
    return {
      ok: false,
      detail: `service ${state.service}'s primary task set runs ${revision(primary?.taskDefinition)}, not ${revision(state.previousTaskDefinitionArn)}${rest}`
    };
  } catch (error) {
    return { ok: false, detail: `service ${state.service} could not be read (${errorMessage(error)})` };
  }
}

/** Asks CodeDeploy to stop the deployment with rollback, unless it has ended already. */
async function requestRollback(ctx: Ctx, id: string, progress: CodeDeployProgress): Promise<string> {
  if (progress.kind === 'ended')
    return `CodeDeploy had already ${progress.status === 'Failed' ? 'failed' : 'stopped'} the deployment (${progress.reason})`;
  try {
    const out = await ctx.aws.codedeploy.stopDeployment(id, true);
    ctx.reporter.info(
      `asked CodeDeploy to stop deployment ${id} with rollback (${out.status ?? '?'}${out.statusMessage ? `: ${out.statusMessage}` : ''})`
    );
    return 'stopped the deployment with rollback';
  } catch (error) {
    // It may have ended in between: what it did instead is read next.
    if (awsErrorCode(error) === 'DeploymentAlreadyCompletedException') return 'the deployment had just ended';
    throw error;
  }
}

interface End {
  deployment: DeploymentInfo;
  rollback?: DeploymentInfo;
  waitedMs: number;
  settled: boolean;
}

/**
 * Polls until the deployment has ended and its rollback deployment (if any) has ended, or the
 * state's timeout passes (our monotonic clock). A stopped deployment without a rollback
 * deployment is settled once production reads back on the original (nothing had moved).
 */
async function awaitEnd(ctx: Ctx, id: string, state: CodeDeployState): Promise<End> {
  const start = ctx.timer.now();
  let last = '';
  let latest: DeploymentInfo | undefined;
  for (;;) {
    let rollback: DeploymentInfo | undefined;
    let settled = false;
    try {
      latest = await ctx.aws.codedeploy.getDeployment(id);
      const p = readProgress(latest);
      let line = `deployment ${id}: ${describeDeployment(latest)}`;
      if (p.kind === 'ended' && p.rollbackDeploymentId) {
        rollback = await ctx.aws.codedeploy.getDeployment(p.rollbackDeploymentId);
        line += `; rollback deployment ${p.rollbackDeploymentId}: ${describeDeployment(rollback)}`;
        settled = readRollback(rollback).kind !== 'running';
      } else if (p.kind === 'ended') {
        settled = (await verifyProductionQuietly(ctx, state)) === true;
      } else if (p.kind === 'succeeded') {
        settled = true;
      }
      if (line !== last) ctx.reporter.info(line);
      last = line;
    } catch (error) {
      ctx.reporter.info(`reading CodeDeploy deployment ${id} failed (${errorMessage(error)}); trying again`);
    }
    const waitedMs = ctx.timer.now() - start;
    if (latest && (settled || waitedMs >= state.timeoutMs))
      return { deployment: latest, ...(rollback ? { rollback } : {}), waitedMs, settled };
    // Never read at all: the wait still ends at the timeout, saying so.
    if (!latest && waitedMs >= state.timeoutMs)
      throw new Error(`CodeDeploy deployment ${id} could not be read for ${formatDuration(state.timeoutMs)}`);
    if (!latest && waitedMs >= state.timeoutMs)
      throw new Error(`CodeDeploy deployment ${id} could not be read for ${formatDuration(state.timeoutMs)}`);
    await ctx.timer.sleep(state.pollIntervalMs);
  }
}

async function verifyProductionQuietly(ctx: Ctx, state: CodeDeployState): Promise<boolean | undefined> {
  try {
    return sharesByName(await readWeights({ listenerArn: state.prodListener }, ctx), state.targetGroups).blue === 100;
  } catch {
    return undefined;
  }
}

/**
 * The one rollback: stops the deployment with rollback (unless it has ended), waits for the
 * end, verifies. `ok` only when CodeDeploy's rollback Succeeded (or nothing had moved) and
 * production is verified on the original target group and revision.
 */
export async function rollBackCodeDeploy(ctx: Ctx, state: CodeDeployState, id: string): Promise<CodeDeployRollback> {
  saveCodeDeployState(ctx, state, 'rolling-back');
  let asked: string;
  try {
    const progress = readProgress(await ctx.aws.codedeploy.getDeployment(id));
    if (progress.kind === 'succeeded') {
      saveCodeDeployState(ctx, state, 'done');
      const production = await verifyProduction(ctx, state, 'green');
      return {
        ok: false,
        detail: `CodeDeploy had already finished the deployment (Succeeded): ${revision(state.taskDefinitionArn)} serves production (${production.detail}); deploy ${revision(state.previousTaskDefinitionArn)} again to go back`,
        ...(production.weights ? { weights: production.weights } : {})
      };
    }
    asked = await requestRollback(ctx, id, progress);
  } catch (error) {
    return { ok: false, detail: `asking CodeDeploy to stop deployment ${id} with rollback failed: ${errorMessage(error)}` };
  }
  let end: End;
  try {
    end = await awaitEnd(ctx, id, state);
  } catch (error) {
    return { ok: false, detail: `${asked}, but ${errorMessage(error)}` };
  }
  const production = await verifyProduction(ctx, state, 'blue');
  const weights = production.weights ? { weights: production.weights } : {};
  const p = readProgress(end.deployment);
  if (p.kind === 'succeeded') {
    saveCodeDeployState(ctx, state, 'done');
    return {
      ok: false,
      detail: `${asked}, but CodeDeploy finished the deployment (Succeeded) before the stop took; ${production.detail}`,
      ...weights
    };
  }
  if (!end.settled) {
    // Left at rolling-back: the post step (or `ecs-rollout rollback`) waits again.
    const rb = end.rollback ? `; rollback deployment ${end.rollback.deploymentId ?? '?'} is ${describeDeployment(end.rollback)}` : '';
    return {
      ok: false,
      detail: `${asked}; CodeDeploy's rollback has not finished after ${formatDuration(end.waitedMs)} (deployment ${describeDeployment(end.deployment)}${rb}); ${production.detail}`,
      ...weights
    };
  }
  const rb = end.rollback ? readRollback(end.rollback) : undefined;
  if (rb?.kind === 'failed') {
    saveCodeDeployState(ctx, state, 'done');
    return {
      ok: false,
      detail: `${asked}, but CodeDeploy's rollback deployment ${end.rollback?.deploymentId ?? '?'} ${rb.reason}; ${production.detail}`,
      ...weights
    };
  }
  const service = await verifyService(ctx, state);
  const how = end.rollback
    ? `CodeDeploy's rollback deployment ${end.rollback.deploymentId ?? '?'} Succeeded`
    : 'CodeDeploy stopped it before production traffic moved';
  if (!production.ok || !service.ok) {
    saveCodeDeployState(ctx, state, 'rolling-back');
    return { ok: false, detail: `${asked}; ${how}, but ${production.detail}; ${service.detail}`, ...weights };
  }
  saveCodeDeployState(ctx, state, 'rolled-back');
  return { ok: true, detail: `${asked}; ${how}; ${production.detail}; ${service.detail}`, ...weights };
}

/**
 * The post step's and `ecs-rollout rollback`'s entry point: rolls an unfinished CodeDeploy
 * deployment back. Returns what it did (undefined: nothing to do); throws when the rollback
 * did not complete, saying what is in progress.
 */
export async function recoverCodeDeploy(ctx: DeployContext): Promise<string | undefined> {
  const saved = ctx.state.load<CodeDeployState>(CODEDEPLOY_STATE_KEY);
  if (!needsCodeDeployRecovery(saved)) return undefined;
  const state: CodeDeployState = { ...saved };
  const what = `the main step stopped while ${saved.phase} ${revision(state.taskDefinitionArn)} on service ${state.service} through CodeDeploy`;
  return ctx.reporter.phase('rollback', `Rolling back service ${state.service}: ${what}`, async () => {
    const id = await findOurDeployment(ctx, state);
    if (!id) {
      saveCodeDeployState(ctx, state, 'done');
      return `${what}: CodeDeploy never started a deployment of it`;
    }
    state.deploymentId = id;
    const outcome = await rollBackCodeDeploy(ctx, state, id);
    if (!outcome.ok) throw new Error(`${what}, and the rollback did not complete: ${outcome.detail}`);
    return `${what}: rolled back, ${outcome.detail}`;
  });
}
