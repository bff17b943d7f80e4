/**
 * The simulated world: one clock, and per region the ECS, ELBv2 and CloudWatch models.
 * A region other than the sim's own is a separate, initially empty world sharing the
 * clock, so a caller configured for the wrong region gets the real not-found errors.
 * The world is ticked to the clock's time every ~20 ms of real time and before every
 * request, in steps of at most one simulated second so no model skips a transition.
 */
import { ScaledClock } from './clock.js';
import { DEFAULT_INGESTION_DELAY_MS, createCloudWatch, type CloudWatchModel } from './cloudwatch/index.js';
import { createCodeDeploy } from './codedeploy/index.js';
import { createDynamoDb } from './dynamodb/index.js';
import { createElbv2, type Elbv2Model } from './elbv2/index.js';
import { createLogs, type LogsModel } from './logs/index.js';
import { createEcr } from './ecr/index.js';
import { createIam } from './iam/index.js';
import { createSecretsManager } from './secretsmanager/index.js';
import { createSsm } from './ssm/index.js';
import type { EcsDeps, ServiceModel, ServiceName } from './types.js';
import { seededRandom } from './util.js';

export type CreateEcs = (deps: EcsDeps) => ServiceModel;

export interface RegionModels {
  region: string;
  ecs: ServiceModel;
  elbv2: Elbv2Model;
  cloudwatch: CloudWatchModel;
  dynamodb: ServiceModel;
  codedeploy: ServiceModel;
  logs: LogsModel;
  ecr: ServiceModel;
  ssm: ServiceModel;
  secretsmanager: ServiceModel;
  /** Global: the same model in every region. */
  iam: ServiceModel;
}

export interface WorldOptions {
  timeScale?: number;
  randomSeed?: number;
  region?: string;
  accountId?: string;
  /** The ECS model's factory; without it ECS operations answer that the model is unavailable. */
  createEcs?: CreateEcs;
  /**
   * CloudWatch's ingestion delay for AWS-published metrics (ECS, ALB), after the end of the minute a
   * datapoint covers: a fixed number of simulated ms, or a range drawn from the seeded generator per
   * namespace and minute. Default DEFAULT_INGESTION_DELAY_MS (60–120 s); 0 makes data readable at once.
   */
  cloudwatchDelayMs?: number | { min: number; max: number };
}

const STEP_MS = 1000;
const TICK_EVERY_MS = 20;

export const ECS_UNAVAILABLE = 'The local ECS model is not available in this build (sim/ecs/index.ts is missing)';

export class World {
  readonly clock: ScaledClock;
  readonly region: string;
  readonly accountId: string;
  readonly random: () => number;
  /** Fault injection's own stream of the same seed, so a rule's rolls do not shift the models' ids and timings. */
  readonly faultRandom: () => number;
  /** CloudWatch's ingestion delays' own stream, so publishing more or fewer minutes shifts no model id or timing. */
  private readonly delayRandom: () => number;
  readonly ecsAvailable: boolean;
  private readonly regions = new Map<string, RegionModels>();
  private lastTick: number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: WorldOptions = {}) {
    this.clock = new ScaledClock(options.timeScale ?? 1);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.random = seededRandom(options.randomSeed ?? 42);
    this.faultRandom = seededRandom(((options.randomSeed ?? 42) ^ 0x5bd1e995) >>> 0);
    this.delayRandom = seededRandom(((options.randomSeed ?? 42) ^ 0x27d4eb2f) >>> 0);
    this.ecsAvailable = options.createEcs !== undefined;
    this.lastTick = this.clock.now();
    this.models(this.region);
  }

  /** The models of a region, created empty on first use. */
  models(region: string = this.region): RegionModels {
    let m = this.regions.get(region);
    if (m) return m;
    const base = { clock: this.clock, region, accountId: this.accountId };
    const cloudwatch = createCloudWatch({ ...base, ingestion: this.ingestion() });
    const elbv2 = createElbv2({ ...base, random: this.random, metrics: cloudwatch.metrics });
    const logs = createLogs(base);
    const ecs = this.options.createEcs
      ? this.options.createEcs({
          ...base,
          random: this.random,
          elb: elbv2.forEcs,
          metrics: cloudwatch.metrics,
          alarms: cloudwatch.alarms,
          logs: logs.sink
        })
      : { handlers: {}, tick: () => undefined, snapshot: () => ({ unavailable: ECS_UNAVAILABLE }) };
    const codedeploy = createCodeDeploy({ ...base, ecs, elb: elbv2.forEcs, alarms: cloudwatch.alarms });
    // IAM is global: the first region's model serves them all.
    const iam = this.regions.values().next().value?.iam ?? createIam(base);
    m = {
      region,
      ecs,
      elbv2,
      cloudwatch,
      dynamodb: createDynamoDb(base),
      codedeploy,
      logs,
      ecr: createEcr(base),
      ssm: createSsm(base),
      secretsmanager: createSecretsManager(base),
      iam
    };
    this.regions.set(region, m);
    return m;
  }

  private ingestion(): { delayMs: () => number; maxMs: number } | undefined {
    const d = this.options.cloudwatchDelayMs ?? DEFAULT_INGESTION_DELAY_MS;
    const { min, max } = typeof d === 'number' ? { min: d, max: d } : d;
    if (!(min >= 0) || !(max >= min)) throw new Error(`cloudwatchDelayMs must be 0 or more (min <= max), got ${JSON.stringify(d)}`);
    if (max === 0) return undefined;
    return { delayMs: () => Math.round(min + (max - min) * this.delayRandom()), maxMs: max };
  }

  model(service: ServiceName, region: string = this.region): ServiceModel {
    return this.models(region)[service];
  }

  /** Brings every model up to the clock's current time. */
  tick(): void {
    const target = this.clock.now();
    while (this.lastTick < target) {
      const step = Math.min(this.lastTick + STEP_MS, target);
      this.lastTick = step;
      // ECS first (tasks start and register), then the load balancer (health checks,
      // traffic, ALB metrics), then CloudWatch (alarms see the metrics just published).
      for (const m of this.regions.values()) {
        m.ecs.tick(step);
        m.elbv2.tick(step);
        m.cloudwatch.tick(step);
        m.dynamodb.tick(step);
        // Last: CodeDeploy acts on what ECS, the load balancer and the alarms show after this step.
        m.codedeploy.tick(step);
      }
    }
  }

  /** Jumps simulated time forward and catches every model up. */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.tick();
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), TICK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  snapshot(): Record<string, unknown> {
    const regions: Record<string, unknown> = {};
    for (const [name, m] of this.regions) {
      regions[name] = {
        ecs: m.ecs.snapshot(),
        elbv2: m.elbv2.snapshot(),
        cloudwatch: m.cloudwatch.snapshot(),
        dynamodb: m.dynamodb.snapshot(),
        codedeploy: m.codedeploy.snapshot(),
        logs: m.logs.snapshot(),
        ecr: m.ecr.snapshot(),
        ssm: m.ssm.snapshot(),
        secretsmanager: m.secretsmanager.snapshot()
      };
    }
    return {
      iam: this.models().iam.snapshot(),
      now: new Date(this.clock.now()).toISOString(),
      nowMs: this.clock.now(),
      timeScale: this.clock.timeScale,
      region: this.region,
      regions
    };
  }
}
