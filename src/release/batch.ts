/**
 * Cheap polling for a release of many services: the per-service watchers keep asking for
 * their own service and alarms, and this layer answers them from one DescribeServices of
 * every watched service (10 a call) and one paged DescribeAlarms of every watched alarm,
 * made at most once per half poll interval. An answer is never older than that, and never
 * from before the caller's own last change to the service (an UpdateService makes the next
 * read a fresh one). One fetch at a time per cluster is the shared budget; while ECS or
 * CloudWatch throttles it, the last answer (a few polls old at most) stands in, so a
 * throttled account slows the watchers' view instead of failing their reads. The metric
 * gates' GetMetricData asked in one tick go out together (500 queries a call), each caller
 * answered with its own queries' datapoints inside its own window.
 */
import type { CompositeAlarm, MetricAlarm, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Failure, Service } from '@aws-sdk/client-ecs';
import type { Aws } from '../aws/clients.js';
import { ABORT, AwsCallError, TIMEOUT, isThrottle } from '../aws/errors.js';
import { stopText } from '../deploy/scope.js';

export interface BatchOptions {
  /** How old an answer may be: half the shortest poll interval of the release. */
  maxAgeMs: number;
  /** Monotonic ms (tests drive it). */
  now?: () => number;
}

export interface BatchStats {
  /** Merged DescribeServices calls made (each names up to 10 services). */
  describeServicesCalls: number;
  /** Merged DescribeAlarms calls made (each names up to 100 alarms). */
  describeAlarmsCalls: number;
  /** Reads the watchers asked for (what the calls would have been without this layer). */
  serviceReads: number;
  alarmReads: number;
  /** Merged GetMetricData calls made (each up to 500 queries), and the calls the gates asked for. */
  getMetricDataCalls: number;
  metricReads: number;
  /** Fetches throttled, answered from the last answer instead. */
  throttled: number;
  line(): string;
}

type Entry<V> = { value: V; startedAt: number; epoch: number; global: number };
type Fetch<V> = (keys: string[]) => Promise<Map<string, V>>;

/** One key space (the services of one cluster, or every alarm): cached answers, one fetch at a time. */
export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly watched = new Map<string, number>();
  private readonly epochs = new Map<string, number>();
  private global = 0;
  private inflight:
    { keys: Set<string>; epochs: Map<string, number>; global: number; promise: Promise<Map<string, V>>; open: boolean } | undefined;

  constructor(
    private readonly fetch: Fetch<V>,
    private readonly o: { maxAgeMs: number; now: () => number; onThrottle: () => void }
  ) {}

  /** A change to `key` (or to everything, without one): the next read of it is a fresh one. */
  changed(key?: string): void {
    if (key === undefined) this.global++;
    else this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
  }

  async get(keys: string[]): Promise<Map<string, V>> {
    const now = this.o.now();
    for (const k of keys) this.watched.set(k, now);
    for (;;) {
      if (keys.every((k) => this.fresh(k))) return this.pick(keys);
      const f = this.inflight;
      if (f?.open) {
        // Asked in the same tick as the fetch about to start: ridden along with it.
        for (const k of keys) {
          f.keys.add(k);
          f.epochs.set(k, this.epochOf(k));
        }
        return pickFrom(await f.promise, keys);
      }
      if (f) {
        if (keys.every((k) => f.keys.has(k) && f.epochs.get(k) === this.epochOf(k)) && f.global === this.global)
          return pickFrom(await f.promise, keys);
        await f.promise.catch(() => undefined);
        continue;
      }
      return pickFrom(await this.start(keys), keys);
    }
  }

  private start(keys: string[]): Promise<Map<string, V>> {
    const startedAt = this.o.now();
    // Every key asked for lately: the services that poll at another moment of the interval ride along.
    const recent = 4 * this.o.maxAgeMs + 1_000;
    const all = new Set(keys);
    for (const [k, at] of this.watched) {
      if (startedAt - at <= recent) all.add(k);
      else this.watched.delete(k);
    }
    const epochs = new Map([...all].map((k) => [k, this.epochOf(k)]));
    const global = this.global;
    const promise = (async () => {
      try {
        // The other watchers polling in this tick add their keys first: one call for all of them.
        await new Promise((r) => setImmediate(r));
        this.inflight!.open = false;
        const got = await this.fetch([...all].sort());
        for (const [k, value] of got) this.entries.set(k, { value, startedAt, epoch: epochs.get(k)!, global });
        return got;
      } catch (error) {
        // Throttled: the last answers of these keys stand in, when every one of them has one.
        if (isThrottle(error) && [...all].every((k) => this.entries.has(k))) {
          this.o.onThrottle();
          return new Map([...all].map((k) => [k, this.entries.get(k)!.value]));
        }
        throw error;
      } finally {
        this.inflight = undefined;
      }
    })();
    this.inflight = { keys: all, epochs, global, promise, open: true };
    return promise;
  }

  private epochOf(key: string): number {
    return this.epochs.get(key) ?? 0;
  }

  private fresh(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && this.o.now() - e.startedAt <= this.o.maxAgeMs && e.epoch === this.epochOf(key) && e.global === this.global;
  }

  private pick(keys: string[]): Map<string, V> {
    return new Map(keys.map((k) => [k, this.entries.get(k)!.value]));
  }
}

