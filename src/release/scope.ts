/**
 * One service's view of a release run: its log lines prefixed with its name (services of a
 * wave deploy side by side in one log), its own events (for its row of the summary) and its
 * own saved state, so each service's strategy saves and recovers exactly as a run of one.
 */
import type { Location } from '../errors.js';
import { inPhase, monotonicNow, type Phase, type Reporter, type RolloutEvent } from '../events.js';
import type { StateStore } from '../deploy/types.js';

export class ServiceReporter implements Reporter {
  readonly events: RolloutEvent[] = [];

  constructor(
    private readonly base: Reporter,
    readonly service: string
  ) {}

  info(message: string): void {
    this.base.info(this.prefix(message));
  }
  notice(message: string, where?: Location): void {
    this.base.notice(this.prefix(message), where);
  }
  warning(message: string, where?: Location): void {
    this.base.warning(this.prefix(message), where);
  }
  /** Not a log group of its own (the runner cannot nest them, and services of a wave interleave): a header line. */
  async phase<T>(phase: Phase, title: string, fn: () => Promise<T>): Promise<T> {
    this.base.info(this.prefix(`── ${title}`));
    const started = monotonicNow();
    let ok = false;
    try {
      const value = await inPhase((e) => this.event(e), phase, title, fn);
      ok = true;
      return value;
    } finally {
      if (!ok) this.base.info(this.prefix(`── ${title}: stopped after ${Math.round(monotonicNow() - started)} ms`));
    }
  }
  event(event: RolloutEvent): void {
    this.events.push(event);
  }
  secret(value: string): void {
    this.base.secret(value);
  }

  private prefix(message: string): string {
    return message
      .split('\n')
      .map((line) => `[${this.service}] ${line}`)
      .join('\n');
  }
}

/** The key prefix of a release's service in the run's state: each keeps its strategy's keys apart from the others'. */
export function serviceStateKey(index: number): string {
  return `release-${index}-`;
}

/** The run's state seen by one service: the same keys a run of one uses, under the service's own prefix. */
export function scopedState(base: StateStore, prefix: string): StateStore {
  return {
    save: (key, value) => base.save(`${prefix}${key}`, value),
    load: <T>(key: string): T | undefined => base.load<T>(`${prefix}${key}`)
  };
}
