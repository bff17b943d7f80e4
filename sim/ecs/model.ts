/**
 * The ECS state of one region: clusters, task definitions, services and tasks, plus the
 * lookups and ARNs every operation shares. Behaviour (task lifecycle, the deployment
 * controller) lives in tasks.ts and scheduler.ts; this file only holds and finds things.
 */
import { ApiError, type EcsDeps } from '../types.js';
import { hexId } from '../util.js';
import type { Behaviour } from './behaviour.js';
import type { NativeRun, ServiceDeploymentRecord, ServiceRevisionRecord } from './native.js';
import type { TaskSet } from './tasksets.js';

export interface Tag {
  key: string;
  value: string;
}

export interface Cluster {
  arn: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  tags: Tag[];
  settings: { name: string; value: string }[];
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  registeredAt: number;
  deregisteredAt?: number;
  /** The output shape minus arn, revision, status and timestamps. */
  body: Record<string, any>;
  tags: Tag[];
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  platformVersion?: string;
  networkConfiguration?: Record<string, any>;
  /** With deployment alarms: the end of the bake after the rollout itself finished. */
  bakeUntil?: number;
  /** Alarms already in ALARM when the deployment started; ECS ignores them until they recover. */
  ignoredAlarms: Set<string>;
  /** The service revision this deployment runs (a rollback deployment runs the revision it returns to). */
  serviceRevisionArn?: string;
  /** The service deployment (ListServiceDeployments) this deployment belongs to. */
  serviceDeploymentArn?: string;
  /** Native blue/green: the target group(s) this deployment's tasks register in, one per loadBalancers entry. */
  targetGroupArns?: string[];
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface AdvancedConfiguration {
  alternateTargetGroupArn: string;
  productionListenerRule?: string;
  testListenerRule?: string;
  roleArn?: string;
}

export interface LoadBalancerRef {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName: string;
  containerPort: number;
  advancedConfiguration?: AdvancedConfiguration;
}

export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

export interface LifecycleHook {
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  roleArn?: string;
  lifecycleStages: string[];
  hookDetails?: unknown;
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: 'CONTINUE' | 'ROLLBACK' };
}

export interface DeploymentConfiguration {
  minimumHealthyPercent: number;
  maximumPercent: number;
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
  strategy: DeploymentStrategy;
  bakeTimeInMinutes?: number;
  lifecycleHooks?: LifecycleHook[];
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number };
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
}

