/**
 * Tasks: creation (service and one-off), the lifecycle PROVISIONING → PENDING → RUNNING
 * → (DEACTIVATING →) STOPPING → STOPPED driven by planned timestamps, stop requests, the
 * DescribeTasks shape, and the RunTask / StopTask / ListTasks / DescribeTasks handlers.
 */
import { ApiError, type Handler } from '../types.js';
import { hexId } from '../util.js';
import {
  containerBehaviour,
  containerExitCode,
  planTimeline,
  startFailure,
  taskBehaviour,
  writeContainerLogs,
  type Behaviour
} from './behaviour.js';
import {
  includes,
  mergeTags,
  tagsFrom,
  type Cluster,
  type ContainerState,
  type EcsState,
  type Service,
  type StopCode,
  type Tag,
  type Task,
  type TaskDefinition
} from './model.js';
import { pageOf } from './taskdefs.js';

const SECOND = 1000;
export const ESSENTIAL_EXITED = 'Essential container in task exited';
export const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

export interface StartOptions {
  cluster: Cluster;
  taskDefinition: TaskDefinition;
  group: string;
  startedBy?: string;
  service?: Service;
  deploymentId?: string;
  launchType?: string;
  platformVersion?: string;
  overrides?: Record<string, any>;
  oneOff: boolean;
  tags?: Tag[];
}

/** What the lifecycle tells its owner (the deployment controller) about. */
export interface TaskHooks {
  /** A task stopped on its own (its essential container exited). */
  exited(task: Task): void;
}

function overrideFor(overrides: Record<string, any> | undefined, name: string): Record<string, any> | undefined {
  const list: unknown = overrides?.containerOverrides;
  return Array.isArray(list) ? list.find((o: Record<string, any>) => o?.name === name) : undefined;
}

/** A one-off command such as `sh -c "exit 3"` decides the exit code. */
function commandExitCode(command: unknown): number | undefined {
  if (!Array.isArray(command)) return undefined;
  const m = /\bexit\s+(\d+)\b/.exec(command.join(' '));
  return m ? Number(m[1]) : undefined;
}

function healthCheckOf(def: Record<string, any>): ContainerState['healthCheck'] {
  const hc = def.healthCheck;
  if (!hc || !Array.isArray(hc.command) || hc.command.length === 0) return undefined;
  return { interval: Number(hc.interval ?? 30), retries: Number(hc.retries ?? 3), startPeriod: Number(hc.startPeriod ?? 0) };
}

function randomIp(random: () => number): string {
  return `10.0.${Math.floor(random() * 200) + 1}.${Math.floor(random() * 250) + 2}`;
}

