/**
 * The deployment half of the pipeline: read-only preflight checks, then the strategy with
 * its gates. Loaded only by runs that deploy, so render/register runs start faster.
 */
import { randomUUID } from 'node:crypto';
import type { DeployStatus } from '../events.js';
import type { Settings } from '../settings.js';
import { rollingStrategy } from './rolling.js';
import { blueGreenStrategy, preflightBlueGreen } from './blue-green.js';
import { preflightNative, type NativePlan } from './ecs-native/preflight.js';
import type { NativeSettings } from './ecs-native/settings.js';
import { nativeStrategy } from './ecs-native/strategy.js';
import { runStrategy } from './strategy.js';
import { controllerProblem, describeService } from './watch.js';
import { boundedReads, readBoundMs } from './scope.js';
import type { DeployContext, DeployResult } from './types.js';
import { alarmGate, cleanupTemporaryAlarms, createTemporaryAlarms, verifyAlarmsExist } from '../gates/alarms.js';
import { ecsDeploymentAlarms, wantsTemporaryAlarms } from '../gates/settings.js';
import type { Gate } from '../gates/types.js';

export interface Preflight {
  baseline: Awaited<ReturnType<typeof verifyAlarmsExist>>;
  /** Revisions the target services run now (candidates for reuse at registration). */
  running: string[];
  /** The revision serving now, to show what the deployment changes. */
  current?: string;
  /** For an ECS-native deployment: what it starts from, and the settings it runs with. */
  native?: { plan: NativePlan; settings: NativeSettings };
}

/** ECS's own strategies that shift traffic: a service configured with one deploys that way whatever UpdateService asks. */
const NATIVE_TRAFFIC = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

/** Read-only checks that fail fast with a clear message, before the first mutating call. */
export async function preflight(settings: Settings, ctx: DeployContext): Promise<Preflight> {
  const { deploy, gates } = settings;
  let running: string[] = [];
  let current: string | undefined;
  let native: Preflight['native'];
  if (settings.blueGreen) {
    const plan = await preflightBlueGreen(deploy, settings.blueGreen, ctx);
    running = [plan.services.blue.taskDefinition, plan.services.green.taskDefinition].filter((arn): arn is string => Boolean(arn));
    current = plan.services[plan.live].taskDefinition;
  }
  if (deploy.strategy === 'rolling' && deploy.service) {
    const service = await describeService(ctx, deploy.cluster, deploy.service);
    const problem = controllerProblem(service, deploy.cluster);
    if (problem) throw new Error(`${problem}; nothing was changed`);
    const configured = service.deploymentConfiguration?.strategy;
    if (configured && NATIVE_TRAFFIC.has(configured)) {
      // UpdateService would start ECS's own deployment anyway: gate it rather than watch it as a rolling one.
      ctx.reporter.notice(
        `service ${deploy.service} is configured for ECS's own ${configured} deployments: deploying it with strategy ecs-native ` +
          `(ECS shifts the traffic, ecs-rollout gates every stage and rolls back on a failed gate). Set strategy: ecs-native to say so and to set ecs-strategy, bake and step inputs.`
      );
      native = { plan: await preflightNative(deploy, {}, ctx), settings: {} };
    }
    if (service.taskDefinition) running = [service.taskDefinition];
    current = service.taskDefinition;
  }
  if (deploy.strategy === 'ecs-native') {
    const nativeSettings = settings.native ?? {};
    native = { plan: await preflightNative(deploy, nativeSettings, ctx), settings: nativeSettings };
    const now = native.plan.service.taskDefinition;
    if (now) running = [now];
    current = now;
  }
  return { baseline: await verifyAlarmsExist(gates.alarms, ctx, gates), running, ...(current ? { current } : {}), ...(native ? { native } : {}) };
}

/** The one switch: which strategy deploys, from the settings and what preflight found. */
export async function deployWithGates(settings: Settings, taskDefinitionArn: string, checked: Preflight, ctx: DeployContext): Promise<DeployResult> {
  const { deploy, gates } = settings;
  const deploymentTag = randomUUID().slice(0, 8);
  const gateOptions = { gates: { settings: gates, baseline: checked.baseline, deploymentTag } };
  if (settings.blueGreen) {
    // Blue/green creates its temporary alarms on the new colour once it knows which that is.
    return runStrategy(blueGreenStrategy(deploy, settings.blueGreen, taskDefinitionArn, ctx, gateOptions), ctx);
  }
  if (checked.native) {
    return runStrategy(nativeStrategy(deploy, checked.native.settings, checked.native.plan, taskDefinitionArn, ctx, gateOptions), ctx);
  }
  try {
    const temporary =
      deploy.service && wantsTemporaryAlarms(gates)
        ? await createTemporaryAlarms({ cluster: deploy.cluster, service: deploy.service, deploymentTag }, gates.temporary, ctx)
        : [];
    const watched = [...gates.alarms, ...temporary];
    // Gate reads are bounded by a poll round, so a throttled or hung CloudWatch holds the gate, never the bake.
    const gateCtx = { ...ctx, aws: boundedReads(ctx.aws, ctx.signal, readBoundMs(deploy.pollIntervalMs)) };
    const gateList: Gate[] = watched.length ? [alarmGate(watched, gates, checked.baseline, gateCtx)] : [];
    const ecsAlarms = ecsDeploymentAlarms(gates);
    return await runStrategy(
      rollingStrategy(deploy, taskDefinitionArn, ctx, {
        gates: gateList,
        inconclusiveLimit: gates.inconclusive.limit,
        onInconclusive: gates.inconclusive.decide,
        ...(ecsAlarms?.alarmNames ? { ecsAlarmNames: ecsAlarms.alarmNames } : {})
      }),
      ctx
    );
  } finally {
    await cleanupTemporaryAlarms(ctx);
  }
}

export function deployOutputs(result: DeployResult): Record<string, string> {
  const status: DeployStatus = result.status;
  return {
    'task-definition-arn': result.taskDefinitionArn,
    'previous-task-definition-arn': result.previousTaskDefinitionArn ?? '',
    'deployment-id': result.deploymentId ?? '',
    status,
    'rolled-back': String(result.rolledBack),
    reason: result.reason,
    ...result.outputs
  };
}
