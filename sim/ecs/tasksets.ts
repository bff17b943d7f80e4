/**
 * Task sets: the tasks of a service on the CODE_DEPLOY or EXTERNAL deployment controller.
 * CreateTaskSet / DescribeTaskSets / UpdateTaskSet / UpdateServicePrimaryTaskSet /
 * DeleteTaskSet with ECS's validation, and the per-service controller (run by the scheduler
 * once a simulated second) that keeps each task set at its computed desired count, registers
 * its tasks in the task set's own target group and drains a deleted one.
 */
import { createHash } from 'node:crypto';
import { ApiError, type Handler, type RequestContext } from '../types.js';
import { includes, tagsFrom, type EcsState, type LoadBalancerRef, type Service, type Tag, type Task } from './model.js';
import type { Scheduler } from './scheduler.js';
import { requireNetwork, startTask, usableTaskDefinition } from './tasks.js';

/**
 * The caller CodeDeploy uses for its own ECS calls (sim/codedeploy). On AWS only CodeDeploy may
 * manage the task sets of a CODE_DEPLOY service; every other caller is refused.
 */
export const CODEDEPLOY_PRINCIPAL = 'codedeploy.amazonaws.com';

export type TaskSetStatus = 'PRIMARY' | 'ACTIVE' | 'DRAINING';

export interface TaskSet {
  id: string;
  arn: string;
  service: Service;
  status: TaskSetStatus;
  startedBy?: string;
  externalId?: string;
  taskDefinition: string;
  /** Percent of the service's desiredCount. */
  scale: number;
  loadBalancers: LoadBalancerRef[];
  networkConfiguration?: Record<string, any>;
  launchType?: string;
  capacityProviderStrategy?: Record<string, any>[];
  platformVersion?: string;
  createdAt: number;
  updatedAt: number;
  stabilityStatus: 'STEADY_STATE' | 'STABILIZING';
  stabilityStatusAt: number;
  tags: Tag[];
  /** Whether "(service …, taskSet …) has reached a steady state." was said since it last changed. */
  steady: boolean;
}

function invalid(message: string): ApiError {
  return new ApiError('InvalidParameterException', message);
}

export function computedDesiredCount(ts: TaskSet): number {
  if (ts.status === 'DRAINING') return 0;
  const n = ts.service.status === 'ACTIVE' ? ts.service.desiredCount : 0;
  return Math.ceil((n * ts.scale) / 100 - 1e-9);
}

/** `ecs-svc/` and 19 digits, derived from the service and a counter so task sets do not draw on the shared random stream. */
function taskSetId(svc: Service, n: number): string {
  const hex = createHash('sha256').update(`${svc.arn}#ts${n}`).digest('hex').slice(0, 15);
  return `ecs-svc/${((BigInt(`0x${hex}`) % 9_000_000_000_000_000_000n) + 1_000_000_000_000_000_000n).toString()}`;
}

/** Task sets created per service so far (ids stay unique after deleted ones are gone). */
const created = new WeakMap<Service, number>();

/** Creates a task set (no validation: the handlers and CreateService do that). */
export function newTaskSet(
  state: EcsState,
  svc: Service,
  o: Pick<
    TaskSet,
    | 'taskDefinition'
    | 'loadBalancers'
    | 'networkConfiguration'
    | 'launchType'
    | 'platformVersion'
    | 'capacityProviderStrategy'
    | 'startedBy'
    | 'externalId'
  > & { scale?: number; tags?: Tag[]; status?: TaskSetStatus }
): TaskSet {
  const now = state.now();
  const n = created.get(svc) ?? 0;
  created.set(svc, n + 1);
  const id = taskSetId(svc, n);
  const ts: TaskSet = {
    id,
    arn: state.arn(`task-set/${svc.cluster.name}/${svc.name}/${id}`),
    service: svc,
    status: o.status ?? 'ACTIVE',
    startedBy: o.startedBy,
    externalId: o.externalId,
    taskDefinition: o.taskDefinition,
    scale: o.scale ?? 100,
    loadBalancers: o.loadBalancers,
    networkConfiguration: o.networkConfiguration,
    launchType: o.launchType,
    capacityProviderStrategy: o.capacityProviderStrategy,
    platformVersion: o.launchType === 'FARGATE' ? (o.platformVersion ?? 'LATEST') : o.platformVersion,
    createdAt: now,
    updatedAt: now,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: now,
    tags: o.tags ?? [],
    steady: false
  };
  (svc.taskSets ??= []).push(ts);
  return ts;
}

