/**
 * Read-only checks before a CodeDeploy deployment: the service is on the CODE_DEPLOY
 * controller, the application and deployment group exist and deploy this service, the
 * deployment configuration is one for ECS, no deployment of the group is running, the
 * production listener forwards 100 % to one target group of the pair, and the AppSpec reads.
 * Every problem names the input or file, the fix, and says nothing was changed.
 */
import type { DeploymentGroupInfo, TrafficRoutingConfig } from '@aws-sdk/client-codedeploy';
import type { Service } from '@aws-sdk/client-ecs';
import { awsErrorCode } from '../../aws/errors.js';
import { InputError } from '../../errors.js';
import { decodeUtf8, readBoundedFile } from '../../render/file.js';
import type { DeploySettings } from '../settings.js';
import { formatWeights, readWeights, type Weights } from '../traffic.js';
import type { DeployContext } from '../types.js';
import { describeService, nameOf } from '../watch.js';
import { type AppSpec, type AppSpecTarget, appSpecTarget, parseAppSpec } from './appspec.js';
import { ACTIVE_STATUSES } from './recover.js';
import { type CodeDeploySettings, codeDeployNames } from './settings.js';
import { sharesByName } from './verdict.js';

export interface CodeDeployPlan {
  /** The service as described before anything changed. */
  service: Service;
  application: string;
  group: string;
  groupInfo: DeploymentGroupInfo;
  /** The configuration this deployment runs with (the input's, else the group's). */
  configName: string;
  /** Only set when the input named one: otherwise CodeDeploy uses the group's, as the official action leaves it. */
  configInput?: string;
  routing?: TrafficRoutingConfig;
  prodListener: string;
  testListener?: string;
  /** Target group names: blue serves production now, green receives the new revision. */
  targetGroups: { blue: string; green: string };
  /** The production listener's weights before the deployment, percent by ARN. */
  weights: Weights;
  /** The user's AppSpec, or the service's container and port to write one from. */
  appSpec: { kind: 'file'; spec: AppSpec; file: string } | { kind: 'default'; target: AppSpecTarget };
  previousTaskDefinitionArn: string;
  originalTaskSetId?: string;
  /** The group's last attempted deployment before ours. */
  previousDeploymentId?: string;
  readyWaitMinutes: number;
  terminationWaitMinutes: number;
  /** STOP_DEPLOYMENT: CodeDeploy waits at Ready for ContinueDeployment before production traffic moves (our gates decide). */
  waitsAtReady: boolean;
}

const nothing = '; nothing was changed';
/** An AppSpec is a few hundred bytes; this only stops runaway inputs. */
const MAX_APPSPEC_BYTES = 256 * 1024;

type Ctx = Pick<DeployContext, 'aws' | 'reporter' | 'timer'>;

