/** Poll delays under throttling: the interval normally, jittered up to two intervals while throttled, back at once after. */
import { describe, expect, test } from '@jest/globals';
import { Backoff } from '../../src/aws/backoff.js';

/** A random source that plays back the given values. */
function playback(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('Backoff', () => {
  test('without throttling every delay is the poll interval', () => {
    const b = new Backoff(1_000, playback(0.99));
    expect([b.next(false), b.next(false), b.next(false)]).toEqual([1_000, 1_000, 1_000]);
  });

  test.each([
    // random, delays over five throttled rounds in a row
    [0, [1_000, 1_000, 1_000, 1_000, 1_000]],
    [0.5, [1_125, 1_250, 1_500, 1_500, 1_500]],
    [0.999, [1_249, 1_499, 1_999, 1_999, 1_999]]
  ])('throttled rounds stretch the delay with full jitter, never past two intervals (random %p)', (random, delays) => {
    const b = new Backoff(1_000, playback(random));
    expect(Array.from({ length: 5 }, () => b.next(true))).toEqual(delays);
  });

  test('one unthrottled round brings the delay back to the interval and restarts the growth', () => {
    const b = new Backoff(2_000, playback(0.999));
    b.next(true);
    b.next(true);
    expect(b.next(true)).toBe(3_998);
    expect(b.throttledRounds).toBe(3);
    expect(b.next(false)).toBe(2_000);
    expect(b.throttledRounds).toBe(0);
    expect(b.next(true)).toBe(2_499);
  });

  test('many throttled rounds with real randomness stay within [interval, 2 × interval)', () => {
    const b = new Backoff(300);
    for (let i = 0; i < 1_000; i++) {
      const d = b.next(true);
      expect(d).toBeGreaterThanOrEqual(300);
      expect(d).toBeLessThan(600);
    }
  });

  test('a poll interval that is not a positive number is refused', () => {
    expect(() => new Backoff(0)).toThrow('the poll interval must be a positive number of milliseconds, not 0');
    expect(() => new Backoff(Number.NaN)).toThrow(RangeError);
  });
});