function counts(ts: TaskSet): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const t of ts.service.tasks) {
    if (t.deploymentId !== ts.id || t.desiredStatus !== 'RUNNING') continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING' || t.lastStatus === 'ACTIVATING') pending++;
  }
  return { running, pending };
}

export function taskSetShape(ts: TaskSet, withTags: boolean): Record<string, unknown> {
  const c = counts(ts);
  return {
    id: ts.id,
    taskSetArn: ts.arn,
    serviceArn: ts.service.arn,
    clusterArn: ts.service.cluster.arn,
    startedBy: ts.startedBy,
    externalId: ts.externalId,
    status: ts.status,
    taskDefinition: ts.taskDefinition,
    computedDesiredCount: computedDesiredCount(ts),
    pendingCount: c.pending,
    runningCount: c.running,
    createdAt: new Date(ts.createdAt),
    updatedAt: new Date(ts.updatedAt),
    launchType: ts.launchType,
    capacityProviderStrategy: ts.capacityProviderStrategy,
    platformVersion: ts.platformVersion,
    platformFamily: ts.launchType === 'FARGATE' ? 'Linux' : undefined,
    networkConfiguration: ts.networkConfiguration,
    loadBalancers: ts.loadBalancers,
    serviceRegistries: [],
    scale: { value: ts.scale, unit: 'PERCENT' },
    stabilityStatus: ts.stabilityStatus,
    stabilityStatusAt: new Date(ts.stabilityStatusAt),
    ...(withTags ? { tags: ts.tags } : {})
  };
}

/** The task definition DescribeServices reports for a task-set service: the PRIMARY task set's. */
export function primaryTaskSet(svc: Service): TaskSet | undefined {
  return svc.taskSets?.find((ts) => ts.status === 'PRIMARY');
}

function findTaskSet(svc: Service, ref: unknown): TaskSet | undefined {
  if (typeof ref !== 'string' || ref === '') return undefined;
  return svc.taskSets?.find((ts) => ts.arn === ref || ts.id === ref);
}

function taskList(tasks: Task[]): string {
  return tasks.map((t) => `(task ${t.id})`).join(' ');
}

/**
 * Keeps every task set of a CODE_DEPLOY / EXTERNAL service at its computed desired count,
 * drains deleted ones, and tracks each one's stability. Registration in target groups and
 * health enforcement are the scheduler's (each task set's tasks go to its own groups).
 */
export class TaskSetController {
  constructor(
    private readonly state: EcsState,
    private readonly sched: Scheduler
  ) {}

  tick(svc: Service, now: number): void {
    const sets = svc.taskSets ?? [];
    // Tasks whose task set is gone (deleted) stop; a DRAINING set leaves once its tasks have.
    const orphans = [...svc.tasks].filter(
      (t) => t.desiredStatus === 'RUNNING' && !sets.some((ts) => ts.id === t.deploymentId && ts.status !== 'DRAINING')
    );
    if (orphans.length) this.sched.stopTasks(svc, orphans, 'Scaling activity initiated by deployment controller', now);
    for (const ts of [...sets]) {
      if (ts.status === 'DRAINING') {
        if (![...svc.tasks].some((t) => t.deploymentId === ts.id)) svc.taskSets = svc.taskSets!.filter((x) => x !== ts);
        continue;
      }
      const want = computedDesiredCount(ts);
      const live = [...svc.tasks].filter((t) => t.deploymentId === ts.id && t.desiredStatus === 'RUNNING');
      if (live.length > want) {
        const extra = live
          .sort((a, b) => Number(this.sched.healthy(svc, a, now)) - Number(this.sched.healthy(svc, b, now)) || b.createdAt - a.createdAt)
          .slice(0, live.length - want);
        this.sched.stopTasks(svc, extra, `Scaling activity initiated by (deployment ${ts.id})`, now);
      } else if (live.length < want) {
        this.launch(svc, ts, want - live.length, now);
      }
      const mine = [...svc.tasks].filter((t) => t.deploymentId === ts.id);
      const stable = mine.length === want && mine.every((t) => this.sched.healthy(svc, t, now));
      const status = stable ? 'STEADY_STATE' : 'STABILIZING';
      if (status !== ts.stabilityStatus) {
        ts.stabilityStatus = status;
        ts.stabilityStatusAt = now;
      }
      if (stable && !ts.steady) this.state.addEvent(svc, `(service ${svc.name}, taskSet ${ts.id}) has reached a steady state.`, now);
      ts.steady = stable;
    }
    const live = svc.taskSets ?? [];
    const steady = svc.status === 'ACTIVE' && live.length === 1 && live[0].steady;
    if (steady && !svc.steady) this.state.addEvent(svc, `(service ${svc.name}) has reached a steady state.`, now);
    svc.steady = steady;
    if (svc.status === 'DRAINING' && svc.tasks.size === 0) {
      svc.status = 'INACTIVE';
      svc.inactiveSince = now;
    }
  }

