/**
 * The ECS deployment controller of one service, run about once a simulated second:
 * registers running tasks in the target groups, stops tasks that fail ELB or container
 * health checks, counts failed tasks for the circuit breaker, watches deployment alarms,
 * launches PRIMARY tasks and stops old ones within minimumHealthyPercent /
 * maximumPercent, completes deployments and says so in the service's events, in the
 * words ECS uses.
 */
import { PLACEMENT_EVENT_EVERY_MS, placementFailure, probeFor } from './behaviour.js';
import { mergeTags, type Deployment, type EcsState, type Service, type Tag, type Task } from './model.js';
import { NativeController, rollingCompleted, rollingFailed, rollingFailureCount } from './native.js';
import { requestStop, startTask, taskHealth } from './tasks.js';
import { TaskSetController } from './tasksets.js';

/** How long ECS keeps watching deployment alarms after the rollout itself finished. */
export const ALARM_BAKE_MS = 3 * 60_000;

/**
 * ECS's throttle logic for tasks that never reach RUNNING (an image that cannot be pulled, secrets
 * that cannot be read): after this many in a row, each further launch waits THROTTLE_BASE_MS,
 * doubling up to THROTTLE_MAX_MS (AWS documents only "incrementally increased up to a maximum of
 * 27 minutes"). Tasks that stop after RUNNING (a crash, failed ELB health checks) are never throttled.
 */
export const THROTTLE_AFTER_FAILURES = 3;
export const THROTTLE_BASE_MS = 30_000;
export const THROTTLE_MAX_MS = 27 * 60_000;

/** The circuit breaker's documented failure threshold: 0.5 × desired count, at least 3, at most 200. */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(0.5 * desiredCount)));
}

export function inProgressReason(id: string): string {
  return `ECS deployment ${id} in progress.`;
}

function taskList(tasks: Task[]): string {
  return tasks.map((t) => `(task ${t.id})`).join(' ');
}

/** Starts a new PRIMARY deployment; the previous ones become ACTIVE and are drained by `reconcile`. */
export function newDeployment(state: EcsState, svc: Service, taskDefinition: string, now: number, reason?: string): Deployment {
  const id = state.deploymentId();
  for (const d of svc.deployments) d.status = 'ACTIVE';
  const alarms = svc.deploymentConfiguration.alarms;
  const ignoredAlarms = new Set((alarms?.enable ? alarms.alarmNames : []).filter((n) => state.deps.alarms.state(n) === 'ALARM'));
  const d: Deployment = {
    id,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount: svc.desiredCount,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: reason ?? inProgressReason(id),
    createdAt: now,
    updatedAt: now,
    launchType: svc.launchType,
    platformVersion: svc.platformVersion,
    networkConfiguration: svc.networkConfiguration,
    ignoredAlarms
  };
  svc.deployments.unshift(d);
  svc.steady = false;
  return d;
}

export class Scheduler {
  /** Native blue/green, linear and canary deployments (native.ts) in place of the rolling controller. */
  readonly native: NativeController;
  /** The task sets of CODE_DEPLOY / EXTERNAL services (tasksets.ts) in place of the rolling controller. */
  readonly taskSets: TaskSetController;

  /** When each service last reported that it could not place a task (ECS does not repeat it every attempt). */
  private readonly placementReported = new WeakMap<Service, number>();

  /** Tasks whose passing health checks already reset their deployment's failed-task count. */
  private readonly passed = new WeakSet<Task>();
  /** Per service: tasks in a row that stopped before RUNNING, and when ECS may launch again (its throttle logic). */
  private readonly throttle = new WeakMap<Service, { failures: number; until: number; announced: boolean; taskDefinition: string }>();

  constructor(private readonly state: EcsState) {
    this.native = new NativeController(state, this);
    this.taskSets = new TaskSetController(state, this);
  }

  private get elb() {
    return this.state.deps.elb;
  }

