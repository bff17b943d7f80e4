/**
 * The root cause of a failed deployment, classified from the evidence (stopped tasks,
 * target health, service events) and the failure's own reason. Pure, so every class is
 * table-tested; the headline (report/headline.ts) turns a cause into one sentence.
 */

/** One stopped task of the new revision, as DescribeTasks answered it. */
export interface StoppedTaskFact {
  taskId: string;
  stopCode?: string;
  stoppedReason?: string;
  containers: Array<{ name: string; exitCode?: number; reason?: string; essential?: boolean }>;
}

/** What the evidence gathering saw, structured (the evidence lines are the same facts as text). */
export interface FailureFacts {
  /** `web:5` */
  revision?: string;
  service?: string;
  stopped: StoppedTaskFact[];
  /** Unhealthy / unavailable targets' reason codes and descriptions. */
  targets: Array<{ reason?: string; description?: string }>;
  /** Service event messages since the deployment began, newest first. */
  events: string[];
  /** Our deployment's counts at the end. */
  rollout?: { running: number; desired: number; pending: number };
}

export type Cause =
  | { kind: 'health-checks'; codes: string[] }
  | { kind: 'container-exited'; container: string; exitCode: number }
  | { kind: 'oom'; container: string }
  | { kind: 'image-pull'; image?: string }
  | { kind: 'secret-fetch'; secret?: string }
  | { kind: 'no-capacity' }
  | { kind: 'timeout-starting'; running: number; desired: number; after?: string }
  | { kind: 'timeout'; after?: string }
  | { kind: 'alarm'; name: string; value?: string; threshold?: string }
  | { kind: 'metric-gate'; gate: 'max-error-rate' | 'max-response-time'; observed: string; limit: string }
  | { kind: 'cancelled'; signal?: string }
  | { kind: 'lock'; key?: string; holder?: string }
  | { kind: 'replaced' }
  | { kind: 'other'; text: string };

export const NO_FACTS: FailureFacts = { stopped: [], targets: [], events: [] };

const OOM = /OutOfMemoryError|OOM[- ]?kill/i;

/** The cause of one stopped task, most specific first; undefined for a task stopped on purpose (scale-in, our rollback). */
export function taskCause(task: StoppedTaskFact): Cause | undefined {
  const text = [task.stoppedReason, ...task.containers.map((c) => c.reason)].filter(Boolean).join('\n');
  const oom =
    task.containers.find((c) => OOM.test(c.reason ?? '')) ??
    (OOM.test(task.stoppedReason ?? '') ? task.containers.find((c) => c.exitCode === 137) : undefined);
  if (oom) return { kind: 'oom', container: oom.name };
  if (/CannotPullContainerError/i.test(text)) {
    const image =
      /failed to resolve ref (?:"|')?([^\s:"']+(?::[^\s:"']+)?)/.exec(text)?.[1] ?? /pull(?:ing)? image "?([^\s"]+)"?/.exec(text)?.[1];
    return { kind: 'image-pull', ...(image ? { image } : {}) };
  }
  if (/ResourceInitializationError/i.test(text) && /secret|ssm|parameter|asm/i.test(text)) {
    const secret =
      /failed to fetch secret (\S+)/.exec(text)?.[1] ??
      /(arn:aws[\w-]*:(?:secretsmanager|ssm):\S+?)(?=[\s,)]|$)/.exec(text)?.[1] ??
      /invalid parameters?: (\S+)/.exec(text)?.[1];
    return { kind: 'secret-fetch', ...(secret ? { secret } : {}) };
  }
  if (/health ?checks?/i.test(task.stoppedReason ?? '')) return { kind: 'health-checks', codes: codesIn(text) };
  const exited = task.containers.find((c) => (c.essential ?? true) && c.exitCode !== undefined && c.exitCode !== 0);
  if (exited && (task.stopCode === 'EssentialContainerExited' || /Essential container/i.test(task.stoppedReason ?? ''))) {
    if (exited.exitCode === 137 && OOM.test(text)) return { kind: 'oom', container: exited.name };
    return { kind: 'container-exited', container: exited.name, exitCode: exited.exitCode! };
  }
  if (task.stopCode === 'TaskFailedToStart') return { kind: 'other', text: firstClause(task.stoppedReason ?? 'a task failed to start') };
  return undefined;
}