  /** The target groups a task of the service registers in: its task set's. */
  targetGroupsOf(svc: Service, task: Task): LoadBalancerRef[] {
    return svc.taskSets?.find((ts) => ts.id === task.deploymentId)?.loadBalancers ?? [];
  }

  private launch(svc: Service, ts: TaskSet, n: number, now: number): void {
    const td = this.state.findTaskDefinition(ts.taskDefinition);
    if (!td) return;
    const started = Array.from({ length: n }, () =>
      startTask(this.state, {
        cluster: svc.cluster,
        taskDefinition: td,
        group: `service:${svc.name}`,
        startedBy: ts.id,
        service: svc,
        deploymentId: ts.id,
        launchType: ts.launchType,
        platformVersion: ts.platformVersion,
        oneOff: false,
        tags: svc.propagateTags === 'SERVICE' ? svc.tags : svc.propagateTags === 'TASK_DEFINITION' ? td.tags : []
      })
    );
    ts.steady = false;
    this.state.addEvent(svc, `(service ${svc.name}, taskSet ${ts.id}) has started ${n} tasks: ${taskList(started)}.`, now);
  }
}

function scaleFrom(raw: unknown): number {
  if (raw === undefined || raw === null) return 100;
  const s = raw as Record<string, unknown>;
  if (s.unit !== undefined && s.unit !== 'PERCENT') throw invalid('scale.unit must be PERCENT.');
  const v = s.value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) throw invalid('scale.value must be a number between 0 and 100.');
  return v;
}

type LoadBalancerCheck = (state: EcsState, input: unknown, td: ReturnType<typeof usableTaskDefinition>) => LoadBalancerRef[];

/**
 * ECS's task set operations. `checkLoadBalancers` is services.ts's validation of a loadBalancers
 * list, handed in so this file does not import services.ts (which imports it).
 */
