/**
 * The local ECS model: `createEcs(deps)` gives the platform handlers by ECS operation
 * name, a `tick(now)` that moves tasks and deployments along the sim clock, and a JSON
 * snapshot. A request for another region than the model's sees an empty ECS there (as a
 * wrong-region mistake would on AWS).
 */
import { ApiError, type EcsDeps, type Handler, type ServiceModel } from '../types.js';
import { cpuAt, memoryAt } from './behaviour.js';
import {
  EcsState,
  INACTIVE_RETENTION_MS,
  STOPPED_RETENTION_MS,
  clusterName,
  includes,
  mergeTags,
  tagsFrom,
  type Cluster,
  type Tag
} from './model.js';
import { nativeHandlers } from './native.js';
import { Scheduler } from './scheduler.js';
import { loadBalancers, serviceHandlers, serviceShape } from './services.js';
import { taskSetHandlers } from './tasksets.js';
import { advanceTask, taskHandlers, taskShape } from './tasks.js';
import { taskDefinitionHandlers, taskDefinitionShape } from './taskdefs.js';

const RECONCILE_EVERY_MS = 1000;
const MINUTE = 60_000;

function clusterShape(state: EcsState, c: Cluster, withTags: boolean): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  for (const t of state.live) {
    if (t.cluster !== c || t.desiredStatus !== 'RUNNING') continue;
    if (t.lastStatus === 'RUNNING') running++;
    else pending++;
  }
  const services = [...(state.services.get(c.name)?.values() ?? [])].filter((s) => s.status === 'ACTIVE').length;
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: services,
    statistics: [],
    settings: c.settings,
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
    ...(withTags ? { tags: c.tags } : {})
  };
}

/** The tag list of the resource an ARN names, for the tagging operations. */
function taggable(state: EcsState, arn: unknown): { tags: Tag[]; set(tags: Tag[]): void } {
  const notFound = new ApiError('InvalidParameterException', 'The specified resource could not be found.');
  if (typeof arn !== 'string') throw new ApiError('InvalidParameterException', 'resourceArn can not be blank.');
  const m = /^arn:aws[\w-]*:ecs:([^:]+):\d+:([a-z-]+)\/(.+)$/.exec(arn);
  if (!m || m[1] !== state.region) throw notFound;
  const [, , kind, rest] = m;
  const parts = rest.split('/');
  const holder = ((): { tags: Tag[] } | undefined => {
    switch (kind) {
      case 'cluster':
        return state.clusters.get(rest);
      case 'service': {
        const cluster = state.clusters.get(parts.length > 1 ? parts[0] : 'default');
        return cluster ? state.findService(cluster, arn) : undefined;
      }
      case 'task-definition':
        return state.findTaskDefinition(arn);
      case 'task':
        return state.tasks.get(parts[parts.length - 1]);
      default:
        return undefined;
    }
  })();
  if (!holder) throw notFound;
  return { tags: holder.tags, set: (tags) => (holder.tags = tags) };
}