/** HTTP codes in "Health checks failed with these codes: [500]", or the ELB reason codes when none. */
export function codesIn(text: string): string[] {
  const codes = new Set<string>();
  for (const m of text.matchAll(/codes?: \[([^\]]*)\]/g)) for (const c of m[1]!.split(/[,\s]+/)) if (c) codes.add(c);
  if (codes.size === 0)
    for (const m of text.matchAll(/Target\.(Timeout|FailedHealthChecks|ResponseCodeMismatch)/g)) codes.add(`Target.${m[1]}`);
  return [...codes];
}

const SEVERITY: Cause['kind'][] = ['oom', 'image-pull', 'secret-fetch', 'container-exited', 'health-checks', 'other'];

/** The cause the stopped tasks share: the most frequent; ties go to the more specific. */
function stoppedTasksCause(tasks: readonly StoppedTaskFact[]): Cause | undefined {
  const counted = new Map<string, { cause: Cause; n: number }>();
  for (const t of tasks) {
    const cause = taskCause(t);
    if (!cause) continue;
    const key = JSON.stringify(cause);
    const hit = counted.get(key);
    if (hit) hit.n++;
    else counted.set(key, { cause, n: 1 });
  }
  const best = [...counted.values()].sort((a, b) => b.n - a.n || SEVERITY.indexOf(a.cause.kind) - SEVERITY.indexOf(b.cause.kind))[0];
  return best?.cause;
}

function alarmCause(reason: string): Cause | undefined {
  const m = /(?:composite alarm|alarm) (\S+) is ALARM[^;]*/.exec(reason);
  if (m) {
    const value = /latest value ([\d.eE+-]+)/.exec(m[0])?.[1];
    // Our own "threshold 80" first (metricValue), else CloudWatch's "the threshold (80.0)".
    const threshold = /threshold ([\d.eE+-]+)/.exec(m[0])?.[1] ?? /threshold \(([\d.eE+-]+)\)/.exec(m[0])?.[1];
    return { kind: 'alarm', name: m[1]!, ...(value ? { value } : {}), ...(threshold ? { threshold } : {}) };
  }
  // ECS's own alarm rollback: "ECS deployment alarm(s) detected: web-cpu."
  const ecs = /alarm\(s\) detected: ([^.;]+)/.exec(reason);
  if (ecs) return { kind: 'alarm', name: ecs[1]!.split(', ')[0]!.trim() };
  return undefined;
}

function metricCause(reason: string): Cause | undefined {
  const rate = /(5xx [\d.]+ ?%)[^;]*?> max-error-rate ([\d.]+ ?%)/.exec(reason);
  if (rate) return { kind: 'metric-gate', gate: 'max-error-rate', observed: rate[1]!, limit: rate[2]! };
  const worse = /([\d.]+ points worse) > max-error-rate ([\d.]+ ?%)/.exec(reason);
  if (worse) return { kind: 'metric-gate', gate: 'max-error-rate', observed: worse[1]!, limit: worse[2]! };
  const time = /((?:p\d+(?:\.\d+)?|avg|average|max)\S* [\d.]+ ?m?s)[^;]*?> max-response-time \S+ ([\d.]+ ?m?s)/.exec(reason);
  if (time) return { kind: 'metric-gate', gate: 'max-response-time', observed: time[1]!, limit: time[2]! };
  const slower = /([\d.]+ ?m?s slower) > max-response-time \S+ ([\d.]+ ?m?s)/.exec(reason);
  if (slower) return { kind: 'metric-gate', gate: 'max-response-time', observed: slower[1]!, limit: slower[2]! };
  return undefined;
}