export async function preflightCodeDeploy(
  deploy: DeploySettings,
  settings: CodeDeploySettings,
  ctx: Ctx,
  label: (input: string) => string = (n) => n
): Promise<CodeDeployPlan> {
  if (!deploy.service) throw new InputError('a CodeDeploy deployment needs a service', {}, `set ${label('service')}`);
  const { cluster } = deploy;
  const service = await describeService(ctx, cluster, deploy.service);
  const name = nameOf(service);
  const type = service.deploymentController?.type ?? 'ECS';
  if (type !== 'CODE_DEPLOY') {
    throw new InputError(
      `service ${name} in cluster ${cluster} uses the ${type} deployment controller, not CODE_DEPLOY`,
      {},
      `remove the codedeploy-* inputs (ecs-rollout deploys a service on the ECS controller itself), or deploy a service whose deployment controller is CODE_DEPLOY${nothing}`
    );
  }
  const unused = unusedByCodeDeploy(deploy);
  if (unused.length) {
    ctx.reporter.warning(
      `${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} set, but service ${name} is deployed through CodeDeploy, which does not use ${unused.length === 1 ? 'it' : 'them'} ` +
        '(they change an ECS rolling update; the official deploy action ignores them here too): remove them, or set them on the service or the deployment group'
    );
  }
  const { application, group } = codeDeployNames(settings, cluster, name);
  const groupInfo = await readGroup(ctx, settings, application, group, label);
  const clusterName = cluster.split('/').pop() ?? cluster;
  const services = groupInfo.ecsServices ?? [];
  if (groupInfo.computePlatform !== undefined && groupInfo.computePlatform !== 'ECS') {
    throw new InputError(
      `CodeDeploy deployment group ${group} of application ${application} is for ${groupInfo.computePlatform}, not ECS`,
      {},
      `set ${label('codedeploy-deployment-group')} to the ECS deployment group of service ${name}${nothing}`
    );
  }
  if (!services.some((s) => s.serviceName === name && (s.clusterName ?? '') === clusterName)) {
    const deploys =
      services.map((s) => `service ${s.serviceName ?? '?'} in cluster ${s.clusterName ?? '?'}`).join(', ') || 'no ECS service';
    throw new InputError(
      `CodeDeploy deployment group ${group} of application ${application} deploys ${deploys}, not service ${name} in cluster ${clusterName}`,
      {},
      `set ${label('codedeploy-application')} and ${label('codedeploy-deployment-group')} to the ones of service ${name}${nothing}`
    );
  }
  const pair = groupInfo.loadBalancerInfo?.targetGroupPairInfoList?.[0];
  const names = (pair?.targetGroups ?? []).map((t) => t.name).filter((n): n is string => Boolean(n));
  const prodListener = pair?.prodTrafficRoute?.listenerArns?.[0];
  if (names.length !== 2 || !prodListener) {
    throw new Error(
      `CodeDeploy deployment group ${group} has no target group pair with a production listener (loadBalancerInfo.targetGroupPairInfoList): give it one in CodeDeploy, then deploy again${nothing}`
    );
  }
  const testListener = pair?.testTrafficRoute?.listenerArns?.[0];

  const active = await ctx.aws.codedeploy.listDeployments(application, group, [...ACTIVE_STATUSES]);
  if (active.length > 0) {
    throw new Error(
      `CodeDeploy deployment group ${group} already has a deployment that is not finished: ${active.join(', ')}. Wait for it to end, or stop it (ecs-rollout rollback, or StopDeployment)${nothing}`
    );
  }

  const configName = settings.deploymentConfig ?? groupInfo.deploymentConfigName ?? 'CodeDeployDefault.ECSAllAtOnce';
  const config = await readConfig(ctx, configName, settings.deploymentConfig !== undefined, label);

  const weights = await readWeights({ listenerArn: prodListener }, ctx);
  const shares = sharesByName(weights, { blue: names[0]!, green: names[1]! });
  let blue: string | undefined;
  if (shares.blue === 100) blue = names[0];
  else if (shares.green === 100) blue = names[1];
  if (!blue) {
    throw new Error(
      `the production listener ${prodListener} of deployment group ${group} forwards ${formatWeights(weights, {})}, not 100 % to ${names[0]} or ${names[1]}: ` +
        `an earlier deployment did not finish, or someone changed the listener. Put 100 % back on the target group that serves, then deploy again${nothing}`
    );
  }
  const green = blue === names[0] ? names[1]! : names[0]!;

  const primary = (service.taskSets ?? []).find((t) => t.status === 'PRIMARY');
  const previous = primary?.taskDefinition ?? service.taskDefinition;
  if (!previous)
    throw new Error(
      `service ${name} has no PRIMARY task set: CodeDeploy has nothing to replace. Create the service with a task definition first${nothing}`
    );

  const appSpec = await readAppSpec(settings, service, label);
  const bg = groupInfo.blueGreenDeploymentConfiguration;
  const terminationWaitMinutes = bg?.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0;
  const waitsAtReady = bg?.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT';
  if (terminationWaitMinutes === 0) {
    ctx.reporter.warning(
      `deployment group ${group} has no termination wait (terminationWaitTimeInMinutes 0): CodeDeploy deletes the original task set as soon as production traffic has moved, ` +
        'so a gate that fails after that can no longer roll back. Give it a few minutes of termination wait to watch the new revision with production traffic'
    );
  }
  const last = groupInfo.lastAttemptedDeployment?.deploymentId;
  return {
    service,
    application,
    group,
    groupInfo,
    configName,
    ...(settings.deploymentConfig ? { configInput: settings.deploymentConfig } : {}),
    ...(config.trafficRoutingConfig ? { routing: config.trafficRoutingConfig } : {}),
    prodListener,
    ...(testListener ? { testListener } : {}),
    targetGroups: { blue, green },
    weights,
    appSpec,
    previousTaskDefinitionArn: previous,
    ...(primary?.id ? { originalTaskSetId: primary.id } : {}),
    ...(last ? { previousDeploymentId: last } : {}),
    readyWaitMinutes: waitsAtReady ? (bg?.deploymentReadyOption?.waitTimeInMinutes ?? 0) : 0,
    terminationWaitMinutes,
    waitsAtReady
  };
}

/** Rolling-update inputs a CodeDeploy deployment cannot apply: said in one warning line, never silently dropped. */
export function unusedByCodeDeploy(deploy: DeploySettings): string[] {
  const unused: Array<[string, boolean]> = [
    ['desired-count', deploy.desiredCount !== undefined],
    ['force-new-deployment', deploy.forceNewDeployment],
    ['propagate-tags', deploy.propagateTags !== undefined],
    // RunTask takes it too: only unused without a migration task.
    ['enable-ecs-managed-tags', deploy.enableEcsManagedTags !== undefined && !deploy.runTask],
    ['enable-execute-command', deploy.enableExecuteCommand !== undefined],
    ['health-check-grace-period', deploy.healthCheckGracePeriodSeconds !== undefined],
    ['circuit-breaker', !deploy.circuitBreaker],
    ['bake-time', deploy.bakeTimeMs > 0],
    ['service-managed-ebs-volume', deploy.serviceVolume !== undefined]
  ];
  return unused.filter(([, set]) => set).map(([name]) => name);
}

