/**
 * Pure: what GetDeployment and DescribeServices say about a CodeDeploy ECS deployment: its
 * stage, a verdict that is never more final than CodeDeploy's own status (a stopped deployment
 * whose rollback deployment still runs is "rolling back", never "rolled back"), the task sets
 * and the production listener's shares by target group name.
 */
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import type { Service, TaskSet } from '@aws-sdk/client-ecs';
import type { GateResult } from '../../gates/types.js';
import { targetGroupName } from '../colours.js';
import type { Weights } from '../traffic.js';

export type CodeDeployProgress =
  /** Created or Queued: CodeDeploy has not started. */
  | { kind: 'pending'; status: string }
  /** InProgress: the replacement task set starts, test traffic moves, production traffic moves. */
  | { kind: 'in-progress' }
  /** Ready: the replacement is installed and CodeDeploy waits for ContinueDeployment before production traffic moves. */
  | { kind: 'ready' }
  /** Baking: production traffic is on the replacement; the original task set waits out the termination wait. */
  | { kind: 'baking' }
  | { kind: 'succeeded' }
  /** Failed or Stopped; `rollbackDeploymentId` when CodeDeploy started a rollback deployment. */
  | { kind: 'ended'; status: 'Failed' | 'Stopped'; reason: string; rollbackDeploymentId?: string };

export function readProgress(d: DeploymentInfo): CodeDeployProgress {
  switch (d.status) {
    case 'Created':
    case 'Queued':
      return { kind: 'pending', status: d.status };
    case 'Ready':
      return { kind: 'ready' };
    case 'Baking':
      return { kind: 'baking' };
    case 'Succeeded':
      return { kind: 'succeeded' };
    case 'Failed':
    case 'Stopped': {
      const rollback = d.rollbackInfo?.rollbackDeploymentId;
      return { kind: 'ended', status: d.status, reason: failureReason(d), ...(rollback ? { rollbackDeploymentId: rollback } : {}) };
    }
    default:
      return { kind: 'in-progress' };
  }
}

/** CodeDeploy's own words for why a deployment ended, e.g. "ALARM_ACTIVE: One or more alarms have been activated …". */
export function failureReason(d: DeploymentInfo): string {
  const e = d.errorInformation;
  if (e?.message || e?.code) return [e.code, e.message?.replace(/\.$/, '')].filter(Boolean).join(': ');
  return d.status === 'Stopped' ? 'the deployment was stopped' : 'CodeDeploy gave no reason';
}

export type RollbackProgress = { kind: 'running' } | { kind: 'succeeded' } | { kind: 'failed'; reason: string };

/** A rollback deployment (creator codeDeployRollback): only Succeeded means the original is back. */
export function readRollback(d: DeploymentInfo): RollbackProgress {
  if (d.status === 'Succeeded') return { kind: 'succeeded' };
  if (d.status === 'Failed' || d.status === 'Stopped') return { kind: 'failed', reason: `${d.status}: ${failureReason(d)}` };
  return { kind: 'running' };
}

/** "InProgress (2 of 2 tasks of the replacement running, …)": one line for the log. */
export function describeDeployment(d: DeploymentInfo): string {
  const o = d.deploymentOverview;
  const parts: string[] = [];
  if (d.instanceTerminationWaitTimeStarted) parts.push('termination wait started');
  if (d.status === 'Failed' || d.status === 'Stopped') parts.push(failureReason(d));
  if (d.rollbackInfo?.rollbackDeploymentId) parts.push(`rollback deployment ${d.rollbackInfo.rollbackDeploymentId}`);
  if (o && (o.Failed ?? 0) > 0) parts.push(`${o.Failed} target(s) failed`);
  return `${d.status ?? '?'}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

export interface TaskSets {
  /** The task set that served production before (PRIMARY until CodeDeploy switches). */
  original?: TaskSet;
  /** The task set CodeDeploy created for this deployment. */
  replacement?: TaskSet;
}

/**
 * The deployment's task sets from a DescribeServices answer. CodeDeploy tags the replacement
 * with the deployment id as its externalId; a task set on our revision that is not the
 * original stands in where it does not.
 */
export function taskSetsOf(
  service: Service | undefined,
  o: { deploymentId?: string; taskDefinitionArn: string; originalId?: string }
): TaskSets {
  const sets = service?.taskSets ?? [];
  const original =
    (o.originalId ? sets.find((t) => t.id === o.originalId) : undefined) ??
    sets.find((t) => t.status === 'PRIMARY' && t.taskDefinition !== o.taskDefinitionArn);
  const replacement =
    (o.deploymentId ? sets.find((t) => t.externalId === o.deploymentId) : undefined) ??
    sets.find((t) => t.taskDefinition === o.taskDefinitionArn && t.id !== original?.id && t.status !== 'DRAINING');
  return { ...(original ? { original } : {}), ...(replacement ? { replacement } : {}) };
}

/** The target group a task set registers its tasks in. */
export function targetGroupOf(taskSet: TaskSet | undefined): string | undefined {
  return taskSet?.loadBalancers?.find((lb) => lb.targetGroupArn)?.targetGroupArn;
}

/** The service gate for the replacement task set: every task it should run is running and ECS calls it steady. */
export function analyseReplacement(taskSet: TaskSet | undefined, serving: boolean): GateResult {
  if (!taskSet)
    return {
      phase: serving ? 'fail' : 'inconclusive',
      reason: serving ? 'the replacement task set is gone' : 'CodeDeploy has not created the replacement task set yet'
    };
  const want = taskSet.computedDesiredCount ?? 0;
  const running = taskSet.runningCount ?? 0;
  const what = `the replacement task set ${taskSet.id ?? '?'} runs ${running} of ${want} task(s)`;
  if (serving && want > 0 && running === 0)
    return { phase: 'fail', reason: `${what}: production traffic reaches no task of the new revision` };
  if (want === 0) return { phase: 'inconclusive', reason: `${what}: ECS has not asked for tasks yet` };
  if (running < want) return { phase: 'inconclusive', reason: `${what}, ${taskSet.pendingCount ?? 0} pending` };
  if (taskSet.stabilityStatus !== 'STEADY_STATE')
    return { phase: 'inconclusive', reason: `${what}, ${taskSet.stabilityStatus ?? 'not yet steady'}` };
  return { phase: 'pass', reason: `${what}, steady` };
}

/** The production listener's shares (percent) by target group name; 0 for a group it does not forward to. */
export function sharesByName(weights: Weights, names: { blue: string; green: string }): { blue: number; green: number; other: number } {
  let blue = 0;
  let green = 0;
  let other = 0;
  for (const [arn, w] of Object.entries(weights)) {
    const name = targetGroupName(arn);
    if (name === names.blue) blue += w;
    else if (name === names.green) green += w;
    else other += w;
  }
  return { blue, green, other };
}

/** "pay-blue=100,pay-green=0": the `traffic` output. */
export function trafficOutput(weights: Weights, names: { blue: string; green: string }): string {
  const s = sharesByName(weights, names);
  return `${names.blue}=${s.blue},${names.green}=${s.green}`;
}
