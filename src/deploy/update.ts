/**
 * UpdateService with its answer checked against the service itself: when the answer is
 * lost (a reset connection, a timeout after ECS applied it), the service is read back, so
 * a deployment that did start is watched (and rolled back if need be) rather than
 * reported as "nothing was changed" while it rolls out unwatched.
 */
import type { Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { errorMessage } from '../errors.js';
import type { DeployContext } from './types.js';
import { revision } from './verdict.js';
import { describeService } from './watch.js';

export type UpdateOutcome =
  | { kind: 'updated'; deploymentId?: string }
  /** The call failed and the service, read back, shows no deployment of ours. */
  | { kind: 'unchanged'; reason: string }
  /** The call failed and the service could not be read back: it may be deploying. */
  | { kind: 'unknown'; reason: string };

export async function applyUpdate(
  ctx: Pick<DeployContext, 'aws' | 'reporter'>,
  input: UpdateServiceCommandInput,
  before: Service,
  taskDefinitionArn: string
): Promise<UpdateOutcome> {
  try {
    const updated = await ctx.aws.ecs.updateService(input);
    const deploymentId = ourDeploymentId(updated, taskDefinitionArn);
    return deploymentId ? { kind: 'updated', deploymentId } : { kind: 'updated' };
  } catch (error) {
    const name = input.service ?? '?';
    let now: Service;
    try {
      now = await describeService(ctx, input.cluster ?? 'default', name);
    } catch (readError) {
      return {
        kind: 'unknown',
        reason: `${errorMessage(error)}; reading service ${name} back failed too (${errorMessage(readError)}), so the update may have been applied`
      };
    }
    const known = new Set((before.deployments ?? []).map((d) => d.id));
    const started = (now.deployments ?? []).find(
      (d) => d.status === 'PRIMARY' && d.taskDefinition === taskDefinitionArn && !known.has(d.id)
    );
    if (!started) return { kind: 'unchanged', reason: errorMessage(error) };
    ctx.reporter.warning(
      `UpdateService's answer was lost (${errorMessage(error)}), but service ${name} is deploying ${revision(taskDefinitionArn)} (deployment ${started.id}): watching it`
    );
    return started.id ? { kind: 'updated', deploymentId: started.id } : { kind: 'updated' };
  }
}

/** The deployment UpdateService created: the new PRIMARY on our revision. */
export function ourDeploymentId(updated: Service, taskDefinitionArn: string): string | undefined {
  const primaries = (updated.deployments ?? []).filter((d) => d.status === 'PRIMARY');
  return (primaries.find((d) => d.taskDefinition === taskDefinitionArn) ?? primaries[0])?.id;
}
