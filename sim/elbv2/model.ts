/**
 * The ELBv2 state: load balancers, listeners, rules, target groups and their targets.
 * Targets move through the health state machine on the sim clock, and each load
 * balancer receives a steady synthetic request rate that is divided by the listener's
 * weights, then among healthy targets, so tests can see where traffic really went.
 */
import type { MetricsSink, SimClock, TargetHealthState, TargetProbe } from '../types.js';

export interface ElbDeps {
  clock: SimClock;
  region: string;
  accountId: string;
  random: () => number;
  metrics: MetricsSink;
}

export interface WeightedGroup {
  TargetGroupArn: string;
  Weight: number;
}

/** An action in its canonical (API output) shape, with numbers as numbers. */
export interface StoredAction {
  Type: string;
  Order?: number;
  ForwardConfig?: {
    TargetGroups: WeightedGroup[];
    TargetGroupStickinessConfig: { Enabled: boolean; DurationSeconds?: number };
  };
  FixedResponseConfig?: { StatusCode: string; ContentType?: string; MessageBody?: string };
  RedirectConfig?: Record<string, unknown>;
  [other: string]: unknown;
}

export interface LoadBalancer {
  arn: string;
  name: string;
  id: string;
  type: string;
  scheme: string;
  ipAddressType: string;
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
  createdTime: number;
  /** Synthetic requests per simulated second arriving at each of its listeners. */
  requestsPerSecond: number;
  tags: Record<string, string>;
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultActions: StoredAction[];
  defaultRuleArn: string;
  sslPolicy?: string;
  certificates?: unknown[];
}

export interface Rule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: Record<string, unknown>[];
  actions: StoredAction[];
}

export interface HealthCheck {
  protocol: string;
  port: string;
  path: string;
  enabled: boolean;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  matcher: string;
}

export interface Target {
  id: string;
  port: number;
  availabilityZone?: string;
  state: TargetHealthState;
  reason?: string;
  description?: string;
  probe?: TargetProbe;
  passes: number;
  fails: number;
  /** Whether a health check has completed since registration (RegistrationInProgress until then). */
  checked: boolean;
  nextCheckAt: number;
  drainUntil?: number;
  requests: number;
  errors: number;
}

export interface TrafficCounts {
  requests: number;
  /** 5xx answered by targets. */
  target5xx: number;
  /** 503s from the load balancer itself: the group had no target to send to. */
  elb5xx: number;
  /**
   * Requests routed to the group while none of its targets was healthy (no targets at all, or
   * only initial / unhealthy ones the ALB fails open to): traffic sent to a colour without
   * working tasks, which a release must never cause.
   */
  withoutHealthyTarget: number;
  responseTimeSum: number;
}

export interface TargetGroup {
  arn: string;
  name: string;
  id: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: 'ip' | 'instance' | 'lambda' | 'alb';
  protocolVersion: string;
  healthCheck: HealthCheck;
  attributes: Record<string, string>;
  targets: Map<string, Target>;
  inUse: boolean;
  traffic: TrafficCounts;
  /** The current simulated minute's counts, published to CloudWatch when it ends. */
  minute: TrafficCounts & { start: number };
  tags: Record<string, string>;
}

export const DEFAULT_REQUESTS_PER_SECOND = 50;

export function targetKey(id: string, port: number): string {
  return `${id}:${port}`;
}

function zeroCounts(): TrafficCounts {
  return { requests: 0, target5xx: 0, elb5xx: 0, withoutHealthyTarget: 0, responseTimeSum: 0 };
}

export const REASONS: Record<string, string> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.NotRegistered': 'Target is not registered to the target group'
};

export class ElbState {
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly listeners = new Map<string, Listener>();
  readonly rules = new Map<string, Rule>();
  readonly targetGroups = new Map<string, TargetGroup>();
  /** Fractions of requests carried between ticks, so division by weight is exact over time. */
  private readonly carry = new Map<string, number>();
  private lastTick: number;

  constructor(readonly deps: ElbDeps) {
    this.lastTick = deps.clock.now();
  }

  arnPrefix(): string {
    return `arn:aws:elasticloadbalancing:${this.deps.region}:${this.deps.accountId}`;
  }

  /** Target groups referenced by an action list. */
  static groupsOf(actions: StoredAction[]): WeightedGroup[] {
    return actions.flatMap((a) => (a.Type === 'forward' ? (a.ForwardConfig?.TargetGroups ?? []) : []));
  }

  /** The load balancers whose listeners or rules forward to a target group. */
  loadBalancersOf(targetGroupArn: string): string[] {
    const lbs = new Set<string>();
    for (const l of this.listeners.values()) {
      if (ElbState.groupsOf(l.defaultActions).some((g) => g.TargetGroupArn === targetGroupArn)) lbs.add(l.loadBalancerArn);
    }
    for (const r of this.rules.values()) {
      const l = this.listeners.get(r.listenerArn);
      if (l && ElbState.groupsOf(r.actions).some((g) => g.TargetGroupArn === targetGroupArn)) lbs.add(l.loadBalancerArn);
    }
    return [...lbs];
  }

