/**
 * What a CodeDeploy deployment saves for the post step and `ecs-rollout rollback`: enough to
 * find the deployment (even when CreateDeployment's answer was lost), stop it with rollback
 * and verify that production is back on the original task set.
 */
import type { DeployContext } from '../types.js';

export const CODEDEPLOY_STATE_KEY = 'codedeploy';

/**
 * - starting: saved before CreateDeployment; the deployment may or may not exist.
 * - deploying: CodeDeploy runs our deployment (its id is saved).
 * - rolling-back: we stopped it with rollback, or CodeDeploy is rolling it back.
 * - done / rolled-back: nothing left to do.
 */
export type CodeDeployPhase = 'starting' | 'deploying' | 'rolling-back' | 'done' | 'rolled-back';

export interface CodeDeployState {
  cluster: string;
  service: string;
  application: string;
  group: string;
  taskDefinitionArn: string;
  previousTaskDefinitionArn: string;
  /** The sha256 of the AppSpec we send: how a deployment whose creation answer was lost is recognised as ours. */
  appSpecSha256: string;
  /** The group's last attempted deployment before ours: never ours. */
  previousDeploymentId?: string;
  deploymentId?: string;
  prodListener: string;
  /** Target group names: blue served production before; green receives the new revision. */
  targetGroups: { blue: string; green: string };
  pollIntervalMs: number;
  /** How long a rollback may take before we say it has not finished. */
  timeoutMs: number;
  phase: CodeDeployPhase;
}

export function saveCodeDeployState(ctx: Pick<DeployContext, 'state'>, state: CodeDeployState, phase: CodeDeployPhase): void {
  state.phase = phase;
  ctx.state.save(CODEDEPLOY_STATE_KEY, state);
}

export function needsCodeDeployRecovery(saved: CodeDeployState | undefined): saved is CodeDeployState {
  return saved !== undefined && saved.phase !== 'done' && saved.phase !== 'rolled-back';
}
