import type {
  CapacityProviderStrategyItem,
  ContainerOverride,
  ServiceManagedEBSVolumeConfiguration,
  Tag,
  TaskManagedEBSVolumeConfiguration
} from '@aws-sdk/client-ecs';
import { defaultWarning, writtenForOfficial } from '../compat/official.js';
import { INPUTS } from '../generated/action-spec.js';
import { inputDefault } from '../inputs.js';
import { readCapacityProviderStrategy, readContainerOverrides, readManagedEbsVolume, readTags } from '../compat/json-inputs.js';
import { InputError, InputProblems } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { splitCommand } from '../shell.js';

export const STRATEGIES = ['rolling', 'blue-green', 'ecs-native'] as const;
export type Strategy = (typeof STRATEGIES)[number];

const PROPAGATE_TAGS = ['SERVICE', 'TASK_DEFINITION', 'NONE'] as const;
export type PropagateTags = (typeof PROPAGATE_TAGS)[number];
const LAUNCH_TYPES = ['FARGATE', 'EC2', 'EXTERNAL', 'MANAGED_INSTANCES'] as const;
export type LaunchType = (typeof LAUNCH_TYPES)[number];

/** The one-off task run before the service is updated (database migrations). */
export interface RunTaskSettings {
  /** Container the overrides apply to; default: the first essential container. */
  container?: string;
  command?: string[];
  environment: Map<string, string>;
  /** Networking left undefined is copied from the service. */
  launchType?: LaunchType;
  subnets?: string[];
  securityGroups?: string[];
  assignPublicIp?: 'ENABLED' | 'DISABLED';
  startedBy: string;
  /** `run-task-container-overrides` (official JSON form); excludes container/command/environment. */
  containerOverrides?: ContainerOverride[];
  /** When given, no launch type is sent. */
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  tags?: Tag[];
  /** `enable-ecs-managed-tags`, passed to RunTask too (as the official action does). */
  enableEcsManagedTags?: boolean;
  volume?: { name: string; managedEBSVolume: TaskManagedEBSVolumeConfiguration };
  /** `wait-for-task-stopped`: false starts the task and goes on without checking its exit code (unset: wait). */
  waitForStop?: boolean;
}

/** How to deploy, shared by both strategies (blue/green adds its own settings beside these). */
export interface DeploySettings {
  strategy: Strategy;
  cluster: string;
  /** Rolling: the service to update. Without one the run renders and registers only. */
  service?: string;
  /** Never changed unless given. */
  desiredCount?: number;
  forceNewDeployment: boolean;
  /** Left as the service has them unless given. */
  propagateTags?: PropagateTags;
  enableEcsManagedTags?: boolean;
  enableExecuteCommand?: boolean;
  healthCheckGracePeriodSeconds?: number;
  /** true: the ECS circuit breaker with rollback; false: turned off explicitly. */
  circuitBreaker: boolean;
  waitForServiceStability: boolean;
  /** How long the deployment may take before we roll it back (and how long a rollback may take). */
  timeoutMs: number;
  pollIntervalMs: number;
  /**
   * `max-poll-interval`: the slowest pace through a still stretch (see deploy/cadence.ts).
   * Absent or equal to pollIntervalMs: no back-off.
   */
  maxPollIntervalMs?: number;
  /** Rolling: how long gates are watched after the service is stable. */
  bakeTimeMs: number;
  /** Present when `run-task` is true. */
  runTask?: RunTaskSettings;
  /** `service-managed-ebs-volume(-name)`: UpdateService's volumeConfigurations. */
  serviceVolume?: { name: string; managedEBSVolume: ServiceManagedEBSVolumeConfiguration };
  /** `max-retries`: attempts per AWS call (the SDK's maxAttempts); unset, the clients' own default. */
  maxAttempts?: number;
  /** `log-lines`: last lines of each failed container's log shown in the failure report; 0 reads no logs. */
  logLines?: number;
  /** One-line warnings about inputs whose official meaning differs here (from the compat spec), printed before anything runs. */
  warnings?: string[];
}

const MINUTE = 60_000;
/** Inputs that only mean something with run-task: true. */
const RUN_TASK_INPUTS = [
  'run-task-container',
  'run-task-command',
  'run-task-environment',
  'run-task-container-overrides',
  'run-task-launch-type',
  'run-task-subnets',
  'run-task-security-groups',
  'run-task-assign-public-ip',
  'run-task-capacity-provider-strategy',
  'run-task-started-by',
  'run-task-tags',
  'run-task-managed-ebs-volume-name',
  'run-task-managed-ebs-volume',
  'wait-for-task-stopped'
];
/**
 * A deployment and its bakes fit in one job: GitHub ends a hosted runner's job after 6 hours,
 * and the official deploy action caps wait-for-minutes at 360 for the same reason.
 */
export const MAX_DEPLOY_MS = 6 * 60 * MINUTE;
/** Slower polling than this cannot catch a bad release within the minute or two the tool promises. */
export const MAX_POLL_MS = 5 * MINUTE;
/** ECS's quota of tasks per service (AWS docs, "Amazon ECS service quotas"). */
export const MAX_TASKS_PER_SERVICE = 5000;

