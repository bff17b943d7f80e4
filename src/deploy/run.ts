/**
 * The deployment half of the pipeline: read-only preflight checks, then the strategy with
 * its gates. Loaded only by runs that deploy, so render/register runs start faster.
 */
import { randomUUID } from 'node:crypto';
import type { Service } from '@aws-sdk/client-ecs';
import type { DeployStatus } from '../events.js';
import type { Settings } from '../settings.js';
import { rollingStrategy } from './rolling.js';
import { blueGreenStrategy, preflightBlueGreen } from './blue-green.js';
import { preflightNative, type NativePlan } from './ecs-native/preflight.js';
import type { NativeSettings } from './ecs-native/settings.js';
import { nativeStrategy } from './ecs-native/strategy.js';
import { runStrategy } from './strategy.js';
import { preflightCodeDeploy, type CodeDeployPlan } from './codedeploy/preflight.js';
import { codeDeployStrategy } from './codedeploy/strategy.js';
import type { CodeDeploySettings } from './codedeploy/settings.js';
import { InputError } from '../errors.js';
import { controllerProblem, describeService } from './watch.js';
import { boundedReads, readBoundMs } from './scope.js';
import type { DeployContext, DeployResult } from './types.js';
import { alarmGate, cleanupTemporaryAlarms, createTemporaryAlarms, verifyAlarmsExist } from '../gates/alarms.js';
import { rollingMetricGate, serviceTargetGroup } from '../gates/metrics.js';
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
  /** For a service on the CODE_DEPLOY controller: the application, group, AppSpec and listener found. */
  codeDeploy?: CodeDeployPlan;
  /** Rolling with metric gates: the service's target group. */
  targetGroup?: string;
  /** Rolling: the service as described here, so the strategy does not read it again before UpdateService. */
  service?: Service;
}

/** ECS's own strategies that shift traffic: a service configured with one deploys that way whatever UpdateService asks. */
const NATIVE_TRAFFIC = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

/** The CodeDeploy inputs a user set (not left at their defaults). */
function codeDeployInputsGiven(c: CodeDeploySettings): string[] {
  const given: Array<[string, unknown]> = [
    ['codedeploy-appspec', c.appspec.given || undefined],
    ['codedeploy-application', c.application],
    ['codedeploy-deployment-group', c.deploymentGroup],
    ['codedeploy-deployment-description', c.description],
    ['codedeploy-deployment-config', c.deploymentConfig]
  ];
  return given.filter(([, v]) => v !== undefined).map(([name]) => name);
}

/** Read-only checks that fail fast with a clear message, before the first mutating call. */
export async function preflight(settings: Settings, ctx: DeployContext): Promise<Preflight> {
  const { deploy, gates } = settings;
  let running: string[] = [];
  let current: string | undefined;
  let native: Preflight['native'];
  let codeDeploy: CodeDeployPlan | undefined;
  let targetGroup: string | undefined;
  let described: Service | undefined;
  if (settings.blueGreen) {
    const plan = await preflightBlueGreen(deploy, settings.blueGreen, ctx);
    running = [plan.services.blue.taskDefinition, plan.services.green.taskDefinition].filter((arn): arn is string => Boolean(arn));
    current = plan.services[plan.live].taskDefinition;
  }
  if (deploy.strategy === 'rolling' && deploy.service) {
    const service = await describeService(ctx, deploy.cluster, deploy.service);
    described = service;
    // A CODE_DEPLOY service is deployed through CodeDeploy (as the official action does); its inputs mean nothing elsewhere.
    if (service.deploymentController?.type === 'CODE_DEPLOY') {
      if (gates.metrics) {
        throw new InputError(
          `max-error-rate / max-response-time are set but service ${deploy.service} deploys through CodeDeploy, where the metric gates are not supported yet`,
          {},
          'watch the target groups with alarms (the alarms input) instead, or remove the metric gate inputs; nothing was changed'
        );
      }
      codeDeploy = await preflightCodeDeploy(deploy, settings.codeDeploy, ctx);
      running = [codeDeploy.previousTaskDefinitionArn];
      current = codeDeploy.previousTaskDefinitionArn;
      return { baseline: await verifyAlarmsExist(gates.alarms, ctx, gates), running, current, codeDeploy };
    }
    const stray = codeDeployInputsGiven(settings.codeDeploy);
    if (stray.length) {
      throw new InputError(
        `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but service ${deploy.service} uses the ${service.deploymentController?.type ?? 'ECS'} deployment controller, not CODE_DEPLOY`,
        {},
        'remove the codedeploy inputs, or deploy a service whose deployment controller is CODE_DEPLOY; nothing was changed'
      );
    }
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
    if (gates.metrics && !native) {
      targetGroup = serviceTargetGroup(service);
      if (!targetGroup) {
        throw new InputError(
          `max-error-rate / max-response-time are set but service ${deploy.service} has no load balancer target group, so it has no ALB metrics`,
          {},
          'remove the metric gate inputs, or use alarms on metrics the service has; nothing was changed'
        );
      }
    }
  }
  if (deploy.strategy === 'ecs-native') {
    const nativeSettings = settings.native ?? {};
    native = { plan: await preflightNative(deploy, nativeSettings, ctx), settings: nativeSettings };
    const now = native.plan.service.taskDefinition;
    if (now) running = [now];
    current = now;
  }
  return {
    baseline: await verifyAlarmsExist(gates.alarms, ctx, gates),
    running,
    ...(current ? { current } : {}),
    ...(native ? { native } : {}),
    ...(targetGroup ? { targetGroup } : {}),
    ...(described ? { service: described } : {})
  };
}

/** The one switch: which strategy deploys, from the settings and what preflight found. */
export async function deployWithGates(
  settings: Settings,
  taskDefinitionArn: string,
  checked: Preflight,
  ctx: DeployContext
): Promise<DeployResult> {
  const { deploy, gates } = settings;
  if (deploy.logLines !== undefined)
    ctx = { ...ctx, evidence: { ...ctx.evidence, logLines: deploy.logLines, callTimeoutMs: settings.safety.callTimeoutMs } };
  const deploymentTag = randomUUID().slice(0, 8);
  const gateOptions = { gates: { settings: gates, baseline: checked.baseline, deploymentTag } };
  if (settings.blueGreen) {
    // Blue/green creates its temporary alarms on the new colour once it knows which that is.
    return runStrategy(blueGreenStrategy(deploy, settings.blueGreen, taskDefinitionArn, ctx, gateOptions), ctx);
  }
  if (checked.codeDeploy) {
    return runStrategy(codeDeployStrategy(deploy, settings.codeDeploy, checked.codeDeploy, taskDefinitionArn, ctx, gateOptions), ctx);
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
    if (gates.metrics && checked.targetGroup && deploy.service) {
      gateList.push(rollingMetricGate(deploy.cluster, deploy.service, checked.targetGroup, taskDefinitionArn, gates.metrics, gateCtx));
    }
    const ecsAlarms = ecsDeploymentAlarms(gates);
    return await runStrategy(
      rollingStrategy(deploy, taskDefinitionArn, ctx, {
        gates: gateList,
        inconclusiveLimit: gates.inconclusive.limit,
        onInconclusive: gates.inconclusive.decide,
        ...(ecsAlarms?.alarmNames ? { ecsAlarmNames: ecsAlarms.alarmNames } : {}),
        ...(checked.service ? { described: checked.service } : {})
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
    reason: result.headline ?? result.reason,
    ...result.outputs
  };
}
