import type { Deployment, Service, ServiceEvent } from '@aws-sdk/client-ecs';
import { awsErrorCode, isAbort, isThrottle, isTimeout } from '../aws/errors.js';
import { errorMessage } from '../errors.js';
import { formatDuration } from '../duration.js';
import { runningByRevision } from '../events.js';
import { Cadence, clampSleep } from './cadence.js';
import { LiveProgress, type ProgressView } from './progress.js';
import type { DeployContext } from './types.js';
import { revision } from './verdict.js';

type WatchContext = Pick<DeployContext, 'aws' | 'reporter' | 'timer'>;

export interface WatcherOptions {
  pollIntervalMs: number;
  /**
   * Longest back-off while AWS throttles us. Default: two polls, so that slowing down never
   * hides a failing gate for more than two poll intervals.
   */
  maxIntervalMs?: number;
  /**
   * `max-poll-interval`: the slowest pace through a still stretch, for the loops that allow
   * one (see cadence.ts). Default: the poll interval (no back-off).
   */
  maxPollIntervalMs?: number;
  /** For tests: 0 ≤ random() < 1. */
  random?: () => number;
}

/** What one poll saw: every watched service by name, or nothing because AWS throttled us or did not answer in time. */
export type Poll = { kind: 'ok'; services: Map<string, Service> } | { kind: 'throttled' };

/**
 * A read that may well succeed next time: throttling, a server error, a dropped connection,
 * a read that ran out of its round. Polling goes on (slower); anything else (access denied,
 * a missing cluster) ends the watch.
 */
export function transient(error: unknown): boolean {
  if (isThrottle(error) || isTimeout(error) || isAbort(error)) return true;
  const text = `${awsErrorCode(error)} ${errorMessage(error)}`;
  return /ServiceUnavailable|InternalFailure|InternalError|ServerException|InternalServiceError|\b5\d\d\b|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|TimeoutError|RequestTimeout/i.test(
    text
  );
}

/**
 * Watches up to ten services with ONE DescribeServices call per poll (ECS's read API is
 * throttled per account), printing deployment progress only when it changes and only the
 * service events newer than the newest one already printed.
 */
export class ServiceWatcher {
  private readonly deploymentLines = new Map<string, Map<string, string>>();
  private readonly anchors = new Map<string, EventAnchor>();
  /** The newest event before the watch began, per service: moves never, unlike the anchors. */
  private readonly startEvents = new Map<string, string | undefined>();
  private readonly normalMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  /** Un-jittered back-off; equals the poll interval while AWS is not throttling. */
  private backoffMs: number;
  /** The newest description of each service, for evidence and messages. */
  readonly latest = new Map<string, Service>();
  /** The pace between polls while AWS answers. */
  readonly cadence: Cadence;
  /** The live progress line, shared by every loop this watcher paces (its heartbeat spans them). */
  readonly liveLine: LiveProgress;
  /** The last poll saw a change (a deployment line, a new event), or was the first. */
  private changed = true;

  constructor(
    private ctx: WatchContext,
    readonly cluster: string,
    readonly services: string[],
    options: WatcherOptions
  ) {
    if (services.length === 0 || services.length > 10) throw new Error(`a watcher takes 1 to 10 services, not ${services.length}`);
    this.normalMs = options.pollIntervalMs;
    this.maxMs = options.maxIntervalMs ?? 2 * options.pollIntervalMs;
    this.random = options.random ?? Math.random;
    this.backoffMs = this.normalMs;
    this.cadence = new Cadence({ fastMs: this.normalMs, maxMs: options.maxPollIntervalMs ?? this.normalMs });
    this.liveLine = new LiveProgress(ctx);
  }

  /**
   * The same watcher (what it has seen and printed) reading through another context: the
   * rollback's unbounded clients once the watch's own scope has stopped.
   */
  withContext(ctx: WatchContext): ServiceWatcher {
    const copy = Object.create(ServiceWatcher.prototype) as ServiceWatcher;
    Object.assign(copy, this);
    copy.ctx = ctx;
    return copy;
  }

  /**
   * Marks what is already there as seen: events up to the newest one (read before our
   * UpdateService) and the current deployments, so the first poll prints only what is new.
   */
  anchor(service: Service): void {
    const name = nameOf(service);
    this.latest.set(name, service);
    const newest = (service.events ?? [])[0];
    this.startEvents.set(name, newest?.id);
    this.anchors.set(name, { id: newest?.id, createdAt: newest?.createdAt?.getTime() ?? Number.NEGATIVE_INFINITY, seen: new Set() });
  }

