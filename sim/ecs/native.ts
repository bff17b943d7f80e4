/**
 * Amazon ECS's own (native) blue/green, linear and canary deployments: service revisions,
 * service deployments (ListServiceDeployments / DescribeServiceDeployments), the lifecycle
 * stages on the sim clock, PAUSE and AWS_LAMBDA lifecycle hooks, ECS itself moving the test
 * and production listener rules' weights, rollback (ContinueServiceDeployment ROLLBACK,
 * StopServiceDeployment, hook timeouts, deployment alarms, the circuit breaker), and the
 * validation of the configuration that drives it. Rolling deployments get their service
 * deployment records here too, so ListServiceDeployments answers for every service.
 */
import { createHash } from 'node:crypto';
import { ApiError, type Handler } from '../types.js';
import {
  type AdvancedConfiguration,
  type Cluster,
  type Deployment,
  type DeploymentConfiguration,
  type DeploymentStrategy,
  type EcsState,
  type LifecycleHook,
  type LoadBalancerRef,
  type Service,
  type Task
} from './model.js';
import type { Scheduler } from './scheduler.js';
import { circuitBreakerThreshold } from './scheduler.js';
import { pageOf } from './taskdefs.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** How long a lifecycle stage with nothing to wait for lasts (ECS takes a few seconds per stage). */
export const STAGE_MS = 5 * SECOND;
/** A PAUSE hook's timeout when timeoutConfiguration does not say (24 hours), and its action. */
export const DEFAULT_HOOK_TIMEOUT_MINUTES = 1440;

export type LifecycleStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP';

/** Where a hook may be attached (PRE_PRODUCTION_TRAFFIC_SHIFT is a hook stage, not a reported lifecycleStage). */
const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT'
];
/** Also invoked during a rollback, so the developer guide allows only Lambda hooks there. */
const NO_PAUSE_STAGES = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'IN_PROGRESS'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

const TERMINAL: ServiceDeploymentStatus[] = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

export interface HookRun {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  expiresAt: number;
  timeoutAction: 'CONTINUE' | 'ROLLBACK';
}

export interface ServiceRevisionRecord {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  launchType?: string;
  platformVersion?: string;
  loadBalancers: LoadBalancerRef[];
  networkConfiguration?: Record<string, any>;
  containerImages: { containerName: string; imageDigest: string; image: string }[];
  createdAt: number;
  /** Which target group (and production rule) this revision's tasks serve from: set when it is deployed. */
  resolvedLoadBalancers?: { targetGroupArn: string; productionListenerRule?: string }[];
}

export interface ServiceDeploymentRecord {
  arn: string;
  serviceArn: string;
  clusterArn: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  stoppedAt?: number;
  updatedAt: number;
  sourceRevisionArns: string[];
  targetRevisionArn: string;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage?: LifecycleStage;
  hooks: HookRun[];
  deploymentConfiguration: DeploymentConfiguration;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn?: string };
  circuitBreaker: { enabled: boolean; failureCount: number; threshold: number; triggered: boolean };
  alarms: { enabled: boolean; alarmNames: string[]; triggered: string[] };
  /** Percent of test / production traffic each revision was last given (requested*TrafficWeight). */
  weights: Map<string, { test: number; production: number }>;
  hookCounter: number;
}

interface StageEntry {
  stage: LifecycleStage;
  /** The hook stage invoked on entering (PRE_PRODUCTION_TRAFFIC_SHIFT before a production step). */
  hookStage?: string;
  /** Production step: the percent of production traffic for green. */
  percent?: number;
  /** Bake after this production step (ms), not applied after the 100 % step. */
  stepBakeMs?: number;
}

export interface NativeRun {
  record: ServiceDeploymentRecord;
  strategy: Exclude<DeploymentStrategy, 'ROLLING'>;
  green: Deployment;
  blue?: Deployment;
  greenTargetGroups: string[];
  blueTargetGroups: string[];
  productionRule?: string;
  testRule?: string;
  phase: 'forward' | 'rollback' | 'done';
  plan: StageEntry[];
  at: number;
  entered: boolean;
  stageAt: number;
  waitUntil?: number;
}

// ---- ids and ARNs --------------------------------------------------------------

function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('base64url');
}

/**
 * Ids derived from the ARN and a counter instead of the sim's random stream, so adding service
 * deployments changes no task or deployment id a seeded run already produced.
 */
function serviceDeploymentArn(state: EcsState, svc: Service): string {
  return state.arn(
    `service-deployment/${svc.cluster.name}/${svc.name}/${digest(`${svc.arn}#sd${svc.serviceDeployments.length}`).slice(0, 22)}`
  );
}

function revisionArn(state: EcsState, svc: Service): string {
  const hex = createHash('sha256').update(`${svc.arn}#rev${svc.revisions.length}`).digest('hex').slice(0, 15);
  return state.arn(
    `service-revision/${svc.cluster.name}/${svc.name}/${((BigInt(`0x${hex}`) % 9_000_000_000_000_000_000n) + 1_000_000_000_000_000_000n).toString()}`
  );
}

export function isNative(cfg: DeploymentConfiguration): boolean {
  return cfg.strategy !== 'ROLLING';
}

// ---- validation ----------------------------------------------------------------

function invalid(message: string): ApiError {
  return new ApiError('InvalidParameterException', message);
}

