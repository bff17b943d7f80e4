/**
 * One cancellation signal for the whole run. A cancelled workflow sends SIGINT, then
 * SIGTERM a few seconds later, then kills: the first signal aborts every wait so the
 * rollback starts at once; later signals are ignored so the rollback can finish.
 */
export function cancellationOnSignals(onSignal?: (signal: string) => void): AbortController {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      onSignal?.(signal);
      controller.abort(new Error(`cancelled (${signal})`));
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return controller;
}