const ZERO_WAIT =
  'give the time a deployment may take, e.g. 30 (minutes) or timeout: 10m; with zero every deployment is rolled back before it can become stable (to not wait at all, set wait-for-service-stability: false)';

export function readDeploySettings(inputs: Inputs): DeploySettings {
  // Every input is read even after one fails, so the user sees all the problems at once.
  const problems = new InputProblems();
  const read = <T>(fn: () => T, fallback: T): T => problems.read(fn, fallback);
  const strategy = read(() => inputs.oneOf('strategy', STRATEGIES, 'rolling'), 'rolling');
  const timeoutMs = read(() => readTimeout(inputs), 30 * MINUTE);
  const pollIntervalMs = read(
    () => inputs.duration('poll-interval', '5s', { max: MAX_POLL_MS, positive: true, zeroFix: 'use e.g. 5s (or 200ms on the local ECS)' }),
    5000
  );
  // The official waiter's longest pause between polls: our max-poll-interval unless that is given, and a cap on poll-interval.
  const maxDelaySeconds = read(() => inputs.int('wait-max-delay-seconds', { min: 1, max: 3600 }), undefined);
  // The runner passes action.yml's default as if given: only another value is the user's choice.
  const maxPollText = inputs.string('max-poll-interval');
  const maxPollGiven = maxPollText !== undefined && maxPollText !== inputDefault('max-poll-interval');
  const maxPollMs = read(
    () =>
      inputs.duration('max-poll-interval', '15s', {
        max: MAX_POLL_MS,
        positive: true,
        zeroFix: 'use e.g. 15s, or the poll-interval to poll at one pace'
      }),
    15_000
  );
  const fastMs = maxDelaySeconds !== undefined ? Math.min(pollIntervalMs, maxDelaySeconds * 1000) : pollIntervalMs;
  const slowestMs = !maxPollGiven && maxDelaySeconds !== undefined ? Math.min(maxDelaySeconds * 1000, MAX_POLL_MS) : maxPollMs;
  const warnings: string[] = [];
  const settings: DeploySettings = {
    strategy,
    cluster: inputs.string('cluster') ?? 'default',
    forceNewDeployment: read(() => inputs.bool('force-new-deployment', false), false),
    circuitBreaker: read(() => inputs.bool('circuit-breaker', true), true),
    waitForServiceStability: read(() => inputs.bool('wait-for-service-stability', true), true),
    timeoutMs,
    pollIntervalMs: fastMs,
    // Never faster than the fast pace: a max-poll-interval under poll-interval means no back-off.
    maxPollIntervalMs: Math.max(fastMs, slowestMs),
    bakeTimeMs: read(() => inputs.duration('bake-time', '0', { max: MAX_DEPLOY_MS }), 0),
    logLines: read(() => inputs.int('log-lines', { min: 0, max: 1000 }) ?? 20, 20),
    warnings
  };
  const maxAttempts = read(() => inputs.int('max-retries', { min: 1, max: 20 }), undefined);
  if (maxAttempts !== undefined) settings.maxAttempts = maxAttempts;
  const service = inputs.string('service');
  if (service !== undefined) settings.service = service;
  const desiredCount = read(() => inputs.int('desired-count', { min: 0, max: MAX_TASKS_PER_SERVICE }), undefined);
  if (desiredCount !== undefined) settings.desiredCount = desiredCount;
  const propagate = inputs.string('propagate-tags');
  if (propagate !== undefined) settings.propagateTags = read(() => inputs.oneOf('propagate-tags', PROPAGATE_TAGS, 'NONE'), 'NONE');
  const managedTags = read(() => optionalBool(inputs, 'enable-ecs-managed-tags'), undefined);
  if (managedTags !== undefined) settings.enableEcsManagedTags = managedTags;
  const exec = read(() => optionalBool(inputs, 'enable-execute-command'), undefined);
  if (exec !== undefined) settings.enableExecuteCommand = exec;
  const grace = read(() => inputs.int('health-check-grace-period', { min: 0, max: 2_147_483_647 }), undefined);
  if (grace !== undefined) settings.healthCheckGracePeriodSeconds = grace;
  const runTask = read(() => (inputs.bool('run-task', false) ? readRunTask(inputs, warnings) : undefined), undefined);
  const idle = RUN_TASK_INPUTS.filter((n) => inputs.string(n) !== undefined);
  if (!runTask && idle.length > 0) {
    warnings.push(
      `${idle.join(', ')} ${idle.length === 1 ? 'is' : 'are'} set but run-task is not true, so no task is run: set run-task: true, or remove ${idle.length === 1 ? 'it' : 'them'}`
    );
  }
  if (runTask) {
    settings.runTask = runTask;
    if (managedTags !== undefined) runTask.enableEcsManagedTags = managedTags;
  }
  const volume = read(
    () =>
      readManagedEbsVolume<ServiceManagedEBSVolumeConfiguration>(
        inputs,
        'service-managed-ebs-volume-name',
        'service-managed-ebs-volume',
        warnings
      ),
    undefined
  );
  if (volume) settings.serviceVolume = volume;
  if (service !== undefined && inputs.string('wait-for-service-stability') === undefined && officialStyle(inputs))
    warnings.push(defaultWarning('wait-for-service-stability'));
  problems.throwIfAny();
  return settings;
}