  /**
   * The model's own present: the time of the tick being processed. The ECS model registers and
   * deregisters targets while the world catches up after a jump (advance()), when the clock
   * already reads the end of the jump.
   */
  private modelNow(): number {
    return this.lastTick;
  }

  registerTarget(tg: TargetGroup, id: string, port: number, probe?: TargetProbe, availabilityZone?: string): void {
    const now = this.modelNow();
    this.refreshUsage(now);
    const key = targetKey(id, port);
    const existing = tg.targets.get(key);
    if (existing && existing.state !== 'draining') {
      if (probe) existing.probe = probe;
      return;
    }
    const target: Target = {
      id,
      port,
      availabilityZone,
      state: 'initial',
      probe: probe ?? existing?.probe,
      passes: 0,
      fails: 0,
      checked: false,
      nextCheckAt: now + tg.healthCheck.intervalSeconds * 1000,
      requests: existing?.requests ?? 0,
      errors: existing?.errors ?? 0
    };
    setReason(target, 'initial', 'Elb.RegistrationInProgress');
    tg.targets.set(key, target);
  }

  deregisterTarget(tg: TargetGroup, id: string, port: number): boolean {
    const key = targetKey(id, port);
    const target = tg.targets.get(key);
    if (!target) return false;
    if (target.state === 'draining') return true;
    const delay = Number(tg.attributes['deregistration_delay.timeout_seconds'] ?? 300) * 1000;
    if (!tg.inUse || delay <= 0) {
      tg.targets.delete(key);
      return true;
    }
    target.drainUntil = this.modelNow() + delay;
    setReason(target, 'draining', 'Target.DeregistrationInProgress');
    return true;
  }

  /** What DescribeTargetHealth reports for a target. */
  healthOf(tg: TargetGroup, target: Target): { state: TargetHealthState; reason?: string; description?: string } {
    if (!tg.inUse && target.state !== 'draining') {
      return { state: 'unused', reason: 'Target.NotInUse', description: REASONS['Target.NotInUse'] };
    }
    return { state: target.state, reason: target.reason, description: target.description };
  }

  tick(now: number): void {
    const from = this.lastTick;
    if (now <= from) return;
    this.lastTick = now;
    this.refreshUsage(now);
    for (const tg of this.targetGroups.values()) this.tickTargets(tg, now);
    this.flushMinutes(now);
    this.routeTraffic((now - from) / 1000, now);
  }

  /** Call after any listener or rule change, so a group's targets start checking when it starts being used. */
  refreshUsage(now: number): void {
    for (const tg of this.targetGroups.values()) {
      const inUse = this.loadBalancersOf(tg.arn).length > 0;
      if (inUse && !tg.inUse) {
        // A group that starts receiving traffic health-checks its targets from scratch.
        for (const t of tg.targets.values()) {
          if (t.state === 'draining') continue;
          t.passes = 0;
          t.fails = 0;
          t.checked = false;
          t.nextCheckAt = now + tg.healthCheck.intervalSeconds * 1000;
          setReason(t, 'initial', 'Elb.RegistrationInProgress');
        }
      }
      tg.inUse = inUse;
    }
  }

  private tickTargets(tg: TargetGroup, now: number): void {
    const interval = Math.max(1, tg.healthCheck.intervalSeconds) * 1000;
    for (const [key, t] of tg.targets) {
      if (t.state === 'draining') {
        if (t.drainUntil !== undefined && now >= t.drainUntil) tg.targets.delete(key);
        continue;
      }
      if (!tg.inUse) continue;
      while (t.nextCheckAt <= now) {
        this.healthCheck(tg, t, t.nextCheckAt);
        t.nextCheckAt += interval;
      }
    }
  }

  private healthCheck(tg: TargetGroup, t: Target, at: number): void {
    const hc = tg.healthCheck;
    const result = !hc.enabled || !t.probe ? { ok: true } : t.probe.healthCheck(at);
    t.checked = true;
    if (result.ok) {
      t.passes++;
      t.fails = 0;
      if (t.state !== 'healthy' && t.passes >= hc.healthyThresholdCount) setReason(t, 'healthy');
      else if (t.state === 'initial') setReason(t, 'initial', 'Elb.InitialHealthChecking');
      return;
    }
    t.fails++;
    t.passes = 0;
    if (t.state !== 'unhealthy' && t.fails >= hc.unhealthyThresholdCount) {
      const code = 'failureCode' in result ? result.failureCode : undefined;
      if (code === 'timeout') setReason(t, 'unhealthy', 'Target.Timeout');
      else if (typeof code === 'number')
        setReason(t, 'unhealthy', 'Target.ResponseCodeMismatch', `Health checks failed with these codes: [${code}]`);
      else setReason(t, 'unhealthy', 'Target.FailedHealthChecks');
    } else if (t.state === 'initial') {
      setReason(t, 'initial', 'Elb.InitialHealthChecking');
    }
  }

