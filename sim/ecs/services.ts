/**
 * Services: CreateService / UpdateService / DescribeServices / DeleteService /
 * ListServices, their validation (InvalidParameterException, ServiceNotFoundException,
 * ServiceNotActiveException with ECS's messages) and the DescribeServices shape.
 * What happens after a change is the scheduler's business.
 */
import { ApiError, type Handler } from '../types.js';
import {
  includes,
  tagsFrom,
  type Cluster,
  type DeploymentConfiguration,
  type EcsState,
  type LoadBalancerRef,
  type Service,
  type TaskDefinition
} from './model.js';
import {
  advancedFrom,
  beginServiceDeployment,
  checkNativeLoadBalancers,
  currentRevisions,
  deploymentConfigurationShape,
  nativeConfiguration
} from './native.js';
import { newDeployment } from './scheduler.js';
import { pageOf } from './taskdefs.js';
import { requireNetwork, usableTaskDefinition } from './tasks.js';
import { newTaskSet, primaryTaskSet, taskSetShape } from './tasksets.js';

const NAME = /^[A-Za-z0-9_-]{1,255}$/;

function invalid(message: string): ApiError {
  return new ApiError('InvalidParameterException', message);
}

function bool(value: unknown, member: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${member} must be a boolean.`);
  return value;
}

function integer(value: unknown, member: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    throw invalid(`${member} must be an integer between ${min} and ${max}.`);
  return n;
}

/** The requested configuration over the current one (or ECS's defaults), validated. */
function deploymentConfiguration(input: unknown, current?: DeploymentConfiguration): DeploymentConfiguration {
  const base: DeploymentConfiguration = current ?? {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    deploymentCircuitBreaker: { enable: false, rollback: false },
    strategy: 'ROLLING'
  };
  if (input === undefined || input === null) return base;
  if (typeof input !== 'object') throw invalid('deploymentConfiguration must be an object.');
  const i = input as Record<string, any>;
  const out: DeploymentConfiguration = { ...base };
  if (i.minimumHealthyPercent !== undefined) out.minimumHealthyPercent = integer(i.minimumHealthyPercent, 'minimumHealthyPercent', 0, 100);
  if (i.maximumPercent !== undefined) out.maximumPercent = integer(i.maximumPercent, 'maximumPercent', 100, 2000);
  if (out.maximumPercent < out.minimumHealthyPercent)
    throw invalid('maximumPercent must be greater than or equal to minimumHealthyPercent.');
  if (i.deploymentCircuitBreaker !== undefined) {
    const cb = i.deploymentCircuitBreaker ?? {};
    out.deploymentCircuitBreaker = {
      enable: bool(cb.enable, 'deploymentCircuitBreaker.enable'),
      rollback: bool(cb.rollback, 'deploymentCircuitBreaker.rollback')
    };
  }
  if (i.alarms !== undefined) {
    const a = i.alarms ?? {};
    if (!Array.isArray(a.alarmNames) || a.alarmNames.some((n: unknown) => typeof n !== 'string' || n === '')) {
      throw invalid('alarms.alarmNames must be a list of alarm names.');
    }
    out.alarms = { alarmNames: a.alarmNames, enable: bool(a.enable, 'alarms.enable'), rollback: bool(a.rollback, 'alarms.rollback') };
  }
  nativeConfiguration(i, out);
  return out;
}

/** The service's load balancers, validated; `requested` when the caller names them now (a target group must then be behind a load balancer). */
export function loadBalancers(state: EcsState, input: unknown, td: TaskDefinition, requested = true): LoadBalancerRef[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw invalid('loadBalancers must be a list.');
  if (input.length > 5) throw invalid('A service can have at most 5 target groups.');
  return input.map((lb: Record<string, any>, index: number) => {
    const containerName = lb?.containerName;
    const containerPort = lb?.containerPort;
    if (!lb?.targetGroupArn && !lb?.loadBalancerName)
      throw invalid('Either targetGroupArn or loadBalancerName must be specified for a load balancer.');
    if (typeof containerName !== 'string' || containerName === '') throw invalid('containerName can not be blank.');
    const container = (td.body.containerDefinitions as Record<string, any>[]).find((c) => c.name === containerName);
    if (!container) throw invalid(`The container ${containerName} does not exist in the task definition.`);
    const ports = (container.portMappings ?? []).map((p: Record<string, any>) => p.containerPort);
    if (!ports.includes(containerPort))
      throw invalid(`The container ${containerName} did not have a container port ${String(containerPort)} defined.`);
    const advancedConfiguration = advancedFrom(lb.advancedConfiguration, index);
    for (const arn of [lb.targetGroupArn, advancedConfiguration?.alternateTargetGroupArn]) {
      if (!arn) continue;
      const group = state.deps.elb.targetGroup(arn);
      if (!group) throw invalid(`The target group with targetGroupArn ${arn} does not exist.`);
      // No listener or rule forwards to it: ECS refuses, as nothing would ever health-check the tasks.
      if (requested && group.loadBalancerArns.length === 0) {
        throw invalid(`The target group with targetGroupArn ${arn} does not have an associated load balancer.`);
      }
      if (td.body.networkMode === 'awsvpc' && group.targetType !== 'ip') {
        throw invalid(
          `The provided target group ${arn} has target type ${group.targetType}, which is incompatible with the awsvpc network mode specified in the task definition.`
        );
      }
    }
    return {
      ...(lb.targetGroupArn ? { targetGroupArn: lb.targetGroupArn } : {}),
      ...(lb.loadBalancerName ? { loadBalancerName: lb.loadBalancerName } : {}),
      containerName,
      containerPort,
      ...(advancedConfiguration ? { advancedConfiguration } : {})
    };
  });
}

function gracePeriod(value: unknown, lbs: LoadBalancerRef[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = integer(value, 'healthCheckGracePeriodSeconds', 0, 2147483647);
  if (lbs.length === 0) throw invalid('Health check grace period is only valid for services configured to use load balancers');
  return n;
}

function propagate(value: unknown): string {
  if (value === undefined || value === null) return 'NONE';
  if (!['SERVICE', 'TASK_DEFINITION', 'NONE'].includes(String(value))) throw invalid(`Invalid propagateTags value: ${String(value)}.`);
  return String(value);
}

export function serviceShape(_state: EcsState, svc: Service, withTags: boolean): Record<string, unknown> {
  const counts = (id?: string) => {
    let running = 0;
    let pending = 0;
    for (const t of svc.tasks) {
      if ((id !== undefined && t.deploymentId !== id) || t.desiredStatus !== 'RUNNING') continue;
      if (t.lastStatus === 'RUNNING') running++;
      else if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING' || t.lastStatus === 'ACTIVATING') pending++;
    }
    return { running, pending };
  };
  const all = counts();
  const primary = svc.deployments[0];
  const cfg = svc.deploymentConfiguration;
  // CODE_DEPLOY / EXTERNAL: the tasks come from task sets; `deployments` is an empty list.
  const taskSetFields = svc.controller
    ? { taskDefinition: primaryTaskSet(svc)?.taskDefinition, taskSets: (svc.taskSets ?? []).map((ts) => taskSetShape(ts, false)) }
    : {};
  return {
    serviceArn: svc.arn,
    serviceName: svc.name,
    clusterArn: svc.cluster.arn,
    loadBalancers: svc.loadBalancers,
    serviceRegistries: [],
    status: svc.status,
    desiredCount: svc.desiredCount,
    // Service-wide, as the API reference defines them; each deployment has its own below.
    runningCount: all.running,
    pendingCount: all.pending,
    launchType: svc.launchType,
    capacityProviderStrategy: svc.capacityProviderStrategy,
    platformVersion: svc.platformVersion,
    platformFamily: svc.launchType === 'FARGATE' ? 'Linux' : undefined,
    taskDefinition: primary?.taskDefinition,
    deploymentConfiguration: deploymentConfigurationShape(cfg),
    deployments: svc.deployments.map((d) => {
      const c = counts(d.id);
      return {
        id: d.id,
        status: d.status,
        taskDefinition: d.taskDefinition,
        desiredCount: d.desiredCount,
        pendingCount: c.pending,
        runningCount: c.running,
        failedTasks: d.failedTasks,
        createdAt: new Date(d.createdAt),
        updatedAt: new Date(d.updatedAt),
        launchType: d.launchType,
        platformVersion: d.platformVersion,
        platformFamily: d.launchType === 'FARGATE' ? 'Linux' : undefined,
        networkConfiguration: d.networkConfiguration,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason
      };
    }),
    roleArn: svc.roleArn,
    ...taskSetFields,
    currentServiceDeployment: svc.serviceDeployments[0]?.arn,
    currentServiceRevisions: currentRevisions(svc),
    events: svc.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(svc.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: svc.networkConfiguration,
    healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: svc.controller ?? 'ECS' },
    createdBy: svc.createdBy,
    enableECSManagedTags: svc.enableECSManagedTags,
    propagateTags: svc.propagateTags,
    enableExecuteCommand: svc.enableExecuteCommand,
    ...(withTags ? { tags: svc.tags } : {})
  };
}

function requireService(state: EcsState, cluster: Cluster, ref: unknown): Service {
  const svc = state.findService(cluster, ref);
  if (!svc) throw new ApiError('ServiceNotFoundException', 'Service not found.');
  return svc;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** What a CODE_DEPLOY service needs: one load balancer (CodeDeploy moves its listener) and no ECS-native strategy. */
function checkCodeDeployService(input: Record<string, any>, lbs: LoadBalancerRef[]): void {
  if (lbs.length !== 1 || !lbs[0].targetGroupArn)
    throw invalid('A service with the CODE_DEPLOY deployment controller must have exactly one load balancer with a target group.');
  if (lbs[0].advancedConfiguration) throw invalid('advancedConfiguration is only valid with the ECS deployment controller.');
  const strategy = input.deploymentConfiguration?.strategy;
  if (strategy !== undefined && strategy !== 'ROLLING')
    throw invalid(`The deployment strategy ${String(strategy)} is only valid with the ECS deployment controller.`);
}

/** An EXTERNAL service: no task definition needed, no tasks until a task set is created. */
function createExternal(s: EcsState, cluster: Cluster, name: string, input: Record<string, any>): Record<string, unknown> {
  const td = input.taskDefinition !== undefined ? usableTaskDefinition(s, input.taskDefinition) : undefined;
  const lbs = td ? loadBalancers(s, input.loadBalancers, td) : [];
  if (!td && Array.isArray(input.loadBalancers) && input.loadBalancers.length)
    throw invalid('loadBalancers of an EXTERNAL service are given on its task sets when no taskDefinition is specified.');
  const svc: Service = {
    arn: s.arn(`service/${cluster.name}/${name}`),
    name,
    cluster,
    status: 'ACTIVE',
    desiredCount: input.desiredCount === undefined ? 0 : integer(input.desiredCount, 'desiredCount', 0),
    deployments: [],
    deploymentConfiguration: deploymentConfiguration(input.deploymentConfiguration),
    loadBalancers: lbs,
    healthCheckGracePeriodSeconds: gracePeriod(input.healthCheckGracePeriodSeconds, lbs),
    propagateTags: propagate(input.propagateTags),
    enableECSManagedTags: input.enableECSManagedTags === true,
    enableExecuteCommand: input.enableExecuteCommand === true,
    launchType: input.launchType,
    capacityProviderStrategy: input.capacityProviderStrategy,
    platformVersion: input.platformVersion,
    networkConfiguration: input.networkConfiguration,
    roleArn: input.role,
    createdAt: s.now(),
    createdBy: `arn:aws:iam::${s.deps.accountId}:root`,
    tags: tagsFrom(input.tags),
    events: [],
    steady: false,
    tasks: new Set(),
    serviceDeployments: [],
    revisions: [],
    controller: 'EXTERNAL',
    taskSets: []
  };
  s.servicesOf(cluster).set(name, svc);
  return { service: serviceShape(s, svc, false) };
}

/**
 * UpdateService on a CODE_DEPLOY / EXTERNAL service: the count, grace period and tags can change;
 * a new revision has to come through CodeDeploy (or a new task set), as ECS answers.
 */
function updateTaskSetService(s: EcsState, svc: Service, input: Record<string, any>): Record<string, unknown> {
  if (svc.controller === 'CODE_DEPLOY') {
    if (input.taskDefinition !== undefined) {
      throw invalid(
        'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.'
      );
    }
    for (const k of ['loadBalancers', 'networkConfiguration', 'platformVersion', 'forceNewDeployment', 'capacityProviderStrategy']) {
      if (input[k] !== undefined && input[k] !== false)
        throw invalid(
          `Unable to update ${k} on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.`
        );
    }
  } else if (input.taskDefinition !== undefined || input.loadBalancers !== undefined || input.networkConfiguration !== undefined) {
    throw invalid(
      'Unable to update taskDefinition, loadBalancers or networkConfiguration on services with an EXTERNAL deployment controller; create a new task set instead.'
    );
  }
  const desiredCount = input.desiredCount === undefined ? svc.desiredCount : integer(input.desiredCount, 'desiredCount', 0);
  const grace =
    input.healthCheckGracePeriodSeconds !== undefined
      ? gracePeriod(input.healthCheckGracePeriodSeconds, svc.loadBalancers)
      : svc.healthCheckGracePeriodSeconds;
  const propagateTags = input.propagateTags !== undefined ? propagate(input.propagateTags) : svc.propagateTags;
  svc.desiredCount = desiredCount;
  svc.healthCheckGracePeriodSeconds = grace;
  svc.propagateTags = propagateTags;
  if (input.enableECSManagedTags !== undefined) svc.enableECSManagedTags = input.enableECSManagedTags === true;
  if (input.enableExecuteCommand !== undefined) svc.enableExecuteCommand = input.enableExecuteCommand === true;
  svc.steady = false;
  return { service: serviceShape(s, svc, false) };
}

export function serviceHandlers(state: (region: string) => EcsState): Record<string, Handler> {
  return {
    CreateService: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const name = input.serviceName;
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw invalid('serviceName must be 1-255 letters (uppercase and lowercase), numbers, hyphens and underscores.');
      }
      const controller = input.deploymentController?.type ?? 'ECS';
      if (!['ECS', 'CODE_DEPLOY', 'EXTERNAL'].includes(String(controller)))
        throw invalid('deploymentController.type must be one of ECS, CODE_DEPLOY, EXTERNAL.');
      if (input.schedulingStrategy !== undefined && input.schedulingStrategy !== 'REPLICA')
        throw invalid('The local ECS supports only the REPLICA scheduling strategy.');
      const existing = s.servicesOf(cluster).get(name);
      if (existing?.status === 'ACTIVE') throw invalid('Creation of service was not idempotent.');
      if (existing?.status === 'DRAINING') throw invalid('Unable to Start a service that is still Draining.');
      if (controller === 'EXTERNAL') return createExternal(s, cluster, name, input);
      const td = usableTaskDefinition(s, input.taskDefinition);
      requireNetwork(td, input.networkConfiguration);
      const desiredCount = input.desiredCount === undefined ? 0 : integer(input.desiredCount, 'desiredCount', 0);
      const lbs = loadBalancers(s, input.loadBalancers, td);
      if (controller === 'CODE_DEPLOY') checkCodeDeployService(input, lbs);
      const now = s.now();
      const compat: string[] = td.body.requiresCompatibilities ?? [];
      const launchType = input.launchType ?? (input.capacityProviderStrategy ? undefined : compat.includes('FARGATE') ? 'FARGATE' : 'EC2');
      const svc: Service = {
        arn: s.arn(`service/${cluster.name}/${name}`),
        name,
        cluster,
        status: 'ACTIVE',
        desiredCount,
        deployments: [],
        deploymentConfiguration: deploymentConfiguration(input.deploymentConfiguration),
        loadBalancers: lbs,
        healthCheckGracePeriodSeconds: gracePeriod(input.healthCheckGracePeriodSeconds, lbs),
        propagateTags: propagate(input.propagateTags),
        enableECSManagedTags: input.enableECSManagedTags === true,
        enableExecuteCommand: input.enableExecuteCommand === true,
        launchType,
        capacityProviderStrategy: input.capacityProviderStrategy,
        platformVersion: launchType === 'FARGATE' ? (input.platformVersion ?? 'LATEST') : input.platformVersion,
        networkConfiguration: input.networkConfiguration,
        roleArn: input.role,
        createdAt: now,
        createdBy: `arn:aws:iam::${s.deps.accountId}:root`,
        tags: tagsFrom(input.tags),
        events: [],
        steady: false,
        tasks: new Set(),
        serviceDeployments: [],
        revisions: []
      };
      if (controller === 'CODE_DEPLOY') {
        // ECS starts the service on one PRIMARY task set; CodeDeploy's deployments add the others.
        svc.controller = 'CODE_DEPLOY';
        svc.taskSets = [];
        newTaskSet(s, svc, {
          taskDefinition: td.arn,
          loadBalancers: lbs,
          networkConfiguration: svc.networkConfiguration,
          launchType: svc.launchType,
          capacityProviderStrategy: svc.capacityProviderStrategy,
          platformVersion: svc.platformVersion,
          status: 'PRIMARY'
        });
        s.servicesOf(cluster).set(name, svc);
        return { service: serviceShape(s, svc, false) };
      }
      checkNativeLoadBalancers(s, svc.deploymentConfiguration, lbs);
      beginServiceDeployment(s, svc, newDeployment(s, svc, td.arn, now), now);
      s.servicesOf(cluster).set(name, svc);
      return { service: serviceShape(s, svc, false) };
    },
    UpdateService: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const svc = requireService(s, cluster, input.service);
      if (svc.status !== 'ACTIVE') throw new ApiError('ServiceNotActiveException', 'Service was not ACTIVE.');
      if (svc.controller) return updateTaskSetService(s, svc, input);
      const primary = svc.deployments[0];
      const td =
        input.taskDefinition !== undefined ? usableTaskDefinition(s, input.taskDefinition) : s.findTaskDefinition(primary.taskDefinition)!;
      const network = input.networkConfiguration ?? svc.networkConfiguration;
      if (input.taskDefinition !== undefined || input.networkConfiguration !== undefined) requireNetwork(td, network);
      // Validate everything before changing anything: a rejected call leaves the service as it was.
      const desiredCount = input.desiredCount === undefined ? svc.desiredCount : integer(input.desiredCount, 'desiredCount', 0);
      const cfg = deploymentConfiguration(input.deploymentConfiguration, svc.deploymentConfiguration);
      const lbs = input.loadBalancers !== undefined ? loadBalancers(s, input.loadBalancers, td) : svc.loadBalancers;
      if (input.taskDefinition !== undefined && input.loadBalancers === undefined) loadBalancers(s, svc.loadBalancers, td, false);
      const grace =
        input.healthCheckGracePeriodSeconds !== undefined
          ? gracePeriod(input.healthCheckGracePeriodSeconds, lbs)
          : svc.healthCheckGracePeriodSeconds;
      const propagateTags = input.propagateTags !== undefined ? propagate(input.propagateTags) : svc.propagateTags;
      if (input.deploymentConfiguration !== undefined || input.loadBalancers !== undefined) checkNativeLoadBalancers(s, cfg, lbs);

      const changed =
        td.arn !== primary.taskDefinition ||
        input.forceNewDeployment === true ||
        !sameJson(lbs, svc.loadBalancers) ||
        !sameJson(network, svc.networkConfiguration) ||
        (input.platformVersion !== undefined && input.platformVersion !== svc.platformVersion);
      svc.desiredCount = desiredCount;
      svc.deploymentConfiguration = cfg;
      svc.loadBalancers = lbs;
      svc.healthCheckGracePeriodSeconds = grace;
      svc.propagateTags = propagateTags;
      svc.networkConfiguration = network;
      if (input.platformVersion !== undefined) svc.platformVersion = input.platformVersion;
      if (input.enableECSManagedTags !== undefined) svc.enableECSManagedTags = input.enableECSManagedTags === true;
      if (input.enableExecuteCommand !== undefined) svc.enableExecuteCommand = input.enableExecuteCommand === true;
      const now = s.now();
      if (changed) beginServiceDeployment(s, svc, newDeployment(s, svc, td.arn, now), now);
      else {
        primary.desiredCount = desiredCount;
        primary.updatedAt = now;
        svc.steady = svc.steady && svc.tasks.size === desiredCount;
      }
      return { service: serviceShape(s, svc, false) };
    },
    DescribeServices: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const refs: unknown = input.services;
      if (!Array.isArray(refs) || refs.length === 0) throw invalid('Services cannot be empty.');
      if (refs.length > 10) throw invalid('Services cannot have more than 10 items.');
      const services: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        const svc = s.findService(cluster, ref);
        if (svc) services.push(serviceShape(s, svc, includes(input, 'TAGS')));
        else
          failures.push({
            arn: String(ref).startsWith('arn:') ? String(ref) : s.arn(`service/${cluster.name}/${String(ref)}`),
            reason: 'MISSING'
          });
      }
      return { services, failures };
    },
    DeleteService: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const svc = requireService(s, cluster, input.service);
      if (svc.status === 'INACTIVE') throw new ApiError('ServiceNotActiveException', 'Service was not ACTIVE.');
      if (svc.status === 'ACTIVE') {
        if (svc.desiredCount > 0 && input.force !== true) throw invalid('The service cannot be stopped while it is scaled above 0.');
        svc.desiredCount = 0;
        svc.status = 'DRAINING';
        svc.steady = false;
      }
      return { service: serviceShape(s, svc, false) };
    },
    ListServices: (input, ctx) => {
      const s = state(ctx.region);
      const cluster = s.cluster(input.cluster);
      const arns = [...s.servicesOf(cluster).values()]
        .filter((svc) => svc.status !== 'INACTIVE')
        .filter((svc) => input.launchType === undefined || svc.launchType === input.launchType)
        .map((svc) => svc.arn);
      const { page, nextToken } = pageOf(arns, { ...input, maxResults: input.maxResults ?? 10 });
      return { serviceArns: page, nextToken };
    }
  };
}