function intIn(value: unknown, member: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${member} must be an integer between ${min} and ${max}.`);
  return value;
}

function tenthIn(value: unknown, member: string, min: number, max: number): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    Math.abs(value * 10 - Math.round(value * 10)) > 1e-9
  ) {
    throw invalid(`${member} must be a multiple of 0.1 between ${min.toFixed(1)} and ${max.toFixed(1)}.`);
  }
  return Math.round(value * 10) / 10;
}

function hooksFrom(input: unknown): LifecycleHook[] {
  if (!Array.isArray(input)) throw invalid('lifecycleHooks must be a list.');
  const hooks = input.map((raw: Record<string, any>, i): LifecycleHook => {
    const member = `lifecycleHooks[${i}]`;
    const targetType = raw?.targetType ?? 'AWS_LAMBDA';
    if (targetType !== 'AWS_LAMBDA' && targetType !== 'PAUSE') throw invalid(`${member}.targetType must be one of AWS_LAMBDA, PAUSE.`);
    const stages: unknown = raw?.lifecycleStages;
    if (!Array.isArray(stages) || stages.length === 0) throw invalid(`${member}.lifecycleStages must name at least one lifecycle stage.`);
    for (const s of stages) {
      if (!HOOK_STAGES.includes(String(s)))
        throw invalid(`${member}.lifecycleStages: ${String(s)} is not a lifecycle stage a hook can use (${HOOK_STAGES.join(', ')}).`);
      if (targetType === 'PAUSE' && NO_PAUSE_STAGES.includes(String(s))) {
        throw invalid(`${member}: PAUSE hooks cannot be configured at the ${String(s)} stage; it is only valid for AWS_LAMBDA hooks.`);
      }
    }
    const hook: LifecycleHook = { targetType, lifecycleStages: stages.map(String) };
    if (targetType === 'AWS_LAMBDA') {
      if (typeof raw.hookTargetArn !== 'string' || !raw.hookTargetArn.startsWith('arn:'))
        throw invalid(`${member}.hookTargetArn must be the ARN of a Lambda function for an AWS_LAMBDA hook.`);
      if (typeof raw.roleArn !== 'string' || !raw.roleArn.startsWith('arn:'))
        throw invalid(`${member}.roleArn must be an IAM role ARN for an AWS_LAMBDA hook.`);
      hook.hookTargetArn = raw.hookTargetArn;
      hook.roleArn = raw.roleArn;
    } else if (raw.hookTargetArn !== undefined || raw.roleArn !== undefined) {
      throw invalid(`${member}: PAUSE hooks do not use hookTargetArn or roleArn.`);
    }
    if (raw.hookDetails !== undefined) hook.hookDetails = raw.hookDetails;
    if (raw.timeoutConfiguration !== undefined && raw.timeoutConfiguration !== null) {
      const t = raw.timeoutConfiguration as Record<string, unknown>;
      const out: NonNullable<LifecycleHook['timeoutConfiguration']> = {};
      if (t.timeoutInMinutes !== undefined)
        out.timeoutInMinutes = intIn(t.timeoutInMinutes, `${member}.timeoutConfiguration.timeoutInMinutes`, 1, 20160);
      if (t.action !== undefined) {
        if (t.action !== 'CONTINUE' && t.action !== 'ROLLBACK')
          throw invalid(`${member}.timeoutConfiguration.action must be one of ROLLBACK, CONTINUE.`);
        out.action = t.action;
      }
      hook.timeoutConfiguration = out;
    }
    return hook;
  });
  for (const type of ['PAUSE', 'AWS_LAMBDA'] as const) {
    if (hooks.filter((h) => h.targetType === type).length > 10)
      throw invalid(`A service can have at most 10 ${type === 'PAUSE' ? 'pause' : 'Lambda'} hooks.`);
  }
  return hooks;
}

/** The native fields of a deploymentConfiguration request over the current ones (services.ts does the rest). */
export function nativeConfiguration(i: Record<string, any>, out: DeploymentConfiguration): void {
  if (i.strategy !== undefined) {
    if (!['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'].includes(String(i.strategy)))
      throw invalid('strategy must be one of ROLLING, BLUE_GREEN, LINEAR, CANARY.');
    out.strategy = i.strategy;
  }
  if (i.bakeTimeInMinutes !== undefined && i.bakeTimeInMinutes !== null)
    out.bakeTimeInMinutes = intIn(i.bakeTimeInMinutes, 'bakeTimeInMinutes', 0, 1440);
  if (i.lifecycleHooks !== undefined && i.lifecycleHooks !== null) out.lifecycleHooks = hooksFrom(i.lifecycleHooks);
  if (i.linearConfiguration !== undefined && i.linearConfiguration !== null) {
    const l = i.linearConfiguration as Record<string, unknown>;
    out.linearConfiguration = {
      stepPercent: l.stepPercent === undefined ? 10 : tenthIn(l.stepPercent, 'linearConfiguration.stepPercent', 3, 100),
      stepBakeTimeInMinutes:
        l.stepBakeTimeInMinutes === undefined ? 6 : intIn(l.stepBakeTimeInMinutes, 'linearConfiguration.stepBakeTimeInMinutes', 0, 1440)
    };
  }
  if (i.canaryConfiguration !== undefined && i.canaryConfiguration !== null) {
    const c = i.canaryConfiguration as Record<string, unknown>;
    out.canaryConfiguration = {
      canaryPercent: c.canaryPercent === undefined ? 5 : tenthIn(c.canaryPercent, 'canaryConfiguration.canaryPercent', 0.1, 100),
      canaryBakeTimeInMinutes:
        c.canaryBakeTimeInMinutes === undefined
          ? 10
          : intIn(c.canaryBakeTimeInMinutes, 'canaryConfiguration.canaryBakeTimeInMinutes', 0, 1440)
    };
  }
  if (i.linearConfiguration && out.strategy !== 'LINEAR')
    throw invalid('linearConfiguration is only valid when the deployment strategy is LINEAR.');
  if (i.canaryConfiguration && out.strategy !== 'CANARY')
    throw invalid('canaryConfiguration is only valid when the deployment strategy is CANARY.');
  if (out.strategy !== 'LINEAR') delete out.linearConfiguration;
  if (out.strategy !== 'CANARY') delete out.canaryConfiguration;
  if (out.strategy === 'LINEAR') out.linearConfiguration ??= { stepPercent: 10, stepBakeTimeInMinutes: 6 };
  if (out.strategy === 'CANARY') out.canaryConfiguration ??= { canaryPercent: 5, canaryBakeTimeInMinutes: 10 };
  if (out.strategy === 'BLUE_GREEN' && out.bakeTimeInMinutes === undefined)
    throw invalid('bakeTimeInMinutes must be provided when the deployment strategy is BLUE_GREEN.');
}

/** loadBalancers[].advancedConfiguration as given, before the rules are checked. */
export function advancedFrom(raw: unknown, index: number): AdvancedConfiguration | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object') throw invalid(`loadBalancers[${index}].advancedConfiguration must be an object.`);
  const a = raw as Record<string, unknown>;
  const out: AdvancedConfiguration = { alternateTargetGroupArn: '' };
  if (typeof a.alternateTargetGroupArn !== 'string' || a.alternateTargetGroupArn === '')
    throw invalid('advancedConfiguration.alternateTargetGroupArn must be specified.');
  out.alternateTargetGroupArn = a.alternateTargetGroupArn;
  for (const k of ['productionListenerRule', 'testListenerRule', 'roleArn'] as const) {
    if (a[k] === undefined || a[k] === null) continue;
    if (typeof a[k] !== 'string' || a[k] === '') throw invalid(`advancedConfiguration.${k} must be an ARN.`);
    out[k] = a[k];
  }
  return out;
}

const BOTH_ASSOCIATED = 'Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule or testListenerRule.';

/** A native strategy needs every target group's advancedConfiguration, with rules that forward to both groups. */
export function checkNativeLoadBalancers(state: EcsState, cfg: DeploymentConfiguration, lbs: LoadBalancerRef[]): void {
  for (const lb of lbs) {
    const adv = lb.advancedConfiguration;
    if (!adv) {
      if (isNative(cfg) && lb.targetGroupArn)
        throw invalid(`advancedConfiguration is required for each load balancer when the deployment strategy is ${cfg.strategy}.`);
      continue;
    }
    if (!lb.targetGroupArn) throw invalid('advancedConfiguration requires targetGroupArn.');
    if (adv.alternateTargetGroupArn === lb.targetGroupArn) throw invalid('alternateTargetGroupArn must be different from targetGroupArn.');
    if (!state.deps.elb.targetGroup(adv.alternateTargetGroupArn))
      throw invalid(`The target group with targetGroupArn ${adv.alternateTargetGroupArn} does not exist.`);
    if (!adv.productionListenerRule) throw invalid('advancedConfiguration.productionListenerRule must be specified.');
    if (!adv.roleArn) throw invalid('advancedConfiguration.roleArn must be specified.');
    for (const rule of [adv.productionListenerRule, adv.testListenerRule]) {
      if (!rule) continue;
      const weights = state.deps.elb.forwardWeights(rule);
      if (!weights) throw invalid(`The listener rule ${rule} does not exist or does not forward to target groups.`);
      const groups = weights.map((w) => w.targetGroupArn);
      if (!groups.includes(lb.targetGroupArn) || !groups.includes(adv.alternateTargetGroupArn)) throw invalid(BOTH_ASSOCIATED);
    }
  }
}

// ---- records -------------------------------------------------------------------

function imagesOf(state: EcsState, taskDefinition: string): ServiceRevisionRecord['containerImages'] {
  const td = state.findTaskDefinition(taskDefinition);
  return ((td?.body.containerDefinitions ?? []) as Record<string, any>[]).map((c) => ({
    containerName: String(c.name),
    image: String(c.image),
    imageDigest: `sha256:${createHash('sha256').update(String(c.image)).digest('hex')}`
  }));
}

/**
 * Records the service revision and the service deployment for a new PRIMARY deployment; for a
 * native strategy with a revision already serving production, starts the blue/green run.
 */
export function beginServiceDeployment(state: EcsState, svc: Service, d: Deployment, now: number): void {
  const revision: ServiceRevisionRecord = {
    arn: revisionArn(state, svc),
    serviceArn: svc.arn,
    clusterArn: svc.cluster.arn,
    taskDefinition: d.taskDefinition,
    launchType: svc.launchType,
    platformVersion: svc.platformVersion,
    loadBalancers: svc.loadBalancers.map((lb) => ({ ...lb })),
    networkConfiguration: svc.networkConfiguration,
    containerImages: imagesOf(state, d.taskDefinition),
    createdAt: now
  };
  svc.revisions.push(revision);
  state.revisionsByArn.set(revision.arn, revision);
  d.serviceRevisionArn = revision.arn;

  const cfg = structuredClone(svc.deploymentConfiguration);
  const previous = svc.serviceDeployments[0];
  const superseded = previous && !TERMINAL.includes(previous.status) ? previous : undefined;
  const sources = [
    ...new Set(
      svc.deployments
        .slice(1)
        .map((x) => x.serviceRevisionArn)
        .filter((x): x is string => !!x)
    )
  ];
  const record: ServiceDeploymentRecord = {
    arn: serviceDeploymentArn(state, svc),
    serviceArn: svc.arn,
    clusterArn: svc.cluster.arn,
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    sourceRevisionArns: sources,
    targetRevisionArn: revision.arn,
    status: 'IN_PROGRESS',
    hooks: [],
    deploymentConfiguration: cfg,
    circuitBreaker: {
      enabled: cfg.deploymentCircuitBreaker.enable,
      failureCount: 0,
      threshold: circuitBreakerThreshold(svc.desiredCount),
      triggered: false
    },
    alarms: { enabled: cfg.alarms?.enable === true, alarmNames: cfg.alarms?.alarmNames ?? [], triggered: [] },
    weights: new Map(),
    hookCounter: 0
  };
  svc.serviceDeployments.unshift(record);
  state.serviceDeploymentsByArn.set(record.arn, { service: svc, record });
  d.serviceDeploymentArn = record.arn;

  const primaryGroups = svc.loadBalancers.filter((lb) => lb.targetGroupArn).map((lb) => lb.targetGroupArn!);
  if (superseded) {
    superseded.status = 'STOPPED';
    superseded.statusReason = `Service deployment stopped: superseded by service deployment ${record.arn}.`;
    superseded.stoppedAt = superseded.finishedAt = superseded.updatedAt = now;
    for (const h of superseded.hooks) if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
  }
  const interrupted = svc.native;
  if (!isNative(cfg) || !svc.lastCompleted || primaryGroups.length === 0) {
    svc.native = undefined;
    d.targetGroupArns = svc.lastCompleted?.targetGroupArns ?? primaryGroups;
    if (interrupted) restoreTraffic(state, interrupted);
    revision.resolvedLoadBalancers = resolved(svc, d.targetGroupArns);
    if (isNative(cfg)) record.lifecycleStage = 'SCALE_UP';
    return;
  }
  // The blue revision is the one production serves now; green goes to the other group of each pair.
  const blue =
    svc.deployments.find((x) => x.id === svc.lastCompleted!.id) ??
    svc.deployments.find((x) => x.id !== d.id && x.rolloutState === 'COMPLETED');
  const blueGroups = svc.lastCompleted.targetGroupArns ?? primaryGroups;
  const greenGroups = svc.loadBalancers
    .filter((lb) => lb.targetGroupArn)
    .map((lb, i) =>
      blueGroups[i] === lb.targetGroupArn ? (lb.advancedConfiguration?.alternateTargetGroupArn ?? lb.targetGroupArn) : lb.targetGroupArn!
    );
  d.targetGroupArns = greenGroups;
  revision.resolvedLoadBalancers = resolved(svc, greenGroups);
  if (interrupted) restoreTraffic(state, interrupted);
  const adv = svc.loadBalancers.find((lb) => lb.advancedConfiguration)?.advancedConfiguration;
  const strategy = cfg.strategy as NativeRun['strategy'];
  svc.native = {
    record,
    strategy,
    green: d,
    blue,
    greenTargetGroups: greenGroups,
    blueTargetGroups: blueGroups,
    productionRule: adv?.productionListenerRule,
    testRule: adv?.testListenerRule,
    phase: 'forward',
    plan: forwardPlan(cfg, strategy, interrupted !== undefined || sources.length > 1),
    at: 0,
    entered: false,
    stageAt: now
  };
  record.lifecycleStage = svc.native.plan[0].stage;
  record.weights.set(blue?.serviceRevisionArn ?? '', { test: 100, production: 100 });
  record.weights.set(revision.arn, { test: 0, production: 0 });
}

function resolved(svc: Service, groups: string[]): ServiceRevisionRecord['resolvedLoadBalancers'] {
  return groups.map((g, i) => ({
    targetGroupArn: g,
    ...(svc.loadBalancers[i]?.advancedConfiguration?.productionListenerRule
      ? { productionListenerRule: svc.loadBalancers[i].advancedConfiguration.productionListenerRule }
      : {})
  }));
}

/** The production percents of each strategy: BLUE_GREEN 100; LINEAR stepPercent, 2×…, 100; CANARY canaryPercent then 100. */
export function productionSteps(cfg: DeploymentConfiguration): { percent: number; bakeMs: number }[] {
  if (cfg.strategy === 'LINEAR') {
    const { stepPercent, stepBakeTimeInMinutes } = cfg.linearConfiguration!;
    const steps: number[] = [];
    for (let p = stepPercent; p < 100 - 1e-9; p = Math.round((p + stepPercent) * 10) / 10) steps.push(p);
    steps.push(100);
    return steps.map((p) => ({ percent: p, bakeMs: p < 100 ? stepBakeTimeInMinutes * MINUTE : 0 }));
  }
  if (cfg.strategy === 'CANARY') {
    const { canaryPercent, canaryBakeTimeInMinutes } = cfg.canaryConfiguration!;
    return canaryPercent >= 100
      ? [{ percent: 100, bakeMs: 0 }]
      : [
          { percent: canaryPercent, bakeMs: canaryBakeTimeInMinutes * MINUTE },
          { percent: 100, bakeMs: 0 }
        ];
  }
  return [{ percent: 100, bakeMs: 0 }];
}

function forwardPlan(cfg: DeploymentConfiguration, _strategy: NativeRun['strategy'], reconcile: boolean): StageEntry[] {
  const plan: StageEntry[] = [];
  if (reconcile) plan.push({ stage: 'RECONCILE_SERVICE', hookStage: 'RECONCILE_SERVICE' });
  plan.push(
    { stage: 'PRE_SCALE_UP', hookStage: 'PRE_SCALE_UP' },
    { stage: 'SCALE_UP' },
    { stage: 'POST_SCALE_UP', hookStage: 'POST_SCALE_UP' }
  );
  plan.push(
    { stage: 'TEST_TRAFFIC_SHIFT', hookStage: 'TEST_TRAFFIC_SHIFT' },
    { stage: 'POST_TEST_TRAFFIC_SHIFT', hookStage: 'POST_TEST_TRAFFIC_SHIFT' }
  );
  for (const step of productionSteps(cfg)) {
    // PRE_PRODUCTION_TRAFFIC_SHIFT is a hook point before every step; ECS reports the stage as PRODUCTION_TRAFFIC_SHIFT meanwhile.
    plan.push({ stage: 'PRODUCTION_TRAFFIC_SHIFT', hookStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', percent: step.percent });
    plan.push({ stage: 'PRODUCTION_TRAFFIC_SHIFT', hookStage: 'PRODUCTION_TRAFFIC_SHIFT', percent: step.percent, stepBakeMs: step.bakeMs });
  }
  plan.push(
    { stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', hookStage: 'POST_PRODUCTION_TRAFFIC_SHIFT' },
    { stage: 'BAKE_TIME' },
    { stage: 'CLEAN_UP' }
  );
  return plan;
}

const ROLLBACK_PLAN: StageEntry[] = [
  { stage: 'PRODUCTION_TRAFFIC_SHIFT', percent: 0 },
  { stage: 'TEST_TRAFFIC_SHIFT', percent: 0 },
  { stage: 'CLEAN_UP' }
];

/** Weights for a green share: whole percents out of 100, tenths out of 1000 (ALB weights are 0–999 each). */
export function weightsFor(blue: string, green: string, percent: number): { targetGroupArn: string; weight: number }[] {
  if (Number.isInteger(percent))
    return [
      { targetGroupArn: blue, weight: 100 - percent },
      { targetGroupArn: green, weight: percent }
    ];
  const g = Math.round(percent * 10);
  return [
    { targetGroupArn: blue, weight: 1000 - g },
    { targetGroupArn: green, weight: g }
  ];
}

function shift(state: EcsState, run: NativeRun, rule: string | undefined, percent: number, kind: 'test' | 'production'): void {
  if (rule) {
    for (let i = 0; i < run.greenTargetGroups.length; i++) {
      const blue = run.blueTargetGroups[i];
      const green = run.greenTargetGroups[i];
      if (blue && green) state.deps.elb.setForwardWeights(rule, weightsFor(blue, green, percent));
    }
  }
  const b = run.record.weights.get(run.blue?.serviceRevisionArn ?? '') ?? { test: 100, production: 100 };
  const g = run.record.weights.get(run.green.serviceRevisionArn!) ?? { test: 0, production: 0 };
  b[kind] = 100 - percent;
  g[kind] = percent;
  run.record.weights.set(run.blue?.serviceRevisionArn ?? '', b);
  run.record.weights.set(run.green.serviceRevisionArn!, g);
}

/** An interrupted run's traffic goes back to its blue groups before a newer deployment starts. */
function restoreTraffic(state: EcsState, run: NativeRun): void {
  shift(state, run, run.productionRule, 0, 'production');
  shift(state, run, run.testRule, 0, 'test');
}

// ---- the run, once a simulated second ------------------------------------------

function hookId(run: NativeRun, type: 'PAUSE' | 'AWS_LAMBDA'): string {
  run.record.hookCounter++;
  return `ecs-${type === 'PAUSE' ? 'pause' : 'lambda'}-${digest(`${run.record.arn}#hook${run.record.hookCounter}`)}`;
}

function invokeHooks(run: NativeRun, hookStage: string, now: number): void {
  const hooks = (run.record.deploymentConfiguration.lifecycleHooks ?? []).filter((h) => h.lifecycleStages.includes(hookStage));
  if (!hooks.length) return;
  // lifecycleHookDetails shows the hooks of the latest stage that had any, until another stage invokes hooks.
  run.record.hooks = hooks.map((h) => {
    const minutes = h.timeoutConfiguration?.timeoutInMinutes ?? DEFAULT_HOOK_TIMEOUT_MINUTES;
    return {
      hookId: hookId(run, h.targetType),
      targetType: h.targetType,
      ...(h.targetType === 'AWS_LAMBDA' ? { targetArn: h.hookTargetArn } : {}),
      // The local ECS runs no Lambda function: an AWS_LAMBDA hook answers SUCCEEDED at once.
      status: h.targetType === 'PAUSE' ? 'AWAITING_ACTION' : 'SUCCEEDED',
      expiresAt: now + minutes * MINUTE,
      timeoutAction: h.timeoutConfiguration?.action ?? 'ROLLBACK'
    };
  });
}

type Live = { blue: Task[]; green: Task[]; other: Task[] };

function liveTasks(svc: Service, run: NativeRun): Live {
  const out: Live = { blue: [], green: [], other: [] };
  for (const t of svc.tasks) {
    if (t.desiredStatus !== 'RUNNING') continue;
    if (t.deploymentId === run.green.id) out.green.push(t);
    else if (run.blue && t.deploymentId === run.blue.id) out.blue.push(t);
    else out.other.push(t);
  }
  return out;
}

export class NativeController {
  constructor(
    private readonly state: EcsState,
    private readonly sched: Scheduler
  ) {}

  /** One step of the run: scale both revisions, watch alarms, advance the stage. */
  tick(svc: Service, now: number): void {
    const run = svc.native;
    if (!run) return;
    const record = run.record;
    // A rollback asked for by StopServiceDeployment or ContinueServiceDeployment starts here.
    if (run.phase === 'forward' && (record.status === 'ROLLBACK_REQUESTED' || record.status === 'ROLLBACK_IN_PROGRESS'))
      this.beginRollback(svc, run, now);
    if (run.phase === 'forward') {
      this.watchAlarms(svc, run, now);
      this.expireHooks(svc, run, now);
    }
    if (svc.native !== run) return;
    this.scale(svc, run, now);
    this.advance(svc, run, now);
  }

  private desired(svc: Service, run: NativeRun): { blue: number; green: number } {
    const entry = run.plan[run.at];
    const n = svc.status === 'ACTIVE' ? svc.desiredCount : 0;
    if (run.phase === 'rollback') return { blue: n, green: entry?.stage === 'CLEAN_UP' && run.entered ? 0 : n };
    const beforeScaleUp = run.plan.slice(run.at).some((e) => e.stage === 'SCALE_UP') && !(entry?.stage === 'SCALE_UP' && run.entered);
    const cleaning = entry?.stage === 'CLEAN_UP' && run.entered;
    return { blue: cleaning ? 0 : n, green: beforeScaleUp || run.green.rolloutState === 'FAILED' ? 0 : n };
  }

  private scale(svc: Service, run: NativeRun, now: number): void {
    const live = liveTasks(svc, run);
    const want = this.desired(svc, run);
    const reason = `Scaling activity initiated by (deployment ${run.green.id})`;
    const stop: Task[] = [...live.other];
    if (live.green.length > want.green) stop.push(...live.green.slice(0, live.green.length - want.green));
    if (live.blue.length > want.blue) stop.push(...live.blue.slice(0, live.blue.length - want.blue));
    if (stop.length) this.sched.stopTasks(svc, stop, reason, now);
    if (run.green.rolloutState !== 'FAILED' && live.green.length < want.green)
      this.sched.launchTasks(svc, run.green, want.green - live.green.length, now);
    if (run.blue && live.blue.length < want.blue) this.sched.launchTasks(svc, run.blue, want.blue - live.blue.length, now);
    run.green.desiredCount = want.green;
    if (run.blue) run.blue.desiredCount = want.blue;
  }

  private healthyCount(svc: Service, tasks: Task[], now: number): number {
    return tasks.filter((t) => this.sched.healthy(svc, t, now)).length;
  }

  private advance(svc: Service, run: NativeRun, now: number): void {
    const record = run.record;
    for (let guard = 0; guard < 4; guard++) {
      const entry = run.plan[run.at];
      if (!entry) return this.finish(svc, run, now);
      if (!run.entered) {
        // A production step waits for its PRE_PRODUCTION_TRAFFIC_SHIFT pause without moving weights.
        if (run.phase === 'rollback' && entry.stage === 'PRODUCTION_TRAFFIC_SHIFT') {
          const live = liveTasks(svc, run);
          if (this.healthyCount(svc, live.blue, now) < svc.desiredCount) return;
        }
        run.entered = true;
        run.stageAt = now;
        run.waitUntil = undefined;
        record.lifecycleStage = entry.stage;
        record.updatedAt = now;
        this.enter(svc, run, entry, now);
      }
      if (!this.done(svc, run, entry, now)) return;
      run.at++;
      run.entered = false;
    }
  }

  private enter(svc: Service, run: NativeRun, entry: StageEntry, now: number): void {
    if (run.phase === 'rollback') {
      if (entry.stage === 'PRODUCTION_TRAFFIC_SHIFT') shift(this.state, run, run.productionRule, 0, 'production');
      if (entry.stage === 'TEST_TRAFFIC_SHIFT') shift(this.state, run, run.testRule, 0, 'test');
      run.waitUntil = now + STAGE_MS;
      return;
    }
    if (entry.hookStage) invokeHooks(run, entry.hookStage, now);
    switch (entry.stage) {
      case 'TEST_TRAFFIC_SHIFT':
        shift(this.state, run, run.testRule, 100, 'test');
        break;
      case 'PRODUCTION_TRAFFIC_SHIFT':
        if (entry.hookStage === 'PRODUCTION_TRAFFIC_SHIFT') {
          shift(this.state, run, run.productionRule, entry.percent!, 'production');
          this.state.addEvent(
            svc,
            `(service ${svc.name}) (service-deployment ${run.record.arn}) shifted ${entry.percent}% of production traffic to service revision ${run.green.serviceRevisionArn}.`,
            now
          );
          run.waitUntil = now + STAGE_MS + (entry.stepBakeMs ?? 0);
          return;
        }
        break;
      case 'BAKE_TIME':
        run.waitUntil = now + (run.record.deploymentConfiguration.bakeTimeInMinutes ?? 0) * MINUTE;
        return;
      default:
        break;
    }
    run.waitUntil = now + (entry.hookStage === 'PRE_PRODUCTION_TRAFFIC_SHIFT' ? 0 : STAGE_MS);
  }

  private done(svc: Service, run: NativeRun, entry: StageEntry, now: number): boolean {
    if (run.waitUntil !== undefined && now < run.waitUntil) return false;
    if (
      run.phase === 'forward' &&
      entry.hookStage &&
      run.record.hooks.some((h) => h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS')
    )
      return false;
    const live = liveTasks(svc, run);
    if (entry.stage === 'SCALE_UP')
      return live.green.length === svc.desiredCount && this.healthyCount(svc, live.green, now) === svc.desiredCount;
    if (entry.stage === 'CLEAN_UP') {
      const leaving = run.phase === 'forward' ? run.blue?.id : run.green.id;
      return ![...svc.tasks].some(
        (t) => t.deploymentId === leaving || (t.deploymentId !== run.green.id && t.deploymentId !== run.blue?.id)
      );
    }
    return true;
  }

  private finish(svc: Service, run: NativeRun, now: number): void {
    const record = run.record;
    record.finishedAt = record.updatedAt = now;
    run.phase = 'done';
    svc.native = undefined;
    if (record.status === 'ROLLBACK_IN_PROGRESS') {
      record.status = 'ROLLBACK_SUCCESSFUL';
      record.statusReason = record.rollback?.reason;
      if (run.blue) {
        run.blue.status = 'PRIMARY';
        svc.deployments = [run.blue];
      }
      this.state.addEvent(
        svc,
        `(service ${svc.name}) (service-deployment ${record.arn}) rollback to service revision ${run.blue?.serviceRevisionArn} completed.`,
        now
      );
      return;
    }
    record.status = 'SUCCESSFUL';
    record.statusReason = undefined;
    if (record.circuitBreaker.enabled) record.circuitBreaker.triggered = false;
    const green = run.green;
    green.rolloutState = 'COMPLETED';
    green.rolloutStateReason = `ECS deployment ${green.id} completed.`;
    green.updatedAt = now;
    svc.deployments = [green];
    svc.lastCompleted = {
      id: green.id,
      taskDefinition: green.taskDefinition,
      serviceRevisionArn: green.serviceRevisionArn,
      targetGroupArns: run.greenTargetGroups
    };
    this.state.addEvent(svc, `(service ${svc.name}) (deployment ${green.id}) deployment completed.`, now);
  }

  private expireHooks(svc: Service, run: NativeRun, now: number): void {
    for (const h of run.record.hooks) {
      if (h.status !== 'AWAITING_ACTION' || now < h.expiresAt) continue;
      h.status = 'TIMED_OUT';
      run.record.updatedAt = now;
      if (h.timeoutAction === 'ROLLBACK') {
        this.rollback(svc, run, now, `Service deployment rolled back because lifecycle hook ${h.hookId} timed out.`);
        return;
      }
    }
  }

  private watchAlarms(svc: Service, run: NativeRun, now: number): void {
    const cfg = run.record.deploymentConfiguration.alarms;
    if (!cfg?.enable) return;
    const firing: string[] = [];
    for (const name of cfg.alarmNames) {
      if (this.state.deps.alarms.state(name) !== 'ALARM') run.green.ignoredAlarms.delete(name);
      else if (!run.green.ignoredAlarms.has(name)) firing.push(name);
    }
    if (!firing.length) return;
    run.record.alarms.triggered = firing;
    this.fail(svc, run, now, `ECS deployment alarm(s) detected: ${firing.join(', ')}.`, 'alarm detected', cfg.rollback);
  }

  /** Called by the scheduler when a task of the service failed (container exit, health checks). */
  taskFailed(svc: Service, task: Task, now: number): boolean {
    const run = svc.native;
    if (!run || task.deploymentId !== run.green.id) return false;
    if (run.phase !== 'forward') return true;
    run.record.circuitBreaker.failureCount = run.green.failedTasks;
    const cb = run.record.deploymentConfiguration.deploymentCircuitBreaker;
    if (cb.enable && run.green.failedTasks >= run.record.circuitBreaker.threshold) {
      this.fail(svc, run, now, 'ECS deployment circuit breaker: tasks failed to start.', 'tasks failed to start', cb.rollback, true);
    }
    return true;
  }

  private fail(svc: Service, run: NativeRun, now: number, reason: string, eventReason: string, rollback: boolean, breaker = false): void {
    const green = run.green;
    green.rolloutState = 'FAILED';
    green.rolloutStateReason = reason;
    green.updatedAt = now;
    if (breaker) run.record.circuitBreaker.triggered = true;
    this.state.addEvent(svc, `(service ${svc.name}) (deployment ${green.id}) deployment failed: ${eventReason}.`, now);
    if (rollback) return this.rollback(svc, run, now, reason);
    // Without rollback the deployment stops where it is: traffic stays as it was last shifted.
    const record = run.record;
    record.status = 'STOPPED';
    record.statusReason = reason;
    record.stoppedAt = record.finishedAt = record.updatedAt = now;
    for (const h of record.hooks) if (h.status === 'AWAITING_ACTION') h.status = 'FAILED';
    svc.native = undefined;
    run.phase = 'done';
  }

  /** StopServiceDeployment on a rolling deployment: ECS's own rollback to the last completed revision. */
  rollbackRolling(svc: Service, record: ServiceDeploymentRecord, now: number): void {
    const primary = svc.deployments[0];
    if (!primary || primary.serviceDeploymentArn !== record.arn || primary.rolloutState !== 'IN_PROGRESS') return;
    this.sched.failDeployment(
      svc,
      now,
      'Service deployment rolled back because of a StopServiceDeployment request.',
      'stopped by a StopServiceDeployment request',
      true,
      'rollback requested'
    );
  }

  /** Starts rolling back at once (ROLLBACK_IN_PROGRESS); traffic returns to blue first. */
  rollback(svc: Service, run: NativeRun, now: number, reason: string): void {
    requestRollback(run, now, reason);
    this.beginRollback(svc, run, now);
  }

  private beginRollback(svc: Service, run: NativeRun, now: number): void {
    const record = run.record;
    if (!run.blue) {
      record.status = 'ROLLBACK_FAILED';
      record.statusReason = `${record.rollback?.reason ?? 'Rollback requested.'} There is no previous service revision to roll back to.`;
      record.finishedAt = record.updatedAt = now;
      svc.native = undefined;
      run.phase = 'done';
      return;
    }
    record.status = 'ROLLBACK_IN_PROGRESS';
    record.updatedAt = now;
    if (run.green.rolloutState === 'IN_PROGRESS') {
      run.green.rolloutState = 'FAILED';
      run.green.rolloutStateReason = record.rollback!.reason;
      run.green.updatedAt = now;
    }
    this.state.addEvent(svc, `(service ${svc.name}) rolling back to deployment ${run.blue.id}.`, now);
    run.phase = 'rollback';
    run.plan = ROLLBACK_PLAN;
    run.at = 0;
    run.entered = false;
  }
}

/** Marks the hooks and the record for a rollback; the controller carries it out on its next tick. */
function requestRollback(run: NativeRun, now: number, reason: string, status: ServiceDeploymentStatus = 'ROLLBACK_IN_PROGRESS'): void {
  const record = run.record;
  for (const h of record.hooks) if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
  record.rollback = { reason, startedAt: now, serviceRevisionArn: run.blue?.serviceRevisionArn };
  record.status = status;
  record.updatedAt = now;
}

// ---- rolling deployments' records (kept by the scheduler) ----------------------

export function rollingCompleted(state: EcsState, svc: Service, d: Deployment, now: number): void {
  const entry = d.serviceDeploymentArn ? state.serviceDeploymentsByArn.get(d.serviceDeploymentArn) : undefined;
  if (!entry) return;
  const r = entry.record;
  if (r.status === 'IN_PROGRESS') {
    r.status = 'SUCCESSFUL';
    r.lifecycleStage = isNative(r.deploymentConfiguration) ? 'CLEAN_UP' : r.lifecycleStage;
  } else if (r.status === 'ROLLBACK_IN_PROGRESS') {
    r.status = 'ROLLBACK_SUCCESSFUL';
    r.statusReason = r.rollback?.reason;
  } else return;
  r.finishedAt = r.updatedAt = now;
  d.targetGroupArns ??= svc.loadBalancers.filter((lb) => lb.targetGroupArn).map((lb) => lb.targetGroupArn!);
}

/** A rolling deployment failed: with rollback the same service deployment reports the rollback, else it is STOPPED. */
export function rollingFailed(
  state: EcsState,
  failed: Deployment,
  now: number,
  reason: string,
  rollbackTo?: Deployment,
  triggeredAlarms?: string[]
): void {
  const entry = failed.serviceDeploymentArn ? state.serviceDeploymentsByArn.get(failed.serviceDeploymentArn) : undefined;
  if (!entry || entry.record.status !== 'IN_PROGRESS') return;
  const r = entry.record;
  r.updatedAt = now;
  if (triggeredAlarms) r.alarms.triggered = triggeredAlarms;
  else r.circuitBreaker.triggered = true;
  r.circuitBreaker.failureCount = failed.failedTasks;
  if (rollbackTo) {
    r.status = 'ROLLBACK_IN_PROGRESS';
    r.rollback = { reason, startedAt: now, serviceRevisionArn: rollbackTo.serviceRevisionArn };
    rollbackTo.serviceDeploymentArn = r.arn;
  } else {
    r.status = 'STOPPED';
    r.statusReason = reason;
    r.stoppedAt = r.finishedAt = now;
  }
}

export function rollingFailureCount(state: EcsState, d: Deployment): void {
  const entry = d.serviceDeploymentArn ? state.serviceDeploymentsByArn.get(d.serviceDeploymentArn) : undefined;
  if (entry && entry.record.status === 'IN_PROGRESS') entry.record.circuitBreaker.failureCount = d.failedTasks;
}

// ---- shapes ----------------------------------------------------------------------

function taskCounts(svc: Service, revision: string): { requestedTaskCount: number; runningTaskCount: number; pendingTaskCount: number } {
  const deployments = svc.deployments.filter((d) => d.serviceRevisionArn === revision);
  let running = 0;
  let pending = 0;
  for (const t of svc.tasks) {
    if (!deployments.some((d) => d.id === t.deploymentId) || t.desiredStatus !== 'RUNNING') continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (['PROVISIONING', 'PENDING', 'ACTIVATING'].includes(t.lastStatus)) pending++;
  }
  return { requestedTaskCount: deployments.reduce((n, d) => n + d.desiredCount, 0), runningTaskCount: running, pendingTaskCount: pending };
}

export function currentRevisions(svc: Service): Record<string, unknown>[] {
  const arns = [...new Set(svc.deployments.map((d) => d.serviceRevisionArn).filter((x): x is string => !!x))];
  return arns.map((arn) => ({ arn, ...taskCounts(svc, arn) }));
}

export function deploymentConfigurationShape(cfg: DeploymentConfiguration): Record<string, unknown> {
  return {
    deploymentCircuitBreaker: cfg.deploymentCircuitBreaker,
    maximumPercent: cfg.maximumPercent,
    minimumHealthyPercent: cfg.minimumHealthyPercent,
    ...(cfg.alarms ? { alarms: cfg.alarms } : {}),
    strategy: cfg.strategy,
    ...(cfg.bakeTimeInMinutes !== undefined ? { bakeTimeInMinutes: cfg.bakeTimeInMinutes } : {}),
    ...(cfg.lifecycleHooks ? { lifecycleHooks: cfg.lifecycleHooks } : {}),
    ...(cfg.linearConfiguration ? { linearConfiguration: cfg.linearConfiguration } : {}),
    ...(cfg.canaryConfiguration ? { canaryConfiguration: cfg.canaryConfiguration } : {})
  };
}

function summary(svc: Service, r: ServiceDeploymentRecord, arn: string): Record<string, unknown> {
  const w = r.weights.get(arn);
  return {
    arn,
    ...taskCounts(svc, arn),
    ...(w ? { requestedTestTrafficWeight: w.test, requestedProductionTrafficWeight: w.production } : {})
  };
}

function monitorStatus(enabled: boolean, triggered: boolean, finished: boolean): string {
  if (!enabled) return 'DISABLED';
  if (triggered) return 'TRIGGERED';
  return finished ? 'MONITORING_COMPLETE' : 'MONITORING';
}

export function serviceDeploymentShape(svc: Service, r: ServiceDeploymentRecord): Record<string, unknown> {
  const finished = TERMINAL.includes(r.status);
  const date = (ms?: number): Date | undefined => (ms === undefined ? undefined : new Date(ms));
  return {
    serviceDeploymentArn: r.arn,
    serviceArn: r.serviceArn,
    clusterArn: r.clusterArn,
    createdAt: date(r.createdAt),
    startedAt: date(r.startedAt),
    finishedAt: date(r.finishedAt),
    stoppedAt: date(r.stoppedAt),
    updatedAt: date(r.updatedAt),
    sourceServiceRevisions: r.sourceRevisionArns.map((arn) => summary(svc, r, arn)),
    targetServiceRevision: summary(svc, r, r.targetRevisionArn),
    status: r.status,
    statusReason: r.statusReason,
    lifecycleStage: r.lifecycleStage,
    lifecycleHookDetails: r.hooks.map((h) => ({
      hookId: h.hookId,
      targetType: h.targetType,
      ...(h.targetArn ? { targetArn: h.targetArn } : {}),
      status: h.status,
      expiresAt: new Date(h.expiresAt),
      timeoutAction: h.timeoutAction
    })),
    deploymentConfiguration: deploymentConfigurationShape(r.deploymentConfiguration),
    rollback: r.rollback
      ? { reason: r.rollback.reason, startedAt: new Date(r.rollback.startedAt), serviceRevisionArn: r.rollback.serviceRevisionArn }
      : undefined,
    deploymentCircuitBreaker: {
      status: monitorStatus(r.circuitBreaker.enabled, r.circuitBreaker.triggered, finished),
      failureCount: r.circuitBreaker.failureCount,
      threshold: r.circuitBreaker.threshold
    },
    alarms: {
      status: monitorStatus(r.alarms.enabled, r.alarms.triggered.length > 0, finished),
      alarmNames: r.alarms.alarmNames,
      triggeredAlarmNames: r.alarms.triggered
    }
  };
}

function revisionShape(r: ServiceRevisionRecord): Record<string, unknown> {
  return {
    serviceRevisionArn: r.arn,
    serviceArn: r.serviceArn,
    clusterArn: r.clusterArn,
    taskDefinition: r.taskDefinition,
    launchType: r.launchType,
    platformVersion: r.platformVersion,
    platformFamily: r.launchType === 'FARGATE' ? 'Linux' : undefined,
    loadBalancers: r.loadBalancers,
    serviceRegistries: [],
    networkConfiguration: r.networkConfiguration,
    containerImages: r.containerImages,
    guardDutyEnabled: false,
    createdAt: new Date(r.createdAt),
    ...(r.resolvedLoadBalancers ? { resolvedConfiguration: { loadBalancers: r.resolvedLoadBalancers } } : {})
  };
}

// ---- operations --------------------------------------------------------------------

function arnList(value: unknown, member: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${member} cannot be empty.`);
  if (value.length > 20) throw invalid(`${member} cannot have more than 20 items.`);
  return value.map(String);
}