  private take(key: string, amount: number): number {
    const total = (this.carry.get(key) ?? 0) + amount;
    const whole = Math.floor(total + 1e-9);
    this.carry.set(key, total - whole);
    return whole;
  }

  /** The action a synthetic request meets: the first rule in priority order, else the default action. */
  private actionFor(listener: Listener): StoredAction | undefined {
    const rules = [...this.rules.values()].filter((r) => r.listenerArn === listener.arn).sort((a, b) => a.priority - b.priority);
    const actions = rules[0]?.actions ?? listener.defaultActions;
    return [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0)).at(-1);
  }

  private routeTraffic(seconds: number, now: number): void {
    for (const lb of this.loadBalancers.values()) {
      for (const listener of this.listeners.values()) {
        if (listener.loadBalancerArn !== lb.arn) continue;
        const arriving = this.take(`l:${listener.arn}`, lb.requestsPerSecond * seconds);
        const action = this.actionFor(listener);
        if (!arriving || action?.Type !== 'forward') continue;
        const groups = action.ForwardConfig?.TargetGroups ?? [];
        const totalWeight = groups.reduce((s, g) => s + g.Weight, 0);
        if (totalWeight <= 0) continue;
        for (const g of groups) {
          const tg = this.targetGroups.get(g.TargetGroupArn);
          const share = this.take(`g:${listener.arn}:${g.TargetGroupArn}`, (arriving * g.Weight) / totalWeight);
          if (tg && share) this.serve(tg, share, now);
        }
      }
    }
  }

  private serve(tg: TargetGroup, requests: number, now: number): void {
    const live = [...tg.targets.values()].filter((t) => t.state !== 'draining');
    const healthy = live.filter((t) => t.state === 'healthy');
    // Fail open: with no healthy target an ALB sends to every registered target.
    const pool = healthy.length ? healthy : live;
    const counts = [tg.traffic, tg.minute];
    if (!healthy.length) for (const c of counts) c.withoutHealthyTarget += requests;
    if (!pool.length) {
      for (const c of counts) {
        c.requests += requests;
        c.elb5xx += requests;
      }
      return;
    }
    pool.forEach((t) => {
      const n = this.take(`t:${tg.arn}:${targetKey(t.id, t.port)}`, requests / pool.length);
      if (!n) return;
      const errors = Math.min(n, this.take(`e:${tg.arn}:${targetKey(t.id, t.port)}`, n * (t.probe?.errorRate(now) ?? 0)));
      const rt = t.probe?.responseTime(now) ?? 0.05;
      t.requests += n;
      t.errors += errors;
      for (const c of counts) {
        c.requests += n;
        c.target5xx += errors;
        c.responseTimeSum += rt * n;
      }
    });
  }

  /** ALB publishes per target group per minute, and only for minutes that saw requests. */
  private flushMinutes(now: number): void {
    const minuteStart = Math.floor(now / 60_000) * 60_000;
    for (const tg of this.targetGroups.values()) {
      const m = tg.minute;
      if (m.start >= minuteStart) continue;
      const lbArn = this.loadBalancersOf(tg.arn)[0];
      const lb = lbArn ? this.loadBalancers.get(lbArn) : undefined;
      if (lb && m.requests > 0) {
        const dimensions = { TargetGroup: `targetgroup/${tg.name}/${tg.id}`, LoadBalancer: `app/${lb.name}/${lb.id}` };
        const put = (metricName: string, value: number, unit: string): void =>
          this.deps.metrics.put({ namespace: 'AWS/ApplicationELB', metricName, dimensions, value, timestamp: m.start, unit });
        put('RequestCount', m.requests, 'Count');
        if (m.target5xx > 0) put('HTTPCode_Target_5XX_Count', m.target5xx, 'Count');
        if (m.elb5xx > 0) put('HTTPCode_ELB_5XX_Count', m.elb5xx, 'Count');
        const served = m.requests - m.elb5xx;
        if (served > 0) put('TargetResponseTime', m.responseTimeSum / served, 'Seconds');
      }
      tg.minute = { ...zeroCounts(), start: minuteStart };
    }
  }

  newCounts(): TrafficCounts & { start: number } {
    return { ...zeroCounts(), start: Math.floor(this.deps.clock.now() / 60_000) * 60_000 };
  }
}

function setReason(t: Target, state: TargetHealthState, reason?: string, description?: string): void {
  t.state = state;
  t.reason = reason;
  t.description = reason ? (description ?? REASONS[reason]) : undefined;
}
