/** Deadlines and abort signals for AWS calls: every call ends on time, whatever the SDK or the network is doing. */
import type { FinalizeRequestMiddleware, HandlerExecutionContext } from '@smithy/types';
import { errorMessage } from '../errors.js';
import { ABORT, AwsCallError, TIMEOUT, awsErrorCode } from './errors.js';

/** What bounds one logical call (all its pages and the SDK's retries of each). */
export interface CallLimits {
  timeoutMs: number;
  /** Any of these aborting abandons the call at once. */
  signals: readonly AbortSignal[];
}

/** Failure notes of the calls in flight, keyed by the abort signal each one hands to the SDK. */
const inFlight = new WeakMap<AbortSignal, (error: unknown) => void>();

/**
 * A middleware inside the SDK's retry loop that notes each failed attempt for the call it
 * belongs to, so a call that runs out of time says what AWS last answered (e.g. that it was
 * throttled) instead of only "no answer".
 */
export function noteFailedAttempts<I extends object, O extends object>(): FinalizeRequestMiddleware<I, O> {
  return (next, context: HandlerExecutionContext) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      const signal = context.__smithy_context?.abortSignal;
      if (signal instanceof AbortSignal) inFlight.get(signal)?.(error);
      throw error;
    }
  };
}

export const noteFailedAttemptsOptions = {
  step: 'finalizeRequest',
  priority: 'low',
  name: 'ecsRolloutNoteFailedAttempts'
} as const;

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function timeoutError(action: string, timeoutMs: number, lastFailure: unknown): AwsCallError {
  const last = lastFailure === undefined ? '' : `; the last attempt failed with ${awsErrorCode(lastFailure)}: ${errorMessage(lastFailure)}`;
  return new AwsCallError(
    action,
    TIMEOUT,
    `AWS did not answer within ${seconds(timeoutMs)} (the deadline of one call, retries included)${last}`
  );
}

function abortError(action: string, signal: AbortSignal): AwsCallError {
  return new AwsCallError(action, ABORT, `abandoned before AWS answered: ${errorMessage(signal.reason)}`, signal.reason);
}

/**
 * Runs `body` with a signal that aborts at the deadline or when any of `limits.signals` does,
 * and settles as soon as that happens even if the SDK is still inside a retry back-off or a
 * socket never answers (the SDK's abort handling is raced, not trusted). The body's later
 * settlement is swallowed, and the timer is cleared, so nothing dangles.
 * Every SDK client built with JitteredRetry must be called through this.
 */
export async function withinLimits<T>(action: string, limits: CallLimits, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  for (const outer of limits.signals) if (outer.aborted) throw abortError(action, outer);
  const controller = new AbortController();
  const { signal } = controller;
  let lastFailure: unknown;
  inFlight.set(signal, (error) => (lastFailure = error));

  let stop: (reason: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  const end = (reason: AwsCallError): void => {
    if (signal.aborted) return;
    // Settle first: the SDK reacts to the abort too, and its error must not win the race.
    stop(reason);
    controller.abort(reason);
  };
  // Referenced on purpose: while a call is wanted, its deadline keeps the process alive (the
  // SDK's back-off sleeps do not: retry.ts), and it is cleared the moment the call settles or is
  // abandoned, so an abandoned call never holds the process.
  const timer = setTimeout(() => end(timeoutError(action, limits.timeoutMs, lastFailure)), limits.timeoutMs);
  const listeners = limits.signals.map((outer) => {
    const listener = (): void => end(abortError(action, outer));
    outer.addEventListener('abort', listener, { once: true });
    return { outer, listener };
  });

  const work = body(signal);
  // The loser of the race settles later (or never); that is not an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, stopped]);
  } catch (error) {
    if (signal.aborted && signal.reason instanceof AwsCallError) throw signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    for (const { outer, listener } of listeners) outer.removeEventListener('abort', listener);
    inFlight.delete(signal);
  }
}
