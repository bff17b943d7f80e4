/**
 * One chaos unit's local ECS: a fresh seeded sim (so parallel units never share a service),
 * a live revision that carries the unit's previous secret, and in-process reads of what the
 * world looks like (services, weights, temporary alarms, where traffic went) that neither
 * pass through the injected faults nor add to the call log.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/run-action.js';
import { startSim, type Sim } from '../sim/server.js';
import type { TargetGroupName } from '../sim/seed.js';
import type { RequestContext, ServiceName } from '../sim/types.js';
import type { Target, UnitPlan } from './chaos-plan.js';

export const CLUSTER = 'prod';

/** The services, target groups and traffic target a unit deploys to. */
export interface Place {
  family: 'web' | 'api';
  template: string;
  /** Rolling: the one service. Blue/green: blue then green. */
  services: string[];
  targetGroups: string[];
  targetGroupArns: string[];
  /** Blue/green: the listener or rule ARN. */
  trafficArn?: string;
}

export interface ServiceView {
  desired: number;
  running: number;
  taskDefinition: string;
  deployments: { status: string; taskDefinition: string; rolloutState?: string; running: number; desired: number }[];
}

export interface WorldView {
  services: Record<string, ServiceView>;
  /** Blue/green: percent by target group name. */
  weights: Record<string, number>;
  tempAlarms: string[];
}

/** Requests per target group routed while it had no healthy target (and, within those, with no target at all). */
export interface TrafficCounts {
  withoutHealthy: Record<string, number>;
  withoutTargets: Record<string, number>;
}

let templates: { web: string; api: string } | undefined;

/** examples/web.taskdef.json, and the same shape for the api family (the api pair's container is `api`). */
function templatePaths(): { web: string; api: string } {
  if (templates) return templates;
  const web = join(ROOT, 'examples/web.taskdef.json');
  const dir = mkdtempSync(join(tmpdir(), 'ecs-rollout-chaos-templates-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const api = join(dir, 'api.taskdef.json');
  writeFileSync(
    api,
    readFileSync(web, 'utf8')
      .replace(/"web"/g, '"api"')
      .replace(/\/web:/g, '/api:')
      .replace(/\/ecs\/web/g, '/ecs/api')
  );
  templates = { web, api };
  return templates;
}

export function placeOf(sim: Sim, target: Target): Place {
  const s = sim.scenario!;
  const t = templatePaths();
  const tgs = (...names: TargetGroupName[]): Pick<Place, 'targetGroups' | 'targetGroupArns'> => ({
    targetGroups: names,
    targetGroupArns: names.map((n) => s.targetGroups[n])
  });
  if (target === 'service') return { family: 'web', template: t.web, services: ['web'], ...tgs('web-rolling') };
  if (target === 'listener')
    return {
      family: 'web',
      template: t.web,
      services: ['web-blue', 'web-green'],
      ...tgs('web-blue', 'web-green'),
      trafficArn: s.listeners['web-alb:80']
    };
  return {
    family: 'api',
    template: t.api,
    services: ['api-blue', 'api-green'],
    ...tgs('api-blue', 'api-green'),
    trafficArn: s.rules['api-alb:80:10']
  };
}

/** The template's values that every deployment shares (the unit adds tag and greeting). */
export const BASE_VARS = 'cpu=256\nmemory=512\ncommit=chaos';

type Call = (service: ServiceName, operation: string, input: Record<string, unknown>) => Promise<any>;

function caller(sim: Sim): Call {
  return async (service, operation, input) => {
    const handler = sim.world.model(service).handlers[operation];
    if (!handler) throw new Error(`chaos: the local ECS has no ${service}.${operation}`);
    const ctx: RequestContext = { service, operation, accessKeyId: 'AKIDCHAOSBENCH', region: sim.world.region, takeFault: () => false };
    return handler(input, ctx);
  };
}

/** Substitutes inside parsed values, as the action does, so the secret's quotes cannot break the document. */
function render(template: string, vars: Record<string, string>): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => vars[k] ?? '');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(JSON.parse(readFileSync(template, 'utf8'))) as Record<string, unknown>;
}

