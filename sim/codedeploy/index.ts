/**
 * AWS CodeDeploy for ECS (awsJson1_1, CodeDeploy_20141006.*): applications, ECS blue/green
 * deployment groups, the predefined CodeDeployDefault.ECS* configs, and deployments that run on
 * the sim clock the way CodeDeploy drives ECS: a replacement task set in the other target group,
 * test traffic, an optional ready wait, production traffic moved on the listener all at once or in
 * canary / linear steps, the replacement made PRIMARY, the termination wait (Baking), the original
 * task set deleted. Failures, alarms and StopDeployment stop it; auto-rollback runs a rollback
 * deployment that puts traffic back on the original task set and deletes the replacement.
 * CodeDeploy's own ECS calls go through the ECS model's handlers, as CodeDeploy calls ECS.
 */
import { createHash } from 'node:crypto';
import {
  ApiError,
  type AlarmStates,
  type ElbForEcs,
  type Handler,
  type RequestContext,
  type ServiceModel,
  type SimClock
} from '../types.js';
import { CODEDEPLOY_PRINCIPAL } from '../ecs/tasksets.js';
import { parseAppSpec, sha256, type EcsAppSpec } from './appspec.js';

export interface CodeDeployDeps {
  clock: SimClock;
  region: string;
  accountId: string;
  /** The same region's ECS model: CodeDeploy manages task sets through its operations. */
  ecs: ServiceModel;
  elb: ElbForEcs;
  alarms: AlarmStates;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** How long a deployment stays Created before it starts. */
const START_DELAY_MS = 2 * SECOND;
/** CodeDeploy gives the replacement task set an hour to become healthy. */
export const INSTALL_TIMEOUT_MS = 60 * MINUTE;
/** CodeDeploy's 2018 launch of ECS support: when the predefined configs were created. */
const CONFIGS_CREATED = Date.parse('2018-11-27T00:00:00Z');

type TrafficRouting =
  | { type: 'AllAtOnce' }
  | { type: 'TimeBasedCanary'; timeBasedCanary: { canaryPercentage: number; canaryInterval: number } }
  | { type: 'TimeBasedLinear'; timeBasedLinear: { linearPercentage: number; linearInterval: number } };

export const ECS_CONFIGS: Record<string, TrafficRouting> = {
  'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce' },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': {
    type: 'TimeBasedLinear',
    timeBasedLinear: { linearPercentage: 10, linearInterval: 1 }
  },
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': {
    type: 'TimeBasedLinear',
    timeBasedLinear: { linearPercentage: 10, linearInterval: 3 }
  },
  'CodeDeployDefault.ECSCanary10Percent5Minutes': { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } },
  'CodeDeployDefault.ECSCanary10Percent15Minutes': {
    type: 'TimeBasedCanary',
    timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 }
  }
};
/** EC2/on-premises configs: known by name so an ECS group can refuse them clearly. */
const SERVER_CONFIGS = ['CodeDeployDefault.OneAtATime', 'CodeDeployDefault.HalfAtATime', 'CodeDeployDefault.AllAtOnce'];

type Status = 'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';
const DONE: Status[] = ['Succeeded', 'Failed', 'Stopped'];
const ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'];

interface Application {
  id: string;
  name: string;
  computePlatform: 'Server' | 'Lambda' | 'ECS';
  createTime: number;
}

interface AutoRollback {
  enabled: boolean;
  events: string[];
}

interface AlarmConfig {
  enabled: boolean;
  ignorePollAlarmFailure: boolean;
  alarms: { name: string }[];
}

interface Group {
  id: string;
  app: Application;
  name: string;
  serviceRoleArn: string;
  deploymentConfigName: string;
  ecsService: { serviceName: string; clusterName: string };
  targetGroupNames: [string, string];
  prodListener: string;
  testListener?: string;
  terminationWaitMinutes: number;
  readyAction: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT';
  readyWaitMinutes: number;
  autoRollback: AutoRollback;
  alarmConfiguration: AlarmConfig;
  tags: { Key?: string; Value?: string }[];
  targetRevision?: Record<string, unknown>;
  lastSuccessful?: Deployment;
  lastAttempted?: Deployment;
}

type Phase = 'created' | 'install' | 'ready' | 'shift' | 'bake' | 'terminate' | 'rollback' | 'done';

interface Deployment {
  id: string;
  group: Group;
  configName: string;
  routing: TrafficRouting;
  revision: Record<string, unknown>;
  previousRevision?: Record<string, unknown>;
  spec?: EcsAppSpec;
  description?: string;
  creator: 'user' | 'codeDeployRollback';
  status: Status;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: { rollbackDeploymentId?: string; rollbackTriggeringDeploymentId?: string; rollbackMessage?: string };
  autoRollback: AutoRollback;
  alarmConfiguration: AlarmConfig;
  instanceTerminationWaitTimeStarted: boolean;
  phase: Phase;
  phaseAt: number;
  /** The original (blue) and replacement (green) task sets and target groups of this run. */
  originalTaskSet?: string;
  replacementTaskSet?: string;
  blueGroup?: string;
  greenGroup?: string;
  /** Percent of production traffic on the replacement, and when the next step is due. */
  percent: number;
  nextStepAt?: number;
  bakeUntil?: number;
  readyUntil?: number;
  /** A rollback deployment: the run it undoes. */
  undoes?: Deployment;
}

function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