/** `timeout` is the duration form of the official action's `wait-for-minutes` and wins when given. */
function readTimeout(inputs: Inputs): number {
  if (inputs.string('timeout') !== undefined) {
    return inputs.duration('timeout', '30m', { max: MAX_DEPLOY_MS, positive: true, zeroFix: ZERO_WAIT });
  }
  const waitMinutes = inputs.number('wait-for-minutes', { min: 0, max: MAX_DEPLOY_MS / MINUTE }) ?? 30;
  if (waitMinutes === 0) throw new InputError(`${inputs.label('wait-for-minutes')} is 0`, {}, ZERO_WAIT);
  return Math.round(waitMinutes * MINUTE);
}

/** A boolean that stays undefined when not given, so the service keeps its own setting. */
function optionalBool(inputs: Inputs, name: string): boolean | undefined {
  return inputs.string(name) === undefined ? undefined : inputs.bool(name, false);
}

function readRunTask(inputs: Inputs, warnings: string[]): RunTaskSettings {
  const waitInput = inputs.string('wait-for-task-stopped');
  const run: RunTaskSettings = {
    environment: inputs.keyValues('run-task-environment'),
    startedBy: inputs.string('run-task-started-by') ?? 'ecs-rollout-migrate',
    waitForStop: inputs.bool('wait-for-task-stopped', true)
  };
  if (waitInput === undefined && officialStyle(inputs)) warnings.push(defaultWarning('wait-for-task-stopped'));
  const overrides = readContainerOverrides(inputs);
  if (overrides) {
    const mixed = ['run-task-container', 'run-task-command', 'run-task-environment'].filter((n) => inputs.string(n) !== undefined);
    if (mixed.length > 0) {
      throw new InputError(
        `${inputs.label('run-task-container-overrides')} and ${mixed.map((n) => inputs.label(n)).join(', ')} are both set`,
        {},
        'give the overrides one way: the JSON array of container overrides, or run-task-container with run-task-command / run-task-environment'
      );
    }
    run.containerOverrides = overrides;
  }
  const strategy = readCapacityProviderStrategy(inputs);
  if (strategy) run.capacityProviderStrategy = strategy;
  const tags = readTags(inputs);
  if (tags) run.tags = tags;
  const volume = readManagedEbsVolume<TaskManagedEBSVolumeConfiguration>(
    inputs,
    'run-task-managed-ebs-volume-name',
    'run-task-managed-ebs-volume',
    warnings
  );
  if (volume) run.volume = volume;
  // ECS limits startedBy to 36 letters, digits, hyphens and underscores.
  if (!/^[\w-]{1,36}$/.test(run.startedBy)) {
    throw new InputError(`${inputs.label('run-task-started-by')} is "${run.startedBy}"`, {}, 'use up to 36 letters, digits, - and _');
  }
  const container = inputs.string('run-task-container');
  if (container !== undefined) run.container = container;
  const command = inputs.string('run-task-command');
  if (command !== undefined) run.command = splitCommand(command, inputs.label('run-task-command'));
  const launchType = inputs.string('run-task-launch-type');
  if (launchType !== undefined) {
    const chosen = inputs.oneOf('run-task-launch-type', LAUNCH_TYPES, 'FARGATE');
    // The official action ignores the launch type beside a capacity provider strategy (RunTask takes one or the other).
    if (run.capacityProviderStrategy)
      warnings.push('run-task-launch-type is ignored: run-task-capacity-provider-strategy is set, and RunTask takes one or the other');
    else run.launchType = chosen;
  } else if (!run.capacityProviderStrategy && officialStyle(inputs)) {
    warnings.push(defaultWarning('run-task-launch-type'));
  }
  const subnets = inputs.list('run-task-subnets');
  if (subnets.length > 0) run.subnets = subnets;
  const groups = inputs.list('run-task-security-groups');
  if (groups.length > 0) run.securityGroups = groups;
  const publicIp = inputs.string('run-task-assign-public-ip');
  if (publicIp !== undefined) {
    const upper = publicIp.toUpperCase();
    if (upper !== 'ENABLED' && upper !== 'DISABLED') {
      throw new InputError(`${inputs.label('run-task-assign-public-ip')} is "${publicIp}"`, {}, 'use ENABLED or DISABLED');
    }
    run.assignPublicIp = upper;
  }
  return run;
}

/** A step written for the official actions (only their inputs set) is told where our defaults differ; others chose ours. */
function officialStyle(inputs: Inputs): boolean {
  return writtenForOfficial(
    (name) => {
      const v = inputs.string(name);
      return v !== undefined && v !== inputDefault(name);
    },
    INPUTS.map((i) => i.name)
  );
}