  /** The id of the newest event before the watch began, for evidence ("events since the deployment started"). */
  /** The service events since the watch began, oldest first, from the latest description. */
  eventsSinceStart(service: string): ServiceEvent[] {
    const id = this.startEvents.get(service);
    return newEvents(this.latest.get(service)?.events ?? [], { id, createdAt: Number.NEGATIVE_INFINITY, seen: new Set() });
  }

  anchorEventId(service: string): string | undefined {
    return this.startEvents.get(service);
  }

  /** One DescribeServices call. A transient failure (throttling, no answer in time) is absorbed and slows the next sleeps; any other error is thrown. */
  async poll(): Promise<Poll> {
    this.changed = false;
    let described;
    try {
      described = await this.ctx.aws.ecs.describeServices(this.cluster, this.services);
    } catch (error) {
      if (!transient(error)) throw error;
      this.backoffMs = Math.min(this.backoffMs * 2, this.maxMs);
      const what = isThrottle(error) ? 'ECS is throttling our reads' : 'ECS did not answer';
      this.ctx.reporter.info(`${what} (${errorMessage(error)}); polling every ~${formatDuration(this.backoffMs)} until it answers`);
      return { kind: 'throttled' };
    }
    if (this.backoffMs !== this.normalMs) {
      this.backoffMs = this.normalMs;
      this.ctx.reporter.info(`ECS answers again; polling every ${formatDuration(this.normalMs)}`);
    }
    const missing = described.failures.map((f) => `${f.arn ?? '?'} (${f.reason ?? 'unknown'})`);
    if (missing.length > 0) throw new Error(`describing services in cluster ${this.cluster}: ${missing.join(', ')}`);
    const byName = new Map<string, Service>();
    for (const service of described.services) {
      const name = nameOf(service);
      byName.set(name, service);
      this.latest.set(name, service);
      this.printProgress(name, service);
      this.printEvents(name, service.events ?? []);
    }
    return { kind: 'ok', services: byName };
  }

  /** The last poll showed something new: a deployment line that changed, a new service event. */
  get moved(): boolean {
    return this.changed;
  }

  /**
   * Paces the next sleep from what the last poll showed: `mayRest` says nothing could end
   * the wait unseen between two slow polls (every gate green, ECS not about to finish).
   */
  pace(mayRest: boolean): void {
    this.cadence.observe({ moved: this.changed, mayRest });
  }

  /** Prints the live progress line (on change, or as the heartbeat). */
  show(view: Omit<ProgressView, 'services'>): void {
    if (this.changed) this.liveLine.spoke();
    this.liveLine.show({ ...view, services: this.services.map((s) => this.latest.get(s) ?? { serviceName: s }) });
  }

  /**
   * The next wait: the cadence's pace, or while throttled the back-off with jitter (half
   * fixed, half random); never past a moment in `limits` still ahead (a bake's end, the deadline).
   */
  nextSleepMs(limits: Array<number | undefined> = []): number {
    const now = this.ctx.timer.now();
    if (this.backoffMs === this.normalMs) return this.cadence.sleepMs(now, limits);
    // Throttled: never faster than the pace already reached.
    const jittered = Math.round(this.backoffMs / 2 + (this.random() * this.backoffMs) / 2);
    return clampSleep(Math.max(jittered, this.cadence.intervalMs), now, limits);
  }

  /**
   * Sleeps until the next poll; returns early when `signal` aborts. A sleep longer than the
   * heartbeat wakes up to print it (what was last seen, and how long ago), so a slow pace is never silent.
   */
  async sleep(signal?: AbortSignal, limits: Array<number | undefined> = []): Promise<void> {
    const timer = this.ctx.timer;
    const end = timer.now() + this.nextSleepMs(limits);
    for (;;) {
      const now = timer.now();
      if (now >= end || signal?.aborted) return;
      const due = this.liveLine.dueAt();
      const until = due > now && due < end ? due : end;
      await timer.sleep(until - now, signal);
      if (timer.now() <= now) return; // a clock that does not move (a stub): one sleep, as before
      this.liveLine.heartbeat();
    }
  }

