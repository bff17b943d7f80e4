/**
 * The evidence of a failure: the service's new events, why the new revision's tasks
 * stopped (with the last log lines of each failed container), and why targets are
 * unhealthy. Also the structured facts the root cause is classified from, and the
 * headline every failed verdict carries.
 */
import type { ContainerDefinition, Service, ServiceEvent, Task } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorMessage } from '../errors.js';
import type { DeployStatus, Reporter } from '../events.js';
import { awslogsStream, awslogsTarget, createLogsApi, logStreamConsoleUrl, type LogsApi } from '../aws/logs.js';
import { headline } from '../report/headline.js';
import { classifyCause, taskCause, type FailureFacts, type StoppedTaskFact } from './cause.js';
import type { DeployContext, DeployResult } from './types.js';
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
  /** A page to open, e.g. the log stream in the CloudWatch console. */
  link?: { label: string; url: string };
}

/** How much container output a failure report shows. */
export interface EvidenceOptions {
  /** Last lines per failed container (`log-lines`); 0 reads no logs. */
  logLines?: number;
  /** Defaults to the real CloudWatch Logs, loaded only when a failure needs it. */
  logs?: LogsApi;
  /** The deadline of one Logs call (`call-timeout`). */
  callTimeoutMs?: number;
}

export const DEFAULT_LOG_LINES = 20;
export const WHY_TITLE = 'Why the deployment did not go through';
/** Logs of at most this many stopped tasks: a crash loop repeats itself. */
const MAX_LOGGED_TASKS = 2;

/*
 * The facts the evidence saw, per reporter and per revision deployed. The reporter is the
 * one object every part of a run shares (contexts are copied and narrowed on the way), so
 * the verdict can find what the evidence saw without each strategy passing it along; the
 * revision keeps the services of one release apart.
 */
const factsByReporter = new WeakMap<Reporter, Map<string, FailureFacts>>();

/** What the evidence gathered for the failure of `taskDefinitionArn` so far (empty when none was gathered). */
export function failureFacts(reporter: Reporter, taskDefinitionArn: string): FailureFacts {
  return factsByReporter.get(reporter)?.get(taskDefinitionArn) ?? { stopped: [], targets: [], events: [] };
}

function noteFacts(reporter: Reporter, taskDefinitionArn: string, more: Partial<FailureFacts>): void {
  const now = failureFacts(reporter, taskDefinitionArn);
  const byRevision = factsByReporter.get(reporter) ?? new Map<string, FailureFacts>();
  factsByReporter.set(reporter, byRevision);
  byRevision.set(taskDefinitionArn, {
    ...now,
    ...more,
    stopped: [...now.stopped, ...(more.stopped ?? [])],
    targets: [...now.targets, ...(more.targets ?? [])],
    events: [...(more.events ?? []), ...now.events]
  });
}

/**
 * The headline of a failed verdict, from the evidence gathered and the verdict's reason;
 * the full reason is reported as evidence, so nothing is lost from the summary.
 */
export function failureHeadline(
  reporter: Reporter,
  status: Exclude<DeployStatus, 'succeeded'>,
  reason: string,
  fields: Pick<DeployResult, 'taskDefinitionArn' | 'previousTaskDefinitionArn' | 'outputs'>
): string {
  const facts = failureFacts(reporter, fields.taskDefinitionArn);
  // Consumed by this verdict: a later deployment of the same revision starts from nothing.
  factsByReporter.get(reporter)?.delete(fields.taskDefinitionArn);
  const cause = classifyCause(reason, facts);
  const text = headline({
    status,
    revision: revision(fields.taskDefinitionArn),
    cause,
    where: whereTrafficIs(status, reason, fields, facts.service)
  });
  const why: Evidence = { title: WHY_TITLE, lines: reason.split(/;\s+/).filter((l) => l.trim() !== '') };
  reporter.event({ kind: 'evidence', title: why.title, lines: why.lines });
  // The whole story in one line of the log, under the headline the step fails with.
  reporter.info(`${WHY_TITLE}: ${reason}`);
  return text;
}

/** "100 % stays on web-green (web:4)", "service web is back on web:4", "nothing changed". */
export function whereTrafficIs(
  status: Exclude<DeployStatus, 'succeeded'>,
  reason: string,
  fields: Pick<DeployResult, 'previousTaskDefinitionArn' | 'outputs'>,
  service?: string
): string {
  const previous = fields.previousTaskDefinitionArn ? revision(fields.previousTaskDefinitionArn) : undefined;
  const traffic = (fields.outputs.traffic ?? '')
    .split(',')
    .map((pair) => pair.split('='))
    .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== '')
    .map(([name, weight]) => ({ name, weight: Number(weight) }));
  const live = fields.outputs['live-service'];
  const all = traffic.find((t) => t.weight === 100);
  const trafficText = all
    ? `100 % ${status === 'rolled-back' ? 'stays' : 'is'} on ${live ?? all.name}${previous && status === 'rolled-back' ? ` (${previous})` : ''}`
    : traffic.length
      ? `traffic ${traffic.map((t) => `${t.name} ${t.weight} %`).join(', ')}`
      : '';
  if (status === 'failed') {
    if (/rollback (?:failed|did not complete|has not finished)/i.test(reason))
      return `rollback incomplete, check ${live ?? (service ? `service ${service}` : 'the service')}${trafficText ? `: ${trafficText}` : ''}`;
    if (/nothing (?:was )?changed/i.test(reason))
      return previous && service ? `nothing changed, ${service} stays on ${previous}` : 'nothing changed';
    return trafficText;
  }
  if (trafficText) return trafficText;
  if (service && previous) return `${service} is back on ${previous}`;
  return previous ? `back on ${previous}` : '';
}

