/**
 * Pure analyses: observations in, a GateResult (pass | fail | inconclusive with a reason)
 * out. The gates do the I/O; everything a user could argue with is decided here, so it is
 * table-tested without AWS.
 */
import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Service, Task } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AlarmMode, InconclusivePolicy } from './settings.js';
import type { Gate, GateResult } from './types.js';

const pass = (reason: string): GateResult => ({ phase: 'pass', reason });
const fail = (reason: string): GateResult => ({ phase: 'fail', reason });
const inconclusive = (reason: string): GateResult => ({ phase: 'inconclusive', reason });

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// ---- combining ------------------------------------------------------------------

/** Several gates as one: any fail fails, else any inconclusive holds, else pass. Reasons of the deciding phase are joined. */
export function combineResults(results: ReadonlyArray<{ gate: string; result: GateResult }>): GateResult {
  for (const phase of ['fail', 'inconclusive'] as const) {
    const hits = results.filter((r) => r.result.phase === phase);
    if (hits.length > 0) return { phase, reason: hits.map((r) => r.result.reason).join('; ') };
  }
  return pass(results.map((r) => r.result.reason).join('; ') || 'no gates');
}

// ---- inconclusive policy ----------------------------------------------------------

/**
 * Inconclusive holds the rollout (no shift, the bake does not end) for up to `limit`
 * consecutive checks; then `decide` turns it into fail or pass. A conclusive result
 * resets the count.
 */
export class InconclusiveTracker {
  private consecutive = 0;
  constructor(readonly policy: InconclusivePolicy) {}

  get count(): number {
    return this.consecutive;
  }

  apply(result: GateResult): GateResult {
    if (result.phase !== 'inconclusive') {
      this.consecutive = 0;
      return result;
    }
    this.consecutive++;
    const { limit, decide } = this.policy;
    if (this.consecutive < limit) return inconclusive(`${result.reason} (inconclusive ${this.consecutive} of ${limit})`);
    const why = `inconclusive for ${plural(this.consecutive, 'check')} (limit ${limit}): ${result.reason}`;
    return decide === 'fail' ? fail(why) : pass(`${why}; passing because on-inconclusive is pass`);
  }
}

/** A gate whose inconclusive results are held and then decided by the policy. */
export function holdInconclusive(gate: Gate, policy: InconclusivePolicy): Gate {
  const tracker = new InconclusiveTracker(policy);
  return { name: gate.name, check: async () => tracker.apply(await gate.check()) };
}

// ---- service --------------------------------------------------------------------

/** `web:12` from `arn:aws:ecs:…:task-definition/web:12` (and `web:12` itself), to compare either form. */
export function revisionOf(taskDefinition: string | undefined): string {
  return (taskDefinition ?? '').split('/').pop() ?? '';
}

/**
 * The service runs the new revision and nothing else: one deployment, PRIMARY on
 * `taskDefinition`, running = desired > 0. A PRIMARY on another revision means ECS rolled
 * back (circuit breaker) or someone else deployed: that fails, it is never "steady".
 */
export function analyseService(service: Service, taskDefinition: string): GateResult {
  const name = service.serviceName ?? service.serviceArn ?? 'the service';
  if (service.status && service.status !== 'ACTIVE') return fail(`service ${name} is ${service.status}`);
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const want = revisionOf(taskDefinition);
  if (!primary) return inconclusive(`service ${name} has no PRIMARY deployment yet`);
  if (revisionOf(primary.taskDefinition) !== want) {
    return fail(
      `service ${name} runs ${revisionOf(primary.taskDefinition)}, not ${want}: ECS rolled back or another deployment replaced it`
    );
  }
  if (primary.rolloutState === 'FAILED') {
    return fail(`service ${name}: the deployment of ${want} failed${primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ''}`);
  }
  const desired = primary.desiredCount ?? service.desiredCount ?? 0;
  const running = primary.runningCount ?? 0;
  if (desired === 0) return fail(`service ${name} wants 0 tasks of ${want}: nothing would serve traffic`);
  const failed = primary.failedTasks ? `, ${plural(primary.failedTasks, 'task')} failed to start so far` : '';
  if (running < desired) return inconclusive(`service ${name}: ${running} of ${desired} tasks of ${want} running${failed}`);
  if (deployments.length > 1) {
    const others = deployments.filter((d) => d !== primary).map((d) => `${revisionOf(d.taskDefinition)} (${d.runningCount ?? 0} running)`);
    return inconclusive(`service ${name}: ${want} is running, still draining ${others.join(', ')}`);
  }
  if ((service.runningCount ?? running) > desired)
    return inconclusive(`service ${name}: ${service.runningCount} tasks running, ${desired} desired`);
  return pass(`service ${name} is steady on ${want} (${running} of ${desired} running)`);
}

