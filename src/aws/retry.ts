/**
 * The SDK's standard retry policy (retry throttling and transient errors with full-jitter
 * exponential back-off and a retry quota; never access-denied or validation errors), with
 * one difference: its back-off sleeps do not keep the process alive. The SDK's own strategy
 * sleeps on a referenced timer that outlives an aborted call by up to 20 s, so a cancelled
 * run could not exit while a throttled call was backing off. Call clients that use it through
 * `withinLimits` (deadline.ts): its deadline timer keeps node alive while a call is in flight.
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

/** Back-off bases of the SDK's standard mode (@smithy/core retry, 2026 defaults). */
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 20_000;
/** The retry quota: a client that keeps failing stops retrying instead of multiplying the load. */
const INITIAL_CAPACITY = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;

class Token implements StandardRetryToken {
  constructor(
    private readonly count: number,
    private readonly cost: number | undefined
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  /** The sleep already happened in refreshRetryTokenForRetry; the middleware must not sleep again. */
  getRetryDelay(): number {
    return 0;
  }
  getRetryCost(): number | undefined {
    return this.cost;
  }
}

export type Sleep = (ms: number) => Promise<void>;

const unrefSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

export class JitteredRetry implements RetryStrategyV2 {
  readonly mode = 'standard';
  private capacity = INITIAL_CAPACITY;

  constructor(
    private readonly maxAttempts: number,
    private readonly random: () => number = Math.random,
    private readonly sleep: Sleep = unrefSleep,
    private readonly now: () => number = Date.now
  ) {}

  acquireInitialRetryToken(): Promise<Token> {
    return Promise.resolve(new Token(0, undefined));
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, info: RetryErrorInfo): Promise<Token> {
    const throttled = info.errorType === 'THROTTLING';
    const cost = throttled ? THROTTLING_RETRY_COST : RETRY_COST;
    const retryable = throttled || info.errorType === 'TRANSIENT';
    const attempts = token.getRetryCount() + 1;
    if (!retryable || attempts >= this.maxAttempts || this.capacity < cost) {
      // The SDK's retry middleware then rethrows the call's own error.
      throw new Error('no retry token available');
    }
    this.capacity -= cost;
    await this.sleep(this.delay(token.getRetryCount(), throttled, info.retryAfterHint));
    return new Token(attempts, cost);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.capacity = Math.min(INITIAL_CAPACITY, this.capacity + (token.getRetryCost() ?? NO_RETRY_INCREMENT));
  }

  /** Full jitter: uniform in [0, min(base·2^retry, 20 s)); a Retry-After hint may lengthen it by at most 5 s. */
  delay(retry: number, throttled: boolean, retryAfter?: Date): number {
    const base = throttled ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
    const jittered = Math.floor(this.random() * Math.min(base * 2 ** retry, MAX_DELAY_MS));
    if (!retryAfter) return jittered;
    return Math.max(jittered, Math.min(retryAfter.getTime() - this.now(), jittered + 5_000));
  }
}
