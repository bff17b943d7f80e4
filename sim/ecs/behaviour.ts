/**
 * How a simulated task behaves, chosen the way a user would ship a bad release: by the
 * image tag (`app:v2-crash`) or a `SIM_BEHAVIOUR` environment variable of the container
 * (a RunTask override wins over the task definition). Everything else is healthy.
 * Times are simulated milliseconds.
 */
import type { LogLine, LogsSink } from '../logs/index.js';
import type { TargetProbe } from '../types.js';
import type { Task } from './model.js';

/** In order of precedence: a task behaves as the first of these any essential container has. */
export const BEHAVIOURS = [
  'no-capacity',
  'image-pull-fail',
  'secret-fail',
  'crash',
  'unhealthy',
  'slow-start',
  'cpu-spike',
  'memory-leak',
  'http-5xx'
] as const;
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
  // The image pull (retried) or the secrets fetch fails after a while in PENDING; runningAt is that moment.
  if (behaviour === 'image-pull-fail' || behaviour === 'secret-fail')
    return { pendingAt, runningAt: pendingAt + Math.round((6 + random() * 6) * SECOND) };
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

// ---- tasks that never start ----------------------------------------------------------

export interface StartFailure {
  stoppedReason: string;
  /** The container's own `reason`, as DescribeTasks shows it. */
  containerReason: string;
}

/**
 * Why a task fails to start, worded as ECS on Fargate (platform 1.4) words it: the stop
 * code is TaskFailedToStart, the containers have a reason and no exit code.
 */