/**
 * What explains a failure, grouped and counted rather than dumped: the service's recent
 * events, why the tasks of our revision stopped, and why targets are unhealthy. Emitted
 * as evidence events and logged. Never throws: a failure to gather evidence must not
 * hide the failure it would explain.
 */
export async function reportEvidence(ctx: Pick<DeployContext, 'aws' | 'reporter' | 'evidence'>, input: EvidenceInput): Promise<Evidence[]> {
  const gathered: Evidence[] = [];
  noteFacts(ctx.reporter, input.taskDefinitionArn, {
    revision: revision(input.taskDefinitionArn),
    service: nameOf(input.service),
    events: newEvents(input).map((e) => e.message ?? ''),
    ...rolloutOf(input)
  });
  let stopped: Task[] = [];
  const parts: Array<[string, () => Promise<Evidence[]>]> = [
    ['service events', () => Promise.resolve(list(eventsEvidence(input)))],
    [
      'stopped tasks',
      async () => {
        stopped = await stoppedTasks(ctx, input);
        noteFacts(ctx.reporter, input.taskDefinitionArn, { stopped: stopped.map(stoppedFact) });
        return stopped.length
          ? [{ title: `Stopped tasks of ${revision(input.taskDefinitionArn)}`, lines: groupStoppedTasks(stopped) }]
          : [];
      }
    ],
    ['container logs', () => containerLogsEvidence(ctx, input, stopped)],
    ['target health', () => targetHealthEvidence(ctx, input.service, input.taskDefinitionArn)]
  ];
  for (const [what, gather] of parts) {
    try {
      for (const evidence of await gather()) {
        gathered.push(evidence);
        ctx.reporter.event({
          kind: 'evidence',
          title: evidence.title,
          lines: evidence.lines,
          ...(evidence.link ? { link: evidence.link } : {})
        });
        ctx.reporter.info(evidence.title);
        for (const line of evidence.lines) ctx.reporter.info(`  ${line}`);
        if (evidence.link) ctx.reporter.info(`  ${evidence.link.label}: ${evidence.link.url}`);
      }
    } catch (error) {
      ctx.reporter.warning(`Could not gather the ${what} for the failure report: ${errorMessage(error)}`);
    }
  }
  return gathered;
}

function list<T>(item: T | undefined): T[] {
  return item === undefined ? [] : [item];
}

function newEvents(input: EvidenceInput): ServiceEvent[] {
  const events: ServiceEvent[] = [];
  for (const e of input.service.events ?? []) {
    if (input.sinceEventId !== undefined && e.id === input.sinceEventId) break;
    events.push(e);
  }
  return events;
}

/** Our deployment's counts, to tell "still starting at the timeout" from "running but not passing". */
function rolloutOf(input: EvidenceInput): Pick<FailureFacts, 'rollout'> {
  const ours = (input.service.deployments ?? []).find((d) =>
    input.deploymentId ? d.id === input.deploymentId : d.status === 'PRIMARY' && d.taskDefinition === input.taskDefinitionArn
  );
  if (!ours) return {};
  return { rollout: { running: ours.runningCount ?? 0, desired: ours.desiredCount ?? 0, pending: ours.pendingCount ?? 0 } };
}

function taskIdOf(task: Task): string {
  return (task.taskArn ?? '').split('/').pop() ?? '';
}

export function stoppedFact(task: Task): StoppedTaskFact {
  return {
    taskId: taskIdOf(task),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    containers: (task.containers ?? []).map((c) => ({
      name: c.name ?? '?',
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {})
    }))
  };
}

/**
 * The last lines each failed container of the newest failed tasks wrote through awslogs,
 * one evidence block per container with a link to its stream. A container that never
 * started has no stream; that is said, not treated as an error.
 */
