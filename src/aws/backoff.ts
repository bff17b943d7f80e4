/**
 * The delay before the next poll: the poll interval, stretched with full jitter while AWS
 * throttles us (so many runners polling one account spread out instead of retrying in step),
 * but never beyond two poll intervals, so throttling cannot hide a failing gate for long.
 */
export class Backoff {
  private streak = 0;

  constructor(
    private readonly pollIntervalMs: number,
    private readonly random: () => number = Math.random
  ) {
    if (!(pollIntervalMs > 0) || !Number.isFinite(pollIntervalMs)) {
      throw new RangeError(`the poll interval must be a positive number of milliseconds, not ${pollIntervalMs}`);
    }
  }

  /**
   * The next poll delay. `throttled`: the last round's calls were throttled (see `isThrottle`).
   * Unthrottled: the poll interval, and the streak is forgotten. Throttled: the poll interval
   * plus a uniformly random extra whose ceiling doubles with each throttled round in a row
   * (¼, ½, then a whole interval), so the delay stays within [interval, 2 × interval].
   */
  next(throttled: boolean): number {
    if (!throttled) {
      this.streak = 0;
      return this.pollIntervalMs;
    }
    this.streak += 1;
    const ceiling = Math.min(this.pollIntervalMs, (this.pollIntervalMs / 4) * 2 ** (this.streak - 1));
    return this.pollIntervalMs + Math.floor(this.random() * ceiling);
  }

  /** Throttled rounds in a row so far (0 after a round that was not throttled). */
  get throttledRounds(): number {
    return this.streak;
  }
}