export function createEcs(deps: EcsDeps): ServiceModel {
  const home = new EcsState(deps);
  const scheduler = new Scheduler(home);
  const others = new Map<string, { state: EcsState; scheduler: Scheduler }>();
  const hooks = (s: Scheduler) => ({ exited: (task: Parameters<Scheduler['taskExited']>[0]) => s.taskExited(task) });

  const state = (region: string): EcsState => {
    if (region === deps.region) return home;
    let other = others.get(region);
    if (!other) {
      // Another region: its own empty world, publishing no metrics to this region's CloudWatch.
      const s = new EcsState({ ...deps, region, metrics: { put: () => undefined } });
      other = { state: s, scheduler: new Scheduler(s) };
      others.set(region, other);
    }
    return other.state;
  };

  const handlers: Record<string, Handler> = {
    CreateCluster: (input, ctx) => {
      const s = state(ctx.region);
      const name = clusterName(input.clusterName);
      if (!/^[A-Za-z0-9_-]{1,255}$/.test(name))
        throw new ApiError('InvalidParameterException', 'Cluster name must be 1-255 letters, numbers, hyphens and underscores.');
      let c = s.clusters.get(name);
      if (!c || c.status !== 'ACTIVE') {
        const settings = Array.isArray(input.settings) ? input.settings : [{ name: 'containerInsights', value: 'disabled' }];
        c = { arn: s.arn(`cluster/${name}`), name, status: 'ACTIVE', tags: tagsFrom(input.tags), settings };
        s.clusters.set(name, c);
      }
      return { cluster: clusterShape(s, c, false) };
    },
    DescribeClusters: (input, ctx) => {
      const s = state(ctx.region);
      const refs: unknown[] = Array.isArray(input.clusters) && input.clusters.length ? input.clusters : ['default'];
      const clusters: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        const c = s.clusters.get(clusterName(ref));
        if (c) clusters.push(clusterShape(s, c, includes(input, 'TAGS')));
        else failures.push({ arn: String(ref).startsWith('arn:') ? String(ref) : s.arn(`cluster/${String(ref)}`), reason: 'MISSING' });
      }
      return { clusters, failures };
    },
    ListClusters: (_input, ctx) => {
      const s = state(ctx.region);
      return { clusterArns: [...s.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.arn) };
    },
    DeleteCluster: (input, ctx) => {
      const s = state(ctx.region);
      const c = s.cluster(input.cluster);
      if ([...(s.services.get(c.name)?.values() ?? [])].some((svc) => svc.status !== 'INACTIVE')) {
        throw new ApiError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
      }
      if ([...s.live].some((t) => t.cluster === c))
        throw new ApiError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
      c.status = 'INACTIVE';
      return { cluster: clusterShape(s, c, false) };
    },
    TagResource: (input, ctx) => {
      const r = taggable(state(ctx.region), input.resourceArn);
      r.set(mergeTags(r.tags, tagsFrom(input.tags)));
      return {};
    },
    UntagResource: (input, ctx) => {
      const r = taggable(state(ctx.region), input.resourceArn);
      const keys: unknown[] = Array.isArray(input.tagKeys) ? input.tagKeys : [];
      r.set(r.tags.filter((t) => !keys.includes(t.key)));
      return {};
    },
    ListTagsForResource: (input, ctx) => ({ tags: taggable(state(ctx.region), input.resourceArn).tags }),
    ...taskDefinitionHandlers(state),
    ...serviceHandlers(state),
    ...taskHandlers(state),
    ...taskSetHandlers(state, loadBalancers),
    ...nativeHandlers(state, (region) => (region === deps.region ? scheduler : (state(region), others.get(region)!.scheduler)).native)
  };

  let nextReconcile = deps.clock.now();
  let nextMinute = Math.ceil(deps.clock.now() / MINUTE) * MINUTE;
  let nextPrune = deps.clock.now() + MINUTE;

  function tickState(s: EcsState, sched: Scheduler, now: number): void {
    const h = hooks(sched);
    s.ticking = now;
    try {
      for (const task of s.live) if (task.nextAt <= now) advanceTask(s, task, now, h);
      if (now >= nextReconcile) {
        for (const services of s.services.values()) for (const svc of services.values()) sched.reconcile(svc, now);
      }
    } finally {
      s.ticking = undefined;
    }
  }

  /** Each simulated minute: AWS/ECS CPU and memory per service and per cluster, averaged over running tasks. */
  function publishMetrics(at: number): void {
    const timestamp = at - MINUTE;
    for (const [cluster, services] of home.services) {
      const clusterSamples: { cpu: number; mem: number }[] = [];
      for (const svc of services.values()) {
        const running = [...svc.tasks].filter((t) => t.lastStatus === 'RUNNING');
        if (!running.length) continue;
        const samples = running.map((t) => ({ cpu: cpuAt(t, at), mem: memoryAt(t, at) }));
        clusterSamples.push(...samples);
        const put = (metricName: string, value: number, dimensions: Record<string, string>): void =>
          deps.metrics.put({ namespace: 'AWS/ECS', metricName, dimensions, value, timestamp, unit: 'Percent' });
        put('CPUUtilization', avg(samples.map((x) => x.cpu)), { ClusterName: cluster, ServiceName: svc.name });
        put('MemoryUtilization', avg(samples.map((x) => x.mem)), { ClusterName: cluster, ServiceName: svc.name });
      }
      if (clusterSamples.length) {
        deps.metrics.put({
          namespace: 'AWS/ECS',
          metricName: 'CPUUtilization',
          dimensions: { ClusterName: cluster },
          value: avg(clusterSamples.map((x) => x.cpu)),
          timestamp,
          unit: 'Percent'
        });
        deps.metrics.put({
          namespace: 'AWS/ECS',
          metricName: 'MemoryUtilization',
          dimensions: { ClusterName: cluster },
          value: avg(clusterSamples.map((x) => x.mem)),
          timestamp,
          unit: 'Percent'
        });
      }
    }
  }

  function prune(s: EcsState, now: number): void {
    for (const [id, t] of s.tasks)
      if (t.lastStatus === 'STOPPED' && t.stoppedAt !== undefined && now - t.stoppedAt > STOPPED_RETENTION_MS) s.tasks.delete(id);
    for (const services of s.services.values()) {
      for (const [name, svc] of services)
        if (svc.status === 'INACTIVE' && now - (svc.inactiveSince ?? now) > INACTIVE_RETENTION_MS) services.delete(name);
    }
  }

  return {
    handlers,
    tick(now: number): void {
      tickState(home, scheduler, now);
      for (const o of others.values()) tickState(o.state, o.scheduler, now);
      if (now >= nextReconcile) nextReconcile = now + RECONCILE_EVERY_MS;
      while (now >= nextMinute) {
        publishMetrics(nextMinute);
        nextMinute += MINUTE;
      }
      if (now >= nextPrune) {
        prune(home, now);
        for (const o of others.values()) prune(o.state, now);
        nextPrune = now + MINUTE;
      }
    },
    snapshot(): unknown {
      const s = home;
      return {
        region: s.region,
        clusters: [...s.clusters.values()].map((c) => clusterShape(s, c, true)),
        taskDefinitions: [...s.families.values()].flatMap((revs) => revs.map((td) => ({ ...taskDefinitionShape(td), tags: td.tags }))),
        services: [...s.services.values()].flatMap((m) => [...m.values()].map((svc) => serviceShape(s, svc, true))),
        tasks: [...s.tasks.values()].map((t) => ({ ...taskShape(s, t, true), behaviour: t.behaviour }))
      };
    }
  };
}

function avg(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
