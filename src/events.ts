import type { Location } from './errors.js';

/** The phases of a run; each is one log group and one row of the summary. */
export type Phase =
  | 'render'
  | 'lock'
  | 'register'
  | 'migrate'
  | 'deploy'
  | 'discover'
  | 'prepare'
  | 'gates'
  | 'shift'
  | 'bake'
  | 'promote'
  | 'rollback'
  | 'cleanup';

export type DeployStatus = 'succeeded' | 'rolled-back' | 'failed';
export type GatePhase = 'pass' | 'fail' | 'inconclusive';

/** Typed events the core emits; adapters turn them into logs, outputs, summaries and deployment statuses. */
export type RolloutEvent =
  | { kind: 'phase-started'; phase: Phase; title: string; at: number }
  | { kind: 'phase-finished'; phase: Phase; ok: boolean; at: number }
  | { kind: 'rendered'; file?: string; family: string }
  | { kind: 'registered'; arn: string; reused: boolean }
  | { kind: 'progress'; service: string; line: string; at: number }
  | { kind: 'service-event'; service: string; message: string; createdAt: Date }
  | { kind: 'weights'; weights: Record<string, number>; verified: boolean; at: number }
  /** Running tasks per revision (`web:5`) of one service, at a poll where they changed: the rolling chart. */
  | { kind: 'tasks'; service: string; running: Record<string, number>; at: number }
  | { kind: 'gate'; gate: string; phase: GatePhase; reason: string; at: number }
  | { kind: 'evidence'; title: string; lines: string[]; link?: { label: string; url: string } }
  /** `headline`: the one-sentence verdict, root cause and where traffic is (failures only); `reason` is the full story. */
  | { kind: 'verdict'; status: DeployStatus; reason: string; headline?: string; at: number };

/**
 * The core's only way to talk to the outside world. The GitHub adapter maps it onto
 * `@actions/core`; the CLI onto the terminal; tests collect it.
 */
export interface Reporter {
  info(message: string): void;
  notice(message: string, where?: Location): void;
  warning(message: string, where?: Location): void;
  /** Runs `fn` inside one log group; emits phase-started / phase-finished. */
  phase<T>(phase: Phase, title: string, fn: () => Promise<T>): Promise<T>;
  event(event: RolloutEvent): void;
  /** Registers a value that must never reach a log, summary or output. */
  secret(value: string): void;
}

/** Running tasks per revision (`web:5`) of a service's deployments; two deployments of one revision add up. */
export function runningByRevision(
  deployments: ReadonlyArray<{ taskDefinition?: string | undefined; runningCount?: number | undefined }>
): Record<string, number> {
  const running: Record<string, number> = {};
  for (const d of deployments) {
    const revision = d.taskDefinition?.split('/').pop() ?? '?';
    running[revision] = (running[revision] ?? 0) + (d.runningCount ?? 0);
  }
  return running;
}

/** Milliseconds on a monotonic clock since the process started: our own waits never use wall-clock time. */
export function monotonicNow(): number {
  return performance.now();
}

/** The phase-started / phase-finished bracket every reporter puts around a phase. */
export async function inPhase<T>(emit: (event: RolloutEvent) => void, phase: Phase, title: string, fn: () => Promise<T>): Promise<T> {
  emit({ kind: 'phase-started', phase, title, at: monotonicNow() });
  let ok = false;
  try {
    const result = await fn();
    ok = true;
    return result;
  } finally {
    emit({ kind: 'phase-finished', phase, ok, at: monotonicNow() });
  }
}

/** A reporter that records everything: for tests and for building summaries. */
export class RecordingReporter implements Reporter {
  readonly lines: string[] = [];
  readonly events: RolloutEvent[] = [];
  readonly secrets: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  notice(message: string): void {
    this.lines.push(`notice: ${message}`);
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
  phase<T>(phase: Phase, title: string, fn: () => Promise<T>): Promise<T> {
    return inPhase((e) => this.event(e), phase, title, fn);
  }
  event(event: RolloutEvent): void {
    this.events.push(event);
  }
  secret(value: string): void {
    this.secrets.push(value);
  }
}
