import type { Aws } from '../aws/clients.js';
import type { LockStore } from '../aws/dynamodb.js';
import type { DeployStatus, Reporter } from '../events.js';
import type { Timer } from '../timer.js';
import type { EvidenceOptions } from './evidence.js';

/**
 * What a strategy saves so that the post step can finish a rollback if the main step
 * dies. The action maps it onto core.saveState / getState; the CLI onto a file.
 */
export interface StateStore {
  save(key: string, value: unknown): void;
  load<T>(key: string): T | undefined;
}

export interface DeployContext {
  aws: Aws;
  reporter: Reporter;
  timer: Timer;
  /** Aborted on SIGINT/SIGTERM (a cancelled workflow): stop waiting and roll back. */
  signal: AbortSignal;
  state: StateStore;
  /** Where deployment locks live; absent, runs deploy without one (unit tests). */
  locks?: LockStore;
  /** How much a failure report shows (container log lines); defaults apply when absent. */
  evidence?: EvidenceOptions;
}

export interface DeployResult {
  status: DeployStatus;
  /** Human-readable reason; for failures this is the step's failure message. */
  reason: string;
  /** Failures: one sentence (≤ 160 characters) with the verdict, the root cause and where traffic is; the `reason` output. */
  headline?: string;
  taskDefinitionArn: string;
  previousTaskDefinitionArn?: string;
  deploymentId?: string;
  rolledBack: boolean;
  /** Strategy-specific outputs (e.g. live-service, traffic, steps-completed), by output name. */
  outputs: Record<string, string>;
}