/**
 * A seeded sim whose live service runs a revision with the unit's previous secret in its
 * environment (as if the last release had set it), steady and healthy before the unit starts.
 */
export async function startUnitSim(unit: UnitPlan, seed: number, timeScale: number): Promise<{ sim: Sim; place: Place }> {
  const sim = await startSim({ seed: true, timeScale, randomSeed: seed });
  const place = placeOf(sim, unit.target);
  const call = caller(sim);
  const body = render(place.template, { cpu: '256', memory: '512', commit: 'chaos', tag: 'v1', greeting: unit.previous.secret });
  const registered = await call('ecs', 'RegisterTaskDefinition', body);
  const live = place.services[0];
  await call('ecs', 'UpdateService', { cluster: CLUSTER, service: live, taskDefinition: registered.taskDefinition.taskDefinitionArn });
  for (let waited = 0; ; waited += 5000) {
    sim.advance(5000);
    const v = await view(sim, place);
    const svc = v.services[live];
    const healthy = healthyTargets(sim, place.targetGroups[0]);
    if (
      svc.deployments.length === 1 &&
      svc.running === svc.desired &&
      svc.deployments[0].rolloutState === 'COMPLETED' &&
      healthy === svc.desired
    )
      break;
    if (waited > 20 * 60_000) throw new Error(`chaos: ${live} was not steady on its baseline revision after 20 simulated minutes`);
  }
  return { sim, place };
}

function healthyTargets(sim: Sim, tgName: string): number {
  const state = sim.world.models().elbv2.state;
  const tg = [...state.targetGroups.values()].find((t) => t.name === tgName);
  if (!tg) return 0;
  return [...tg.targets.values()].filter((t) => state.healthOf(tg, t).state === 'healthy').length;
}

/** What the world looks like now, read inside the sim (no fault, no call record). */
export async function view(sim: Sim, place: Place): Promise<WorldView> {
  sim.world.tick();
  const call = caller(sim);
  const out = await call('ecs', 'DescribeServices', { cluster: CLUSTER, services: place.services });
  const services: Record<string, ServiceView> = {};
  for (const s of out.services ?? []) {
    services[s.serviceName] = {
      desired: s.desiredCount,
      running: s.runningCount,
      taskDefinition: s.taskDefinition,
      deployments: (s.deployments ?? []).map((d: Record<string, any>) => ({
        status: d.status,
        taskDefinition: d.taskDefinition,
        rolloutState: d.rolloutState,
        running: d.runningCount,
        desired: d.desiredCount
      }))
    };
  }
  const weights = weightsNow(sim, place);
  const alarms = await call('cloudwatch', 'DescribeAlarms', {
    AlarmNamePrefix: 'ecs-rollout-',
    AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    MaxRecords: 100
  });
  const tempAlarms = [...(alarms.MetricAlarms ?? []), ...(alarms.CompositeAlarms ?? [])].map((a: { AlarmName: string }) => a.AlarmName);
  return { services, weights, tempAlarms };
}

/** Cumulative counts per target group (the sim's traffic report; elb5xx where an older sim lacks the healthy-target count). */
export function traffic(sim: Sim): TrafficCounts {
  sim.world.tick();
  const out: TrafficCounts = { withoutHealthy: {}, withoutTargets: {} };
  for (const g of sim.traffic().targetGroups) {
    const withoutHealthy = (g as { requestsWithoutHealthyTarget?: number }).requestsWithoutHealthyTarget;
    out.withoutTargets[g.name] = g.elb5xx;
    out.withoutHealthy[g.name] = withoutHealthy ?? g.elb5xx;
  }
  return out;
}

/** The revision name (`web:3`) of a task definition ARN. */
export function rev(arn: string | undefined): string {
  return arn?.split('/').pop() ?? '?';
}

/** A stretch of time in which a target group took requests without a healthy target, with what the world looked like when it began. */
export interface Episode {
  targetGroup: string;
  /** Simulated seconds since the unit started. */
  fromS: number;
  toS: number;
  requests: number;
  /** Within the grace after the colour's own tasks failed (see watchTraffic). */
  graced: boolean;
  weights: Record<string, number>;
  targets: string;
  desired: Record<string, number>;
}

