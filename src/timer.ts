/**
 * Our own waits: a monotonic clock and sleeps that end early on cancellation.
 * Never compared with timestamps AWS returns (runner clocks skew; the local ECS runs a compressed clock).
 */
export interface Timer {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (without throwing: callers check `signal.aborted`). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2_147_483_647;

export const realTimer: Timer = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(handle);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // setTimeout turns anything above 2^31-1 ms into 1 ms: a computed wait must never poll in a loop.
      const handle = setTimeout(done, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      signal?.addEventListener('abort', done, { once: true });
    })
};
