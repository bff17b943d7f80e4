import type { Service, ServiceEvent, Task } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorMessage } from '../errors.js';
import type { DeployContext } from './types.js';
import { revision } from './verdict.js';
import { nameOf } from './watch.js';

export interface EvidenceInput {
  cluster: string;
  /** The newest description of the service. */
  service: Service;
  taskDefinitionArn: string;
  /** Our deployment: ECS starts the service's tasks with startedBy = the deployment id. */
  deploymentId?: string;
  /** Events up to this id were there before the deployment; only later ones are evidence. */
  sinceEventId?: string;
}

const MAX_EVENTS = 15;
const MAX_TASKS = 100;

export interface Evidence {
  title: string;
  lines: string[];
}

/**
 * What explains a failure, grouped and counted rather than dumped: the service's recent
 * events, why the tasks of our revision stopped, and why targets are unhealthy. Emitted
 * as evidence events and logged. Never throws: a failure to gather evidence must not
 * hide the failure it would explain.
 */
export async function reportEvidence(ctx: Pick<DeployContext, 'aws' | 'reporter'>, input: EvidenceInput): Promise<Evidence[]> {
  const gathered: Evidence[] = [];
  const parts: Array<[string, () => Promise<Evidence | undefined>]> = [
    ['service events', async () => eventsEvidence(input)],
    ['stopped tasks', () => stoppedTasksEvidence(ctx, input)],
    ['target health', () => targetHealthEvidence(ctx, input.service)]
  ];
  for (const [what, gather] of parts) {
    try {
      const evidence = await gather();
      if (!evidence) continue;
      gathered.push(evidence);
      ctx.reporter.event({ kind: 'evidence', title: evidence.title, lines: evidence.lines });
      ctx.reporter.info(evidence.title);
      for (const line of evidence.lines) ctx.reporter.info(`  ${line}`);
    } catch (error) {
      ctx.reporter.warning(`Could not gather the ${what} for the failure report: ${errorMessage(error)}`);
    }
  }
  return gathered;
}

function eventsEvidence(input: EvidenceInput): Evidence | undefined {
  const events: ServiceEvent[] = [];
  for (const e of input.service.events ?? []) {
    if (input.sinceEventId !== undefined && e.id === input.sinceEventId) break;
    events.push(e);
  }
  if (events.length === 0) return undefined;
  const lines = countedLines(events.slice(0, MAX_EVENTS * 4).reverse().map((e) => normaliseEvent(e.message ?? '')));
  return { title: `Last events of service ${nameOf(input.service)}`, lines: lines.slice(-MAX_EVENTS) };
}

/** Drops the ids that make otherwise identical events differ, so repeats collapse into one counted line. */
export function normaliseEvent(message: string): string {
  return message
    .replace(/\(task [^)]*\)(\s*\(task [^)]*\))*/g, '(task …)')
    .replace(/\(instance [^)]*\)/g, '(instance …)')
    .replace(/\(port \d+\)/g, '(port …)')
    .replace(/has started \d+ tasks?/g, 'has started tasks')
    .replace(/has stopped \d+ running tasks?/g, 'has stopped running tasks');
}

/** Identical lines collapse into one, counted, in the order they first appeared. */
function countedLines(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, n]) => (n > 1 ? `${n}× ${line}` : line));
}

async function stoppedTasksEvidence(ctx: Pick<DeployContext, 'aws'>, input: EvidenceInput): Promise<Evidence | undefined> {
  const family = familyOf(input.taskDefinitionArn);
  const arns = await ctx.aws.ecs.listTasks(
    input.deploymentId
      ? { cluster: input.cluster, desiredStatus: 'STOPPED', startedBy: input.deploymentId }
      : { cluster: input.cluster, desiredStatus: 'STOPPED', family }
  );
  if (arns.length === 0) return undefined;
  const tasks = (await ctx.aws.ecs.describeTasks(input.cluster, arns.slice(0, MAX_TASKS))).filter(
    (t) => t.taskDefinitionArn === undefined || t.taskDefinitionArn === input.taskDefinitionArn
  );
  if (tasks.length === 0) return undefined;
  return { title: `Stopped tasks of ${revision(input.taskDefinitionArn)}`, lines: groupStoppedTasks(tasks) };
}

/** "3 tasks: Essential container in task exited (EssentialContainerExited) — container web exit 1: OutOfMemoryError". */
export function groupStoppedTasks(tasks: Task[]): string[] {
  const groups = new Map<string, number>();
  for (const task of tasks) {
    const key = describeStop(task);
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${n} task${n === 1 ? '' : 's'}: ${key}`);
}

export function describeStop(task: Task): string {
  const reason = task.stoppedReason ?? 'stopped (no reason given)';
  const code = task.stopCode ? ` (${task.stopCode})` : '';
  const containers = (task.containers ?? [])
    .filter((c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason)
    .map((c) => `container ${c.name ?? '?'}${c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''}${c.reason ? `: ${c.reason}` : ''}`);
  return `${reason}${code}${containers.length > 0 ? ` — ${containers.join('; ')}` : ''}`;
}

async function targetHealthEvidence(ctx: Pick<DeployContext, 'aws'>, service: Service): Promise<Evidence | undefined> {
  const groups = [...new Set((service.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => Boolean(a)))];
  if (groups.length === 0) return undefined;
  const lines: string[] = [];
  for (const arn of groups) {
    const health = await ctx.aws.elb.describeTargetHealth(arn);
    for (const line of groupUnhealthyTargets(health)) lines.push(`${line} in ${targetGroupName(arn)}`);
  }
  return lines.length > 0 ? { title: `Unhealthy targets of service ${nameOf(service)}`, lines } : undefined;
}

/** "2 targets unhealthy: Target.FailedHealthChecks (Health checks failed)". */
export function groupUnhealthyTargets(health: TargetHealthDescription[]): string[] {
  const groups = new Map<string, number>();
  for (const t of health) {
    const state = t.TargetHealth?.State;
    if (state !== 'unhealthy' && state !== 'unavailable') continue;
    const reason = t.TargetHealth?.Reason ?? 'no reason code';
    const key = `${state}: ${reason}${t.TargetHealth?.Description ? ` (${t.TargetHealth.Description})` : ''}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => `${n} target${n === 1 ? '' : 's'} ${key}`);
}

function targetGroupName(arn: string): string {
  // arn:aws:elasticloadbalancing:region:account:targetgroup/name/id
  return /targetgroup\/([^/]+)/.exec(arn)?.[1] ?? arn;
}

export function familyOf(taskDefinitionArn: string): string {
  return revision(taskDefinitionArn).split(':')[0]!;
}