  private printProgress(name: string, service: Service): void {
    const previous = this.deploymentLines.get(name) ?? new Map<string, string>();
    const current = new Map<string, string>();
    for (const d of service.deployments ?? []) current.set(d.id ?? d.taskDefinition ?? '?', progressLine(d));
    for (const [id, line] of current) {
      if (previous.get(id) === line) continue;
      this.changed = true;
      this.ctx.reporter.info(`${name}: ${line}`);
      this.ctx.reporter.event({ kind: 'progress', service: name, line, at: this.ctx.timer.now() });
    }
    // A deployment gone (ECS collapsed the service to one) is a change too.
    if ([...previous.keys()].some((id) => !current.has(id))) this.changed = true;
    // Running tasks per revision for the summary's chart, at each poll where a deployment line changed.
    if (current.size !== previous.size || [...current].some(([id, line]) => previous.get(id) !== line)) {
      this.ctx.reporter.event({
        kind: 'tasks',
        service: name,
        running: runningByRevision(service.deployments ?? []),
        at: this.ctx.timer.now()
      });
    }
    this.deploymentLines.set(name, current);
  }

  private printEvents(name: string, events: ServiceEvent[]): void {
    const anchor = this.anchors.get(name) ?? { createdAt: Number.NEGATIVE_INFINITY, seen: new Set<string>() };
    const fresh = newEvents(events, anchor);
    if (fresh.length > 0) this.changed = true;
    for (const e of fresh) {
      const createdAt = e.createdAt ?? new Date(0);
      this.ctx.reporter.info(`${createdAt.toISOString().slice(11, 19)} ${e.message ?? ''}`);
      this.ctx.reporter.event({ kind: 'service-event', service: name, message: e.message ?? '', createdAt });
    }
    const newest = events[0];
    if (newest) {
      const t = newest.createdAt?.getTime() ?? anchor.createdAt;
      if (t >= anchor.createdAt) {
        anchor.id = newest.id;
        anchor.createdAt = t;
      }
    }
    for (const e of fresh) if (e.id) anchor.seen.add(e.id);
    this.anchors.set(name, anchor);
  }
}

interface EventAnchor {
  /** The newest event already printed (or present before the watch). */
  id?: string | undefined;
  /** Its createdAt as AWS stamped it (never compared with our clock). */
  createdAt: number;
  /** Ids printed, so an event is printed once even if AWS reorders equal timestamps. */
  seen: Set<string>;
}

/**
 * Events newer than the anchor, oldest first. ECS lists events newest first: everything
 * before the anchor's id is new; if the anchor scrolled out of the list (ECS keeps 100),
 * an event is new when it is not older than the anchor.
 */
export function newEvents(events: ServiceEvent[], anchor: EventAnchor): ServiceEvent[] {
  const fresh: ServiceEvent[] = [];
  for (const e of events) {
    if (anchor.id !== undefined && e.id === anchor.id) break;
    const t = e.createdAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (t < anchor.createdAt) break;
    if (e.id !== undefined && anchor.seen.has(e.id)) continue;
    fresh.push(e);
  }
  return fresh.reverse();
}

/** e.g. "PRIMARY web:8 (ecs-svc/123) IN_PROGRESS: 1/2 running, 1 pending, 0 failed". */
export function progressLine(d: Deployment): string {
  const state = d.rolloutState ? ` ${d.rolloutState}` : '';
  const failed = d.failedTasks ? `, ${d.failedTasks} failed` : '';
  return `${d.status ?? '?'} ${revision(d.taskDefinition)} (${d.id ?? '?'})${state}: ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending${failed}`;
}

export function nameOf(service: Service): string {
  return service.serviceName ?? service.serviceArn?.split('/').pop() ?? '?';
}

export type WatchEnd<T> = { kind: 'decided'; value: T } | { kind: 'timeout'; waitedMs: number } | { kind: 'cancelled' };

export interface WatchLoopOptions<T = unknown> {
  timeoutMs: number;
  /** Looked at after every poll that `decide` left open (one more read, e.g. target health). */
  alsoDecide?: () => Promise<T | undefined>;
  /** Aborts the wait (a cancelled workflow). A rollback's own wait passes none: it must finish. */
  signal?: AbortSignal;
  /**
   * The loop may slow down through a still stretch (cadence.ts): only when everything it
   * decides on shows in the services' own counts and events (no extra read such as target health).
   */
  rest?: boolean;
  /** For the progress line: what we wait for, e.g. "web to run web:8". */
  waitingFor?: string;
  /** For the progress line: e.g. "2/2 targets healthy in web-green", when the loop reads them. */
  targets?: () => string | undefined;
}