export function startTask(state: EcsState, o: StartOptions): Task {
  const random = state.deps.random;
  const now = state.now();
  const id = hexId(random, 32);
  const arn = state.arn(`task/${o.cluster.name}/${id}`);
  const defs: Record<string, any>[] = o.taskDefinition.body.containerDefinitions;
  const behaviours: Behaviour[] = [];
  let crashExitCode = 1;
  let commandCode: number | undefined;
  const containers: ContainerState[] = defs.map((def) => {
    const override = overrideFor(o.overrides, def.name);
    const inputs = { image: def.image, environment: def.environment, overrideEnvironment: override?.environment };
    const b = containerBehaviour(inputs);
    if (def.essential !== false) {
      behaviours.push(b);
      if (b === 'crash') crashExitCode = containerExitCode(inputs);
      commandCode ??= commandExitCode(override?.command ?? def.command);
    }
    return {
      name: def.name,
      image: def.image,
      essential: def.essential !== false,
      cpu: def.cpu,
      memory: def.memory,
      healthCheck: healthCheckOf(def),
      runtimeId: `${id}-${hexId(random, 10)}`,
      containerArn: state.arn(`container/${o.cluster.name}/${id}/${state.uuid()}`)
    };
  });
  let behaviour = taskBehaviour(behaviours);
  // A one-off whose command exits non-zero behaves as a crash with that code.
  if (o.oneOff && commandCode !== undefined && commandCode !== 0 && behaviour !== 'crash') {
    behaviour = 'crash';
    crashExitCode = commandCode;
  }
  const plan = planTimeline(behaviour, o.oneOff, now, random);
  const compat: string[] = o.taskDefinition.body.requiresCompatibilities ?? [];
  const launchType = o.launchType ?? (compat.includes('FARGATE') ? 'FARGATE' : 'EC2');
  const sumOf = (k: 'cpu' | 'memory'): string | undefined => {
    const total = defs.reduce((s, d) => s + (Number(d[k] ?? (k === 'memory' ? d.memoryReservation : 0)) || 0), 0);
    return total > 0 ? String(total) : undefined;
  };
  const task: Task = {
    arn,
    id,
    cluster: o.cluster,
    taskDefinition: o.taskDefinition,
    group: o.group,
    startedBy: o.startedBy,
    service: o.service,
    deploymentId: o.deploymentId,
    launchType,
    platformVersion:
      launchType === 'FARGATE' ? (o.platformVersion && o.platformVersion !== 'LATEST' ? o.platformVersion : '1.4.0') : undefined,
    cpu: o.taskDefinition.body.cpu ?? sumOf('cpu'),
    memory: o.taskDefinition.body.memory ?? sumOf('memory'),
    ip: randomIp(random),
    eniId: `eni-${hexId(random, 17)}`,
    subnetId: `subnet-${hexId(random, 17)}`,
    attachmentId: state.uuid(),
    behaviour,
    crashExitCode,
    oneOff: o.oneOff,
    containers,
    overrides: o.overrides ?? {},
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    createdAt: now,
    pendingAt: plan.pendingAt,
    runningAt: plan.runningAt,
    exitAt: plan.exitAt,
    nextAt: plan.pendingAt,
    targets: [],
    cpuBase: 15 + random() * 10,
    memoryBase: 28 + random() * 4,
    tags: o.tags ?? []
  };
  state.tasks.set(id, task);
  state.live.add(task);
  o.service?.tasks.add(task);
  return task;
}

/** Deregisters the task from its target groups; returns when the slowest one finishes draining. */
function deregister(state: EcsState, task: Task, now: number): number {
  let until = now;
  for (const t of task.targets) {
    state.deps.elb.deregisterTarget(t.targetGroupArn, { id: t.id, port: t.port });
    const delay = state.deps.elb.targetGroup(t.targetGroupArn)?.deregistrationDelaySeconds ?? 300;
    until = Math.max(until, now + delay * SECOND);
  }
  return until;
}

function beginStopping(state: EcsState, task: Task, at: number): void {
  task.lastStatus = 'STOPPING';
  task.stoppingAt ??= at;
  task.stopAt = at + Math.round((1 + state.deps.random() * 2) * SECOND);
  task.nextAt = task.stopAt;
}

/**
 * Asks a task to stop. A running task registered in target groups first drains
 * (DEACTIVATING, for the groups' deregistration delay); anything else stops at once.
 */
export function requestStop(state: EcsState, task: Task, reason: string, code: StopCode, now = state.now()): boolean {
  if (task.desiredStatus === 'STOPPED') return false;
  task.desiredStatus = 'STOPPED';
  task.stoppedReason = reason;
  task.stopCode = code;
  task.stoppingAt = now;
  if (task.lastStatus === 'RUNNING' && task.targets.length > 0) {
    task.lastStatus = 'DEACTIVATING';
    task.drainUntil = deregister(state, task, now);
    task.nextAt = task.drainUntil;
    return true;
  }
  for (const c of task.containers) if (task.lastStatus === 'RUNNING') c.exitCode ??= 0;
  beginStopping(state, task, now);
  return true;
}

