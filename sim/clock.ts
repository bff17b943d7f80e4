/**
 * The sim's clock: starts at the real time of creation and runs `timeScale` times
 * faster than real time, so a ten-minute deployment can pass in seconds. Changing
 * the scale re-anchors, so simulated time never jumps backwards or skips.
 */
import type { SimClock } from './types.js';

export class ScaledClock implements SimClock {
  private anchorReal: number;
  private anchorSim: number;
  private scale: number;

  constructor(
    timeScale = 1,
    private readonly realNow: () => number = Date.now
  ) {
    this.anchorReal = realNow();
    this.anchorSim = this.anchorReal;
    this.scale = timeScale;
  }

  now(): number {
    return this.anchorSim + (this.realNow() - this.anchorReal) * this.scale;
  }

  get timeScale(): number {
    return this.scale;
  }

  setTimeScale(scale: number): void {
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`time scale must be a finite number >= 0, got ${scale}`);
    this.reanchor();
    this.scale = scale;
  }

  /** Jumps simulated time forward by `ms` (the models catch up on their next tick). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`can only advance by a positive number of milliseconds, got ${ms}`);
    this.reanchor();
    this.anchorSim += ms;
  }

  private reanchor(): void {
    const real = this.realNow();
    this.anchorSim = this.anchorSim + (real - this.anchorReal) * this.scale;
    this.anchorReal = real;
  }
}
