/**
 * Read-only checks before a native deployment: the service, its controller and strategy, its
 * load balancer's advanced configuration, the production rule's weights and no deployment in
 * progress. Every problem names the fix and says nothing was changed.
 */
import type { LoadBalancer, Service } from '@aws-sdk/client-ecs';
import { InputError } from '../../errors.js';
import { targetGroupName } from '../colours.js';
import type { DeploySettings } from '../settings.js';
import { formatWeights, readWeights, sameWeights } from '../traffic.js';
import type { DeployContext } from '../types.js';
import { describeService, nameOf } from '../watch.js';
import { effectiveStrategy, ownPauseHooks, shiftsTraffic } from './plan.js';
import type { NativeSettings, NativeStrategyName } from './settings.js';
import type { ColourMap } from '../colours.js';

export interface NativePlan {
  /** The service as described before anything changed. */
  service: Service;
  strategy: NativeStrategyName;
  /** For BLUE_GREEN / LINEAR / CANARY. */
  traffic?: {
    productionRule: string;
    testRule?: string;
    /** blue serves production now; green receives the new revision. */
    targetGroups: ColourMap<string>;
  };
}

/** Deployments of the service that are not finished. */
const UNFINISHED = ['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'] as const;

const nothing = '; nothing was changed';

export async function preflightNative(
  deploy: DeploySettings,
  native: NativeSettings,
  ctx: Pick<DeployContext, 'aws' | 'reporter' | 'timer'>
): Promise<NativePlan> {
  if (!deploy.service) throw new InputError('strategy ecs-native needs a service', {}, 'set the service input');
  const { cluster } = deploy;
  const service = await describeService(ctx, cluster, deploy.service);
  const name = nameOf(service);
  const type = service.deploymentController?.type ?? 'ECS';
  if (type !== 'ECS') {
    throw new Error(
      `service ${name} in cluster ${cluster} uses the ${type} deployment controller, and strategy ecs-native drives ECS's own deployments (controller ECS)${nothing}`
    );
  }
  const configured = service.deploymentConfiguration?.strategy;
  const strategy = effectiveStrategy(service.deploymentConfiguration, native);
  if (!native.strategy && (configured === undefined || configured === 'ROLLING')) {
    throw new InputError(
      `service ${name} in cluster ${cluster} has no ECS-native blue/green, linear or canary strategy configured (deploymentConfiguration.strategy is ${configured ?? 'not set, so ROLLING'})`,
      {},
      `set ecs-strategy (BLUE_GREEN, LINEAR or CANARY need the service's load balancer advancedConfiguration; ROLLING needs none), or use strategy: rolling${nothing}`
    );
  }
  const pauses = ownPauseHooks(service.deploymentConfiguration);
  if (pauses.length > 0) {
    throw new Error(
      `service ${name} has ${pauses.length} PAUSE lifecycle hook${pauses.length > 1 ? 's' : ''} of its own (at ${pauses.flatMap((h) => h.lifecycleStages ?? []).join(', ')}): ` +
        `ECS does not say which hook a pause belongs to, so ecs-rollout could answer one meant for someone else. Remove them (ecs-rollout pauses at every stage itself), or deploy without ecs-rollout${nothing}`
    );
  }
  const running = await ctx.aws.ecs.listServiceDeployments(cluster, name, [...UNFINISHED]);
  if (running.length > 0) {
    const list = running.map((d) => `${d.serviceDeploymentArn ?? '?'} (${d.status ?? '?'})`).join(', ');
    throw new Error(
      `service ${name} already has a deployment that is not finished: ${list}. Wait for it to end, or roll it back with ecs-rollout rollback${nothing}`
    );
  }
  if (!shiftsTraffic(strategy)) return { service, strategy };

  const bake = native.bakeTimeInMinutes ?? service.deploymentConfiguration?.bakeTimeInMinutes;
  if (strategy === 'BLUE_GREEN' && bake === undefined) {
    throw new InputError(
      `service ${name}: a BLUE_GREEN deployment needs a bake time (deploymentConfiguration.bakeTimeInMinutes)`,
      {},
      `set ecs-bake-time, e.g. 5m${nothing}`
    );
  }
  const lb = (service.loadBalancers ?? []).find((l) => l.advancedConfiguration);
  const missing = advancedProblems(lb);
  if (!lb || missing.length > 0) {
    throw new Error(
      `service ${name} cannot run a ${strategy} deployment: its load balancer has no ${missing.join(', ')} in advancedConfiguration ` +
        `(ECS shifts a listener rule between the target group and the alternate target group, with a role allowed to change it). ` +
        `Add them with UpdateService (loadBalancers[].advancedConfiguration), then deploy again${nothing}`
    );
  }
  const adv = lb.advancedConfiguration!;
  const primary = lb.targetGroupArn!;
  const alternate = adv.alternateTargetGroupArn!;
  const productionRule = adv.productionListenerRule!;
  const weights = await readWeights({ ruleArn: productionRule }, ctx);
  const labels = { [primary]: targetGroupName(primary), [alternate]: targetGroupName(alternate) };
  const order = { [primary]: 0, [alternate]: 0 };
  let blue: string | undefined;
  if (sameWeights(weights, { [primary]: 100, [alternate]: 0 })) blue = primary;
  else if (sameWeights(weights, { [alternate]: 100, [primary]: 0 })) blue = alternate;
  if (!blue) {
    throw new Error(
      `the production rule ${productionRule} of service ${name} forwards ${formatWeights(weights, order, labels)}, not 100 % to one of its two target groups: ` +
        `an earlier deployment did not finish, or someone changed the rule. Put 100 % back on the target group that serves, then deploy again${nothing}`
    );
  }
  const green = blue === primary ? alternate : primary;
  return {
    service,
    strategy,
    traffic: { productionRule, ...(adv.testListenerRule ? { testRule: adv.testListenerRule } : {}), targetGroups: { blue, green } }
  };
}

function advancedProblems(lb: LoadBalancer | undefined): string[] {
  const adv = lb?.advancedConfiguration;
  const out: string[] = [];
  if (!lb?.targetGroupArn) out.push('targetGroupArn');
  if (!adv?.alternateTargetGroupArn) out.push('alternateTargetGroupArn');
  if (!adv?.productionListenerRule) out.push('productionListenerRule');
  if (!adv?.roleArn) out.push('roleArn');
  return out;
}