/** The essential container exits on its own (crash, out of memory, or a one-off finishing). */
function exit(state: EcsState, task: Task, at: number, hooks: TaskHooks): void {
  const oom = task.behaviour === 'memory-leak' && !task.oneOff;
  const code = oom ? 137 : task.behaviour === 'crash' ? task.crashExitCode : 0;
  for (const c of task.containers) {
    if (c.essential) {
      c.exitCode = code;
      if (oom) c.reason = OOM_REASON;
    } else {
      c.exitCode ??= 0;
    }
  }
  task.desiredStatus = 'STOPPED';
  task.stoppedReason = ESSENTIAL_EXITED;
  task.stopCode = 'EssentialContainerExited';
  task.stoppingAt = at;
  writeContainerLogs(state.deps.logs, task, 'exited', at);
  // The process is gone: targets go straight to draining and the task does not wait for it.
  if (task.targets.length) deregister(state, task, at);
  beginStopping(state, task, at);
  hooks.exited(task);
}

/** The image pull or the secrets fetch failed: the task stops without ever running, and counts as a failed launch. */
function failToStart(state: EcsState, task: Task, at: number, hooks: TaskHooks): boolean {
  const why = startFailure(task);
  if (!why) return false;
  for (const c of task.containers) c.reason = why.containerReason;
  task.desiredStatus = 'STOPPED';
  task.stoppedReason = why.stoppedReason;
  task.stopCode = 'TaskFailedToStart';
  task.stoppingAt = at;
  beginStopping(state, task, at);
  hooks.exited(task);
  return true;
}

/** Moves a task through every transition due by `now` (several when the clock jumped). */
export function advanceTask(state: EcsState, task: Task, now: number, hooks: TaskHooks): void {
  while (task.nextAt <= now) {
    const at = task.nextAt;
    switch (task.lastStatus) {
      case 'PROVISIONING':
        task.lastStatus = 'PENDING';
        task.connectivityAt = at;
        task.pullStartedAt = at + 500;
        task.nextAt = task.runningAt;
        break;
      case 'PENDING':
      case 'ACTIVATING':
        if (task.lastStatus === 'PENDING' && failToStart(state, task, at, hooks)) break;
        task.lastStatus = 'RUNNING';
        task.pullStoppedAt = Math.max(task.pullStartedAt ?? at, task.runningAt - 2 * SECOND);
        task.startedAt = task.runningAt;
        task.nextAt = task.exitAt ?? Infinity;
        writeContainerLogs(state.deps.logs, task, 'running', task.runningAt);
        break;
      case 'RUNNING':
        exit(state, task, at, hooks);
        break;
      case 'DEACTIVATING':
        for (const c of task.containers) c.exitCode ??= 0;
        beginStopping(state, task, at);
        break;
      case 'STOPPING':
        task.lastStatus = 'STOPPED';
        task.stoppedAt = at;
        writeContainerLogs(state.deps.logs, task, 'stopped', at);
        task.nextAt = Infinity;
        state.live.delete(task);
        task.service?.tasks.delete(task);
        break;
      default:
        task.nextAt = Infinity;
    }
  }
}

/** UNKNOWN without a container health check; HEALTHY / UNHEALTHY once its checks have run. */
export function containerHealth(task: Task, c: ContainerState, now: number): 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' {
  const hc = c.healthCheck;
  if (!hc || task.startedAt === undefined || task.lastStatus === 'STOPPED') return 'UNKNOWN';
  const since = (now - task.startedAt) / SECOND;
  if (task.behaviour === 'unhealthy') return since >= hc.startPeriod + hc.interval * hc.retries ? 'UNHEALTHY' : 'UNKNOWN';
  return since >= Math.min(hc.interval, 5) ? 'HEALTHY' : 'UNKNOWN';
}

export function taskHealth(task: Task, now: number): 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' {
  const states = task.containers.filter((c) => c.essential && c.healthCheck).map((c) => containerHealth(task, c, now));
  if (states.includes('UNHEALTHY')) return 'UNHEALTHY';
  if (states.length && states.every((s) => s === 'HEALTHY')) return 'HEALTHY';
  return 'UNKNOWN';
}