function timeoutAfter(reason: string): string | undefined {
  return /(?:not stable|not ready|did not \w+)[^(;]*?(?:after|within) (?:the timeout )?\(?(\d[\dhms .]*\d?[hms])\)?/
    .exec(reason)?.[1]
    ?.trim();
}

/**
 * Reads the cause from the failure's reason and the facts. The gate that failed decides
 * for alarms, metric gates, cancellation, the lock and timeouts; everything about the
 * tasks themselves comes from what ECS reported on them, which is more specific than any
 * gate's summary ("3 tasks failed").
 */
export function classifyCause(reason: string, facts: FailureFacts = NO_FACTS): Cause {
  if (/\bcancelled\b/i.test(reason)) {
    const signal = /\b(SIG[A-Z]+)\b/.exec(reason)?.[1];
    return { kind: 'cancelled', ...(signal ? { signal } : {}) };
  }
  if (/deployment lock/i.test(reason)) {
    const m = /deployment lock (\S+?)(?:[,;:]|\s+is held by ([^;(.]+?)(?:\s*\(|;|\.|$))/.exec(reason);
    return { kind: 'lock', ...(m?.[1] ? { key: m[1] } : {}), ...(m?.[2] ? { holder: m[2].trim() } : {}) };
  }
  const alarm = alarmCause(reason);
  if (alarm) return alarm;
  const metric = metricCause(reason);
  if (metric) return metric;

  const fromTasks = stoppedTasksCause(facts.stopped);
  if (fromTasks && fromTasks.kind !== 'other' && fromTasks.kind !== 'health-checks') return fromTasks;

  // The HTTP codes are in ECS's "is unhealthy" events and the targets' descriptions, not in the stopped tasks.
  const healthText = [
    reason,
    ...facts.events.filter((e) => /is unhealthy in/.test(e)),
    ...facts.targets.map((t) => `${t.reason ?? ''} ${t.description ?? ''}`)
  ].join('\n');
  if (fromTasks?.kind === 'health-checks') return { kind: 'health-checks', codes: codesIn(healthText) };
  if (
    /health checks?|is unhealthy in|unhealthy:|Target\.(ResponseCodeMismatch|Timeout|FailedHealthChecks)/i.test(healthText) &&
    (facts.targets.length > 0 || /health/i.test(reason) || facts.events.some((e) => /is unhealthy in/.test(e)))
  ) {
    return { kind: 'health-checks', codes: codesIn(healthText) };
  }
  if (facts.events.some((e) => /was unable to place a task/.test(e))) return { kind: 'no-capacity' };
  if (/another deployment .*replaced ours|replaced it/i.test(reason)) return { kind: 'replaced' };
  if (/timeout|deadline|not stable after|did not (?:pass|end|become|finish)/i.test(reason)) {
    const after = timeoutAfter(reason);
    const r = facts.rollout;
    if (r && r.running < r.desired)
      return { kind: 'timeout-starting', running: r.running, desired: r.desired, ...(after ? { after } : {}) };
    return { kind: 'timeout', ...(after ? { after } : {}) };
  }
  if (fromTasks) return fromTasks;
  return { kind: 'other', text: firstClause(reason) };
}

/**
 * The part of a long reason before its first colon or semicolon: the gist without the ECS
 * text. An AWS error ("updating service web in cluster prod: AccessDeniedException: User: …")
 * keeps what was being done and the error code.
 */
export function firstClause(reason: string): string {
  const aws = /^([^:;]+): ([A-Z]\w*(?:Exception|Error|Fault|Denied|Throttling)|AccessDenied|Throttling|ThrottlingException)\b/.exec(reason);
  if (aws) return `${aws[1]!.trim()}${/\bfailed$/.test(aws[1]!.trim()) ? '' : ' failed'} (${aws[2]})`;
  const gist = reason.split(/[;:\n]/)[0]!.trim();
  return gist || reason.trim();
}