export function startFailure(task: Task): StartFailure | undefined {
  const def: Record<string, any> | undefined = task.taskDefinition.body.containerDefinitions?.find(
    (d: Record<string, any>) => d.essential !== false
  );
  if (task.behaviour === 'image-pull-fail') {
    const image = String(def?.image ?? 'image');
    const ref = image.includes('/') ? image : `docker.io/library/${image}`;
    const text = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref}: ${ref}: not found`;
    return { stoppedReason: text, containerReason: text };
  }
  if (task.behaviour === 'secret-fail') {
    const secrets: Array<Record<string, any>> = (task.taskDefinition.body.containerDefinitions ?? []).flatMap(
      (d: Record<string, any>) => d.secrets ?? []
    );
    const valueFrom = String(
      secrets[0]?.valueFrom ??
        `arn:aws:secretsmanager:${task.arn.split(':')[3]}:${task.arn.split(':')[4]}:secret:${task.taskDefinition.family}/db-password-Ab12Cd`
    );
    const role = String(task.taskDefinition.body.executionRoleArn ?? 'ecsTaskExecutionRole')
      .split('/')
      .pop();
    const text =
      valueFrom.includes(':ssm:') || valueFrom.startsWith('/')
        ? `ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::${task.arn.split(':')[4]}:assumed-role/${role}/${task.id} is not authorized to perform: ssm:GetParameters on resource: ${valueFrom}`
        : `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${valueFrom} from secrets manager: AccessDeniedException: User: arn:aws:sts::${task.arn.split(':')[4]}:assumed-role/${role}/${task.id} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${valueFrom} because no identity-based policy allows the secretsmanager:GetSecretValue action`;
    return { stoppedReason: text, containerReason: text };
  }
  return undefined;
}

/** The service event ECS repeats while it cannot place a task (Fargate's wording). */
export function placementFailure(taskDefinitionBody: Record<string, any>, serviceName: string): string | undefined {
  const defs: Array<Record<string, any>> = taskDefinitionBody.containerDefinitions ?? [];
  const stuck = defs.some(
    (d) => d.essential !== false && containerBehaviour({ image: String(d.image ?? ''), environment: d.environment }) === 'no-capacity'
  );
  if (!stuck) return undefined;
  return `(service ${serviceName}) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone.`;
}

/** ECS does not repeat the placement event on every attempt: once per service per this long. */
export const PLACEMENT_EVENT_EVERY_MS = 30 * SECOND;

// ---- what the containers print (the awslogs driver) ---------------------------------------

export type LogMoment = 'running' | 'exited' | 'stopped';

function awslogsOf(def: Record<string, any>): { group: string; prefix?: string; create: boolean } | undefined {
  const lc = def.logConfiguration;
  if (lc?.logDriver !== 'awslogs' || !lc.options?.['awslogs-group']) return undefined;
  return {
    group: String(lc.options['awslogs-group']),
    prefix: lc.options['awslogs-stream-prefix'],
    create: String(lc.options['awslogs-create-group']) === 'true'
  };
}

function stamp(at: number): string {
  return new Date(at).toISOString();
}

/** Realistic output of one container at one moment of its task's life. */
export function containerLines(task: Task, container: string, port: number, moment: LogMoment, at: number): LogLine[] {
  const lines: LogLine[] = [];
  const say = (t: number, message: string): void => {
    lines.push({ timestamp: Math.round(t), message });
  };
  const started = task.startedAt ?? task.runningAt;
  if (moment === 'running') {
    say(at, `${stamp(at)} INFO  ${container}: starting (pid 1, NODE_ENV=production)`);
    say(at + 40, `${stamp(at + 40)} INFO  ${container}: connected to the database`);
    say(at + 80, `${stamp(at + 80)} INFO  ${container}: listening on 0.0.0.0:${port}`);
    return lines;
  }
  if (moment === 'exited' && task.behaviour === 'crash') {
    // Applications dump their configuration when they die: the environment reaches the log (and must be masked by whoever prints it).
    const env: Array<Record<string, any>> =
      task.taskDefinition.body.containerDefinitions?.find((d: Record<string, any>) => d.name === container)?.environment ?? [];
    if (env.length) say(at - 310, `${stamp(at - 310)} DEBUG ${container}: config ${env.map((e) => `${e.name}=${e.value}`).join(' ')}`);
    say(at - 300, `${stamp(at - 300)} ERROR ${container}: unhandled rejection, shutting down`);
    say(at - 290, `TypeError: Cannot read properties of undefined (reading 'split')`);
    say(at - 289, `    at parseConfig (/app/dist/config.js:41:27)`);
    say(at - 288, `    at loadSettings (/app/dist/settings.js:12:18)`);
    say(at - 287, `    at async main (/app/dist/server.js:9:3)`);
    say(at, `${stamp(at)} FATAL ${container}: exiting with code ${task.crashExitCode}`);
    return lines;
  }
  if (moment === 'exited' && task.behaviour === 'memory-leak') {
    for (let pct = 60; pct < 100; pct += 10) {
      const t = started + ((pct - 30) / LEAK_PERCENT_PER_MINUTE) * MINUTE;
      if (t < at) say(t, `${stamp(t)} WARN  ${container}: heap usage ${pct}% of the container's memory limit`);
    }
    say(at - 200, `<--- Last few GCs --->`);
    say(at - 190, `FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory`);
    say(at - 180, ` 1: 0xb7c8f0 node::Abort() [node]`);
    return lines;
  }
  if (moment === 'stopped') {
    const until = task.stoppingAt ?? at;
    if (task.behaviour === 'unhealthy') {
      // The load balancer's checks every 10 s, each answered 500, the newest 30.
      const from = Math.max(started, until - 300 * SECOND);
      for (let t = from + 1000; t < until; t += 10 * SECOND) {
        say(t - 5, `${stamp(t - 5)} ERROR ${container}: health check failed: dependency "cache" unreachable (ECONNREFUSED 10.0.7.21:6379)`);
        say(t, `${stamp(t)} ${task.ip} - - "GET /health HTTP/1.1" 500 21 "-" "ELB-HealthChecker/2.0"`);
      }
    } else if (task.behaviour === 'http-5xx') {
      for (let t = started + HTTP_5XX_AFTER_MS; t < until; t += 15 * SECOND)
        say(t, `${stamp(t)} ${task.ip} - - "GET /api/orders HTTP/1.1" 502 53 "-" "Mozilla/5.0"`);
    }
    if (task.stopCode !== 'EssentialContainerExited' && task.startedAt !== undefined)
      say(until + 10, `${stamp(until + 10)} INFO  ${container}: received SIGTERM, draining connections`);
    return lines;
  }
  return lines;
}

/** Writes what the task's containers print at `moment` to their awslogs streams (prefix/container/task-id). */
export function writeContainerLogs(logs: LogsSink | undefined, task: Task, moment: LogMoment, at: number): void {
  if (!logs) return;
  const defs: Array<Record<string, any>> = task.taskDefinition.body.containerDefinitions ?? [];
  for (const def of defs) {
    const target = awslogsOf(def);
    if (!target) continue;
    const name = String(def.name);
    // Only essential containers act out the task's behaviour; the others just start and stop.
    const lines =
      def.essential === false && moment === 'exited'
        ? []
        : containerLines(task, name, Number(def.portMappings?.[0]?.containerPort ?? 8080), moment, at);
    if (lines.length === 0) continue;
    const runtimeId = task.containers.find((c) => c.name === name)?.runtimeId ?? task.id;
    const stream = target.prefix ? `${target.prefix}/${name}/${task.id}` : runtimeId;
    // A group that does not exist (and may not be created) drops the output; real ECS would fail the task.
    logs.write(target.group, stream, lines, target.create);
  }
}
