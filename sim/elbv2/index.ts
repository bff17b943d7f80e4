/**
 * ELBv2 (Application Load Balancer) operations over the model in model.ts, with the
 * validation and error codes the real API uses.
 */
import { ApiError, type ElbForEcs, type Handler, type ServiceModel, type TargetGroupInfo } from '../types.js';
import { hexId, list, optBoolean, optNumber } from '../util.js';
import { checkAssociation, normaliseActions, renderActions } from './actions.js';
import { checkArn, pageOf } from './arns.js';
import {
  DEFAULT_REQUESTS_PER_SECOND,
  ElbState,
  REASONS,
  targetKey,
  type ElbDeps,
  type HealthCheck,
  type Listener,
  type LoadBalancer,
  type Rule,
  type TargetGroup
} from './model.js';

export { ElbState } from './model.js';
export type { ElbDeps } from './model.js';

export interface Elbv2Model extends ServiceModel {
  readonly state: ElbState;
  readonly forEcs: ElbForEcs;
  /** Synthetic requests per simulated second for a load balancer (by name or ARN), per listener. */
  setRequestRate(loadBalancer: string, requestsPerSecond: number): void;
  traffic(): TrafficReport;
}

/** Where the synthetic traffic went, cumulative since the target group was created (`GET /_sim/traffic`). */
export interface TrafficReport {
  loadBalancers: { name: string; arn: string; requestsPerSecond: number }[];
  targetGroups: {
    name: string;
    arn: string;
    /** Every request routed to the group. */
    requests: number;
    /** Answered 5xx by a target. */
    target5xx: number;
    /** Answered 503 by the load balancer: the group had no registered target. */
    elb5xx: number;
    /** Routed while the group had no healthy target (none registered, or only initial / unhealthy ones); includes elb5xx. */
    requestsWithoutHealthyTarget: number;
    targets: { id: string; port: number; requests: number; errors: number }[];
  }[];
}

const DEFAULT_VPC = 'vpc-0a1b2c3d4e5f60718';
const TG_ATTRIBUTE_DEFAULTS: Record<string, string> = {
  'deregistration_delay.timeout_seconds': '300',
  'stickiness.enabled': 'false',
  'stickiness.type': 'lb_cookie',
  'stickiness.lb_cookie.duration_seconds': '86400',
  'slow_start.duration_seconds': '0',
  'load_balancing.algorithm.type': 'round_robin',
  'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1'
};
const NAME_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function notFound(code: string, what: string): ApiError {
  return new ApiError(code, `One or more ${what} not found`);
}

function int(value: unknown, member: string, min: number, max: number): number | undefined {
  const n = optNumber(value, member);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError(
      'ValidationError',
      `1 validation error detected: Value '${n}' at '${member}' failed to satisfy constraint: Member must have value between ${min} and ${max}`
    );
  }
  return n;
}

