/**
 * The contract between the local ECS's parts. The platform (server, protocols, clock,
 * faults, admin, ELBv2, CloudWatch, seed) and the ECS model are built separately
 * and meet only here.
 */

/** Simulated wall-clock time in epoch milliseconds. Moves `timeScale` times faster than real time. */
export interface SimClock {
  now(): number;
}

import type { LogsSink } from './logs/index.js';

/** An error answered to the caller in the service's wire format (exception name + message). */
export class ApiError extends Error {
  constructor(
    /** AWS error code / exception name, e.g. ClusterNotFoundException, TargetGroupNotFound. */
    readonly code: string,
    message: string,
    /** HTTP status; 400 for client errors, 500 for server errors. */
    readonly status = 400
  ) {
    super(message);
  }
}

export type ServiceName =
  | 'ecs'
  | 'elbv2'
  | 'cloudwatch'
  | 'dynamodb'
  | 'codedeploy'
  | 'logs'
  // Read by `ecs-rollout verify` only.
  | 'ecr'
  | 'ssm'
  | 'secretsmanager'
  | 'iam';

export interface RequestContext {
  service: ServiceName;
  operation: string;
  /** From the SigV4 authorization header; lets tests and benchmarks tell callers apart. */
  accessKeyId: string;
  region: string;
  /**
   * Consumes one pending model-level fault for this operation (e.g. 'ignore': answer
   * success but do not apply the change, as an eventually-consistent ELB might).
   */
  takeFault(kind: 'ignore'): boolean;
}

/**
 * Input is the decoded request as the AWS API reference shapes it (JSON for ECS and
 * CloudWatch; for ELBv2's query protocol the platform decodes `X.member.N` and `X.Field`
 * into arrays and objects, so every handler sees the same structured input).
 * Output is the operation's output shape; the platform encodes it.
 */
/*
 * Timestamps in handler outputs are `Date` objects; the platform encodes them as epoch
 * seconds (JSON protocols) or ISO 8601 (query/XML), as the real services do.
 */
export type Handler = (input: Record<string, any>, ctx: RequestContext) => unknown;

export interface ServiceModel {
  readonly handlers: Record<string, Handler>;
  /** Advance the model to `now` (sim ms). Called with non-decreasing `now`, in steps of at most one simulated second. */
  tick(now: number): void;
  /** A JSON-serialisable view of the model's state, for /_sim/state and tests. */
  snapshot(): unknown;
}

// ---- ECS → ELBv2 ---------------------------------------------------------------

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

/** What a target (a task's container port) does when the load balancer talks to it. */
export interface TargetProbe {
  /** Whether a health check sent now succeeds. When false, `failureCode` is the HTTP code seen (e.g. 500, 503) or 'timeout'. */
  healthCheck(now: number): { ok: boolean; failureCode?: number | 'timeout' };
  /** Fraction (0–1) of ordinary requests answered with a 5xx right now. */
  errorRate(now: number): number;
  /** Mean response time in seconds. */
  responseTime(now: number): number;
}

export interface TargetGroupInfo {
  arn: string;
  name: string;
  port: number;
  protocol: string;
  targetType: 'ip' | 'instance' | 'lambda' | 'alb';
  loadBalancerArns: string[];
  healthCheckIntervalSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  deregistrationDelaySeconds: number;
}

export interface TargetHealthView {
  state: TargetHealthState;
  /** e.g. Elb.InitialHealthChecking, Target.FailedHealthChecks, Target.ResponseCodeMismatch, Target.Timeout, Target.DeregistrationInProgress */
  reason?: string;
  description?: string;
}

/** What the ECS model needs from the load balancer model. */
export interface ElbForEcs {
  targetGroup(arn: string): TargetGroupInfo | undefined;
  /** The ARN of the target group of that name (CodeDeploy names its target groups), undefined when none. */
  targetGroupArnByName?(name: string): string | undefined;
  /** Registers a target; it starts `initial` and is health-checked with `probe` from then on. */
  registerTarget(targetGroupArn: string, target: { id: string; port: number }, probe: TargetProbe): void;
  /** Starts draining; the target disappears after the group's deregistration delay. */
  deregisterTarget(targetGroupArn: string, target: { id: string; port: number }): void;
  targetHealth(targetGroupArn: string, target: { id: string; port: number }): TargetHealthView | undefined;
  /**
   * The weighted forward of a listener rule, or of a listener's default action (an NLB's production
   * "rule" is its listener): undefined when the ARN names neither. ECS's native blue/green reads and
   * sets these weights itself.
   */
  forwardWeights(ruleOrListenerArn: string): { targetGroupArn: string; weight: number }[] | undefined;
  /** Replaces the forward's target groups and weights (stickiness kept); false when the ARN names no rule or listener with a forward. */
  setForwardWeights(ruleOrListenerArn: string, weights: { targetGroupArn: string; weight: number }[]): boolean;
}

// ---- ECS → CloudWatch ----------------------------------------------------------

export interface MetricsSink {
  put(datum: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    value: number;
    timestamp: number;
    unit?: string;
  }): void;
}

/** What the ECS model needs from CloudWatch: ECS's own alarm-based rollback (deploymentConfiguration.alarms). */
export interface AlarmStates {
  /** Current state of an alarm by name, undefined when it does not exist. */
  state(alarmName: string): 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | undefined;
}

/** Everything the ECS model is handed when created. */
export interface EcsDeps {
  clock: SimClock;
  elb: ElbForEcs;
  metrics: MetricsSink;
  alarms: AlarmStates;
  /** CloudWatch Logs, where the awslogs driver writes the containers' output (absent: output is dropped). */
  logs?: LogsSink;
  region: string;
  accountId: string;
  /** Deterministic random numbers in [0, 1) (seeded), so runs are repeatable. */
  random: () => number;
}