export interface Service {
  arn: string;
  name: string;
  cluster: Cluster;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  /** Newest first: deployments[0] is the PRIMARY. */
  deployments: Deployment[];
  deploymentConfiguration: DeploymentConfiguration;
  loadBalancers: LoadBalancerRef[];
  healthCheckGracePeriodSeconds?: number;
  propagateTags: string;
  enableECSManagedTags: boolean;
  enableExecuteCommand: boolean;
  launchType?: string;
  capacityProviderStrategy?: Record<string, any>[];
  platformVersion?: string;
  networkConfiguration?: Record<string, any>;
  roleArn?: string;
  createdAt: number;
  createdBy: string;
  tags: Tag[];
  /** Newest first, at most 100. */
  events: ServiceEvent[];
  /** The last deployment that reached COMPLETED: what the circuit breaker rolls back to. */
  lastCompleted?: { id: string; taskDefinition: string; serviceRevisionArn?: string; targetGroupArns?: string[] };
  /** Service deployments, newest first (ListServiceDeployments). */
  serviceDeployments: ServiceDeploymentRecord[];
  /** Service revisions, oldest first (DescribeServiceRevisions). */
  revisions: ServiceRevisionRecord[];
  /** The native blue/green / linear / canary deployment in progress, driven by native.ts. */
  native?: NativeRun;
  /** Whether "has reached a steady state." was said since the service last changed. */
  steady: boolean;
  /** CODE_DEPLOY or EXTERNAL: the service's tasks come from its task sets (tasksets.ts), not from deployments. */
  controller?: 'CODE_DEPLOY' | 'EXTERNAL';
  /** The task sets of a CODE_DEPLOY / EXTERNAL service, oldest first. */
  taskSets?: TaskSet[];
  /** Live (not yet STOPPED) tasks of the service, so the controller never scans the cluster. */
  tasks: Set<Task>;
  inactiveSince?: number;
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'STOPPED';
export type StopCode = 'EssentialContainerExited' | 'ServiceSchedulerInitiated' | 'UserInitiated' | 'TaskFailedToStart';

export interface ContainerState {
  name: string;
  image: string;
  essential: boolean;
  cpu?: number;
  memory?: number;
  exitCode?: number;
  reason?: string;
  /** The container definition's healthCheck timing (seconds), when it has one. */
  healthCheck?: { interval: number; retries: number; startPeriod: number };
  runtimeId: string;
  containerArn: string;
}

export interface TaskTarget {
  targetGroupArn: string;
  id: string;
  port: number;
  containerPort: number;
  /** Said "(port N) is unhealthy in (target-group …)" already, so it is said once per task. */
  reportedUnhealthy?: boolean;
}

export interface Task {
  arn: string;
  id: string;
  cluster: Cluster;
  taskDefinition: TaskDefinition;
  group: string;
  startedBy?: string;
  service?: Service;
  deploymentId?: string;
  launchType: string;
  platformVersion?: string;
  cpu?: string;
  memory?: string;
  ip: string;
  eniId: string;
  subnetId: string;
  attachmentId: string;
  behaviour: Behaviour;
  /** Exit code a crashing container exits with (SIM_EXIT_CODE or 1). */
  crashExitCode: number;
  oneOff: boolean;
  containers: ContainerState[];
  overrides: Record<string, any>;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
  /** Planned: when PROVISIONING ends, when the task is RUNNING, when its essential container exits on its own. */
  pendingAt: number;
  runningAt: number;
  exitAt?: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  connectivityAt?: number;
  stoppingAt?: number;
  stopAt?: number;
  stoppedAt?: number;
  drainUntil?: number;
  stoppedReason?: string;
  stopCode?: StopCode;
  /** The scheduler has yet to say "(service …) has stopped N running tasks" for it. */
  announceStop?: boolean;
  /** When the task must next be looked at by the lifecycle (ms). */
  nextAt: number;
  targets: TaskTarget[];
  /** The service's load balancers have been looked at (registration happens once, when RUNNING). */
  registered?: boolean;
  /** Per-task jitter so tasks of one revision do not report identical metrics. */
  cpuBase: number;
  memoryBase: number;
  tags: Tag[];
}

export const MAX_EVENTS = 100;
/** Stopped tasks stay describable this long (ECS keeps them at least an hour). */
export const STOPPED_RETENTION_MS = 3 * 3600_000;
/** An INACTIVE service stays describable this long. */
export const INACTIVE_RETENTION_MS = 3600_000;

export class EcsState {
  readonly clusters = new Map<string, Cluster>();
  /** By family, revisions in order (index = revision - 1). */
  readonly families = new Map<string, TaskDefinition[]>();
  /** By cluster name, then service name. */
  readonly services = new Map<string, Map<string, Service>>();
  /** By task id (the last ARN segment). */
  readonly tasks = new Map<string, Task>();
  /** Tasks not yet STOPPED: the only ones the lifecycle advances. */
  readonly live = new Set<Task>();
  /** Service deployments and revisions by ARN, for the operations that take only an ARN. */
  readonly serviceDeploymentsByArn = new Map<string, { service: Service; record: ServiceDeploymentRecord }>();
  readonly revisionsByArn = new Map<string, ServiceRevisionRecord>();

  constructor(readonly deps: EcsDeps) {}

  get region(): string {
    return this.deps.region;
  }

  arn(resource: string): string {
    return `arn:aws:ecs:${this.deps.region}:${this.deps.accountId}:${resource}`;
  }

