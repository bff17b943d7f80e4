/** Inputs that keep a deployment safe under real CI: the per-call AWS deadline and the deployment lock. */
import { InputError } from './errors.js';
import type { Inputs } from './inputs.js';

export interface LockSettings {
  /** DynamoDB table holding the locks. */
  table: string;
  /** How long to wait for a lock another run holds; 0 fails at once. */
  timeoutMs: number;
  /** How long our heartbeat may stand still before a waiter takes the lock over. */
  leaseMs: number;
  /** Deadline of one lock call: a third of the lease, so one slow heartbeat leaves room for two more. */
  callTimeoutMs: number;
}

export interface SafetySettings {
  /** Deadline of one AWS call, its retries included. */
  callTimeoutMs: number;
  /** Absent with `lock: false`. */
  lock?: LockSettings;
}

/** DynamoDB table names: 3–255 of letters, digits, `_`, `-` and `.`. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * The lease: twelve polls (a minute at the default 5 s), and never under 10 s, so a busy
 * runner or a throttled DynamoDB cannot lose it between three heartbeats; waiters need no
 * input for it, they read it from the lock.
 */
export function leaseFor(pollIntervalMs: number): number {
  return Math.max(12 * pollIntervalMs, 10_000);
}

export function readSafetySettings(inputs: Inputs, deployment: { timeoutMs: number; pollIntervalMs: number }): SafetySettings {
  const deploymentTimeoutMs = deployment.timeoutMs;
  const callTimeoutMs = inputs.duration('call-timeout', '30s', { positive: true, zeroFix: 'use a duration above zero, e.g. 30s' });
  if (!inputs.bool('lock', true)) return { callTimeoutMs };
  const table = inputs.string('lock-table') ?? 'ecs-rollout-locks';
  if (!TABLE_NAME.test(table)) {
    throw new InputError(
      `${inputs.label('lock-table')} is "${table}"`,
      {},
      'use a DynamoDB table name: 3 to 255 letters, digits, _, - and .'
    );
  }
  const timeoutMs = inputs.string('lock-timeout') === undefined ? deploymentTimeoutMs : inputs.duration('lock-timeout', '0');
  const leaseMs = leaseFor(deployment.pollIntervalMs);
  return { callTimeoutMs, lock: { table, timeoutMs, leaseMs, callTimeoutMs: Math.min(10_000, Math.floor(leaseMs / 3)) } };
}
