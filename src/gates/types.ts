import type { GatePhase } from '../events.js';

/** One observation-based check; its verdict comes from a pure analysis of what it observed. */
export interface GateResult {
  phase: GatePhase;
  /** e.g. "alarm web-cpu is ALARM: Threshold Crossed: 1 out of the last 1 datapoints [95.2] was greater than the threshold (80.0)" */
  reason: string;
}

export interface Gate {
  readonly name: string;
  check(): Promise<GateResult>;
}