async function readGroup(
  ctx: Ctx,
  settings: CodeDeploySettings,
  application: string,
  group: string,
  label: (n: string) => string
): Promise<DeploymentGroupInfo> {
  try {
    return await ctx.aws.codedeploy.getDeploymentGroup(application, group);
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === 'ApplicationDoesNotExistException') {
      const how = settings.application
        ? `${label('codedeploy-application')} is "${application}"`
        : `${label('codedeploy-application')} is not set, so its default "${application}" was used`;
      throw new InputError(
        `CodeDeploy application ${application} does not exist in this account and region (${how})`,
        {},
        `set ${label('codedeploy-application')} to the application of the service${nothing}`
      );
    }
    if (code === 'DeploymentGroupDoesNotExistException') {
      const how = settings.deploymentGroup
        ? `${label('codedeploy-deployment-group')} is "${group}"`
        : `${label('codedeploy-deployment-group')} is not set, so its default "${group}" was used`;
      throw new InputError(
        `CodeDeploy application ${application} has no deployment group ${group} (${how})`,
        {},
        `set ${label('codedeploy-deployment-group')} to the deployment group of the service${nothing}`
      );
    }
    throw error;
  }
}

async function readConfig(
  ctx: Ctx,
  configName: string,
  fromInput: boolean,
  label: (n: string) => string
): Promise<{ trafficRoutingConfig?: TrafficRoutingConfig }> {
  const ecsConfigs =
    'e.g. CodeDeployDefault.ECSAllAtOnce, CodeDeployDefault.ECSLinear10PercentEvery1Minutes or CodeDeployDefault.ECSCanary10Percent5Minutes';
  let info;
  try {
    info = await ctx.aws.codedeploy.getDeploymentConfig(configName);
  } catch (error) {
    if (awsErrorCode(error) === 'DeploymentConfigDoesNotExistException' && fromInput) {
      throw new InputError(
        `${label('codedeploy-deployment-config')} is "${configName}", which does not exist in this account and region`,
        {},
        `use an ECS configuration, ${ecsConfigs}${nothing}`
      );
    }
    throw error;
  }
  if (info.computePlatform !== undefined && info.computePlatform !== 'ECS') {
    const where = fromInput
      ? `${label('codedeploy-deployment-config')} is "${configName}"`
      : `the deployment group's configuration ${configName}`;
    throw new InputError(
      `${where}, a configuration for ${info.computePlatform}, not ECS`,
      {},
      `use an ECS configuration, ${ecsConfigs}${nothing}`
    );
  }
  return info.trafficRoutingConfig ? { trafficRoutingConfig: info.trafficRoutingConfig } : {};
}

/**
 * The AppSpec: the file the input names (it must exist), the default appspec.yaml when it
 * exists (as the official action reads it), else one written from the service's load balancer.
 */
async function readAppSpec(
  settings: CodeDeploySettings,
  service: Service,
  label: (n: string) => string
): Promise<CodeDeployPlan['appSpec']> {
  const { path, resolved, given } = settings.appspec;
  const text = await readSmallFile(resolved, path, given, label);
  if (text !== undefined) return { kind: 'file', spec: parseAppSpec(text, path), file: path };
  const lb = (service.loadBalancers ?? []).find((l) => l.containerName && l.containerPort !== undefined);
  if (!lb?.containerName || lb.containerPort === undefined) {
    throw new InputError(
      `there is no ${path} and service ${nameOf(service)} names no container and port in its load balancer to write an AppSpec from`,
      {},
      `add an AppSpec file and set ${label('codedeploy-appspec')}${nothing}`
    );
  }
  return { kind: 'default', target: { containerName: lb.containerName, containerPort: lb.containerPort } };
}

/** A regular file of at most MAX_APPSPEC_BYTES in UTF-8; undefined when the default file does not exist. */
async function readSmallFile(resolved: string, shown: string, given: boolean, label: (n: string) => string): Promise<string | undefined> {
  const fix = `point ${label('codedeploy-appspec')} at the AppSpec file in the repository`;
  const bytes = await readBoundedFile(resolved, shown, {
    name: 'the AppSpec file',
    noun: 'an AppSpec',
    maxBytes: MAX_APPSPEC_BYTES,
    fix,
    missingFix: `${fix}${nothing}`,
    optional: !given
  });
  return bytes && decodeUtf8(bytes, shown);
}

/** The AppSpec's container and port, when it gives them, for the log line. */
export function appSpecSummary(plan: CodeDeployPlan): string {
  if (plan.appSpec.kind === 'default')
    return `AppSpec written from service ${nameOf(plan.service)}: container ${plan.appSpec.target.containerName}, port ${plan.appSpec.target.containerPort}`;
  const t = appSpecTarget(plan.appSpec.spec);
  return `AppSpec ${plan.appSpec.file}${t.containerName ? `: container ${t.containerName}${t.containerPort !== undefined ? `, port ${t.containerPort}` : ''}` : ''}`;
}
