/**
 * How long a watch sleeps between polls: the fast `poll-interval` while anything moves, a
 * slower pace (×1.5 per still poll, up to `max-poll-interval`) through long still stretches
 * such as tasks that take minutes to start or a bake with nothing to catch, and never past
 * the next moment that matters (a bake's end, the deadline, a heartbeat line).
 *
 * Why this keeps the verdict within one fast poll of ECS finishing: the loops call a poll
 * "still" only when ECS cannot finish without first showing a change we would see
 * (watch.ts `settling`: once the new revision runs every desired task, ECS may complete at
 * any moment, so the watch stays fast until it does). A change seen after a slow sleep snaps
 * the next sleep back to the fast interval.
 */

export interface CadenceOptions {
  /** `poll-interval`: the pace while anything moves. */
  fastMs: number;
  /** `max-poll-interval`: the slowest pace; equal to fastMs turns the back-off off. */
  maxMs: number;
  /** Still polls in a row before each step slower. Default 1. */
  patience?: number;
  /** Growth per further still poll. Default 1.5. */
  factor?: number;
}

/** What one poll showed, as the loop judges it. */
export interface PollView {
  /** Anything changed since the previous poll: deployments, counts, rollout state, events, gate states. */
  moved: boolean;
  /** Nothing could end the watch unseen between two slow polls: every gate green, ECS not about to finish. */
  mayRest: boolean;
}

export class Cadence {
  readonly fastMs: number;
  readonly maxMs: number;
  private readonly patience: number;
  private readonly factor: number;
  private still = 0;
  private currentMs: number;

  constructor(o: CadenceOptions) {
    this.fastMs = o.fastMs;
    this.maxMs = Math.max(o.fastMs, o.maxMs);
    this.patience = o.patience ?? 1;
    this.factor = o.factor ?? 1.5;
    this.currentMs = o.fastMs;
  }

  /** Takes one poll into account: still and restful polls slow the pace step by step, anything else snaps it back. */
  observe(view: PollView): void {
    if (view.moved || !view.mayRest) {
      this.reset();
      return;
    }
    this.still++;
    if (this.still >= this.patience) this.currentMs = Math.min(this.maxMs, Math.round(this.currentMs * this.factor));
  }

  /** Back to the fast interval (a new phase began: a traffic shift, a new bake). */
  reset(): void {
    this.still = 0;
    this.currentMs = this.fastMs;
  }

  /** The pace now, before any clamp. */
  get intervalMs(): number {
    return this.currentMs;
  }

  /** True while slower than the fast interval. */
  get resting(): boolean {
    return this.currentMs > this.fastMs;
  }

  /**
   * The next sleep from `now`: the pace, cut short by the earliest moment in `limits` that is
   * still ahead (a bake's end, the deadline), so a slow poll never overshoots one. A limit
   * already passed is ignored (the loop decides at its next poll).
   */
  sleepMs(now: number, limits: Array<number | undefined> = []): number {
    return clampSleep(this.currentMs, now, limits);
  }
}

/** `ms` cut short by the earliest moment in `limits` still ahead of `now`. */
export function clampSleep(ms: number, now: number, limits: Array<number | undefined>): number {
  let out = ms;
  for (const at of limits) if (at !== undefined && at > now) out = Math.min(out, at - now);
  return Math.max(0, Math.ceil(out));
}