  /** Called by the task lifecycle when a service task's essential container exited. */
  taskExited(task: Task): void {
    const svc = task.service;
    if (!svc) return;
    const at = task.stoppingAt ?? this.state.now();
    this.deregisteredEvents(svc, [task], at);
    if (task.startedAt === undefined) this.failedToStart(svc, task, at);
    this.failed(svc, task, at);
  }

  /** A task that never reached RUNNING: after THROTTLE_AFTER_FAILURES in a row, ECS waits longer and longer before launching again. */
  private failedToStart(svc: Service, task: Task, now: number): void {
    const taskDefinition = task.taskDefinition.arn;
    let t = this.throttle.get(svc);
    if (!t || t.taskDefinition !== taskDefinition)
      this.throttle.set(svc, (t = { failures: 0, until: 0, announced: false, taskDefinition }));
    t.failures++;
    if (t.failures < THROTTLE_AFTER_FAILURES) return;
    t.until = Math.max(t.until, now + Math.min(THROTTLE_MAX_MS, THROTTLE_BASE_MS * 2 ** (t.failures - THROTTLE_AFTER_FAILURES)));
    if (!t.announced) {
      t.announced = true;
      this.state.addEvent(svc, `(service ${svc.name}) is unable to consistently start tasks successfully.`, now);
    }
  }

  /**
   * Whether ECS holds back launches of `taskDefinition` for the service now. A task that reached RUNNING
   * ends the streak; a deployment of another task definition returns the service to normal at once.
   */
  private throttled(svc: Service, taskDefinition: string, now: number): boolean {
    const t = this.throttle.get(svc);
    if (!t) return false;
    if (
      t.taskDefinition !== taskDefinition ||
      [...svc.tasks].some((x) => x.startedAt !== undefined && x.desiredStatus === 'RUNNING' && x.taskDefinition.arn === taskDefinition)
    ) {
      this.throttle.delete(svc);
      return false;
    }
    return now < t.until;
  }

  reconcile(svc: Service, now: number): void {
    if (svc.status === 'INACTIVE') return;
    this.register(svc, now);
    this.enforceHealth(svc, now);
    if (svc.controller) {
      this.announceStopped(svc, now);
      this.taskSets.tick(svc, now);
      return;
    }
    if (svc.native) {
      this.announceStopped(svc, now);
      this.native.tick(svc, now);
      if (svc.native) return;
    }
    this.watchAlarms(svc, now);
    this.announceStopped(svc, now);
    this.scale(svc, now);
    this.progress(svc, now);
    if (svc.status === 'DRAINING' && svc.tasks.size === 0) {
      svc.status = 'INACTIVE';
      svc.inactiveSince = now;
    }
  }

  /** RUNNING, passing container health checks (when it has some), and healthy in every target group. */
  healthy(svc: Service, t: Task, now: number): boolean {
    if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') return false;
    const health = taskHealth(t, now);
    if (health === 'UNHEALTHY') return false;
    if (health === 'UNKNOWN' && t.containers.some((c) => c.essential && c.healthCheck)) return false;
    if (svc.loadBalancers.length > 0 && !t.registered) return false;
    return t.targets.every((target) => {
      // 'unused' (no listener forwards to the group) is not healthy: nothing has checked the task,
      // and no traffic could reach it, so ECS does not count it towards a finished rollout.
      return this.elb.targetHealth(target.targetGroupArn, { id: target.id, port: target.port })?.state === 'healthy';
    });
  }