// ---- targets --------------------------------------------------------------------

export interface TargetObservation {
  /** e.g. `10.0.1.17:8080` */
  id: string;
  state: string;
  reason?: string;
  description?: string;
}

export function observeTargets(descriptions: readonly TargetHealthDescription[]): TargetObservation[] {
  return descriptions.map((d) => ({
    id: `${d.Target?.Id ?? '?'}${d.Target?.Port !== undefined ? `:${d.Target.Port}` : ''}`,
    state: d.TargetHealth?.State ?? 'unavailable',
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
    ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {})
  }));
}

/** "2 × Target.ResponseCodeMismatch — Health checks failed with these codes: [500] (10.0.0.1:80, 10.0.0.2:80)" per distinct cause. */
function groupCauses(targets: readonly TargetObservation[]): string {
  const groups = new Map<string, string[]>();
  for (const t of targets) {
    const cause = [t.reason ?? t.state, t.description].filter(Boolean).join(' — ');
    groups.set(cause, [...(groups.get(cause) ?? []), t.id]);
  }
  return [...groups].map(([cause, ids]) => `${cause} (${ids.join(', ')})`).join('; ');
}

/** States that do not take part in the count: targets leaving the group, or not in use. */
const IGNORED = new Set(['draining', 'unused', 'unhealthy.draining']);

/**
 * Every target of the group is healthy and there are as many healthy targets as the
 * service runs tasks. `unhealthy` / `unavailable` fail with each cause; `initial` and a
 * count that does not match yet are inconclusive; draining and unused targets are only
 * mentioned.
 */
export function analyseTargets(targets: readonly TargetObservation[], expectedRunning: number, group = 'the target group'): GateResult {
  const counted = targets.filter((t) => !IGNORED.has(t.state));
  const ignored = targets.filter((t) => IGNORED.has(t.state));
  const also = ignored.length
    ? ` (also ${[...new Set(ignored.map((t) => t.state))].map((s) => `${ignored.filter((t) => t.state === s).length} ${s}`).join(', ')})`
    : '';
  const bad = counted.filter((t) => t.state === 'unhealthy' || t.state === 'unavailable');
  if (bad.length > 0) {
    const word = bad.every((t) => t.state === 'unhealthy') ? 'unhealthy' : 'unhealthy or unavailable';
    return fail(`${bad.length} of ${plural(counted.length, 'target')} in ${group} ${word}: ${groupCauses(bad)}${also}`);
  }
  const initial = counted.filter((t) => t.state === 'initial');
  if (initial.length > 0) {
    return inconclusive(
      `${initial.length} of ${plural(counted.length, 'target')} in ${group} still initial: ${groupCauses(initial)}${also}`
    );
  }
  const healthy = counted.filter((t) => t.state === 'healthy').length;
  const unknown = counted.filter((t) => t.state !== 'healthy');
  if (unknown.length > 0)
    return inconclusive(`${unknown.length} targets in ${group} in an unexpected state: ${groupCauses(unknown)}${also}`);
  if (expectedRunning <= 0)
    return inconclusive(`${group} has ${plural(healthy, 'healthy target')} but the service runs no tasks yet${also}`);
  if (healthy !== expectedRunning) {
    return inconclusive(`${group} has ${plural(healthy, 'healthy target')}, the service runs ${plural(expectedRunning, 'task')}${also}`);
  }
  return pass(`all ${plural(healthy, 'target')} in ${group} healthy${also}`);
}

/**
 * The same, for a target group that receives traffic now: with no healthy target left its
 * share of requests is being answered 503 by the load balancer, so that fails at once instead
 * of holding like targets that are still starting.
 */
export function analyseServingTargets(
  targets: readonly TargetObservation[],
  expectedRunning: number,
  group = 'the target group'
): GateResult {
  const counted = targets.filter((t) => !IGNORED.has(t.state));
  if (counted.length > 0 && !counted.some((t) => t.state === 'healthy')) {
    return fail(`no healthy target in ${group} while it receives traffic: ${groupCauses(counted)}`);
  }
  return analyseTargets(targets, expectedRunning, group);
}