function requireRecord(state: EcsState, arn: unknown): { service: Service; record: ServiceDeploymentRecord } {
  if (typeof arn !== 'string' || arn === '') throw invalid('serviceDeploymentArn can not be blank.');
  const found = state.serviceDeploymentsByArn.get(arn);
  if (!found) throw new ApiError('ServiceDeploymentNotFoundException', `The service deployment ${arn} does not exist.`);
  return found;
}

function epochMs(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.getTime();
  const n = Number(value);
  if (!Number.isFinite(n)) throw invalid('createdAt must hold timestamps.');
  return n * 1000;
}

export function nativeHandlers(
  state: (region: string) => EcsState,
  controller: (region: string) => NativeController
): Record<string, Handler> {
  return {
    ListServiceDeployments: (input, ctx) => {
      const s = state(ctx.region);
      const cluster: Cluster = s.cluster(input.cluster);
      if (typeof input.service !== 'string' || input.service === '') throw invalid('service can not be blank.');
      const svc = s.findService(cluster, input.service);
      if (!svc) throw new ApiError('ServiceNotFoundException', 'Service not found.');
      const statuses: unknown = input.status;
      if (statuses !== undefined && !Array.isArray(statuses)) throw invalid('status must be a list.');
      const after = epochMs(input.createdAt?.after);
      const before = epochMs(input.createdAt?.before);
      const matching = svc.serviceDeployments.filter(
        (r) =>
          (!Array.isArray(statuses) || statuses.length === 0 || statuses.includes(r.status)) &&
          (after === undefined || r.createdAt >= after) &&
          (before === undefined || r.createdAt <= before)
      );
      const { page, nextToken } = pageOf(matching, { ...input, maxResults: input.maxResults ?? 20 });
      return {
        serviceDeployments: page.map((r) => ({
          serviceDeploymentArn: r.arn,
          serviceArn: r.serviceArn,
          clusterArn: r.clusterArn,
          startedAt: r.startedAt === undefined ? undefined : new Date(r.startedAt),
          createdAt: new Date(r.createdAt),
          finishedAt: r.finishedAt === undefined ? undefined : new Date(r.finishedAt),
          targetServiceRevisionArn: r.targetRevisionArn,
          status: r.status,
          statusReason: r.statusReason
        })),
        nextToken
      };
    },
    DescribeServiceDeployments: (input, ctx) => {
      const s = state(ctx.region);
      const arns = arnList(input.serviceDeploymentArns, 'serviceDeploymentArns');
      const serviceDeployments: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const arn of arns) {
        const found = s.serviceDeploymentsByArn.get(arn);
        if (found) serviceDeployments.push(serviceDeploymentShape(found.service, found.record));
        else failures.push({ arn, reason: 'MISSING' });
      }
      return { serviceDeployments, failures };
    },
    DescribeServiceRevisions: (input, ctx) => {
      const s = state(ctx.region);
      const arns = arnList(input.serviceRevisionArns, 'serviceRevisionArns');
      const serviceRevisions: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const arn of arns) {
        const found = s.revisionsByArn.get(arn);
        if (found) serviceRevisions.push(revisionShape(found));
        else failures.push({ arn, reason: 'MISSING' });
      }
      return { serviceRevisions, failures };
    },
    StopServiceDeployment: (input, ctx) => {
      const s = state(ctx.region);
      const { service, record } = requireRecord(s, input.serviceDeploymentArn);
      const stopType = input.stopType ?? 'ROLLBACK';
      if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') throw invalid('stopType must be one of ABORT, ROLLBACK.');
      if (stopType === 'ABORT') throw invalid('The stop type ABORT is not supported; the valid value is ROLLBACK.');
      if (TERMINAL.includes(record.status)) {
        throw new ApiError(
          'ConflictException',
          `The service deployment ${record.arn} cannot be stopped because it is in the ${record.status} state.`
        );
      }
      if (record.status === 'PENDING' || record.status === 'IN_PROGRESS') {
        const now = s.now();
        const run = service.native?.record === record ? service.native : undefined;
        if (run)
          requestRollback(run, now, 'Service deployment rolled back because of a StopServiceDeployment request.', 'ROLLBACK_REQUESTED');
        else controller(ctx.region).rollbackRolling(service, record, now);
      }
      return { serviceDeploymentArn: record.arn };
    },
    ContinueServiceDeployment: (input, ctx) => {
      const s = state(ctx.region);
      const { service, record } = requireRecord(s, input.serviceDeploymentArn);
      if (typeof input.hookId !== 'string' || input.hookId === '') throw invalid('hookId can not be blank.');
      const action = input.action ?? 'CONTINUE';
      if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw invalid('action must be one of ROLLBACK, CONTINUE.');
      const hook = record.hooks.find((h) => h.hookId === input.hookId);
      if (!hook) throw invalid(`The lifecycle hook ${input.hookId} was not found in service deployment ${record.arn}.`);
      if (record.status !== 'IN_PROGRESS')
        throw invalid(
          `The service deployment ${record.arn} is in the ${record.status} state; only an IN_PROGRESS service deployment can be continued.`
        );
      if (hook.status !== 'AWAITING_ACTION')
        throw invalid(
          `The lifecycle hook ${hook.hookId} is in the ${hook.status} state; only a hook in the AWAITING_ACTION state can be continued or rolled back.`
        );
      const now = s.now();
      record.updatedAt = now;
      const run = service.native?.record === record ? service.native : undefined;
      if (action === 'CONTINUE') hook.status = 'SUCCEEDED';
      else if (run) {
        hook.status = 'FAILED';
        requestRollback(
          run,
          now,
          `Service deployment rolled back because lifecycle hook ${hook.hookId} was rolled back by a ContinueServiceDeployment request.`
        );
      }
      return { serviceDeploymentArn: record.arn };
    }
  };
}