function date(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

function containerStatus(task: Task, c: ContainerState): string {
  if (c.exitCode !== undefined || task.lastStatus === 'STOPPED') return 'STOPPED';
  if (task.lastStatus === 'RUNNING' || task.lastStatus === 'DEACTIVATING' || task.lastStatus === 'STOPPING') return 'RUNNING';
  return 'PENDING';
}

export function taskShape(state: EcsState, task: Task, withTags: boolean): Record<string, unknown> {
  const now = state.now();
  const awsvpc = task.taskDefinition.body.networkMode === 'awsvpc';
  const eniStatus = task.lastStatus === 'STOPPED' ? 'DELETED' : task.lastStatus === 'PROVISIONING' ? 'PRECREATED' : 'ATTACHED';
  return {
    taskArn: task.arn,
    clusterArn: task.cluster.arn,
    taskDefinitionArn: task.taskDefinition.arn,
    attachments: awsvpc
      ? [
          {
            id: task.attachmentId,
            type: 'ElasticNetworkInterface',
            status: eniStatus,
            details: [
              { name: 'subnetId', value: task.subnetId },
              { name: 'networkInterfaceId', value: task.eniId },
              { name: 'macAddress', value: '0a:' + task.id.slice(0, 10).match(/../g)!.join(':') },
              { name: 'privateDnsName', value: `ip-${task.ip.replace(/\./g, '-')}.ec2.internal` },
              { name: 'privateIPv4Address', value: task.ip }
            ]
          }
        ]
      : [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: `${state.region}a`,
    connectivity: task.connectivityAt !== undefined && task.lastStatus !== 'STOPPED' ? 'CONNECTED' : undefined,
    connectivityAt: date(task.connectivityAt),
    containers: task.containers.map((c) => ({
      containerArn: c.containerArn,
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      runtimeId: task.startedAt !== undefined ? c.runtimeId : undefined,
      lastStatus: containerStatus(task, c),
      exitCode: c.exitCode,
      reason: c.reason,
      networkBindings: [],
      networkInterfaces: awsvpc ? [{ attachmentId: task.attachmentId, privateIpv4Address: task.ip }] : [],
      healthStatus: containerHealth(task, c, now),
      cpu: String(c.cpu ?? 0),
      ...(c.memory !== undefined ? { memory: String(c.memory) } : {})
    })),
    cpu: task.cpu,
    memory: task.memory,
    createdAt: new Date(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    group: task.group,
    healthStatus: taskHealth(task, now),
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    overrides: { containerOverrides: task.overrides.containerOverrides ?? [], inferenceAcceleratorOverrides: [] },
    platformVersion: task.platformVersion,
    platformFamily: task.launchType === 'FARGATE' ? 'Linux' : undefined,
    pullStartedAt: date(task.pullStartedAt),
    pullStoppedAt: date(task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING' ? undefined : task.pullStoppedAt),
    startedAt: date(task.startedAt),
    startedBy: task.startedBy,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    stoppingAt: date(task.stoppingAt),
    stoppedAt: date(task.stoppedAt),
    executionStoppedAt: date(task.stoppedAt),
    ephemeralStorage: task.launchType === 'FARGATE' ? { sizeInGiB: 20 } : undefined,
    version: 1 + ['PROVISIONING', 'PENDING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'STOPPED'].indexOf(task.lastStatus),
    ...(withTags ? { tags: task.tags } : {})
  };
}

function requireNetwork(td: TaskDefinition, networkConfiguration: unknown): void {
  if (td.body.networkMode !== 'awsvpc') return;
  const subnets = (networkConfiguration as Record<string, any> | undefined)?.awsvpcConfiguration?.subnets;
  if (!Array.isArray(subnets) || subnets.length === 0) {
    throw new ApiError('InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
}

/** A task definition a new task or deployment may use: it exists and is ACTIVE. */
export function usableTaskDefinition(state: EcsState, ref: unknown): TaskDefinition {
  if (typeof ref !== 'string' || ref === '') throw new ApiError('InvalidParameterException', 'taskDefinition can not be blank.');
  const td = state.findTaskDefinition(ref);
  if (!td) throw new ApiError('ClientException', 'TaskDefinition not found.');
  if (td.status !== 'ACTIVE') throw new ApiError('ClientException', 'TaskDefinition is inactive');
  return td;
}

export { requireNetwork };

export function taskHandlers(state: (ctxRegion: string) => EcsState): Record<string, Handler> {
  return {
    RunTask: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const td = usableTaskDefinition(s, input.taskDefinition);
      const count = input.count === undefined ? 1 : Number(input.count);
      if (!Number.isInteger(count) || count < 1 || count > 10)
        throw new ApiError('InvalidParameterException', 'count must be between 1 and 10.');
      requireNetwork(td, input.networkConfiguration);
      if (input.startedBy !== undefined && String(input.startedBy).length > 128) {
        throw new ApiError('InvalidParameterException', 'startedBy must be 128 characters or fewer.');
      }
      let tags = tagsFrom(input.tags);
      if (input.propagateTags === 'TASK_DEFINITION') tags = mergeTags(td.tags, tags);
      if (input.enableECSManagedTags) tags = mergeTags(tags, [{ key: 'aws:ecs:clusterName', value: cluster.name }]);
      const launchType =
        input.launchType ??
        (Array.isArray(input.capacityProviderStrategy) && input.capacityProviderStrategy.length ? 'FARGATE' : undefined);
      const tasks = Array.from({ length: count }, () =>
        startTask(s, {
          cluster,
          taskDefinition: td,
          group: input.group ?? `family:${td.family}`,
          startedBy: input.startedBy,
          launchType,
          platformVersion: input.platformVersion,
          overrides: input.overrides,
          oneOff: true,
          tags
        })
      );
      return { tasks: tasks.map((t) => taskShape(s, t, false)), failures: [] };
    },
    StopTask: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const task = s.findTask(cluster, input.task);
      if (!task) throw new ApiError('InvalidParameterException', 'The referenced task was not found.');
      const reason = input.reason === undefined || input.reason === '' ? 'Task stopped by user' : String(input.reason);
      if (reason.length > 255) throw new ApiError('InvalidParameterException', 'reason must be 255 characters or fewer.');
      requestStop(s, task, reason, 'UserInitiated');
      return { task: taskShape(s, task, false) };
    },
    DescribeTasks: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const refs: unknown = input.tasks;
      if (!Array.isArray(refs) || refs.length === 0) throw new ApiError('InvalidParameterException', 'Tasks cannot be empty.');
      if (refs.length > 100) throw new ApiError('InvalidParameterException', 'Tasks can have at most 100 items.');
      const tasks: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        const task = s.findTask(cluster, ref);
        if (task) tasks.push(taskShape(s, task, includes(input, 'TAGS')));
        else
          failures.push({
            arn: String(ref).startsWith('arn:') ? String(ref) : s.arn(`task/${cluster.name}/${String(ref)}`),
            reason: 'MISSING'
          });
      }
      return { tasks, failures };
    },
    ListTasks: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const desired = input.desiredStatus ?? 'RUNNING';
      if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired))
        throw new ApiError('InvalidParameterException', `Invalid desiredStatus: ${String(desired)}.`);
      let service: Service | undefined;
      if (input.serviceName !== undefined) {
        service = s.findService(cluster, input.serviceName);
        if (!service) throw new ApiError('ServiceNotFoundException', 'Service not found.');
      }
      const arns: string[] = [];
      for (const t of s.tasks.values()) {
        if (t.cluster !== cluster) continue;
        if (desired === 'PENDING' ? !(t.desiredStatus === 'RUNNING' && t.lastStatus !== 'RUNNING') : t.desiredStatus !== desired) continue;
        if (service && t.group !== `service:${service.name}`) continue;
        if (input.family !== undefined && t.taskDefinition.family !== input.family) continue;
        if (input.startedBy !== undefined && t.startedBy !== input.startedBy) continue;
        if (input.launchType !== undefined && t.launchType !== input.launchType) continue;
        arns.push(t.arn);
      }
      const { page, nextToken } = pageOf(arns, input);
      return { taskArns: page, nextToken };
    }
  };
}