  private register(svc: Service, now: number): void {
    if (svc.loadBalancers.length === 0) return;
    if (svc.controller) return this.registerTaskSetTasks(svc, now);
    const perGroup = new Map<string, number>();
    for (const t of svc.tasks) {
      if (t.registered || t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') continue;
      t.registered = true;
      // Native blue/green: a revision's tasks go to the group it was given (primary or alternate).
      const own = svc.deployments.find((d) => d.id === t.deploymentId)?.targetGroupArns;
      svc.loadBalancers.forEach((lb, i) => {
        const arn = own?.[i] ?? lb.targetGroupArn;
        if (!arn) return;
        const group = this.elb.targetGroup(arn);
        if (!group) return;
        // Fargate tasks are `ip` targets: the task's address and the container port.
        const target = { id: t.ip, port: lb.containerPort };
        this.elb.registerTarget(arn, target, probeFor(t));
        t.targets.push({ targetGroupArn: arn, containerPort: lb.containerPort, ...target });
        perGroup.set(arn, (perGroup.get(arn) ?? 0) + 1);
      });
    }
    for (const [arn, n] of perGroup)
      this.state.addEvent(svc, `(service ${svc.name}) registered ${n} targets in (target-group ${arn})`, now);
  }

  /** A task set's tasks register in that task set's own target group (CodeDeploy's blue or green). */
  private registerTaskSetTasks(svc: Service, now: number): void {
    const perGroup = new Map<string, number>();
    for (const t of svc.tasks) {
      if (t.registered || t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') continue;
      t.registered = true;
      for (const lb of this.taskSets.targetGroupsOf(svc, t)) {
        if (!lb.targetGroupArn || !this.elb.targetGroup(lb.targetGroupArn)) continue;
        const target = { id: t.ip, port: lb.containerPort };
        this.elb.registerTarget(lb.targetGroupArn, target, probeFor(t));
        t.targets.push({ targetGroupArn: lb.targetGroupArn, containerPort: lb.containerPort, ...target });
        perGroup.set(lb.targetGroupArn, (perGroup.get(lb.targetGroupArn) ?? 0) + 1);
      }
    }
    for (const [arn, n] of perGroup)
      this.state.addEvent(svc, `(service ${svc.name}) registered ${n} targets in (target-group ${arn})`, now);
  }

  private enforceHealth(svc: Service, now: number): void {
    const grace = (svc.healthCheckGracePeriodSeconds ?? 0) * 1000;
    for (const t of [...svc.tasks]) {
      if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') continue;
      const pastGrace = now >= (t.startedAt ?? now) + grace;
      if (pastGrace) {
        const bad = t.targets.find(
          (target) => this.elb.targetHealth(target.targetGroupArn, { id: target.id, port: target.port })?.state === 'unhealthy'
        );
        if (bad) {
          const h = this.elb.targetHealth(bad.targetGroupArn, { id: bad.id, port: bad.port });
          if (!bad.reportedUnhealthy) {
            bad.reportedUnhealthy = true;
            const why = h?.description ?? h?.reason ?? 'Health checks failed';
            this.state.addEvent(
              svc,
              `(service ${svc.name}) (port ${bad.port}) is unhealthy in (target-group ${bad.targetGroupArn}) due to (reason ${why}).`,
              now
            );
          }
          this.stop(svc, [t], `Task failed ELB health checks in (target-group ${bad.targetGroupArn})`, now);
          this.failed(svc, t, now);
          continue;
        }
      }
      if (taskHealth(t, now) === 'UNHEALTHY') {
        this.stop(svc, [t], 'Task failed container health checks', now);
        this.failed(svc, t, now);
      }
    }
  }

  /** A task of the service failed: counted against its deployment; the circuit breaker may trip. */
  private failed(svc: Service, task: Task, now: number): void {
    svc.steady = false;
    const d = svc.deployments.find((x) => x.id === task.deploymentId);
    if (!d) return;
    d.failedTasks++;
    d.updatedAt = now;
    if (this.native.taskFailed(svc, task, now)) return;
    rollingFailureCount(this.state, d);
    const primary = svc.deployments[0];
    const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
    if (d === primary && d.rolloutState === 'IN_PROGRESS' && cb.enable && d.failedTasks >= circuitBreakerThreshold(d.desiredCount)) {
      this.fail(
        svc,
        now,
        'ECS deployment circuit breaker: tasks failed to start.',
        'tasks failed to start',
        cb.rollback,
        'circuit breaker'
      );
    }
  }

  private watchAlarms(svc: Service, now: number): void {
    const cfg = svc.deploymentConfiguration.alarms;
    const primary = svc.deployments[0];
    if (!cfg?.enable || !primary || primary.rolloutState !== 'IN_PROGRESS') return;
    const firing: string[] = [];
    for (const name of cfg.alarmNames) {
      if (this.state.deps.alarms.state(name) !== 'ALARM') primary.ignoredAlarms.delete(name);
      else if (!primary.ignoredAlarms.has(name)) firing.push(name);
    }
    if (firing.length)
      this.fail(svc, now, `ECS deployment alarm(s) detected: ${firing.join(', ')}.`, 'alarm detected', cfg.rollback, 'alarm(s) detected');
  }

  /** StopServiceDeployment (ROLLBACK) on a rolling deployment. */
  failDeployment(svc: Service, now: number, reason: string, eventReason: string, rollback: boolean, rollbackCause: string): void {
    this.fail(svc, now, reason, eventReason, rollback, rollbackCause);
  }

  /** The PRIMARY deployment failed; with rollback ECS starts over on the last COMPLETED deployment's revision. */
  private fail(svc: Service, now: number, reason: string, eventReason: string, rollback: boolean, rollbackCause: string): void {
    const primary = svc.deployments[0];
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = reason;
    primary.updatedAt = now;
    primary.bakeUntil = undefined;
    this.state.addEvent(svc, `(service ${svc.name}) (deployment ${primary.id}) deployment failed: ${eventReason}.`, now);
    const target = svc.lastCompleted;
    const alarms =
      rollbackCause === 'alarm(s) detected'
        ? reason
            .replace(/^ECS deployment alarm\(s\) detected: /, '')
            .replace(/\.$/, '')
            .split(', ')
        : undefined;
    if (!rollback || !target || target.id === primary.id) {
      rollingFailed(this.state, primary, now, reason, undefined, alarms);
      return;
    }
    this.state.addEvent(svc, `(service ${svc.name}) rolling back to deployment ${target.id}.`, now);
    const cause = rollbackCause === 'circuit breaker' ? 'ECS deployment circuit breaker' : `ECS deployment ${rollbackCause}`;
    const back = newDeployment(this.state, svc, target.taskDefinition, now, `${cause}: rolling back to deploymentId ${target.id}.`);
    back.serviceRevisionArn = target.serviceRevisionArn;
    back.targetGroupArns = target.targetGroupArns;
    rollingFailed(this.state, primary, now, reason, back, alarms);
  }

  /**
   * The circuit breaker counts consecutive failures: each task of the deployment that passes its health
   * checks (healthy in its target groups, or its container health check) puts the failed-task count back
   * to 0 ("once a service deployment has one or more successfully running tasks, the failed task count
   * resets to zero", Deployment.failedTasks; resetOnHealthyTask's default). A task with no health check
   * at all does not reset it by merely running: a container that exits seconds after RUNNING still trips
   * the breaker on AWS.
   */
  private resetOnHealthyTask(d: Deployment, live: Task[], svc: Service, now: number): void {
    if (d.rolloutState !== 'IN_PROGRESS') return;
    const checked = (t: Task): boolean => t.targets.length > 0 || t.containers.some((c) => c.essential && c.healthCheck !== undefined);
    const fresh = live.filter((t) => t.deploymentId === d.id && !this.passed.has(t) && checked(t) && this.healthy(svc, t, now));
    if (!fresh.length) return;
    for (const t of fresh) this.passed.add(t);
    if (d.failedTasks === 0) return;
    d.failedTasks = 0;
    rollingFailureCount(this.state, d);
  }

  /** "(service …) has stopped N running tasks" once their connections have drained. */
  private announceStopped(svc: Service, now: number): void {
    const done = [...svc.tasks].filter((t) => t.announceStop && t.lastStatus !== 'DEACTIVATING');
    for (const t of done) t.announceStop = false;
    if (done.length) this.state.addEvent(svc, `(service ${svc.name}) has stopped ${done.length} running tasks: ${taskList(done)}.`, now);
  }

  /** Scheduler-initiated stop of tasks, with the draining / deregistration events ECS emits. */
  stopTasks(svc: Service, tasks: Task[], reason: string, now: number): void {
    this.stop(svc, tasks, reason, now);
  }

  launchTasks(svc: Service, d: Deployment, n: number, now: number): void {
    this.launch(svc, d, n, now);
  }

  private stop(svc: Service, tasks: Task[], reason: string, now: number): void {
    const stopped = tasks.filter((t) => requestStop(this.state, t, reason, 'ServiceSchedulerInitiated', now));
    if (!stopped.length) return;
    const draining = stopped.filter((t) => t.lastStatus === 'DEACTIVATING');
    if (draining.length) {
      this.state.addEvent(svc, `(service ${svc.name}) has begun draining connections on ${draining.length} tasks.`, now);
      this.deregisteredEvents(svc, draining, now);
    }
    for (const t of stopped) t.announceStop = true;
    this.announceStopped(svc, now);
  }

  private deregisteredEvents(svc: Service, tasks: Task[], now: number): void {
    const perGroup = new Map<string, number>();
    for (const t of tasks)
      for (const target of t.targets) perGroup.set(target.targetGroupArn, (perGroup.get(target.targetGroupArn) ?? 0) + 1);
    for (const [arn, n] of perGroup)
      this.state.addEvent(svc, `(service ${svc.name}) deregistered ${n} targets in (target-group ${arn})`, now);
  }

  private tagsFor(svc: Service, taskDefinitionTags: Tag[]): Tag[] {
    let tags: Tag[] = svc.propagateTags === 'SERVICE' ? svc.tags : svc.propagateTags === 'TASK_DEFINITION' ? taskDefinitionTags : [];
    if (svc.enableECSManagedTags) {
      tags = mergeTags(tags, [
        { key: 'aws:ecs:clusterName', value: svc.cluster.name },
        { key: 'aws:ecs:serviceName', value: svc.name }
      ]);
    }
    return tags;
  }

  private launch(svc: Service, d: Deployment, n: number, now: number): void {
    const td = this.state.findTaskDefinition(d.taskDefinition);
    if (!td || n <= 0) return;
    if (this.throttled(svc, td.arn, now)) return;
    const unplaceable = placementFailure(td.body, svc.name);
    if (unplaceable) {
      if (now - (this.placementReported.get(svc) ?? -Infinity) >= PLACEMENT_EVENT_EVERY_MS) {
        this.state.addEvent(svc, unplaceable, now);
        this.placementReported.set(svc, now);
      }
      return;
    }
    const started = Array.from({ length: n }, () =>
      startTask(this.state, {
        cluster: svc.cluster,
        taskDefinition: td,
        group: `service:${svc.name}`,
        startedBy: d.id,
        service: svc,
        deploymentId: d.id,
        launchType: d.launchType,
        platformVersion: d.platformVersion,
        oneOff: false,
        tags: this.tagsFor(svc, td.tags)
      })
    );
    this.state.addEvent(svc, `(service ${svc.name}) has started ${n} tasks: ${taskList(started)}.`, now);
  }

  private scale(svc: Service, now: number): void {
    const primary = svc.deployments[0];
    if (!primary) return;
    const desired = svc.status === 'ACTIVE' ? svc.desiredCount : 0;
    primary.desiredCount = desired;
    const { minimumHealthyPercent, maximumPercent } = svc.deploymentConfiguration;
    const maxTotal = Math.max(Math.floor((desired * maximumPercent) / 100), desired > 0 ? 1 : 0);
    const minHealthy = Math.ceil((desired * minimumHealthyPercent) / 100);
    const scaling = `Scaling activity initiated by (deployment ${primary.id})`;
    const notRunningFirst = (a: Task, b: Task): number =>
      Number(this.healthy(svc, a, now)) - Number(this.healthy(svc, b, now)) || b.createdAt - a.createdAt;

    let live = [...svc.tasks].filter((t) => t.desiredStatus === 'RUNNING');
    const primaryLive = live.filter((t) => t.deploymentId === primary.id);
    if (primaryLive.length > desired) {
      this.stop(svc, primaryLive.sort(notRunningFirst).slice(0, primaryLive.length - desired), scaling, now);
      live = live.filter((t) => t.desiredStatus === 'RUNNING');
    }

    // Old deployments drain: tasks that serve nothing go at once, serving ones while enough stay healthy.
    let healthyCount = live.filter((t) => this.healthy(svc, t, now)).length;
    const old = live.filter((t) => t.deploymentId !== primary.id).sort(notRunningFirst);
    const toStop: Task[] = [];
    for (const t of old) {
      if (!this.healthy(svc, t, now)) toStop.push(t);
      else if (primary.rolloutState !== 'FAILED' && healthyCount - 1 >= minHealthy) {
        toStop.push(t);
        healthyCount--;
      }
    }
    this.stop(svc, toStop, scaling, now);
    live = live.filter((t) => t.desiredStatus === 'RUNNING');

    // A FAILED deployment launches nothing more.
    const primaryCount = live.filter((t) => t.deploymentId === primary.id).length;
    if (primary.rolloutState !== 'FAILED' && primaryCount < desired) {
      this.launch(svc, primary, Math.min(desired - primaryCount, maxTotal - live.length), now);
    }
    for (const d of svc.deployments.slice(1))
      d.desiredCount = [...svc.tasks].filter((t) => t.deploymentId === d.id && t.desiredStatus === 'RUNNING').length;
  }

  private progress(svc: Service, now: number): void {
    const primary = svc.deployments[0];
    if (!primary) return;
    const desired = primary.desiredCount;
    const live = [...svc.tasks];
    this.resetOnHealthyTask(primary, live, svc, now);
    if (primary.rolloutState === 'IN_PROGRESS') {
      const othersGone = live.every((t) => t.deploymentId === primary.id);
      const mine = live.filter((t) => t.desiredStatus === 'RUNNING');
      const done = othersGone && mine.length === desired && mine.every((t) => this.healthy(svc, t, now));
      if (!done) {
        primary.bakeUntil = undefined;
      } else {
        const alarms = svc.deploymentConfiguration.alarms;
        if (alarms?.enable && alarms.alarmNames.length > 0 && svc.lastCompleted) primary.bakeUntil ??= now + ALARM_BAKE_MS;
        if (primary.bakeUntil === undefined || now >= primary.bakeUntil) {
          primary.rolloutState = 'COMPLETED';
          primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
          primary.updatedAt = now;
          primary.bakeUntil = undefined;
          rollingCompleted(this.state, svc, primary, now);
          svc.lastCompleted = {
            id: primary.id,
            taskDefinition: primary.taskDefinition,
            serviceRevisionArn: primary.serviceRevisionArn,
            targetGroupArns: primary.targetGroupArns
          };
          svc.deployments = [primary];
          this.state.addEvent(svc, `(service ${svc.name}) (deployment ${primary.id}) deployment completed.`, now);
        }
      }
    }
    const running = live.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length;
    const steady =
      svc.status === 'ACTIVE' &&
      svc.deployments.length === 1 &&
      primary.rolloutState === 'COMPLETED' &&
      running === desired &&
      live.length === desired;
    if (steady && !svc.steady) this.state.addEvent(svc, `(service ${svc.name}) has reached a steady state.`, now);
    svc.steady = steady;
  }
}
