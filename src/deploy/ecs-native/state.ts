/**
 * What a native deployment saves for the post step and `ecs-rollout rollback`: enough to find
 * ECS's service deployment (even when UpdateService's answer was lost), roll it back, verify
 * production and put the service's own deployment configuration back.
 */
import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import type { ColourMap } from '../colours.js';
import type { DeployContext } from '../types.js';
import type { NativeStrategyName } from './settings.js';

export const NATIVE_STATE_KEY = 'ecs-native';

/**
 * - starting: saved before UpdateService; the deployment may or may not exist.
 * - deploying: ECS runs our deployment (its ARN is saved).
 * - rolling-back: we asked ECS to roll back.
 * - restoring: the deployment ended; the service may still carry our hook.
 * - done / rolled-back: nothing left to do.
 */
export type NativePhase = 'starting' | 'deploying' | 'rolling-back' | 'restoring' | 'done' | 'rolled-back';

export interface NativeState {
  cluster: string;
  service: string;
  strategy: NativeStrategyName;
  taskDefinitionArn: string;
  previousTaskDefinitionArn: string;
  /** The service's current deployment before ours: a current deployment with another ARN on our revision is ours. */
  previousDeploymentArn?: string;
  /** ECS's service deployment ARN, once known. */
  serviceDeploymentArn?: string | undefined;
  /** The service's deploymentConfiguration before we changed it. */
  originalConfiguration?: DeploymentConfiguration;
  /** For the strategies that shift traffic: the rule production traffic takes, and the target groups. */
  productionRule?: string;
  testRule?: string;
  /** blue: the target group that served production before; green: the one the new revision registers in. */
  targetGroups?: ColourMap<string>;
  pollIntervalMs: number;
  /** How long a rollback may take before we say it has not finished. */
  timeoutMs: number;
  phase: NativePhase;
}

export function saveNativeState(ctx: Pick<DeployContext, 'state'>, state: NativeState, phase: NativePhase): void {
  state.phase = phase;
  ctx.state.save(NATIVE_STATE_KEY, state);
}

export function needsNativeRecovery(saved: NativeState | undefined): saved is NativeState {
  return saved !== undefined && saved.phase !== 'done' && saved.phase !== 'rolled-back';
}