/**
 * ECS may finish any moment now, without another change we could see first: a deployment in
 * progress whose new tasks all run (ECS waits on health checks, draining, its own bake), or
 * old deployments still there beside a full PRIMARY. A watch stays at the fast interval
 * through it, so the verdict comes within one fast poll of ECS finishing.
 */
export function settling(service: Service): boolean {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (!primary) return false;
  const full = (primary.pendingCount ?? 0) === 0 && (primary.runningCount ?? 0) >= (primary.desiredCount ?? 0);
  if (!full) return false;
  return primary.rolloutState === 'IN_PROGRESS' || deployments.length > 1;
}

/**
 * Polls until `decide` returns a value, the timeout passes (measured on our monotonic
 * clock) or the signal aborts. The first poll is immediate; a change is seen within one
 * poll interval while anything moves (and, with `rest`, within `max-poll-interval` through a
 * still stretch); the last poll falls on the timeout, never after it.
 */
export async function watchUntil<T>(
  watcher: ServiceWatcher,
  timer: DeployContext['timer'],
  decide: (services: Map<string, Service>) => T | undefined,
  options: WatchLoopOptions<T>
): Promise<WatchEnd<T>> {
  const start = timer.now();
  const deadline = start + options.timeoutMs;
  const waitingFor = options.waitingFor ?? `${watcher.services.join(', ')} to become stable`;
  watcher.cadence.reset();
  for (;;) {
    if (options.signal?.aborted) return { kind: 'cancelled' };
    const poll = await watcher.poll();
    if (poll.kind === 'ok') {
      const value = decide(poll.services) ?? (await options.alsoDecide?.());
      if (value !== undefined) return { kind: 'decided', value };
    }
    const waited = timer.now() - start;
    if (waited >= options.timeoutMs) return { kind: 'timeout', waitedMs: waited };
    const targets = options.targets?.();
    watcher.show({ waitingFor, elapsedMs: waited, limitMs: options.timeoutMs, ...(targets ? { targets } : {}) });
    watcher.pace(poll.kind === 'ok' && options.rest === true && ![...poll.services.values()].some(settling));
    await watcher.sleep(options.signal, [deadline]);
  }
}

/**
 * Describes one service before touching it, turning what DescribeServices answers into
 * errors a user can act on (DescribeServices reports an unknown service as a failure, not an exception).
 */
export async function describeService(ctx: Pick<DeployContext, 'aws'>, cluster: string, service: string): Promise<Service> {
  const { services, failures } = await ctx.aws.ecs.describeServices(cluster, [service]);
  const failure = failures[0];
  if (failure) {
    if (failure.reason === 'MISSING') {
      throw new Error(`service ${service} not found in cluster ${cluster} (check the service name, the cluster and the region)`);
    }
    throw new Error(
      `describing service ${service} in cluster ${cluster}: ${failure.reason ?? 'failed'}${failure.detail ? `: ${failure.detail}` : ''}`
    );
  }
  const found = services[0];
  if (!found) throw new Error(`service ${service} not found in cluster ${cluster} (DescribeServices returned nothing)`);
  if (found.status === 'INACTIVE') {
    throw new Error(`service ${service} in cluster ${cluster} is INACTIVE (deleted): create it again, or check the service name`);
  }
  if (found.status === 'DRAINING') {
    throw new Error(`service ${service} in cluster ${cluster} is DRAINING (being deleted): wait for it to go, then create it again`);
  }
  return found;
}

/** Why a service cannot take a rolling update, or undefined when it can. */
export function controllerProblem(service: Service, cluster: string): string | undefined {
  const type = service.deploymentController?.type ?? 'ECS';
  if (type === 'ECS') return undefined;
  const name = nameOf(service);
  const how =
    type === 'CODE_DEPLOY'
      ? 'CodeDeploy owns its deployments: deploy it through CodeDeploy, or use strategy: blue-green with two services that use the ECS controller'
      : 'its task sets are managed by an external tool: deploy it with that tool';
  return `service ${name} in cluster ${cluster} uses the ${type} deployment controller, and strategy rolling updates services with the ECS deployment controller (${how})`;
}