export function taskSetHandlers(state: (region: string) => EcsState, checkLoadBalancers: LoadBalancerCheck): Record<string, Handler> {
  /** The service, checked the way ECS does for every task set call. */
  const serviceFor = (input: Record<string, any>, ctx: RequestContext, write: boolean): { s: EcsState; svc: Service } => {
    const s = state(ctx.region);
    if (typeof input.cluster !== 'string' || input.cluster === '') throw invalid('cluster can not be blank.');
    if (typeof input.service !== 'string' || input.service === '') throw invalid('service can not be blank.');
    const cluster = s.cluster(input.cluster);
    const svc = s.findService(cluster, input.service);
    if (!svc) throw new ApiError('ServiceNotFoundException', 'Service not found.');
    if (svc.status !== 'ACTIVE') throw new ApiError('ServiceNotActiveException', 'Service was not ACTIVE.');
    if (!svc.controller)
      throw invalid(
        `Amazon ECS only supports task set management on services configured to use the EXTERNAL or CODE_DEPLOY deployment controller; service ${svc.name} uses ECS.`
      );
    if (write && svc.controller === 'CODE_DEPLOY' && ctx.accessKeyId !== CODEDEPLOY_PRINCIPAL) {
      throw invalid(
        `The task sets of service ${svc.name} are managed by AWS CodeDeploy (deployment controller CODE_DEPLOY); start a CodeDeploy deployment instead.`
      );
    }
    return { s, svc };
  };
  const requireTaskSet = (svc: Service, ref: unknown, member: string): TaskSet => {
    if (typeof ref !== 'string' || ref === '') throw invalid(`${member} can not be blank.`);
    const ts = findTaskSet(svc, ref);
    if (!ts || ts.status === 'DRAINING') throw new ApiError('TaskSetNotFoundException', 'The specified task set does not exist.');
    return ts;
  };

  return {
    CreateTaskSet: (input, ctx) => {
      const { s, svc } = serviceFor(input, ctx, true);
      const td = usableTaskDefinition(s, input.taskDefinition);
      const network = input.networkConfiguration ?? svc.networkConfiguration;
      requireNetwork(td, network);
      if (Array.isArray(input.loadBalancers) && input.loadBalancers.length > 1)
        throw invalid('A task set can have at most 1 load balancer.');
      const lbs = checkLoadBalancers(s, input.loadBalancers, td);
      if (svc.loadBalancers.length > 0 && lbs.length === 0)
        throw invalid('loadBalancers must be specified for a task set of a service that uses a load balancer.');
      const scale = scaleFrom(input.scale);
      if ((svc.taskSets ?? []).filter((ts) => ts.status !== 'DRAINING').length >= 5)
        throw new ApiError('LimitExceededException', 'The limit of 5 task sets per service has been reached.');
      const launchType = input.launchType ?? (input.capacityProviderStrategy ? undefined : svc.launchType);
      const ts = newTaskSet(s, svc, {
        taskDefinition: td.arn,
        loadBalancers: lbs,
        networkConfiguration: network,
        launchType,
        capacityProviderStrategy: input.capacityProviderStrategy,
        platformVersion: input.platformVersion ?? svc.platformVersion,
        startedBy: ctx.accessKeyId === CODEDEPLOY_PRINCIPAL ? 'CODE_DEPLOY' : undefined,
        externalId: typeof input.externalId === 'string' ? input.externalId : undefined,
        scale,
        tags: tagsFrom(input.tags)
      });
      // The first task set of a service serves production at once.
      if (!primaryTaskSet(svc)) ts.status = 'PRIMARY';
      svc.steady = false;
      return { taskSet: taskSetShape(ts, false) };
    },
    DescribeTaskSets: (input, ctx) => {
      const { svc } = serviceFor(input, ctx, false);
      const refs: unknown = input.taskSets;
      const all = svc.taskSets ?? [];
      if (refs === undefined || (Array.isArray(refs) && refs.length === 0))
        return { taskSets: all.map((ts) => taskSetShape(ts, includes(input, 'TAGS'))), failures: [] };
      if (!Array.isArray(refs)) throw invalid('taskSets must be a list.');
      const taskSets: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        const ts = findTaskSet(svc, ref);
        if (ts) taskSets.push(taskSetShape(ts, includes(input, 'TAGS')));
        else failures.push({ arn: String(ref), reason: 'MISSING' });
      }
      return { taskSets, failures };
    },
    UpdateTaskSet: (input, ctx) => {
      const { s, svc } = serviceFor(input, ctx, true);
      const ts = requireTaskSet(svc, input.taskSet, 'taskSet');
      if (input.scale === undefined || input.scale === null) throw invalid('scale can not be blank.');
      ts.scale = scaleFrom(input.scale);
      ts.updatedAt = s.now();
      ts.steady = false;
      return { taskSet: taskSetShape(ts, false) };
    },
    UpdateServicePrimaryTaskSet: (input, ctx) => {
      const { s, svc } = serviceFor(input, ctx, true);
      const ts = requireTaskSet(svc, input.primaryTaskSet, 'primaryTaskSet');
      const now = s.now();
      for (const other of svc.taskSets ?? []) {
        if (other !== ts && other.status === 'PRIMARY') {
          other.status = 'ACTIVE';
          other.updatedAt = now;
        }
      }
      ts.status = 'PRIMARY';
      ts.updatedAt = now;
      svc.steady = false;
      return { taskSet: taskSetShape(ts, false) };
    },
    DeleteTaskSet: (input, ctx) => {
      const { s, svc } = serviceFor(input, ctx, true);
      const ts = requireTaskSet(svc, input.taskSet, 'taskSet');
      if (ts.status === 'PRIMARY' && input.force !== true) throw invalid('Cannot delete the PRIMARY task set unless force is true.');
      if (ts.scale > 0 && input.force !== true && counts(ts).running > 0) {
        // ECS refuses to delete a task set that still has running tasks at a non-zero scale, unless forced.
        throw invalid(`Task set ${ts.id} must be scaled to 0 before it is deleted, or deleted with force.`);
      }
      ts.status = 'DRAINING';
      ts.updatedAt = s.now();
      svc.steady = false;
      return { taskSet: taskSetShape(ts, false) };
    }
  };
}