function uuidFrom(seed: string): string {
  const h = digest(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function err(code: string, message: string): ApiError {
  return new ApiError(code, message);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function applicationName(input: Record<string, any>): string {
  const name = str(input.applicationName);
  if (!name) throw err('ApplicationNameRequiredException', 'The application name was not specified.');
  if (name.length > 100) throw err('InvalidApplicationNameException', 'The application name is too long (at most 100 characters).');
  return name;
}

function groupName(input: Record<string, any>): string {
  const name = str(input.deploymentGroupName);
  if (!name) throw err('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
  if (name.length > 100)
    throw err('InvalidDeploymentGroupNameException', 'The deployment group name is too long (at most 100 characters).');
  return name;
}

function autoRollbackFrom(raw: unknown): AutoRollback {
  if (raw === undefined || raw === null) return { enabled: false, events: [] };
  const a = raw as Record<string, unknown>;
  const events = Array.isArray(a.events) ? a.events.map(String) : [];
  for (const e of events)
    if (!ROLLBACK_EVENTS.includes(e))
      throw err(
        'InvalidAutoRollbackConfigException',
        `autoRollbackConfiguration.events: ${e} is not one of ${ROLLBACK_EVENTS.join(', ')}.`
      );
  const enabled = a.enabled === true;
  if (enabled && events.length === 0)
    throw err(
      'InvalidAutoRollbackConfigException',
      'autoRollbackConfiguration is enabled but names no events (DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST).'
    );
  return { enabled, events };
}

function alarmConfigFrom(raw: unknown): AlarmConfig {
  if (raw === undefined || raw === null) return { enabled: false, ignorePollAlarmFailure: false, alarms: [] };
  const a = raw as Record<string, unknown>;
  const alarms = (Array.isArray(a.alarms) ? a.alarms : []).map((x: Record<string, unknown>) => ({ name: String(x?.name ?? '') }));
  if (alarms.some((x) => x.name === '')) throw err('InvalidAlarmConfigException', 'Every alarm in alarmConfiguration.alarms needs a name.');
  if (alarms.length > 10)
    throw err('AlarmsLimitExceededException', 'The maximum number of alarms for a deployment group (10) has been exceeded.');
  const enabled = a.enabled === true;
  if (enabled && alarms.length === 0) throw err('InvalidAlarmConfigException', 'alarmConfiguration is enabled but lists no alarms.');
  return { enabled, ignorePollAlarmFailure: a.ignorePollAlarmFailure === true, alarms };
}

/** Production percent after each step of a config: [100], [10, 100] or [10, 20, …, 100]. */
export function steps(routing: TrafficRouting): { percent: number; waitMs: number }[] {
  if (routing.type === 'TimeBasedCanary') {
    const { canaryPercentage, canaryInterval } = routing.timeBasedCanary;
    return [
      { percent: canaryPercentage, waitMs: canaryInterval * MINUTE },
      { percent: 100, waitMs: 0 }
    ];
  }
  if (routing.type === 'TimeBasedLinear') {
    const { linearPercentage, linearInterval } = routing.timeBasedLinear;
    const out: { percent: number; waitMs: number }[] = [];
    for (let p = linearPercentage; p < 100; p += linearPercentage) out.push({ percent: p, waitMs: linearInterval * MINUTE });
    out.push({ percent: 100, waitMs: 0 });
    return out;
  }
  return [{ percent: 100, waitMs: 0 }];
}

export function createCodeDeploy(deps: CodeDeployDeps): ServiceModel {
  const apps = new Map<string, Application>();
  const groups = new Map<string, Group>();
  const deployments = new Map<string, Deployment>();
  let created = 0;
  const now = (): number => deps.clock.now();
  const gkey = (app: string, name: string): string => `${app}\u0000${name}`;

  const ecs = (operation: string, input: Record<string, unknown>): any => {
    const handler = deps.ecs.handlers[operation];
    if (!handler) throw err('InternalFailure', `CodeDeploy cannot reach ECS (${operation} is not available in the local ECS).`);
    const ctx: RequestContext = {
      service: 'ecs',
      operation,
      accessKeyId: CODEDEPLOY_PRINCIPAL,
      region: deps.region,
      takeFault: () => false
    };
    return handler(input, ctx);
  };

  const requireApp = (name: string): Application => {
    const app = apps.get(name);
    if (!app) throw err('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return app;
  };
  const requireGroup = (app: Application, name: string): Group => {
    const g = groups.get(gkey(app.name, name));
    if (!g) throw err('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${name}`);
    return g;
  };
  const requireDeployment = (raw: unknown): Deployment => {
    const id = str(raw);
    if (!id) throw err('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    if (!/^d-[A-Z0-9]{9}$/.test(id)) throw err('InvalidDeploymentIdException', `Specified DeploymentId is not in the valid format: ${id}`);
    const d = deployments.get(id);
    if (!d) throw err('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
    return d;
  };
  const ecsConfig = (name: string): TrafficRouting => {
    const routing = ECS_CONFIGS[name];
    if (routing) return routing;
    if (SERVER_CONFIGS.includes(name)) {
      throw err(
        'InvalidDeploymentConfigNameException',
        `The deployment configuration ${name} is for the Server compute platform; an ECS deployment group takes one of ${Object.keys(ECS_CONFIGS).join(', ')}.`
      );
    }
    throw err(
      'DeploymentConfigDoesNotExistException',
      `The deployment configuration ${name} does not exist (the local ECS has the predefined ${Object.keys(ECS_CONFIGS).join(', ')}).`
    );
  };

  // ---- shapes ----------------------------------------------------------------------

  const appShape = (a: Application): Record<string, unknown> => ({
    applicationId: a.id,
    applicationName: a.name,
    createTime: new Date(a.createTime),
    linkedToGitHub: false,
    computePlatform: a.computePlatform
  });

  const lastInfo = (d?: Deployment): Record<string, unknown> | undefined =>
    d
      ? {
          deploymentId: d.id,
          status: d.status,
          endTime: d.completeTime === undefined ? undefined : new Date(d.completeTime),
          createTime: new Date(d.createTime)
        }
      : undefined;

  const blueGreenShape = (g: Group): Record<string, unknown> => ({
    terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: g.terminationWaitMinutes },
    deploymentReadyOption: { actionOnTimeout: g.readyAction, waitTimeInMinutes: g.readyWaitMinutes }
  });
  const loadBalancerInfoShape = (g: Group): Record<string, unknown> => ({
    targetGroupPairInfoList: [
      {
        targetGroups: g.targetGroupNames.map((name) => ({ name })),
        prodTrafficRoute: { listenerArns: [g.prodListener] },
        ...(g.testListener ? { testTrafficRoute: { listenerArns: [g.testListener] } } : {})
      }
    ]
  });

  const groupShape = (g: Group): Record<string, unknown> => ({
    applicationName: g.app.name,
    deploymentGroupId: g.id,
    deploymentGroupName: g.name,
    deploymentConfigName: g.deploymentConfigName,
    ec2TagFilters: [],
    onPremisesInstanceTagFilters: [],
    autoScalingGroups: [],
    serviceRoleArn: g.serviceRoleArn,
    targetRevision: g.targetRevision,
    triggerConfigurations: [],
    alarmConfiguration: g.alarmConfiguration,
    autoRollbackConfiguration: g.autoRollback,
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    outdatedInstancesStrategy: 'UPDATE',
    blueGreenDeploymentConfiguration: blueGreenShape(g),
    loadBalancerInfo: loadBalancerInfoShape(g),
    lastSuccessfulDeployment: lastInfo(g.lastSuccessful),
    lastAttemptedDeployment: lastInfo(g.lastAttempted),
    computePlatform: 'ECS',
    // terminationHookEnabled (EC2 Auto Scaling only, 2024) is left out: older models reject the member.
    ecsServices: [g.ecsService]
  });

  const overview = (d: Deployment): Record<string, number> => {
    const o = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
    if (d.status === 'Created' || d.status === 'Queued') o.Pending = 1;
    else if (d.status === 'InProgress' || d.status === 'Baking') o.InProgress = 1;
    else if (d.status === 'Ready') o.Ready = 1;
    else if (d.status === 'Succeeded') o.Succeeded = 1;
    else if (d.status === 'Failed') o.Failed = 1;
    else o.Skipped = 1;
    return o;
  };

  const deploymentShape = (d: Deployment): Record<string, unknown> => ({
    applicationName: d.group.app.name,
    deploymentGroupName: d.group.name,
    deploymentConfigName: d.configName,
    deploymentId: d.id,
    previousRevision: d.previousRevision,
    revision: d.revision,
    status: d.status,
    errorInformation: d.errorInformation,
    createTime: new Date(d.createTime),
    startTime: d.startTime === undefined ? undefined : new Date(d.startTime),
    completeTime: d.completeTime === undefined ? undefined : new Date(d.completeTime),
    deploymentOverview: overview(d),
    description: d.description,
    creator: d.creator,
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: d.autoRollback,
    updateOutdatedInstancesOnly: false,
    rollbackInfo: d.rollbackInfo,
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    instanceTerminationWaitTimeStarted: d.instanceTerminationWaitTimeStarted,
    blueGreenDeploymentConfiguration: blueGreenShape(d.group),
    loadBalancerInfo: loadBalancerInfoShape(d.group),
    deploymentStatusMessages: [],
    computePlatform: 'ECS',
    ...(d.alarmConfiguration !== d.group.alarmConfiguration ? { overrideAlarmConfiguration: d.alarmConfiguration } : {})
  });

  // ---- the run -----------------------------------------------------------------------

  const newId = (): string => {
    const n = created++;
    let id = BigInt(`0x${digest(`${deps.accountId}:${deps.region}#deployment${n}`).slice(0, 15)}`)
      .toString(36)
      .toUpperCase();
    id = id.padStart(9, '0').slice(-9);
    return `d-${id}`;
  };

  const describeTaskSets = (d: Deployment): Record<string, any>[] => {
    const { clusterName, serviceName } = d.group.ecsService;
    return ecs('DescribeTaskSets', { cluster: clusterName, service: serviceName }).taskSets as Record<string, any>[];
  };

  const setWeights = (listener: string | undefined, blue: string, green: string, greenPercent: number): void => {
    if (!listener) return;
    deps.elb.setForwardWeights(listener, [
      { targetGroupArn: blue, weight: 100 - greenPercent },
      { targetGroupArn: green, weight: greenPercent }
    ]);
  };

  const finish = (d: Deployment, status: Status, at: number, error?: { code: string; message: string }): void => {
    d.status = status;
    d.completeTime = at;
    d.phase = 'done';
    if (error) d.errorInformation = error;
    if (status === 'Succeeded') {
      d.group.lastSuccessful = d;
      if (d.creator === 'user') d.group.targetRevision = d.revision;
    }
  };

  /** The deployment did not succeed: Failed or Stopped, then a rollback deployment when configured for the event. */
  const halt = (
    d: Deployment,
    at: number,
    status: 'Failed' | 'Stopped',
    error: { code: string; message: string },
    rollback: boolean
  ): void => {
    const canUndo = rollback && d.phase !== 'terminate' && d.phase !== 'done' && d.replacementTaskSet !== undefined;
    finish(d, status, at, error);
    if (!canUndo) return;
    const r: Deployment = {
      id: newId(),
      group: d.group,
      configName: d.configName,
      routing: d.routing,
      revision: d.previousRevision ?? d.revision,
      previousRevision: d.revision,
      creator: 'codeDeployRollback',
      status: 'InProgress',
      createTime: at,
      startTime: at,
      autoRollback: d.autoRollback,
      alarmConfiguration: d.alarmConfiguration,
      instanceTerminationWaitTimeStarted: false,
      phase: 'rollback',
      phaseAt: at,
      originalTaskSet: d.originalTaskSet,
      replacementTaskSet: d.replacementTaskSet,
      blueGroup: d.blueGroup,
      greenGroup: d.greenGroup,
      percent: d.percent,
      rollbackInfo: { rollbackTriggeringDeploymentId: d.id, rollbackMessage: `Rollback of deployment ${d.id}: ${error.message}` },
      undoes: d
    };
    d.rollbackInfo = { rollbackDeploymentId: r.id, rollbackMessage: `Deployment ${d.id} was rolled back by deployment ${r.id}.` };
    deployments.set(r.id, r);
    d.group.lastAttempted = r;
  };

  const watchAlarms = (d: Deployment, at: number): boolean => {
    const cfg = d.alarmConfiguration;
    if (!cfg.enabled) return false;
    const firing: string[] = [];
    const unknown: string[] = [];
    for (const a of cfg.alarms) {
      const state = deps.alarms.state(a.name);
      if (state === 'ALARM') firing.push(a.name);
      else if (state === undefined && !cfg.ignorePollAlarmFailure) unknown.push(a.name);
    }
    if (!firing.length && !unknown.length) return false;
    const message = firing.length
      ? `One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <${firing.join(', ')}>`
      : `The deployment was stopped because the state of alarm(s) <${unknown.join(', ')}> could not be retrieved (they do not exist) and ignorePollAlarmFailure is false.`;
    halt(
      d,
      at,
      'Stopped',
      { code: 'ALARM_ACTIVE', message },
      d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_ALARM')
    );
    return true;
  };

  const failOnEcs = (d: Deployment, at: number, message: string): void =>
    halt(
      d,
      at,
      'Failed',
      { code: 'ECS_UPDATE_ERROR', message },
      d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_FAILURE')
    );

  const step = (d: Deployment, at: number): void => {
    if (d.phase !== 'created' && d.phase !== 'rollback' && d.phase !== 'terminate' && watchAlarms(d, at)) return;
    const g = d.group;
    const { clusterName, serviceName } = g.ecsService;
    switch (d.phase) {
      case 'created': {
        if (at < d.createTime + START_DELAY_MS) return;
        d.status = 'InProgress';
        d.startTime = at;
        if (watchAlarms(d, at)) return;
        // The original is the PRIMARY task set; the replacement goes to the pair's other target group.
        let sets: Record<string, any>[];
        try {
          sets = describeTaskSets(d);
        } catch (e) {
          return failOnEcs(
            d,
            at,
            `The ECS service ${serviceName} in cluster ${clusterName} cannot be deployed: ${e instanceof Error ? e.message : String(e)}`
          );
        }
        const primary = sets.find((ts) => ts.status === 'PRIMARY');
        const [a, b] = g.targetGroupNames.map((n) => deps.elb.targetGroupArnByName?.(n));
        if (!primary || !a || !b)
          return failOnEcs(
            d,
            at,
            `The ECS service ${serviceName} has no PRIMARY task set or a target group of the deployment group is missing.`
          );
        // Task sets left behind by a deployment stopped without rollback would serve the green group too.
        for (const stale of sets.filter((ts) => ts.status !== 'PRIMARY' && ts.status !== 'DRAINING')) {
          ecs('DeleteTaskSet', { cluster: clusterName, service: serviceName, taskSet: stale.id, force: true });
        }
        d.originalTaskSet = primary.id;
        d.blueGroup = primary.loadBalancers?.[0]?.targetGroupArn ?? a;
        d.greenGroup = d.blueGroup === a ? b : a;
        const spec = d.spec!;
        try {
          const out = ecs('CreateTaskSet', {
            cluster: clusterName,
            service: serviceName,
            externalId: d.id,
            taskDefinition: spec.taskDefinition,
            loadBalancers: [{ targetGroupArn: d.greenGroup, containerName: spec.containerName, containerPort: spec.containerPort }],
            ...(spec.networkConfiguration ? { networkConfiguration: spec.networkConfiguration } : {}),
            ...(spec.platformVersion ? { platformVersion: spec.platformVersion } : {}),
            ...(spec.capacityProviderStrategy ? { capacityProviderStrategy: spec.capacityProviderStrategy } : {}),
            scale: { value: 100, unit: 'PERCENT' }
          });
          d.replacementTaskSet = out.taskSet.id;
        } catch (e) {
          return failOnEcs(
            d,
            at,
            `Failed to create the replacement task set: ${e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)}`
          );
        }
        d.phase = 'install';
        d.phaseAt = at;
        return;
      }
      case 'install': {
        const ts = describeTaskSets(d).find((x) => x.id === d.replacementTaskSet);
        if (!ts) return failOnEcs(d, at, `The replacement task set ${d.replacementTaskSet} no longer exists.`);
        const stable = ts.stabilityStatus === 'STEADY_STATE' && ts.runningCount === ts.computedDesiredCount;
        if (!stable) {
          if (at - d.phaseAt >= INSTALL_TIMEOUT_MS) {
            halt(
              d,
              at,
              'Failed',
              {
                code: 'ECS_UPDATE_ERROR',
                message:
                  'The deployment timed out while waiting for the replacement task set to become healthy. This time out period is 60 minutes.'
              },
              d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_FAILURE')
            );
          }
          return;
        }
        // Lambda hooks (AfterInstall, AfterAllowTestTraffic, …) are taken as succeeded: the local ECS runs no functions.
        setWeights(g.testListener, d.blueGroup!, d.greenGroup!, 100);
        if (g.readyAction === 'STOP_DEPLOYMENT') {
          d.status = 'Ready';
          d.phase = 'ready';
          d.readyUntil = at + g.readyWaitMinutes * MINUTE;
        } else {
          d.phase = 'shift';
        }
        d.phaseAt = at;
        return;
      }
      case 'ready':
        if (at >= d.readyUntil!) {
          halt(
            d,
            at,
            'Stopped',
            {
              code: 'TIMEOUT',
              message: `Traffic was not rerouted (ContinueDeployment) within the ready wait of ${g.readyWaitMinutes} minutes.`
            },
            true
          );
        }
        return;
      case 'shift': {
        if (d.nextStepAt !== undefined && at < d.nextStepAt) return;
        const plan = steps(d.routing);
        const next = plan.find((s) => s.percent > d.percent) ?? plan[plan.length - 1];
        d.percent = next.percent;
        setWeights(g.prodListener, d.blueGroup!, d.greenGroup!, d.percent);
        if (d.percent < 100) {
          d.nextStepAt = at + next.waitMs;
          return;
        }
        ecs('UpdateServicePrimaryTaskSet', { cluster: clusterName, service: serviceName, primaryTaskSet: d.replacementTaskSet });
        d.phase = 'bake';
        d.phaseAt = at;
        d.status = 'Baking';
        d.instanceTerminationWaitTimeStarted = true;
        d.bakeUntil = at + g.terminationWaitMinutes * MINUTE;
        return;
      }
      case 'bake':
        if (at < d.bakeUntil!) return;
        try {
          ecs('DeleteTaskSet', { cluster: clusterName, service: serviceName, taskSet: d.originalTaskSet, force: true });
        } catch {
          // Already gone: nothing left to delete.
        }
        d.status = 'InProgress';
        d.phase = 'terminate';
        d.phaseAt = at;
        return;
      case 'terminate':
        if (!describeTaskSets(d).some((x) => x.id === d.originalTaskSet)) finish(d, 'Succeeded', at);
        return;
      case 'rollback': {
        if (d.phaseAt === d.createTime && !d.nextStepAt) {
          // Traffic first: production and test back on the original task set's group, the original PRIMARY again.
          setWeights(g.prodListener, d.blueGroup!, d.greenGroup!, 0);
          setWeights(g.testListener, d.blueGroup!, d.greenGroup!, 0);
          try {
            ecs('UpdateServicePrimaryTaskSet', { cluster: clusterName, service: serviceName, primaryTaskSet: d.originalTaskSet });
          } catch {
            // The original may be gone; traffic is back on its target group either way.
          }
          try {
            ecs('DeleteTaskSet', { cluster: clusterName, service: serviceName, taskSet: d.replacementTaskSet, force: true });
          } catch {
            // Already deleted.
          }
          d.percent = 0;
          d.nextStepAt = at;
          return;
        }
        if (!describeTaskSets(d).some((x) => x.id === d.replacementTaskSet)) finish(d, 'Succeeded', at);
        return;
      }
      default:
        return;
    }
  };

  // ---- operations -------------------------------------------------------------------

  const handlers: Record<string, Handler> = {
    CreateApplication: (input) => {
      const name = applicationName(input);
      const platform = input.computePlatform ?? 'Server';
      if (!['Server', 'Lambda', 'ECS'].includes(platform))
        throw err('InvalidComputePlatformException', `computePlatform must be one of Server, Lambda, ECS, got ${String(platform)}.`);
      if (apps.has(name)) throw err('ApplicationAlreadyExistsException', `An application named ${name} already exists.`);
      const app: Application = {
        id: uuidFrom(`${deps.accountId}:${deps.region}#app:${name}`),
        name,
        computePlatform: platform,
        createTime: now()
      };
      apps.set(name, app);
      return { applicationId: app.id };
    },
    GetApplication: (input) => ({ application: appShape(requireApp(applicationName(input))) }),
    ListApplications: () => ({ applications: [...apps.keys()].sort() }),
    BatchGetApplications: (input) => {
      const names: unknown[] = Array.isArray(input.applicationNames) ? input.applicationNames : [];
      if (names.length > 100)
        throw err('BatchLimitExceededException', 'The maximum number of names or IDs allowed for this request (100) was exceeded.');
      return { applicationsInfo: names.map((n) => appShape(requireApp(String(n)))) };
    },
    DeleteApplication: (input) => {
      const name = applicationName(input);
      apps.delete(name);
      for (const [k, g] of groups) if (g.app.name === name) groups.delete(k);
      return {};
    },
    CreateDeploymentGroup: (input) => {
      const app = requireApp(applicationName(input));
      const name = groupName(input);
      if (groups.has(gkey(app.name, name)))
        throw err('DeploymentGroupAlreadyExistsException', `A deployment group named ${name} already exists for application ${app.name}.`);
      if (!str(input.serviceRoleArn)) throw err('RoleRequiredException', 'The service role ARN (serviceRoleArn) was not specified.');
      if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(input.serviceRoleArn))
        throw err('InvalidRoleException', `The service role ${input.serviceRoleArn} is not an IAM role ARN.`);
      if (app.computePlatform !== 'ECS')
        throw err(
          'InvalidComputePlatformException',
          `The local ECS models only ECS deployment groups; application ${app.name} is for ${app.computePlatform}.`
        );
      const configName = str(input.deploymentConfigName) ?? 'CodeDeployDefault.ECSAllAtOnce';
      ecsConfig(configName);
      const style = input.deploymentStyle ?? {};
      if (style.deploymentType !== 'BLUE_GREEN' || style.deploymentOption !== 'WITH_TRAFFIC_CONTROL') {
        throw err(
          'InvalidDeploymentStyleException',
          'An ECS deployment group must use deploymentStyle {deploymentType: BLUE_GREEN, deploymentOption: WITH_TRAFFIC_CONTROL}.'
        );
      }
      const services: unknown[] = Array.isArray(input.ecsServices) ? input.ecsServices : [];
      if (services.length !== 1)
        throw err(
          'InvalidECSServiceException',
          'An ECS deployment group must name exactly one ECS service (ecsServices: [{serviceName, clusterName}]).'
        );
      const svcRef = services[0] as Record<string, unknown>;
      const ecsService = { serviceName: String(svcRef?.serviceName ?? ''), clusterName: String(svcRef?.clusterName ?? '') };
      if (!ecsService.serviceName || !ecsService.clusterName)
        throw err('InvalidECSServiceException', 'ecsServices[0] needs both serviceName and clusterName.');
      for (const g of groups.values()) {
        if (g.ecsService.serviceName === ecsService.serviceName && g.ecsService.clusterName === ecsService.clusterName) {
          throw err(
            'ECSServiceMappingLimitExceededException',
            `The ECS service ${ecsService.serviceName} in cluster ${ecsService.clusterName} is already in deployment group ${g.name} of application ${g.app.name}.`
          );
        }
      }
      let described: Record<string, any> | undefined;
      try {
        described = ecs('DescribeServices', { cluster: ecsService.clusterName, services: [ecsService.serviceName] }).services?.[0];
      } catch {
        described = undefined;
      }
      if (!described || described.status !== 'ACTIVE')
        throw err(
          'InvalidECSServiceException',
          `The ECS service ${ecsService.serviceName} in cluster ${ecsService.clusterName} does not exist or is not ACTIVE.`
        );
      if (described.deploymentController?.type !== 'CODE_DEPLOY') {
        throw err(
          'InvalidECSServiceException',
          `Deployment group's ECS service must be configured for a CODE_DEPLOY deployment controller (${ecsService.serviceName} uses ${String(described.deploymentController?.type)}).`
        );
      }
      const pairs: unknown[] = input.loadBalancerInfo?.targetGroupPairInfoList ?? [];
      if (!Array.isArray(pairs) || pairs.length !== 1)
        throw err(
          'InvalidTargetGroupPairException',
          'An ECS deployment group needs loadBalancerInfo.targetGroupPairInfoList with exactly one target group pair.'
        );
      const pair = pairs[0] as Record<string, any>;
      const names: string[] = (Array.isArray(pair?.targetGroups) ? pair.targetGroups : []).map((t: Record<string, unknown>) =>
        String(t?.name ?? '')
      );
      if (names.length !== 2 || names[0] === names[1])
        throw err('InvalidTargetGroupPairException', 'The target group pair must name two different target groups.');
      for (const n of names)
        if (!deps.elb.targetGroupArnByName?.(n)) throw err('InvalidTargetGroupPairException', `The target group ${n} does not exist.`);
      const arns = names.map((n) => deps.elb.targetGroupArnByName?.(n) ?? '');
      const serviceGroup = described.loadBalancers?.[0]?.targetGroupArn;
      if (!arns.includes(serviceGroup))
        throw err(
          'InvalidTargetGroupPairException',
          `The ECS service ${ecsService.serviceName}'s target group is not one of the pair ${names.join(', ')}.`
        );
      const listenerOf = (route: unknown, which: string): string | undefined => {
        if (route === undefined || route === null) return undefined;
        const list: unknown = (route as Record<string, unknown>).listenerArns;
        if (!Array.isArray(list) || list.length !== 1)
          throw err('InvalidLoadBalancerInfoException', `${which}.listenerArns must hold exactly one listener ARN.`);
        const arn = String(list[0]);
        const weights = deps.elb.forwardWeights(arn);
        if (!weights)
          throw err(
            'InvalidLoadBalancerInfoException',
            `${which}: the listener ${arn} does not exist or its default action does not forward to target groups.`
          );
        if (!weights.some((w) => arns.includes(w.targetGroupArn)))
          throw err('InvalidLoadBalancerInfoException', `${which}: the listener ${arn} does not forward to ${names.join(' or ')}.`);
        return arn;
      };
      const prodListener = listenerOf(pair.prodTrafficRoute, 'prodTrafficRoute');
      if (!prodListener)
        throw err('InvalidLoadBalancerInfoException', 'The target group pair needs a prodTrafficRoute (the production listener).');
      const testListener = listenerOf(pair.testTrafficRoute, 'testTrafficRoute');
      const bg = input.blueGreenDeploymentConfiguration ?? {};
      const term = bg.terminateBlueInstancesOnDeploymentSuccess ?? {};
      if (term.action !== undefined && term.action !== 'TERMINATE') {
        throw err(
          'InvalidBlueGreenDeploymentConfigurationException',
          'The local ECS models terminateBlueInstancesOnDeploymentSuccess.action TERMINATE only (the original task set is deleted after the termination wait).'
        );
      }
      const wait = term.terminationWaitTimeInMinutes ?? 0;
      if (!Number.isInteger(wait) || wait < 0 || wait > 2880)
        throw err(
          'InvalidBlueGreenDeploymentConfigurationException',
          'terminationWaitTimeInMinutes must be a whole number of minutes from 0 to 2880.'
        );
      const ready = bg.deploymentReadyOption ?? {};
      const readyAction = ready.actionOnTimeout ?? 'CONTINUE_DEPLOYMENT';
      if (readyAction !== 'CONTINUE_DEPLOYMENT' && readyAction !== 'STOP_DEPLOYMENT')
        throw err(
          'InvalidBlueGreenDeploymentConfigurationException',
          'deploymentReadyOption.actionOnTimeout must be CONTINUE_DEPLOYMENT or STOP_DEPLOYMENT.'
        );
      const readyWait = ready.waitTimeInMinutes ?? 0;
      if (!Number.isInteger(readyWait) || readyWait < 0 || readyWait > 2880)
        throw err(
          'InvalidBlueGreenDeploymentConfigurationException',
          'deploymentReadyOption.waitTimeInMinutes must be a whole number of minutes from 0 to 2880.'
        );
      if (readyAction === 'STOP_DEPLOYMENT' && readyWait === 0)
        throw err(
          'InvalidBlueGreenDeploymentConfigurationException',
          'deploymentReadyOption STOP_DEPLOYMENT needs a waitTimeInMinutes above 0.'
        );
      const group: Group = {
        id: uuidFrom(`${deps.accountId}:${deps.region}#dg:${app.name}/${name}`),
        app,
        name,
        serviceRoleArn: input.serviceRoleArn,
        deploymentConfigName: configName,
        ecsService,
        targetGroupNames: [names[0], names[1]],
        prodListener,
        testListener,
        terminationWaitMinutes: wait,
        readyAction,
        readyWaitMinutes: readyAction === 'STOP_DEPLOYMENT' ? readyWait : 0,
        autoRollback: autoRollbackFrom(input.autoRollbackConfiguration),
        alarmConfiguration: alarmConfigFrom(input.alarmConfiguration),
        tags: Array.isArray(input.tags) ? input.tags : []
      };
      groups.set(gkey(app.name, name), group);
      return { deploymentGroupId: group.id };
    },
    GetDeploymentGroup: (input) => {
      const app = requireApp(applicationName(input));
      return { deploymentGroupInfo: groupShape(requireGroup(app, groupName(input))) };
    },
    ListDeploymentGroups: (input) => {
      const app = requireApp(applicationName(input));
      return {
        applicationName: app.name,
        deploymentGroups: [...groups.values()]
          .filter((g) => g.app === app)
          .map((g) => g.name)
          .sort()
      };
    },
    DeleteDeploymentGroup: (input) => {
      const app = requireApp(applicationName(input));
      groups.delete(gkey(app.name, groupName(input)));
      return { hooksNotCleanedUp: [] };
    },
    GetDeploymentConfig: (input) => {
      const name = str(input.deploymentConfigName);
      if (!name) throw err('DeploymentConfigNameRequiredException', 'The deployment configuration name was not specified.');
      const routing = ECS_CONFIGS[name];
      if (!routing && !SERVER_CONFIGS.includes(name))
        throw err('DeploymentConfigDoesNotExistException', `The deployment configuration ${name} does not exist.`);
      return {
        deploymentConfigInfo: {
          deploymentConfigId: uuidFrom(`config:${name}`),
          deploymentConfigName: name,
          createTime: new Date(CONFIGS_CREATED),
          computePlatform: routing ? 'ECS' : 'Server',
          ...(routing ? { trafficRoutingConfig: routing } : {})
        }
      };
    },
    ListDeploymentConfigs: () => ({ deploymentConfigsList: [...SERVER_CONFIGS, ...Object.keys(ECS_CONFIGS)] }),
    CreateDeployment: (input) => {
      const app = requireApp(applicationName(input));
      const group = requireGroup(app, groupName(input));
      const revision = input.revision;
      if (!revision || typeof revision !== 'object') throw err('RevisionRequiredException', 'The revision ID was not specified.');
      if (revision.revisionType !== 'AppSpecContent') {
        throw err(
          'InvalidRevisionException',
          `The local ECS models revisionType AppSpecContent only (got ${String(revision.revisionType)}): pass the AppSpec itself in revision.appSpecContent.content instead of an S3 or GitHub location.`
        );
      }
      const content = revision.appSpecContent?.content;
      const spec = parseAppSpec(content);
      const hash = sha256(String(content));
      if (revision.appSpecContent?.sha256 !== undefined && revision.appSpecContent.sha256 !== hash) {
        throw err('InvalidRevisionException', 'The sha256 of the AppSpec content does not match revision.appSpecContent.sha256.');
      }
      if (input.description !== undefined && String(input.description).length > 512)
        throw err('DescriptionTooLongException', 'The description is too long (at most 512 characters).');
      const configName = str(input.deploymentConfigName) ?? group.deploymentConfigName;
      const routing = ecsConfig(configName);
      const active = [...deployments.values()].find((d) => d.group === group && !DONE.includes(d.status));
      if (active)
        throw err(
          'DeploymentLimitExceededException',
          `The Deployment Group '${group.name}' already has an active Deployment '${active.id}'`
        );
      const autoRollback =
        input.autoRollbackConfiguration !== undefined ? autoRollbackFrom(input.autoRollbackConfiguration) : group.autoRollback;
      const alarmConfiguration =
        input.overrideAlarmConfiguration !== undefined ? alarmConfigFrom(input.overrideAlarmConfiguration) : group.alarmConfiguration;
      const at = now();
      const d: Deployment = {
        id: newId(),
        group,
        configName,
        routing,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: String(content), sha256: hash } },
        previousRevision: group.targetRevision,
        spec,
        description: input.description,
        creator: 'user',
        status: 'Created',
        createTime: at,
        autoRollback,
        alarmConfiguration,
        instanceTerminationWaitTimeStarted: false,
        phase: 'created',
        phaseAt: at,
        percent: 0
      };
      deployments.set(d.id, d);
      group.lastAttempted = d;
      return { deploymentId: d.id };
    },
    GetDeployment: (input) => ({ deploymentInfo: deploymentShape(requireDeployment(input.deploymentId)) }),
    BatchGetDeployments: (input) => {
      const ids: unknown[] = Array.isArray(input.deploymentIds) ? input.deploymentIds : [];
      if (ids.length > 25)
        throw err('BatchLimitExceededException', 'The maximum number of names or IDs allowed for this request (25) was exceeded.');
      return {
        deploymentsInfo: ids
          .map((id) => deployments.get(String(id)))
          .filter((d): d is Deployment => !!d)
          .map(deploymentShape)
      };
    },
    ListDeployments: (input) => {
      let list = [...deployments.values()];
      if (input.applicationName !== undefined) {
        const app = requireApp(applicationName(input));
        list = list.filter((d) => d.group.app === app);
        if (input.deploymentGroupName !== undefined) {
          const g = requireGroup(app, groupName(input));
          list = list.filter((d) => d.group === g);
        }
      } else if (input.deploymentGroupName !== undefined) {
        throw err('ApplicationNameRequiredException', 'The application name must be given with deploymentGroupName.');
      }
      const statuses: unknown[] = Array.isArray(input.includeOnlyStatuses) ? input.includeOnlyStatuses : [];
      if (statuses.length) list = list.filter((d) => statuses.includes(d.status));
      // Newest first, as CodeDeploy lists them.
      return { deployments: list.sort((a, b) => b.createTime - a.createTime).map((d) => d.id) };
    },
    StopDeployment: (input) => {
      const d = requireDeployment(input.deploymentId);
      if (DONE.includes(d.status))
        throw err('DeploymentAlreadyCompletedException', `The deployment ${d.id} has already completed (${d.status}).`);
      if (d.creator === 'codeDeployRollback')
        throw err('UnsupportedActionForDeploymentTypeException', `The deployment ${d.id} is a rollback deployment and cannot be stopped.`);
      const requested = input.autoRollbackEnabled;
      const rollback =
        typeof requested === 'boolean' ? requested : d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
      halt(d, now(), 'Stopped', { code: 'MANUAL_STOP', message: 'The deployment was stopped by a StopDeployment request.' }, rollback);
      return { status: 'Pending', statusMessage: 'Stopping Pending. Stopping to schedule commands in the deployment instances' };
    },
    ContinueDeployment: (input) => {
      const d = requireDeployment(input.deploymentId);
      const type = input.deploymentWaitType ?? 'READY_WAIT';
      if (type !== 'READY_WAIT' && type !== 'TERMINATION_WAIT')
        throw err('InvalidDeploymentWaitTypeException', 'deploymentWaitType must be READY_WAIT or TERMINATION_WAIT.');
      if (DONE.includes(d.status))
        throw err('DeploymentAlreadyCompletedException', `The deployment ${d.id} has already completed (${d.status}).`);
      if (type === 'READY_WAIT') {
        if (d.phase !== 'ready')
          throw err('DeploymentIsNotInReadyStateException', `The deployment ${d.id} is not in the Ready state (it is ${d.status}).`);
        d.status = 'InProgress';
        d.phase = 'shift';
        d.phaseAt = now();
      } else {
        if (d.phase !== 'bake')
          throw err('InvalidDeploymentStatusException', `The deployment ${d.id} is not waiting to terminate the original task set.`);
        d.bakeUntil = now();
      }
      return {};
    }
  };

  return {
    handlers,
    tick(at: number): void {
      for (const d of deployments.values()) {
        if (d.phase === 'done') continue;
        try {
          step(d, at);
        } catch (e) {
          // An ECS refusal in mid-run fails the deployment instead of the whole world's tick.
          failOnEcs(d, at, e instanceof Error ? e.message : String(e));
        }
      }
    },
    snapshot: () => ({
      applications: [...apps.values()].map(appShape),
      deploymentGroups: [...groups.values()].map(groupShape),
      deployments: [...deployments.values()].map(deploymentShape)
    })
  };
}
