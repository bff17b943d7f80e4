/**
 * How a simulated task behaves, chosen the way a user would ship a bad release: by the
 * image tag (`app:v2-crash`) or a `SIM_BEHAVIOUR` environment variable of the container
 * (a RunTask override wins over the task definition). Everything else is healthy.
 * Times are simulated milliseconds.
 */
import type { TargetProbe } from '../types.js';
import type { Task } from './model.js';

export const BEHAVIOURS = ['crash', 'unhealthy', 'slow-start', 'cpu-spike', 'memory-leak', 'http-5xx'] as const;
export type Behaviour = 'healthy' | (typeof BEHAVIOURS)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const CRASH_AFTER_RUNNING_MS = 4 * SECOND;
export const ONE_OFF_RUN_MS = 10 * SECOND;
export const SLOW_START_PENDING_MS = 4 * MINUTE;
export const CPU_SPIKE_AFTER_MS = 2 * MINUTE;
export const HTTP_5XX_AFTER_MS = 1 * MINUTE;
/** memory-leak: from 30 % at start, +10 % per minute, killed at 100 %. */
export const LEAK_PERCENT_PER_MINUTE = 10;

function envValue(env: unknown, name: string): string | undefined {
  if (!Array.isArray(env)) return undefined;
  const hit = [...env].reverse().find((e: Record<string, any>) => e?.name === name);
  return hit?.value === undefined ? undefined : String(hit.value);
}

/** The tag of an image reference: after the last ':' that follows the last '/' (none for digests). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : '';
}

function asBehaviour(word: string | undefined): Behaviour | undefined {
  if (!word) return undefined;
  const w = word.trim().toLowerCase();
  return (BEHAVIOURS as readonly string[]).includes(w) ? (w as Behaviour) : w === 'healthy' ? 'healthy' : undefined;
}

export interface ContainerInputs {
  image: string;
  environment?: unknown;
  /** environment from RunTask's containerOverrides for this container. */
  overrideEnvironment?: unknown;
}

export function containerBehaviour(c: ContainerInputs): Behaviour {
  const fromEnv = asBehaviour(envValue(c.overrideEnvironment, 'SIM_BEHAVIOUR')) ?? asBehaviour(envValue(c.environment, 'SIM_BEHAVIOUR'));
  if (fromEnv) return fromEnv;
  const tag = imageTag(c.image).toLowerCase();
  return BEHAVIOURS.find((b) => tag === b || tag.endsWith(`-${b}`)) ?? 'healthy';
}

/** SIM_EXIT_CODE overrides the exit code of a crashing container. */
export function containerExitCode(c: ContainerInputs): number {
  const raw = envValue(c.overrideEnvironment, 'SIM_EXIT_CODE') ?? envValue(c.environment, 'SIM_EXIT_CODE');
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) ? n : 1;
}

/** A task behaves as its worst essential container (crash beats a leak beats a failing health check…). */
export function taskBehaviour(perContainer: Behaviour[]): Behaviour {
  return BEHAVIOURS.find((b) => perContainer.includes(b)) ?? 'healthy';
}

export interface Timeline {
  pendingAt: number;
  runningAt: number;
  exitAt?: number;
}

/** When a task created at `created` leaves PROVISIONING, is RUNNING, and (if ever) exits on its own. */
export function planTimeline(behaviour: Behaviour, oneOff: boolean, created: number, random: () => number): Timeline {
  const pendingAt = created + Math.round((2 + random() * 2) * SECOND);
  const pendingFor = behaviour === 'slow-start' ? SLOW_START_PENDING_MS + random() * 10 * SECOND : (10 + random() * 10) * SECOND;
  const runningAt = pendingAt + Math.round(pendingFor);
  let exitAt: number | undefined;
  if (behaviour === 'crash') exitAt = runningAt + Math.round(CRASH_AFTER_RUNNING_MS + random() * 2 * SECOND);
  else if (oneOff) exitAt = runningAt + Math.round(ONE_OFF_RUN_MS + random() * 2 * SECOND);
  else if (behaviour === 'memory-leak') exitAt = runningAt + Math.round(((100 - 30) / LEAK_PERCENT_PER_MINUTE) * MINUTE);
  return { pendingAt, runningAt, exitAt };
}

/** CPUUtilization (percent of the task's reservation) at `now`. */
export function cpuAt(task: Task, now: number): number {
  const since = now - (task.startedAt ?? now);
  if (task.behaviour === 'cpu-spike' && since >= CPU_SPIKE_AFTER_MS) {
    // Climbs past 90 % within half a minute of the spike starting, then stays pinned.
    return Math.min(98, 90 + task.cpuBase / 5 + ((since - CPU_SPIKE_AFTER_MS) / (30 * SECOND)) * 2);
  }
  return task.cpuBase;
}

/** MemoryUtilization (percent) at `now`. */
export function memoryAt(task: Task, now: number): number {
  if (task.behaviour !== 'memory-leak') return task.memoryBase;
  const minutes = (now - (task.startedAt ?? now)) / MINUTE;
  return Math.min(100, 30 + minutes * LEAK_PERCENT_PER_MINUTE);
}

/** What the load balancer sees when it talks to the task's container port. */
export function probeFor(task: Task): TargetProbe {
  const serving = (now: number): boolean => task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING' && now >= task.runningAt;
  return {
    healthCheck(now) {
      if (!serving(now)) return { ok: false, failureCode: 'timeout' };
      if (task.behaviour === 'unhealthy') return { ok: false, failureCode: 500 };
      return { ok: true };
    },
    errorRate(now) {
      if (!serving(now)) return 1;
      if (task.behaviour === 'unhealthy') return 1;
      if (task.behaviour === 'http-5xx' && now - task.runningAt >= HTTP_5XX_AFTER_MS) return 0.5;
      return 0;
    },
    responseTime(now) {
      const base = 0.04 + task.cpuBase / 1000;
      return cpuAt(task, now) > 90 ? base + 0.6 : base;
    }
  };
}
