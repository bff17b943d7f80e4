/**
 * Pure: the deploymentConfiguration ecs-rollout sends with the new revision. The service's
 * own configuration is kept; the inputs set the strategy and its bake times; one PAUSE hook
 * of ours holds ECS at every stage where a gate decides, with a timeout whose action is
 * ROLLBACK, so a runner that dies at a pause still leaves ECS rolling back on its own.
 */
import type { DeploymentConfiguration, DeploymentLifecycleHook, DeploymentLifecycleHookStage } from '@aws-sdk/client-ecs';
import type { NativeSettings, NativeStrategyName } from './settings.js';

/**
 * Where our gates run. PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or
 * PRODUCTION_TRAFFIC_SHIFT (API reference, DeploymentLifecycleHook.lifecycleStages);
 * PRE_PRODUCTION_TRAFFIC_SHIFT is invoked before every step of a linear or canary deployment.
 */
export const PAUSE_STAGES: readonly DeploymentLifecycleHookStage[] = [
  'POST_SCALE_UP',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT'
];

/** ECS accepts hook timeouts up to a day (the default, 1440 minutes). */
const MAX_HOOK_MINUTES = 1440;

/** The strategies in which ECS shifts a listener rule between two target groups (and runs lifecycle stages). */
export function shiftsTraffic(strategy: NativeStrategyName): boolean {
  return strategy !== 'ROLLING';
}

/** The strategy this deployment runs: the input's, else the service's, else ECS's default. */
export function effectiveStrategy(current: DeploymentConfiguration | undefined, settings: NativeSettings): NativeStrategyName {
  return settings.strategy ?? current?.strategy ?? 'ROLLING';
}

/**
 * Our pauses last at least this long: the timeout is the last resort for a runner that died
 * with its post step, not a gate, and must never cut short a live runner's gates.
 */
const MIN_HOOK_MINUTES = 30;

/**
 * How long ECS holds one of our pauses before rolling back by itself: what the deployment may
 * take (timeout plus ECS's bakes) in whole minutes plus one (at least 30), so a live runner
 * always answers first and a dead one never leaves a deployment paused for ECS's default day.
 */
export function hookTimeoutMinutes(deploymentMs: number): number {
  return Math.min(MAX_HOOK_MINUTES, Math.max(MIN_HOOK_MINUTES, Math.ceil(deploymentMs / 60_000) + 1));
}

export function ourPauseHook(timeoutInMinutes: number): DeploymentLifecycleHook {
  return {
    targetType: 'PAUSE',
    lifecycleStages: [...PAUSE_STAGES],
    timeoutConfiguration: { timeoutInMinutes, action: 'ROLLBACK' }
  };
}

/** The service's own PAUSE hooks: ECS names none of them, so ours could not be told apart at a pause. */
export function ownPauseHooks(current: DeploymentConfiguration | undefined): DeploymentLifecycleHook[] {
  return (current?.lifecycleHooks ?? []).filter((h) => h.targetType === 'PAUSE');
}

export function planConfiguration(
  current: DeploymentConfiguration | undefined,
  settings: NativeSettings,
  o: { hookTimeoutMinutes: number }
): DeploymentConfiguration {
  const strategy = effectiveStrategy(current, settings);
  const out: DeploymentConfiguration = { ...(current ?? {}), strategy };
  if (settings.bakeTimeInMinutes !== undefined) out.bakeTimeInMinutes = settings.bakeTimeInMinutes;
  if (strategy === 'LINEAR' && settings.linear) out.linearConfiguration = { ...(current?.linearConfiguration ?? {}), ...settings.linear };
  if (strategy === 'CANARY' && settings.canary) out.canaryConfiguration = { ...(current?.canaryConfiguration ?? {}), ...settings.canary };
  // Lifecycle stages belong to the strategies that shift traffic; a native rolling update is watched, not paused.
  if (shiftsTraffic(strategy)) out.lifecycleHooks = [...(current?.lifecycleHooks ?? []), ourPauseHook(o.hookTimeoutMinutes)];
  return out;
}

/** The fields this deployment may change, so that they can be put back as they were. */
const OWNED = ['strategy', 'bakeTimeInMinutes', 'linearConfiguration', 'canaryConfiguration', 'lifecycleHooks'] as const;

/**
 * The configuration to put back afterwards: what the service has now, with every field we
 * may have changed as it was before. An empty hook list clears ours when the service had none.
 */
export function restoredConfiguration(
  now: DeploymentConfiguration | undefined,
  original: DeploymentConfiguration | undefined
): DeploymentConfiguration {
  const out: DeploymentConfiguration = { ...(now ?? {}) };
  for (const key of OWNED) delete out[key];
  const before = original ?? {};
  if (before.strategy !== undefined) out.strategy = before.strategy;
  if (before.bakeTimeInMinutes !== undefined) out.bakeTimeInMinutes = before.bakeTimeInMinutes;
  if (before.linearConfiguration !== undefined) out.linearConfiguration = before.linearConfiguration;
  if (before.canaryConfiguration !== undefined) out.canaryConfiguration = before.canaryConfiguration;
  out.lifecycleHooks = before.lifecycleHooks ?? [];
  return out;
}

/** Whether the service still carries anything of ours (our hook, the inputs' strategy or bake times). */
export function needsRestore(now: DeploymentConfiguration | undefined, original: DeploymentConfiguration | undefined): boolean {
  const pick = (c: DeploymentConfiguration | undefined): string =>
    JSON.stringify(OWNED.map((k) => (k === 'lifecycleHooks' ? (c?.lifecycleHooks ?? []) : (c?.[k] ?? null))));
  return pick(now) !== pick(original);
}