export interface TrafficWatch {
  /** Requests per target group routed while it had no healthy target, outside the grace. */
  counted: Record<string, number>;
  /** Within the grace: the colour's own tasks failed while it took traffic, and no poll could have seen it yet. */
  graced: Record<string, number>;
  episodes: Episode[];
}

/**
 * Samples the sim every 20 ms of real time (6 simulated seconds) for requests routed to a group
 * with no healthy target. When a weighted group loses its last healthy target by itself (tasks
 * OOM-killed mid-bake, say), no tool can notice before its next poll or two: the first such
 * stretch per group gets `graceMs` (simulated) before its requests count. Traffic moved onto a
 * group that had no healthy target counts from the first request.
 */
export function watchTraffic(sim: Sim, place: Place, graceMs: number): { stop(): TrafficWatch } {
  const t0 = sim.now();
  const out: TrafficWatch = { counted: {}, graced: {}, episodes: [] };
  const open = new Map<string, Episode>();
  const prev = new Map<string, { weight: number; healthy: number }>();
  const graceUntil = new Map<string, number>();
  let last = traffic(sim).withoutHealthy;
  const sample = (): void => {
    const now = traffic(sim).withoutHealthy;
    const weights = weightsNow(sim, place);
    const at = sim.now();
    for (const g of place.targetGroups) {
      const weight = place.trafficArn ? (weights[g] ?? 0) : 100;
      const healthy = healthyTargets(sim, g);
      const before = prev.get(g);
      // Tasks that died while the service still wants them; a colour scaled to zero under traffic gets no grace.
      if (
        before &&
        before.weight > 0 &&
        before.healthy > 0 &&
        weight > 0 &&
        healthy === 0 &&
        !graceUntil.has(g) &&
        desiredOf(sim, place.services[place.targetGroups.indexOf(g)]) > 0
      ) {
        graceUntil.set(g, at + graceMs);
      }
      prev.set(g, { weight, healthy });
      const added = (now[g] ?? 0) - (last[g] ?? 0);
      const ep = open.get(g);
      if (added <= 0) {
        open.delete(g);
        continue;
      }
      const graced = at <= (graceUntil.get(g) ?? 0);
      const bucket = graced ? out.graced : out.counted;
      bucket[g] = (bucket[g] ?? 0) + added;
      const s = Math.round((at - t0) / 1000);
      if (ep && ep.graced === graced) {
        ep.toS = s;
        ep.requests += added;
        continue;
      }
      const state = sim.world.models().elbv2.state;
      const tg = [...state.targetGroups.values()].find((t) => t.name === g);
      const targets = tg ? [...tg.targets.values()].map((t) => state.healthOf(tg, t).state).join(',') || 'none' : '?';
      const desired = Object.fromEntries(place.services.map((x) => [x, desiredOf(sim, x)]));
      const e: Episode = { targetGroup: g, fromS: s, toS: s, requests: added, graced, weights, targets, desired };
      open.set(g, e);
      out.episodes.push(e);
    }
    last = now;
  };
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return out;
    }
  };
}

function desiredOf(sim: Sim, service: string): number {
  const services = (sim.world.models().ecs.snapshot() as { services?: { serviceName: string; desiredCount: number }[] }).services ?? [];
  return services.find((x) => x.serviceName === service)?.desiredCount ?? 0;
}

function weightsNow(sim: Sim, place: Place): Record<string, number> {
  const weights: Record<string, number> = {};
  if (!place.trafficArn) return weights;
  const state = sim.world.models().elbv2.state;
  const actions = place.trafficArn.includes(':listener-rule/')
    ? state.rules.get(place.trafficArn)?.actions
    : state.listeners.get(place.trafficArn)?.defaultActions;
  for (const g of actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? []) {
    weights[state.targetGroups.get(g.TargetGroupArn)?.name ?? g.TargetGroupArn] = Number(g.Weight);
  }
  return weights;
}