export function createElbv2(deps: ElbDeps): Elbv2Model {
  const state = new ElbState(deps);
  const id = (): string => hexId(deps.random, 16);

  const lb = (arn: string): LoadBalancer => {
    const found = state.loadBalancers.get(checkArn(state.arnPrefix(), 'load balancer', arn));
    if (!found) throw notFound('LoadBalancerNotFound', 'load balancers');
    return found;
  };
  const listener = (arn: string): Listener => {
    const found = state.listeners.get(checkArn(state.arnPrefix(), 'listener', arn));
    if (!found) throw notFound('ListenerNotFound', 'listeners');
    return found;
  };
  const tgByArn = (arn: string): TargetGroup => {
    const found = state.targetGroups.get(checkArn(state.arnPrefix(), 'target group', arn));
    if (!found) throw notFound('TargetGroupNotFound', 'target groups');
    return found;
  };

  const renderLb = (l: LoadBalancer): Record<string, unknown> => ({
    LoadBalancerArn: l.arn,
    DNSName: `${l.name}-${parseInt(l.id.slice(0, 8), 16)}.${deps.region}.elb.amazonaws.com`,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: new Date(l.createdTime),
    LoadBalancerName: l.name,
    Scheme: l.scheme,
    VpcId: l.vpcId,
    State: { Code: 'active' },
    Type: l.type,
    AvailabilityZones: l.subnets.map((s, i) => ({ ZoneName: `${deps.region}${'abcdef'[i % 6]}`, SubnetId: s })),
    SecurityGroups: l.securityGroups,
    IpAddressType: l.ipAddressType
  });
  const renderTg = (t: TargetGroup): Record<string, unknown> => ({
    TargetGroupArn: t.arn,
    TargetGroupName: t.name,
    Protocol: t.protocol,
    Port: t.port,
    VpcId: t.vpcId,
    HealthCheckProtocol: t.healthCheck.protocol,
    HealthCheckPort: t.healthCheck.port,
    HealthCheckEnabled: t.healthCheck.enabled,
    HealthCheckIntervalSeconds: t.healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: t.healthCheck.timeoutSeconds,
    HealthyThresholdCount: t.healthCheck.healthyThresholdCount,
    UnhealthyThresholdCount: t.healthCheck.unhealthyThresholdCount,
    HealthCheckPath: t.healthCheck.path,
    Matcher: { HttpCode: t.healthCheck.matcher },
    LoadBalancerArns: state.loadBalancersOf(t.arn),
    TargetType: t.targetType,
    ProtocolVersion: t.protocolVersion,
    IpAddressType: 'ipv4'
  });
  const renderListener = (l: Listener): Record<string, unknown> => ({
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    DefaultActions: renderActions(l.defaultActions),
    ...(l.sslPolicy ? { SslPolicy: l.sslPolicy } : {}),
    ...(l.certificates ? { Certificates: l.certificates } : {})
  });
  const renderRule = (r: Rule): Record<string, unknown> => ({
    RuleArn: r.arn,
    Priority: String(r.priority),
    Conditions: r.conditions,
    Actions: renderActions(r.actions),
    IsDefault: false
  });
  const renderDefaultRule = (l: Listener): Record<string, unknown> => ({
    RuleArn: l.defaultRuleArn,
    Priority: 'default',
    Conditions: [],
    Actions: renderActions(l.defaultActions),
    IsDefault: true
  });

  const normaliseConditions = (raw: unknown): Record<string, unknown>[] => {
    const conditions = list<Record<string, any>>(raw);
    if (!conditions.length) throw new ApiError('ValidationError', 'A rule must have at least one condition');
    return conditions.map((c) => {
      const field = String(c.Field ?? '');
      const out: Record<string, unknown> = { ...c, Field: field };
      const configKey = { 'path-pattern': 'PathPatternConfig', 'host-header': 'HostHeaderConfig' }[field];
      if (configKey) {
        const values = list<string>(c.Values).length ? list<string>(c.Values) : list<string>(c[configKey]?.Values);
        if (!values.length) throw new ApiError('ValidationError', `A '${field}' condition must have at least one value`);
        out.Values = values;
        out[configKey] = { Values: values };
      }
      return out;
    });
  };

  const readHealthCheck = (input: Record<string, any>, base: HealthCheck): HealthCheck => {
    const hc: HealthCheck = { ...base };
    if (input.HealthCheckProtocol) hc.protocol = String(input.HealthCheckProtocol);
    if (input.HealthCheckPort) hc.port = String(input.HealthCheckPort);
    if (input.HealthCheckPath) hc.path = String(input.HealthCheckPath);
    hc.enabled = optBoolean(input.HealthCheckEnabled) ?? hc.enabled;
    hc.intervalSeconds = int(input.HealthCheckIntervalSeconds, 'healthCheckIntervalSeconds', 5, 300) ?? hc.intervalSeconds;
    hc.timeoutSeconds = int(input.HealthCheckTimeoutSeconds, 'healthCheckTimeoutSeconds', 2, 120) ?? hc.timeoutSeconds;
    hc.healthyThresholdCount = int(input.HealthyThresholdCount, 'healthyThresholdCount', 2, 10) ?? hc.healthyThresholdCount;
    hc.unhealthyThresholdCount = int(input.UnhealthyThresholdCount, 'unhealthyThresholdCount', 2, 10) ?? hc.unhealthyThresholdCount;
    if (input.Matcher?.HttpCode) hc.matcher = String(input.Matcher.HttpCode);
    if (hc.timeoutSeconds >= hc.intervalSeconds) {
      throw new ApiError('ValidationError', 'Health check interval must be greater than the timeout.');
    }
    return hc;
  };

  const rulesOf = (listenerArn: string): Rule[] =>
    [...state.rules.values()].filter((r) => r.listenerArn === listenerArn).sort((a, b) => a.priority - b.priority);

  const raw: Record<string, Handler> = {
    CreateLoadBalancer: (input) => {
      const name = String(input.Name ?? '');
      if (!NAME_RE.test(name))
        throw new ApiError(
          'ValidationError',
          `Load balancer name '${name}' is not valid: up to 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen`
        );
      const existing = [...state.loadBalancers.values()].find((l) => l.name === name);
      if (existing) return { LoadBalancers: [renderLb(existing)] };
      const type = String(input.Type ?? 'application');
      const lbId = id();
      const created: LoadBalancer = {
        arn: `${state.arnPrefix()}:loadbalancer/${type === 'network' ? 'net' : 'app'}/${name}/${lbId}`,
        name,
        id: lbId,
        type,
        scheme: String(input.Scheme ?? 'internet-facing'),
        ipAddressType: String(input.IpAddressType ?? 'ipv4'),
        vpcId: DEFAULT_VPC,
        subnets: list<string>(input.Subnets).length
          ? list<string>(input.Subnets)
          : ['subnet-0aa11bb22cc33dd44', 'subnet-0ee55ff66aa77bb88'],
        securityGroups: list<string>(input.SecurityGroups),
        createdTime: deps.clock.now(),
        requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND,
        tags: Object.fromEntries(list<Record<string, string>>(input.Tags).map((t) => [t.Key, t.Value ?? '']))
      };
      state.loadBalancers.set(created.arn, created);
      return { LoadBalancers: [renderLb(created)] };
    },

    DescribeLoadBalancers: (input) => {
      const arns = list<string>(input.LoadBalancerArns);
      const names = list<string>(input.Names);
      if (arns.length && names.length)
        throw new ApiError('ValidationError', 'Load balancer names and load balancer ARNs cannot be specified at the same time');
      let found = [...state.loadBalancers.values()];
      if (arns.length) found = arns.map((a) => lb(a));
      if (names.length) {
        found = names.map((n) => {
          const l = [...state.loadBalancers.values()].find((x) => x.name === n);
          if (!l) throw new ApiError('LoadBalancerNotFound', `Load balancers '[${n}]' not found`);
          return l;
        });
      }
      const { page, NextMarker } = pageOf(found, (l) => l.arn, input);
      return { LoadBalancers: page.map(renderLb), NextMarker };
    },

    CreateTargetGroup: (input) => {
      const name = String(input.Name ?? '');
      if (!NAME_RE.test(name))
        throw new ApiError(
          'ValidationError',
          `Target group name '${name}' cannot be longer than '32' characters or contain characters other than alphanumerics and hyphens, nor begin or end with a hyphen`
        );
      const targetType = String(input.TargetType ?? 'instance') as TargetGroup['targetType'];
      if (!['ip', 'instance', 'lambda', 'alb'].includes(targetType))
        throw new ApiError('ValidationError', `Target type '${targetType}' is not valid`);
      const protocol = String(input.Protocol ?? (targetType === 'lambda' ? '' : 'HTTP'));
      const port = int(input.Port, 'port', 1, 65535);
      if (targetType !== 'lambda' && port === undefined) throw new ApiError('ValidationError', 'A port must be specified');
      const existing = [...state.targetGroups.values()].find((t) => t.name === name);
      if (existing) {
        if (existing.port === port && existing.protocol === protocol && existing.targetType === targetType)
          return { TargetGroups: [renderTg(existing)] };
        throw new ApiError('DuplicateTargetGroupName', 'A target group with the same name exists, but with different settings');
      }
      const tgId = id();
      const created: TargetGroup = {
        arn: `${state.arnPrefix()}:targetgroup/${name}/${tgId}`,
        name,
        id: tgId,
        protocol,
        port: port ?? 0,
        vpcId: String(input.VpcId ?? DEFAULT_VPC),
        targetType,
        protocolVersion: String(input.ProtocolVersion ?? 'HTTP1'),
        healthCheck: readHealthCheck(input, {
          protocol: protocol || 'HTTP',
          port: 'traffic-port',
          path: '/',
          enabled: true,
          intervalSeconds: 30,
          timeoutSeconds: 5,
          healthyThresholdCount: 5,
          unhealthyThresholdCount: 2,
          matcher: '200'
        }),
        attributes: { ...TG_ATTRIBUTE_DEFAULTS },
        targets: new Map(),
        inUse: false,
        traffic: { requests: 0, target5xx: 0, elb5xx: 0, withoutHealthyTarget: 0, responseTimeSum: 0 },
        minute: state.newCounts(),
        tags: Object.fromEntries(list<Record<string, string>>(input.Tags).map((t) => [t.Key, t.Value ?? '']))
      };
      state.targetGroups.set(created.arn, created);
      return { TargetGroups: [renderTg(created)] };
    },

    ModifyTargetGroup: (input) => {
      const tg = tgByArn(input.TargetGroupArn);
      tg.healthCheck = readHealthCheck(input, tg.healthCheck);
      return { TargetGroups: [renderTg(tg)] };
    },

    DescribeTargetGroups: (input) => {
      const arns = list<string>(input.TargetGroupArns);
      const names = list<string>(input.Names);
      if (arns.length > 20) throw new ApiError('ValidationError', "You cannot describe more than '20' target groups at a time");
      let found = [...state.targetGroups.values()];
      if (arns.length) found = arns.map(tgByArn);
      if (names.length) {
        found = names.map((n) => {
          const t = [...state.targetGroups.values()].find((x) => x.name === n);
          if (!t) throw new ApiError('TargetGroupNotFound', `Target groups '[${n}]' not found`);
          return t;
        });
      }
      if (input.LoadBalancerArn) {
        const arn = lb(input.LoadBalancerArn).arn;
        found = found.filter((t) => state.loadBalancersOf(t.arn).includes(arn));
      }
      const { page, NextMarker } = pageOf(found, (t) => t.arn, input);
      return { TargetGroups: page.map(renderTg), NextMarker };
    },

    DescribeTargetGroupAttributes: (input) => {
      const tg = tgByArn(input.TargetGroupArn);
      return { Attributes: Object.entries(tg.attributes).map(([Key, Value]) => ({ Key, Value })) };
    },

    ModifyTargetGroupAttributes: (input) => {
      const tg = tgByArn(input.TargetGroupArn);
      const attrs = list<Record<string, string>>(input.Attributes);
      if (!attrs.length) throw new ApiError('ValidationError', 'At least one attribute must be specified');
      for (const { Key, Value } of attrs) {
        if (!Key || !(Key in TG_ATTRIBUTE_DEFAULTS))
          throw new ApiError('InvalidConfigurationRequest', `The attribute key '${Key}' is not recognized`);
        if (Key === 'deregistration_delay.timeout_seconds') {
          const n = Number(Value);
          if (!Number.isInteger(n) || n < 0 || n > 3600)
            throw new ApiError(
              'InvalidConfigurationRequest',
              `The value of 'deregistration_delay.timeout_seconds' must be between 0 and 3600 seconds`
            );
        }
      }
      for (const { Key, Value } of attrs) tg.attributes[Key] = String(Value ?? '');
      return { Attributes: attrs.map(({ Key, Value }) => ({ Key, Value })) };
    },

    CreateListener: (input) => {
      const owner = lb(input.LoadBalancerArn);
      const port = int(input.Port, 'port', 1, 65535);
      if (port === undefined) throw new ApiError('ValidationError', 'A listener port must be specified');
      const protocol = String(input.Protocol ?? 'HTTP');
      const clash = [...state.listeners.values()].find((l) => l.loadBalancerArn === owner.arn && l.port === port);
      if (clash) throw new ApiError('DuplicateListener', 'A listener already exists on this port for this load balancer');
      const actions = normaliseActions(state, input.DefaultActions, 'defaultActions');
      checkAssociation(state, owner.arn, actions);
      const listenerId = id();
      const tail = `app/${owner.name}/${owner.id}/${listenerId}`;
      const created: Listener = {
        arn: `${state.arnPrefix()}:listener/${tail}`,
        loadBalancerArn: owner.arn,
        port,
        protocol,
        defaultActions: actions,
        defaultRuleArn: `${state.arnPrefix()}:listener-rule/${tail}/${id()}`,
        ...(input.SslPolicy ? { sslPolicy: String(input.SslPolicy) } : {}),
        ...(input.Certificates ? { certificates: list(input.Certificates) } : {})
      };
      state.listeners.set(created.arn, created);
      return { Listeners: [renderListener(created)] };
    },

    DescribeListeners: (input) => {
      const arns = list<string>(input.ListenerArns);
      if (!arns.length && !input.LoadBalancerArn)
        throw new ApiError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
      const owner = arns.length ? undefined : lb(input.LoadBalancerArn);
      const found = owner ? [...state.listeners.values()].filter((l) => l.loadBalancerArn === owner.arn) : arns.map(listener);
      const { page, NextMarker } = pageOf(found, (l) => l.arn, input);
      return { Listeners: page.map(renderListener), NextMarker };
    },

    ModifyListener: (input, ctx) => {
      const current = listener(input.ListenerArn);
      const next: Listener = { ...current };
      const port = int(input.Port, 'port', 1, 65535);
      if (port !== undefined) next.port = port;
      if (input.Protocol) next.protocol = String(input.Protocol);
      if (input.DefaultActions !== undefined) {
        next.defaultActions = normaliseActions(state, input.DefaultActions, 'defaultActions');
        checkAssociation(state, current.loadBalancerArn, next.defaultActions);
      }
      // An 'ignore' fault answers as if applied (what an eventually-consistent read-back would catch).
      if (!ctx.takeFault('ignore')) state.listeners.set(current.arn, next);
      return { Listeners: [renderListener(next)] };
    },

    DeleteListener: (input) => {
      const l = listener(input.ListenerArn);
      for (const r of rulesOf(l.arn)) state.rules.delete(r.arn);
      state.listeners.delete(l.arn);
      return {};
    },

    CreateRule: (input) => {
      const owner = listener(input.ListenerArn);
      const priority = int(input.Priority, 'priority', 1, 50000);
      if (priority === undefined) throw new ApiError('ValidationError', 'A rule priority must be specified');
      if (rulesOf(owner.arn).some((r) => r.priority === priority))
        throw new ApiError('PriorityInUse', `Priority '${priority}' is currently in use`);
      const conditions = normaliseConditions(input.Conditions);
      const actions = normaliseActions(state, input.Actions, 'actions');
      checkAssociation(state, owner.loadBalancerArn, actions);
      const created: Rule = {
        arn: owner.defaultRuleArn.replace(/\/[0-9a-f]+$/, `/${id()}`),
        listenerArn: owner.arn,
        priority,
        conditions,
        actions
      };
      state.rules.set(created.arn, created);
      return { Rules: [renderRule(created)] };
    },

    DescribeRules: (input) => {
      const arns = list<string>(input.RuleArns);
      if (!arns.length && !input.ListenerArn) throw new ApiError('ValidationError', 'You must specify either listener ARN or rule ARNs');
      type Rendered = Record<string, unknown> & { RuleArn: string };
      let found: Rendered[];
      if (arns.length) {
        found = arns.map((a) => {
          const rule = state.rules.get(checkArn(state.arnPrefix(), 'rule', a));
          if (rule) return renderRule(rule) as Rendered;
          const owner = [...state.listeners.values()].find((l) => l.defaultRuleArn === a);
          if (owner) return renderDefaultRule(owner) as Rendered;
          throw notFound('RuleNotFound', 'rules');
        });
      } else {
        const owner = listener(input.ListenerArn);
        found = [...rulesOf(owner.arn).map(renderRule), renderDefaultRule(owner)] as Rendered[];
      }
      const { page, NextMarker } = pageOf(found, (r) => r.RuleArn, input);
      return { Rules: page, NextMarker };
    },

    ModifyRule: (input, ctx) => {
      const arn = checkArn(state.arnPrefix(), 'rule', input.RuleArn);
      const rule = state.rules.get(arn);
      const defaultOf = rule ? undefined : [...state.listeners.values()].find((l) => l.defaultRuleArn === arn);
      if (!rule && !defaultOf) throw notFound('RuleNotFound', 'rules');
      const owner = rule ? listener(rule.listenerArn) : defaultOf!;
      const actions = input.Actions !== undefined ? normaliseActions(state, input.Actions, 'actions') : undefined;
      if (actions) checkAssociation(state, owner.loadBalancerArn, actions);
      if (defaultOf) {
        if (input.Conditions !== undefined) throw new ApiError('OperationNotPermitted', 'Conditions cannot be set on a default rule');
        const next = { ...defaultOf, defaultActions: actions ?? defaultOf.defaultActions };
        if (!ctx.takeFault('ignore')) state.listeners.set(next.arn, next);
        return { Rules: [renderDefaultRule(next)] };
      }
      const next: Rule = { ...rule!, actions: actions ?? rule!.actions };
      if (input.Conditions !== undefined) next.conditions = normaliseConditions(input.Conditions);
      if (!ctx.takeFault('ignore')) state.rules.set(next.arn, next);
      return { Rules: [renderRule(next)] };
    },

    DeleteRule: (input) => {
      const arn = checkArn(state.arnPrefix(), 'rule', input.RuleArn);
      if (!state.rules.delete(arn)) {
        if ([...state.listeners.values()].some((l) => l.defaultRuleArn === arn))
          throw new ApiError('OperationNotPermitted', 'Default rules cannot be deleted');
        throw notFound('RuleNotFound', 'rules');
      }
      return {};
    },

    RegisterTargets: (input) => {
      const tg = tgByArn(input.TargetGroupArn);
      const targets = list<Record<string, string>>(input.Targets);
      if (!targets.length) throw new ApiError('ValidationError', 'At least one target must be specified');
      for (const t of targets) {
        const m = IPV4_RE.exec(String(t.Id ?? ''));
        if (tg.targetType === 'ip' && (!m || m.slice(1).some((p) => Number(p) > 255))) {
          throw new ApiError('ValidationError', `The IP address '${t.Id}' is not a valid IPv4 address`);
        }
      }
      for (const t of targets) {
        const port = int(t.Port, 'targets.member.port', 1, 65535) ?? tg.port;
        state.registerTarget(tg, String(t.Id), port, undefined, t.AvailabilityZone);
      }
      return {};
    },

    DeregisterTargets: (input) => {
      const tg = tgByArn(input.TargetGroupArn);
      const targets = list<Record<string, string>>(input.Targets);
      const missing = targets.filter((t) => !tg.targets.has(targetKey(String(t.Id), Number(t.Port ?? tg.port))));
      if (missing.length) {
        throw new ApiError(
          'InvalidTarget',
          `The following targets are not registered in target group '${tg.arn}': ${missing.map((t) => `'${t.Id}'`).join(', ')}`
        );
      }
      for (const t of targets) state.deregisterTarget(tg, String(t.Id), Number(t.Port ?? tg.port));
      return {};
    },

    DescribeTargetHealth: (input) => {
      const tg = tgByArn(input.TargetGroupArn);
      const asked = list<Record<string, string>>(input.Targets);
      const describe = (id: string, port: number): Record<string, unknown> => {
        const t = tg.targets.get(targetKey(id, port));
        const health = t
          ? state.healthOf(tg, t)
          : { state: 'unused', reason: 'Target.NotRegistered', description: REASONS['Target.NotRegistered'] };
        return {
          Target: { Id: id, Port: port, ...(t?.availabilityZone ? { AvailabilityZone: t.availabilityZone } : {}) },
          HealthCheckPort: tg.healthCheck.port === 'traffic-port' ? String(port) : tg.healthCheck.port,
          TargetHealth: { State: health.state, ...(health.reason ? { Reason: health.reason, Description: health.description } : {}) }
        };
      };
      const descriptions = asked.length
        ? asked.map((t) => describe(String(t.Id), Number(t.Port ?? tg.port)))
        : [...tg.targets.values()].map((t) => describe(t.id, t.port));
      return { TargetHealthDescriptions: descriptions };
    }
  };

  // Listener and rule changes can start or stop a target group's use; settle that at once.
  const handlers: Record<string, Handler> = Object.fromEntries(
    Object.entries(raw).map(([op, h]) => [
      op,
      /^(Create|Modify|Delete)(Listener|Rule)$/.test(op)
        ? (input, ctx) => {
            const out = h(input, ctx);
            state.refreshUsage(deps.clock.now());
            return out;
          }
        : h
    ])
  );

  const forEcs: ElbForEcs = {
    targetGroup(arn): TargetGroupInfo | undefined {
      const t = state.targetGroups.get(arn);
      if (!t) return undefined;
      return {
        arn: t.arn,
        name: t.name,
        port: t.port,
        protocol: t.protocol,
        targetType: t.targetType,
        loadBalancerArns: state.loadBalancersOf(t.arn),
        healthCheckIntervalSeconds: t.healthCheck.intervalSeconds,
        healthyThresholdCount: t.healthCheck.healthyThresholdCount,
        unhealthyThresholdCount: t.healthCheck.unhealthyThresholdCount,
        deregistrationDelaySeconds: Number(t.attributes['deregistration_delay.timeout_seconds'] ?? 300)
      };
    },
    targetGroupArnByName(name) {
      return [...state.targetGroups.values()].find((t) => t.name === name)?.arn;
    },
    registerTarget(arn, target, probe) {
      const t = state.targetGroups.get(arn);
      if (t) state.registerTarget(t, target.id, target.port, probe);
    },
    deregisterTarget(arn, target) {
      const t = state.targetGroups.get(arn);
      if (t) state.deregisterTarget(t, target.id, target.port);
    },
    targetHealth(arn, target) {
      const t = state.targetGroups.get(arn);
      const found = t?.targets.get(targetKey(target.id, target.port));
      return t && found ? state.healthOf(t, found) : undefined;
    },
    forwardWeights(arn) {
      const actions = state.rules.get(arn)?.actions ?? state.listeners.get(arn)?.defaultActions;
      const forward = actions?.find((a) => a.Type === 'forward');
      return forward?.ForwardConfig?.TargetGroups.map((g) => ({ targetGroupArn: g.TargetGroupArn, weight: g.Weight }));
    },
    setForwardWeights(arn, weights) {
      const actions = state.rules.get(arn)?.actions ?? state.listeners.get(arn)?.defaultActions;
      const forward = actions?.find((a) => a.Type === 'forward');
      if (!forward?.ForwardConfig) return false;
      forward.ForwardConfig.TargetGroups = weights.map((w) => ({ TargetGroupArn: w.targetGroupArn, Weight: w.weight }));
      state.refreshUsage(deps.clock.now());
      return true;
    }
  };

  const traffic = (): TrafficReport => ({
    loadBalancers: [...state.loadBalancers.values()].map((l) => ({ name: l.name, arn: l.arn, requestsPerSecond: l.requestsPerSecond })),
    targetGroups: [...state.targetGroups.values()].map((t) => ({
      name: t.name,
      arn: t.arn,
      requests: t.traffic.requests,
      target5xx: t.traffic.target5xx,
      elb5xx: t.traffic.elb5xx,
      requestsWithoutHealthyTarget: t.traffic.withoutHealthyTarget,
      targets: [...t.targets.values()].map((x) => ({ id: x.id, port: x.port, requests: x.requests, errors: x.errors }))
    }))
  });

  return {
    state,
    handlers,
    forEcs,
    traffic,
    tick: (now) => state.tick(now),
    setRequestRate(which, requestsPerSecond) {
      const found = state.loadBalancers.get(which) ?? [...state.loadBalancers.values()].find((l) => l.name === which);
      if (!found) throw new Error(`no load balancer named ${which}`);
      if (!(requestsPerSecond >= 0)) throw new Error(`request rate must be >= 0, got ${requestsPerSecond}`);
      found.requestsPerSecond = requestsPerSecond;
    },
    snapshot: () => ({
      loadBalancers: [...state.loadBalancers.values()].map((l) => ({ ...renderLb(l), requestsPerSecond: l.requestsPerSecond })),
      listeners: [...state.listeners.values()].map((l) => ({ ...renderListener(l), rules: rulesOf(l.arn).map(renderRule) })),
      targetGroups: [...state.targetGroups.values()].map((t) => ({
        ...renderTg(t),
        attributes: t.attributes,
        traffic: {
          requests: t.traffic.requests,
          target5xx: t.traffic.target5xx,
          elb5xx: t.traffic.elb5xx,
          requestsWithoutHealthyTarget: t.traffic.withoutHealthyTarget
        },
        targets: [...t.targets.values()].map((x) => ({
          id: x.id,
          port: x.port,
          ...state.healthOf(t, x),
          requests: x.requests,
          errors: x.errors
        }))
      }))
    })
  };
}