/** The same as analyseService, for a service that serves traffic now: none of its tasks running fails at once. */
export function analyseServingService(service: Service, taskDefinition: string): GateResult {
  const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
  const desired = primary?.desiredCount ?? service.desiredCount ?? 0;
  if (primary && revisionOf(primary.taskDefinition) === revisionOf(taskDefinition) && desired > 0 && (primary.runningCount ?? 0) === 0) {
    const failed = primary.failedTasks ? ` (${plural(primary.failedTasks, 'task')} failed so far)` : '';
    return fail(
      `service ${service.serviceName ?? 'the service'} runs none of its ${desired} tasks of ${revisionOf(taskDefinition)} while it serves traffic${failed}`
    );
  }
  return analyseService(service, taskDefinition);
}

// ---- alarms ---------------------------------------------------------------------

export interface AlarmObservation {
  name: string;
  type: 'metric' | 'composite';
  /** OK | ALARM | INSUFFICIENT_DATA */
  state: string;
  reason?: string;
  /** StateReasonData: JSON with recentDatapoints and threshold for metric alarms. */
  reasonData?: string;
  /** StateUpdatedTimestamp in epoch ms, exactly as AWS returned it. */
  updatedAt?: number;
}

/** Each watched alarm as it was when the deployment started. */
export type AlarmBaseline = Record<string, { state: string; updatedAt?: number }>;

export function observeAlarms(metric: readonly MetricAlarm[], composite: readonly CompositeAlarm[]): AlarmObservation[] {
  const one = (a: MetricAlarm | CompositeAlarm, type: AlarmObservation['type']): AlarmObservation => ({
    name: a.AlarmName ?? '?',
    type,
    state: a.StateValue ?? 'INSUFFICIENT_DATA',
    ...(a.StateReason ? { reason: a.StateReason } : {}),
    ...(a.StateReasonData ? { reasonData: a.StateReasonData } : {}),
    ...(a.StateUpdatedTimestamp ? { updatedAt: a.StateUpdatedTimestamp.getTime() } : {})
  });
  return [...metric.map((a) => one(a, 'metric')), ...composite.map((a) => one(a, 'composite'))];
}