function pickFrom<V>(got: Map<string, V>, keys: string[]): Map<string, V> {
  const out = new Map<string, V>();
  for (const k of keys) {
    const v = got.get(k);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

type ServiceAnswer = { service: Service } | { failure: Failure };
type AlarmAnswer = { metric: MetricAlarm } | { composite: CompositeAlarm } | { missing: true };

/** The name a DescribeServices request used for a service, whether it passed the name or the ARN. */
function tail(nameOrArn: string): string {
  return nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
}

/** `base` with its service and alarm reads merged across the release; everything else passes through. */
export function batchedAws(base: Aws, o: BatchOptions): Aws & { stats: BatchStats } {
  const now = o.now ?? (() => performance.now());
  const stats: BatchStats = {
    describeServicesCalls: 0,
    describeAlarmsCalls: 0,
    serviceReads: 0,
    alarmReads: 0,
    getMetricDataCalls: 0,
    metricReads: 0,
    throttled: 0,
    line() {
      return (
        `release polling: ${this.describeServicesCalls} DescribeServices call${this.describeServicesCalls === 1 ? '' : 's'} for ${this.serviceReads} service reads, ` +
        `${this.describeAlarmsCalls} DescribeAlarms for ${this.alarmReads} alarm reads, ` +
        `${this.getMetricDataCalls} GetMetricData for ${this.metricReads} metric reads${this.throttled ? `, ${this.throttled} throttled (answered from the last answer)` : ''}`
      );
    }
  };
  const onThrottle = (): void => {
    stats.throttled++;
  };
  const clusters = new Map<string, ReadCache<ServiceAnswer>>();
  const servicesOf = (cluster: string): ReadCache<ServiceAnswer> => {
    let cache = clusters.get(cluster);
    if (!cache) {
      cache = new ReadCache<ServiceAnswer>(
        async (keys) => {
          stats.describeServicesCalls += Math.ceil(keys.length / 10);
          const out = await base.ecs.describeServices(cluster, keys);
          const answers = new Map<string, ServiceAnswer>();
          for (const k of keys) {
            const service = out.services.find((s) => s.serviceName === tail(k) || s.serviceArn === k);
            const failure = out.failures.find((f) => tail(f.arn ?? '') === tail(k));
            answers.set(k, service ? { service } : { failure: failure ?? { arn: k, reason: 'MISSING' } });
          }
          return answers;
        },
        { maxAgeMs: o.maxAgeMs, now, onThrottle }
      );
      clusters.set(cluster, cache);
    }
    return cache;
  };
  const alarms = new ReadCache<AlarmAnswer>(
    async (names) => {
      stats.describeAlarmsCalls += Math.ceil(names.length / 100);
      const out = await base.cloudwatch.describeAlarms(names);
      return new Map(
        names.map((n): [string, AlarmAnswer] => {
          const metric = out.metricAlarms.find((a) => a.AlarmName === n);
          if (metric) return [n, { metric }];
          const composite = out.compositeAlarms.find((a) => a.AlarmName === n);
          return [n, composite ? { composite } : { missing: true }];
        })
      );
    },
    { maxAgeMs: o.maxAgeMs, now, onThrottle }
  );

  const describeServices = async (cluster: string, names: string[]): Promise<{ services: Service[]; failures: Failure[] }> => {
    stats.serviceReads += names.length;
    const got = await servicesOf(cluster).get(names);
    const result = { services: [] as Service[], failures: [] as Failure[] };
    for (const n of names) {
      const a = got.get(n);
      if (a && 'service' in a) result.services.push(a.service);
      else result.failures.push(a && 'failure' in a ? a.failure : { arn: n, reason: 'MISSING' });
    }
    return result;
  };
  const describeAlarms = async (names: string[]): Promise<{ metricAlarms: MetricAlarm[]; compositeAlarms: CompositeAlarm[] }> => {
    stats.alarmReads += names.length;
    const got = await alarms.get(names);
    const result = { metricAlarms: [] as MetricAlarm[], compositeAlarms: [] as CompositeAlarm[] };
    for (const n of names) {
      const a = got.get(n);
      if (a && 'metric' in a) result.metricAlarms.push(a.metric);
      if (a && 'composite' in a) result.compositeAlarms.push(a.composite);
    }
    return result;
  };
  const getMetricData = metricBatcher(base, stats);

  /** A change made through this layer: reads after it are fresh ones. */
  const changing = async <T>(mark: () => void, call: () => Promise<T>): Promise<T> => {
    mark();
    try {
      return await call();
    } finally {
      mark();
    }
  };
  const everyCluster = (): void => clusters.forEach((c) => c.changed());

  const view = (inner: Aws, signals: AbortSignal[], timeoutMs: number | undefined): Aws => ({
    ...inner,
    ecs: {
      ...inner.ecs,
      describeServices: (cluster, names) =>
        bounded(describeServices(cluster, names), `describing services ${names.join(', ')} in cluster ${cluster}`, signals, timeoutMs),
      updateService: (input) =>
        changing(
          () => servicesOf(input.cluster ?? 'default').changed(input.service),
          () => inner.ecs.updateService(input)
        ),
      runTask: (input) => changing(everyCluster, () => inner.ecs.runTask(input)),
      stopTask: (cluster, task, reason) => changing(everyCluster, () => inner.ecs.stopTask(cluster, task, reason)),
      continueServiceDeployment: (input) => changing(everyCluster, () => inner.ecs.continueServiceDeployment(input)),
      stopServiceDeployment: (arn, stopType) => changing(everyCluster, () => inner.ecs.stopServiceDeployment(arn, stopType))
    },
    cloudwatch: {
      ...inner.cloudwatch,
      describeAlarms: (names) => bounded(describeAlarms(names), `reading alarms ${names.join(', ')}`, signals, timeoutMs),
      getMetricData: (queries, startTime, endTime) =>
        bounded(getMetricData(queries, startTime, endTime), metricsAction(queries), signals, timeoutMs),
      putMetricAlarm: (input) =>
        changing(
          () => alarms.changed(),
          () => inner.cloudwatch.putMetricAlarm(input)
        ),
      deleteAlarms: (names) =>
        changing(
          () => alarms.changed(),
          () => inner.cloudwatch.deleteAlarms(names)
        )
    },
    withSignal: (signal) => view(inner.withSignal(signal), [...signals, signal], timeoutMs),
    withCallTimeout: (ms) => view(inner.withCallTimeout(ms), signals, ms)
  });
  return Object.assign(view(base, [], undefined), { stats });
}

type MetricCaller = {
  queries: MetricDataQuery[];
  start: number;
  end: number;
  resolve: (r: MetricDataResult[]) => void;
  reject: (e: unknown) => void;
};

/** 500 queries per GetMetricData is CloudWatch's limit. */
const METRIC_QUERIES_PER_CALL = 500;

function metricsAction(queries: MetricDataQuery[]): string {
  const names = queries.map((q) => q.MetricStat?.Metric?.MetricName ?? q.Id ?? '?').filter((v, i, a) => a.indexOf(v) === i);
  return `reading metric${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
}

/**
 * GetMetricData asked in one tick become one call per 500 queries over the union of the callers'
 * windows. Ids are made unique per caller (and given back as they were asked); each caller gets
 * only the datapoints in its own [start, end), which is what CloudWatch would have answered it
 * alone. A caller whose queries use metric math refers to its own Ids inside expressions, so it
 * is not merged; paging by NextToken is the client's.
 */
function metricBatcher(
  base: Aws,
  stats: BatchStats
): (queries: MetricDataQuery[], startTime: Date, endTime: Date) => Promise<MetricDataResult[]> {
  let pending: MetricCaller[] = [];
  const flush = (): void => {
    const callers = pending;
    pending = [];
    // Every query of every caller, with an Id of its own; a caller larger than a call spans several.
    const flat = callers.flatMap((c, i) =>
      c.queries.map((q) => ({ caller: i, id: q.Id ?? '', query: { ...q, Id: `b${i}_${q.Id ?? ''}` } }))
    );
    const owners = new Map(flat.map((f) => [f.query.Id, f]));
    const parts: Array<Promise<MetricDataResult[]>> = [];
    for (let at = 0; at < flat.length; at += METRIC_QUERIES_PER_CALL) {
      const chunk = flat.slice(at, at + METRIC_QUERIES_PER_CALL);
      const mine = [...new Set(chunk.map((f) => callers[f.caller]!))];
      stats.getMetricDataCalls++;
      parts.push(
        base.cloudwatch.getMetricData(
          chunk.map((f) => f.query),
          new Date(Math.min(...mine.map((c) => c.start))),
          new Date(Math.max(...mine.map((c) => c.end)))
        )
      );
    }
    const byCaller = callers.map((c, i) => {
      const calls = [...new Set(flat.flatMap((f, n) => (f.caller === i ? [Math.floor(n / METRIC_QUERIES_PER_CALL)] : [])))];
      return { c, calls };
    });
    for (const { c, calls } of byCaller) {
      Promise.all(calls.map((n) => parts[n]!)).then((answers) => {
        const out: MetricDataResult[] = [];
        for (const r of answers.flat()) {
          const owner = owners.get(r.Id ?? '');
          if (!owner || callers[owner.caller] !== c) continue;
          out.push(inWindow({ ...r, Id: owner.id }, c.start, c.end));
        }
        c.resolve(out);
      }, c.reject);
    }
  };
  return async (queries, startTime, endTime) => {
    stats.metricReads++;
    if (queries.length === 0) return [];
    if (queries.some((q) => q.Expression !== undefined)) {
      stats.getMetricDataCalls += Math.ceil(queries.length / METRIC_QUERIES_PER_CALL);
      return base.cloudwatch.getMetricData(queries, startTime, endTime);
    }
    return new Promise<MetricDataResult[]>((resolve, reject) => {
      // The other gates checking in this tick add their queries first: one call for all of them.
      if (pending.length === 0) setImmediate(flush);
      pending.push({ queries, start: startTime.getTime(), end: endTime.getTime(), resolve, reject });
    });
  };
}

/** A result cut to the datapoints in [start, end), as CloudWatch answers a call over that window. */
function inWindow(r: MetricDataResult, start: number, end: number): MetricDataResult {
  const keep = (r.Timestamps ?? []).map((t) => {
    const ms = new Date(t).getTime();
    return ms >= start && ms < end;
  });
  return {
    ...r,
    Timestamps: (r.Timestamps ?? []).filter((_, i) => keep[i]),
    Values: (r.Values ?? []).filter((_, i) => keep[i])
  };
}

/**
 * A shared read seen through one caller's bounds: it ends for this caller when one of its
 * signals aborts or its deadline passes (as the clients' own calls do), while the fetch goes
 * on for the others.
 */
function bounded<T>(shared: Promise<T>, action: string, signals: AbortSignal[], timeoutMs: number | undefined): Promise<T> {
  if (signals.length === 0 && timeoutMs === undefined) return shared;
  return new Promise<T>((resolve, reject) => {
    const cleanup: Array<() => void> = [];
    const done = (): void => cleanup.forEach((c) => c());
    for (const s of signals) {
      if (s.aborted) {
        reject(new AwsCallError(action, ABORT, stopText(s)));
        return;
      }
      const onAbort = (): void => {
        done();
        reject(new AwsCallError(action, ABORT, stopText(s)));
      };
      s.addEventListener('abort', onAbort, { once: true });
      cleanup.push(() => s.removeEventListener('abort', onAbort));
    }
    if (timeoutMs !== undefined) {
      const t = setTimeout(() => {
        done();
        reject(new AwsCallError(action, TIMEOUT, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      cleanup.push(() => clearTimeout(t));
    }
    shared.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    );
  });
}
