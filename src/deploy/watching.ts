/**
 * Pieces both strategies use while they watch a deployment: gate labels, failure
 * evidence, the cancellation reason, and phases whose failure is a value.
 */
import type { GatePhase, Phase, Reporter } from '../events.js';
import { reportEvidence } from './evidence.js';
import type { DeployContext } from './types.js';
import type { ServiceWatcher } from './watch.js';

export function gateLabel(phase: GatePhase): string {
  return phase === 'pass' ? 'passes:' : phase === 'fail' ? 'FAILS:' : 'inconclusive:';
}

/** Reports the evidence (events since we started, stopped tasks, target health) for a service the watcher has seen. */
export async function explain(
  ctx: DeployContext,
  cluster: string,
  watcher: ServiceWatcher,
  name: string,
  ours: { taskDefinitionArn: string; deploymentId?: string }
): Promise<void> {
  const service = watcher.latest.get(name);
  if (!service) return;
  const sinceEventId = watcher.anchorEventId(name);
  await reportEvidence(ctx, {
    cluster,
    service,
    taskDefinitionArn: ours.taskDefinitionArn,
    ...(ours.deploymentId ? { deploymentId: ours.deploymentId } : {}),
    ...(sinceEventId ? { sinceEventId } : {})
  });
}

/** "SIGINT" from the cancellation signal's reason ("cancelled (SIGINT)"). */
export function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  const text = r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
  return text.replace(/^cancelled \((.*)\)$/, '$1');
}

/**
 * Runs a phase whose failure is a value, not an exception, and still marks the phase as
 * failed in the log group and summary (phase-finished ok: false).
 */
export async function outcomePhase<T>(reporter: Reporter, phase: Phase, title: string, fn: () => Promise<{ ok: boolean; value: T }>): Promise<T> {
  const failedSignal = new Error('phase failed');
  let failed: { value: T } | undefined;
  try {
    return await reporter.phase(phase, title, async () => {
      const r = await fn();
      if (!r.ok) {
        failed = { value: r.value };
        throw failedSignal;
      }
      return r.value;
    });
  } catch (error) {
    if (error === failedSignal && failed) return failed.value;
    throw error;
  }
}
