/**
 * The live progress line while a deployment waits, so a long wait is never silent: it says
 * what we wait for, running/desired per revision, healthy targets, gate states, elapsed and
 * limit. Printed when a wait begins or what it shows changes, and as a heartbeat once 30 s
 * (on the deployment's own clock, the one poll-interval runs on) have passed without any
 * line; a change already printed (a deployment line, a service event, a gate's new state)
 * counts as a line, so nothing is said twice.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { formatDuration } from '../duration.js';
import type { GatePhase } from '../events.js';
import type { DeployContext } from './types.js';
import { revision } from './verdict.js';

/** The longest silence while waiting. */
export const HEARTBEAT_MS = 30_000;

export interface ProgressView {
  /** e.g. "web to run web:8", "the bake of web:8". */
  waitingFor: string;
  /** The watched services as last described. */
  services: Iterable<Service>;
  /** e.g. "2/2 targets healthy in web-green", when the loop reads target health. */
  targets?: string;
  gates?: Array<{ name: string; phase: GatePhase }>;
  elapsedMs: number;
  /** The wait's limit (timeout, bake time); absent when open-ended. */
  limitMs?: number;
}

/** "web:8 1/2 running (1 pending), web:7 2/2 running" for one service; the newest revision first, as ECS lists deployments. */
export function revisionCounts(service: Service): string {
  const parts: string[] = [];
  for (const d of service.deployments ?? []) {
    const pending = d.pendingCount ? `, ${d.pendingCount} pending` : '';
    const failed = d.failedTasks ? `, ${d.failedTasks} failed` : '';
    // Only a failed rollout is worth its word here: in progress is what waiting means, completed ends the wait.
    const state = d.rolloutState === 'FAILED' ? ' FAILED' : '';
    parts.push(`${revision(d.taskDefinition)}${state} ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running${pending}${failed}`);
  }
  return parts.join(', ') || 'no deployments';
}

/** The line without its elapsed part: what, when it changes, is worth a line of its own. */
export function progressState(view: Omit<ProgressView, 'elapsedMs' | 'limitMs'>): string {
  const services = [...view.services];
  const counts =
    services.length === 1 ? revisionCounts(services[0]!) : services.map((s) => `${s.serviceName ?? '?'}: ${revisionCounts(s)}`).join('; ');
  const gates = view.gates?.length ? `; gates ${view.gates.map((g) => `${g.name} ${g.phase}`).join(', ')}` : '';
  const targets = view.targets ? `; ${view.targets}` : '';
  return `waiting for ${view.waitingFor}: ${counts}${targets}${gates}`;
}

export function statusLine(view: ProgressView): string {
  const limit = view.limitMs === undefined || !Number.isFinite(view.limitMs) ? '' : ` of ${formatDuration(view.limitMs)}`;
  return `${progressState(view)} (${formatDuration(Math.max(0, view.elapsedMs))}${limit})`;
}

/** Prints the progress line when a wait begins, when it changes, and as the heartbeat. */
export class LiveProgress {
  private lastState: string | undefined;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastView: { view: ProgressView; at: number } | undefined;
  private lastWait: string | undefined;
  /** A change line was printed since the last show(). */
  private covered = false;

  constructor(
    private readonly ctx: Pick<DeployContext, 'reporter' | 'timer'>,
    private readonly heartbeatMs = HEARTBEAT_MS
  ) {}

  /** Another line was just printed (a deployment line, an event, a gate's new state): the silence starts over. */
  spoke(): void {
    this.lastAt = this.ctx.timer.now();
    this.covered = true;
  }

  /**
   * After a poll: a line when a new wait begins, when the state changed and no other line
   * said so since the last poll, or when the heartbeat is due.
   */
  show(view: ProgressView): void {
    const now = this.ctx.timer.now();
    this.lastView = { view, at: now };
    const state = progressState(view);
    const covered = this.covered;
    this.covered = false;
    const newWait = view.waitingFor !== this.lastWait;
    this.lastWait = view.waitingFor;
    if (newWait || now >= this.dueAt() || (state !== this.lastState && !covered)) this.print(view, state);
    else this.lastState = state;
  }

  /** When the next heartbeat is due: a sleep that would pass it stops there to print one. */
  dueAt(): number {
    return this.lastAt + this.heartbeatMs;
  }

  /** Between polls (a slow pace): the last view again, its elapsed time moved on to now. */
  heartbeat(): void {
    const last = this.lastView;
    const now = this.ctx.timer.now();
    if (!last || now < this.dueAt()) return;
    this.print({ ...last.view, elapsedMs: last.view.elapsedMs + (now - last.at) }, progressState(last.view));
  }

  private print(view: ProgressView, state: string): void {
    this.lastState = state;
    this.lastAt = this.ctx.timer.now();
    this.ctx.reporter.info(statusLine(view));
  }
}
