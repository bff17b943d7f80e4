/** The SDK retry policy we install: what is retried, how long it waits (full jitter), and the retry quota. */
import { describe, expect, test } from '@jest/globals';
import type { RetryErrorInfo, StandardRetryToken } from '@smithy/types';
import { JitteredRetry } from '../../src/aws/retry.js';

function strategy(maxAttempts: number, random = 0.5) {
  const slept: number[] = [];
  const retry = new JitteredRetry(
    maxAttempts,
    () => random,
    async (ms) => {
      slept.push(ms);
    },
    () => 0
  );
  return { retry, slept };
}

const info = (errorType: RetryErrorInfo['errorType'], retryAfterHint?: Date): RetryErrorInfo => ({
  errorType,
  ...(retryAfterHint ? { retryAfterHint } : {})
});

/** Retries until the strategy refuses; returns how many attempts that allowed. */
async function attemptsAllowed(retry: JitteredRetry, errorType: RetryErrorInfo['errorType']): Promise<number> {
  let token: StandardRetryToken = await retry.acquireInitialRetryToken();
  let attempts = 1;
  for (;;) {
    try {
      token = await retry.refreshRetryTokenForRetry(token, info(errorType));
      attempts += 1;
    } catch {
      return attempts;
    }
  }
}

describe('JitteredRetry', () => {
  test.each([
    ['THROTTLING', 8],
    ['TRANSIENT', 8],
    // Access denied, validation, not found: the SDK classifies them CLIENT_ERROR. Never retried.
    ['CLIENT_ERROR', 1],
    ['SERVER_ERROR', 1]
  ] as const)('%s: %i attempt(s) in all with maxAttempts 8', async (errorType, attempts) => {
    await expect(attemptsAllowed(strategy(8).retry, errorType)).resolves.toBe(attempts);
  });

  test('throttling backs off with full jitter from 1 s, doubling, capped at 20 s', async () => {
    const { retry, slept } = strategy(8, 0.5);
    await attemptsAllowed(retry, 'THROTTLING');
    expect(slept).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  test('transient errors back off from 50 ms', async () => {
    const { retry, slept } = strategy(4, 0.999);
    await attemptsAllowed(retry, 'TRANSIENT');
    expect(slept).toEqual([49, 99, 199]);
  });

  test('a Retry-After hint lengthens the wait by at most 5 s', () => {
    const { retry } = strategy(8, 0.5);
    expect(retry.delay(0, true, new Date(3_000))).toBe(3_000);
    expect(retry.delay(0, true, new Date(60_000))).toBe(5_500);
  });

  test('the sleep is done by the strategy, so the SDK middleware does not sleep a second time', async () => {
    const { retry } = strategy(8);
    const token = await retry.refreshRetryTokenForRetry(await retry.acquireInitialRetryToken(), info('THROTTLING'));
    expect(token.getRetryDelay()).toBe(0);
    expect(token.getRetryCount()).toBe(1);
  });

  test('the retry quota runs out under sustained failure and refills on success', async () => {
    const { retry } = strategy(1_000);
    // 500 tokens, 14 per transient retry: 35 retries, then none.
    await expect(attemptsAllowed(retry, 'TRANSIENT')).resolves.toBe(36);
    await expect(attemptsAllowed(retry, 'TRANSIENT')).resolves.toBe(1);
    const ok = await retry.acquireInitialRetryToken();
    for (let i = 0; i < 14; i++) retry.recordSuccess(ok);
    await expect(attemptsAllowed(retry, 'TRANSIENT')).resolves.toBe(2);
  });
});
