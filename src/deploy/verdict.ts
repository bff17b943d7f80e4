import type { Deployment, Service } from '@aws-sdk/client-ecs';

export type Verdict =
  | { kind: 'in-progress' }
  | { kind: 'succeeded' }
  | { kind: 'rolled-back-by-ecs'; reason: string }
  /** `rollBack`: whether the service should be put back on the previous revision by us. */
  | { kind: 'failed'; reason: string; rollBack: boolean };

/** Which deployment is ours: the PRIMARY that UpdateService answered with, on our revision. */
export interface OurDeployment {
  /** Undefined when UpdateService's answer had no deployments: then ours is recognised by revision alone. */
  deploymentId?: string;
  taskDefinitionArn: string;
  /** The revision the service ran before; tells an ECS rollback from someone else's deployment. */
  previousTaskDefinitionArn?: string;
}

/**
 * The honest verdict on one description of a service. Pure, so it can be table-tested.
 *
 * A service that is "stable" is not a success: after the circuit breaker rolled back, the
 * service is stable on the OLD revision. Success needs the PRIMARY to be our deployment.
 */
export function judge(service: Service, ours: OurDeployment): Verdict {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const mine = deployments.find((d) => isOurs(d, ours));

  if (mine?.rolloutState === 'FAILED') {
    const why = mine.rolloutStateReason ?? 'the deployment failed';
    if (primary && primary !== mine) return { kind: 'rolled-back-by-ecs', reason: rolledBackReason(primary, why) };
    // Still PRIMARY and FAILED: with rollback configured ECS is about to start the rollback deployment.
    if (service.deploymentConfiguration?.deploymentCircuitBreaker?.rollback) return { kind: 'rolled-back-by-ecs', reason: why };
    return { kind: 'failed', reason: why, rollBack: true };
  }
  if (!primary) return { kind: 'in-progress' };

  if (!isOurs(primary, ours)) {
    // ECS always makes the newest deployment PRIMARY, and ours was PRIMARY when created: this one is newer.
    if (primary.taskDefinition === ours.taskDefinitionArn) {
      return {
        kind: 'failed',
        reason: `another deployment of the same revision (${primary.id}) replaced ours (${ours.deploymentId}) while we watched`,
        rollBack: false
      };
    }
    const backToPrevious =
      ours.previousTaskDefinitionArn === undefined ||
      primary.taskDefinition === ours.previousTaskDefinitionArn ||
      /roll(ing|ed)? ?back/i.test(primary.rolloutStateReason ?? '');
    if (backToPrevious) return { kind: 'rolled-back-by-ecs', reason: rolledBackReason(primary, mine?.rolloutStateReason) };
    return {
      kind: 'failed',
      reason: `another deployment (${primary.id}, ${revision(primary.taskDefinition)}) replaced ours while we watched`,
      rollBack: false
    };
  }

  const running = primary.runningCount ?? 0;
  const desired = primary.desiredCount ?? 0;
  if (running !== desired) return { kind: 'in-progress' };
  if (primary.rolloutState !== undefined) return primary.rolloutState === 'COMPLETED' ? { kind: 'succeeded' } : { kind: 'in-progress' };
  // Services without rolloutState (e.g. behind a Classic Load Balancer): steady means our deployment is the only one left.
  return deployments.length === 1 ? { kind: 'succeeded' } : { kind: 'in-progress' };
}

function isOurs(d: Deployment, ours: OurDeployment): boolean {
  if (d.taskDefinition !== ours.taskDefinitionArn) return false;
  return ours.deploymentId === undefined ? d.status === 'PRIMARY' : d.id === ours.deploymentId;
}

function rolledBackReason(primary: Deployment, why: string | undefined): string {
  const back = `ECS rolled the service back to ${revision(primary.taskDefinition)} (deployment ${primary.id})`;
  const unique = [...new Set([why, primary.rolloutStateReason].filter((s): s is string => Boolean(s)))];
  return unique.length > 0 ? `${back}: ${unique.join('; ')}` : back;
}

/** `family:revision` from a task definition ARN, for messages. */
export function revision(taskDefinitionArn: string | undefined): string {
  if (!taskDefinitionArn) return 'an unknown revision';
  const slash = taskDefinitionArn.lastIndexOf('/');
  return slash >= 0 ? taskDefinitionArn.slice(slash + 1) : taskDefinitionArn;
}
