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
      const handle = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    })
};