async function containerLogsEvidence(
  ctx: Pick<DeployContext, 'aws' | 'evidence'>,
  input: EvidenceInput,
  stopped: Task[]
): Promise<Evidence[]> {
  const lines = ctx.evidence?.logLines ?? DEFAULT_LOG_LINES;
  if (lines <= 0) return [];
  const failed = stopped
    .filter((t) => taskCause(stoppedFact(t)) !== undefined)
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
    .slice(0, MAX_LOGGED_TASKS);
  if (failed.length === 0) return [];
  const { taskDefinition } = await ctx.aws.ecs.describeTaskDefinition(input.taskDefinitionArn);
  const definitions = new Map((taskDefinition.containerDefinitions ?? []).map((d: ContainerDefinition) => [d.name ?? '', d]));
  const logs = ctx.evidence?.logs ?? defaultLogs(ctx.evidence?.callTimeoutMs);
  const out: Evidence[] = [];
  for (const task of failed) {
    const id = taskIdOf(task);
    for (const c of failedContainers(task)) {
      const target = awslogsTarget(definitions.get(c.name ?? '')?.logConfiguration);
      if (!target) continue;
      const stream = awslogsStream(target, c.name ?? '', id, c.runtimeId);
      if (!stream) continue;
      const title = `Last log lines of container ${c.name} in task ${id} (${target.group}, ${stream})`;
      let events;
      try {
        events = await logs.tail(target.region, target.group, stream, lines);
      } catch (error) {
        if (/ResourceNotFoundException/.test(errorMessage(error))) {
          out.push({ title, lines: ['no log stream: the container wrote nothing (it may never have started)'] });
          continue;
        }
        throw error;
      }
      const region = target.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      out.push({
        title,
        lines: events.length ? events.map((e) => `${new Date(e.timestamp).toISOString()} ${e.message}`) : ['(the stream is empty)'],
        ...(region ? { link: { label: `log stream ${stream}`, url: logStreamConsoleUrl(region, target.group, stream) } } : {})
      });
    }
  }
  return out;
}

/** Containers whose own exit explains the stop; for a task stopped from outside (health checks), its essential ones. */
function failedContainers(task: Task): NonNullable<Task['containers']> {
  const containers = task.containers ?? [];
  const own = containers.filter((c) => (c.exitCode !== undefined && c.exitCode !== 0) || Boolean(c.reason));
  return own.length ? own : containers.slice(0, 1);
}

const sharedLogs = new Map<number | undefined, LogsApi>();
function defaultLogs(callTimeoutMs: number | undefined): LogsApi {
  let logs = sharedLogs.get(callTimeoutMs);
  if (!logs) sharedLogs.set(callTimeoutMs, (logs = createLogsApi(callTimeoutMs === undefined ? {} : { callTimeoutMs })));
  return logs;
}

function eventsEvidence(input: EvidenceInput): Evidence | undefined {
  const events = newEvents(input);
  if (events.length === 0) return undefined;
  const lines = countedLines(
    events
      .slice(0, MAX_EVENTS * 4)
      .reverse()
      .map((e) => normaliseEvent(e.message ?? ''))
  );
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

/** The new revision's stopped tasks (those our deployment started, when ECS tells us its id). */
async function stoppedTasks(ctx: Pick<DeployContext, 'aws'>, input: EvidenceInput): Promise<Task[]> {
  const family = familyOf(input.taskDefinitionArn);
  const arns = await ctx.aws.ecs.listTasks(
    input.deploymentId
      ? { cluster: input.cluster, desiredStatus: 'STOPPED', startedBy: input.deploymentId }
      : { cluster: input.cluster, desiredStatus: 'STOPPED', family }
  );
  if (arns.length === 0) return [];
  return (await ctx.aws.ecs.describeTasks(input.cluster, arns.slice(0, MAX_TASKS))).filter(
    (t) => t.taskDefinitionArn === undefined || t.taskDefinitionArn === input.taskDefinitionArn
  );
}

/** "3 tasks: Essential container in task exited (EssentialContainerExited) — container web exit 1: OutOfMemoryError". */
export function groupStoppedTasks(tasks: Task[]): string[] {
  const groups = new Map<string, number>();
  for (const task of tasks) {
    const key = describeStop(task);
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${n} task${n === 1 ? '' : 's'}: ${key}`);
}

export function describeStop(task: Task): string {
  const reason = task.stoppedReason ?? 'stopped (no reason given)';
  const code = task.stopCode ? ` (${task.stopCode})` : '';
  const containers = (task.containers ?? [])
    .filter((c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason)
    .map((c) => `container ${c.name ?? '?'}${c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''}${c.reason ? `: ${c.reason}` : ''}`);
  return `${reason}${code}${containers.length > 0 ? ` — ${containers.join('; ')}` : ''}`;
}

async function targetHealthEvidence(
  ctx: Pick<DeployContext, 'aws' | 'reporter'>,
  service: Service,
  taskDefinitionArn: string
): Promise<Evidence[]> {
  const groups = [...new Set((service.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => Boolean(a)))];
  if (groups.length === 0) return [];
  const lines: string[] = [];
  for (const arn of groups) {
    const health = await ctx.aws.elb.describeTargetHealth(arn);
    const bad = health.filter((t) => t.TargetHealth?.State === 'unhealthy' || t.TargetHealth?.State === 'unavailable');
    noteFacts(ctx.reporter, taskDefinitionArn, {
      targets: bad.map((t) => ({
        ...(t.TargetHealth?.Reason ? { reason: t.TargetHealth.Reason } : {}),
        ...(t.TargetHealth?.Description ? { description: t.TargetHealth.Description } : {})
      }))
    });
    for (const line of groupUnhealthyTargets(health)) lines.push(`${line} in ${targetGroupName(arn)}`);
  }
  return lines.length > 0 ? [{ title: `Unhealthy targets of service ${nameOf(service)}`, lines }] : [];
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