  /**
   * While a tick catches the model up (the clock may already be minutes ahead after an
   * advance), "now" is the tick's time, so what the controller starts is stamped when it
   * happened in simulated time, not at the end of the jump.
   */
  ticking?: number;

  now(): number {
    return this.ticking ?? this.deps.clock.now();
  }

  uuid(): string {
    const h = hexId(this.deps.random, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(this.deps.random() * 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }

  deploymentId(): string {
    let digits = String(1 + Math.floor(this.deps.random() * 9));
    while (digits.length < 19) digits += String(Math.floor(this.deps.random() * 10));
    return `ecs-svc/${digits}`;
  }

  /** `name` or a cluster ARN; ECS's default cluster is called `default`. */
  cluster(ref: unknown): Cluster {
    const name = clusterName(ref);
    const cluster = this.clusters.get(name);
    if (!cluster || cluster.status !== 'ACTIVE') throw new ApiError('ClusterNotFoundException', 'Cluster not found.');
    return cluster;
  }

  findService(cluster: Cluster, ref: unknown): Service | undefined {
    if (typeof ref !== 'string' || ref === '') return undefined;
    const name = ref.startsWith('arn:') ? ref.split('/').pop()! : ref;
    if (ref.startsWith('arn:')) {
      // Both ARN formats: service/NAME (old) and service/CLUSTER/NAME (new).
      const parts = ref.split(':').slice(5).join(':').split('/');
      if (parts.length === 3 && parts[1] !== cluster.name) return undefined;
    }
    return this.services.get(cluster.name)?.get(name);
  }

  servicesOf(cluster: Cluster): Map<string, Service> {
    let m = this.services.get(cluster.name);
    if (!m) this.services.set(cluster.name, (m = new Map()));
    return m;
  }

  /** By ARN, `family:revision` or `family` (the latest ACTIVE revision). */
  findTaskDefinition(ref: unknown): TaskDefinition | undefined {
    if (typeof ref !== 'string' || ref === '') return undefined;
    let spec = ref;
    if (ref.startsWith('arn:')) {
      const m = /^arn:aws[\w-]*:ecs:([^:]+):(\d+):task-definition\/(.+)$/.exec(ref);
      if (!m || m[1] !== this.deps.region) return undefined;
      spec = m[3];
    }
    const [family, rev] = spec.split(':');
    const revisions = this.families.get(family);
    if (!revisions) return undefined;
    if (rev === undefined) return [...revisions].reverse().find((t) => t.status === 'ACTIVE');
    if (!/^\d+$/.test(rev)) return undefined;
    return revisions[Number(rev) - 1];
  }

  findTask(cluster: Cluster, ref: unknown): Task | undefined {
    if (typeof ref !== 'string' || ref === '') return undefined;
    const id = ref.split('/').pop()!;
    const task = this.tasks.get(id);
    return task && task.cluster === cluster ? task : undefined;
  }

  addEvent(service: Service, message: string, at = this.now()): void {
    service.events.unshift({ id: this.uuid(), createdAt: at, message });
    if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS;
  }
}

export function clusterName(ref: unknown): string {
  if (ref === undefined || ref === null || ref === '') return 'default';
  const s = String(ref);
  return s.startsWith('arn:') ? s.split('/').pop()! : s;
}

export function tagsFrom(input: unknown, member = 'tags'): Tag[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw new ApiError('InvalidParameterException', `${member} must be a list of {key, value}.`);
  return input.map((t: Record<string, any>) => {
    if (!t || typeof t.key !== 'string' || t.key === '') throw new ApiError('InvalidParameterException', 'Tag keys must not be empty.');
    return { key: t.key, value: t.value === undefined || t.value === null ? '' : String(t.value) };
  });
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const out = existing.filter((t) => !added.some((a) => a.key === t.key));
  return [...out, ...added];
}

export function includes(input: Record<string, any>, what: string): boolean {
  return Array.isArray(input.include) && input.include.includes(what);
}