export function baselineOf(observed: readonly AlarmObservation[]): AlarmBaseline {
  const out: AlarmBaseline = {};
  for (const a of observed) out[a.name] = { state: a.state, ...(a.updatedAt !== undefined ? { updatedAt: a.updatedAt } : {}) };
  return out;
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** "latest value 95.2, threshold 80" from StateReasonData, when it carries them. */
export function metricValue(reasonData: string | undefined): string | undefined {
  if (!reasonData) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(reasonData);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object') return undefined;
  const d = data as { recentDatapoints?: unknown; evaluatedDatapoints?: unknown; threshold?: unknown };
  let value: number | undefined;
  if (Array.isArray(d.recentDatapoints)) {
    const nums = d.recentDatapoints.filter((x): x is number => typeof x === 'number');
    value = nums[nums.length - 1];
  }
  if (value === undefined && Array.isArray(d.evaluatedDatapoints)) {
    const first = d.evaluatedDatapoints.find(
      (x): x is { value: number } => !!x && typeof x === 'object' && typeof (x as { value?: unknown }).value === 'number'
    );
    value = first?.value;
  }
  const parts = [
    value !== undefined ? `latest value ${num(value)}` : '',
    typeof d.threshold === 'number' ? `threshold ${num(d.threshold)}` : ''
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

function title(a: AlarmObservation): string {
  return `${a.type === 'composite' ? 'composite alarm' : 'alarm'} ${a.name}`;
}

/** In ALARM since before the start and not transitioned since: timestamps compared only with AWS's own. */
export function firingSinceStart(a: AlarmObservation, baseline: AlarmBaseline): boolean {
  const before = baseline[a.name];
  if (!before || before.state !== 'ALARM' || a.state !== 'ALARM') return false;
  if (before.updatedAt === undefined || a.updatedAt === undefined) return true;
  return a.updatedAt <= before.updatedAt;
}

/**
 * The watched alarms: any ALARM fails (naming the alarm, its reason and the metric value),
 * except, in `transitions` mode, an alarm that was already in ALARM at the start and has
 * not transitioned since; INSUFFICIENT_DATA is inconclusive; a watched alarm that has
 * disappeared fails (nobody can tell whether it would fire).
 */
export function analyseAlarms(
  watched: readonly string[],
  observed: readonly AlarmObservation[],
  baseline: AlarmBaseline,
  mode: AlarmMode
): GateResult {
  if (watched.length === 0) return pass('no alarms to watch');
  const byName = new Map(observed.map((a) => [a.name, a]));
  const failures: string[] = [];
  const unknown: string[] = [];
  const notes: string[] = [];
  for (const name of watched) {
    const a = byName.get(name);
    if (!a) {
      failures.push(`alarm ${name} no longer exists: it was deleted during the deployment`);
      continue;
    }
    if (a.state === 'ALARM') {
      if (mode === 'transitions' && firingSinceStart(a, baseline)) {
        notes.push(
          `${title(a)} has been in ALARM since before the deployment started (alarm-mode transitions: it fails only if it fires again)`
        );
        continue;
      }
      const value = metricValue(a.reasonData);
      const pre =
        baseline[name]?.state === 'ALARM'
          ? mode === 'strict'
            ? ' (already in ALARM at the start; alarm-mode strict)'
            : ' (fired again after the deployment started)'
          : '';
      failures.push(`${title(a)} is ALARM${pre}: ${a.reason ?? 'no reason given'}${value ? ` (${value})` : ''}`);
    } else if (a.state === 'INSUFFICIENT_DATA') {
      unknown.push(`${title(a)} has INSUFFICIENT_DATA${a.reason ? ` (${a.reason})` : ''}`);
    } else if (a.state !== 'OK') {
      unknown.push(`${title(a)} is in state ${a.state}`);
    }
  }
  const suffix = notes.length ? `; ${notes.join('; ')}` : '';
  if (failures.length > 0) return fail(failures.join('; ') + suffix);
  if (unknown.length > 0) return inconclusive(unknown.join('; ') + suffix);
  const ok = watched.length - notes.length;
  const summary =
    watched.length === 1
      ? ok === 1
        ? `alarm ${watched[0]} OK`
        : ''
      : ok === watched.length
        ? `all ${watched.length} alarms OK`
        : `${ok} of ${watched.length} alarms OK`;
  return pass([summary, ...notes].filter(Boolean).join('; '));
}

// ---- container signals ------------------------------------------------------------

/** The essential container whose exit stopped a task, and how: undefined for a task stopped from outside (scale-in, health checks). */
export function essentialExit(task: Task): { container: string; exitCode?: number; oom: boolean; reason?: string } | undefined {
  if (task.stopCode !== 'EssentialContainerExited' && !/Essential container in task exited/.test(task.stoppedReason ?? ''))
    return undefined;
  const containers = task.containers ?? [];
  // A whole word: a reason such as "boom" or "room for 2 more" is not an OOM kill.
  const oom = containers.find((c) => /OutOfMemory|\bOOM(?:Killed)?\b/i.test(c.reason ?? ''));
  const culprit =
    oom ??
    containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ??
    containers.find((c) => c.exitCode !== undefined) ??
    containers[0];
  if (!culprit) return undefined;
  return {
    container: culprit.name ?? 'the essential container',
    ...(culprit.exitCode !== undefined ? { exitCode: culprit.exitCode } : {}),
    oom: Boolean(oom) || (culprit.exitCode === 137 && /OutOfMemory/i.test(task.stoppedReason ?? '')),
    ...(culprit.reason ? { reason: culprit.reason } : {})
  };
}

/**
 * Stopped tasks of the new revision: an essential container that exited (any code: a
 * service's process is not meant to end) or was OOM-killed fails at once, naming the
 * container, the task, the exit code and ECS's reason. Tasks stopped from outside (health
 * checks, scale-in) are left to the other gates.
 */
export function analyseContainerExits(tasks: readonly Task[], revision: string): GateResult {
  const exits = tasks
    .map((t) => ({ task: (t.taskArn ?? '').split('/').pop() ?? '?', exit: essentialExit(t) }))
    .filter((x): x is { task: string; exit: NonNullable<ReturnType<typeof essentialExit>> } => x.exit !== undefined);
  if (exits.length === 0) return pass(`no essential container of ${revision} exited`);
  const groups = new Map<string, string[]>();
  for (const { task, exit } of exits) {
    const code = exit.exitCode !== undefined ? `exit ${exit.exitCode}` : 'no exit code';
    const what = exit.oom
      ? `container ${exit.container} of ${revision} was OOM-killed (${code}${exit.reason ? `: ${exit.reason}` : ''})`
      : `essential container ${exit.container} of ${revision} exited with code ${exit.exitCode ?? '?'}${exit.reason ? ` (${exit.reason})` : ''}`;
    groups.set(what, [...(groups.get(what) ?? []), task]);
  }
  return fail([...groups].map(([what, ids]) => `${what} in ${plural(ids.length, 'task')} (${ids.join(', ')})`).join('; '));
}
