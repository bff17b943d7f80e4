/** The chaos benchmark's plan: every deployment, release and fault drawn from one seed, so a failing row replays with `--seed N --only U`. */
import { seededRandom } from '../sim/util.js';

export type Strategy = 'rolling' | 'blue-green';
/** Where a deployment lands: the rolling service `web`, the web pair behind listener web-alb:80, or the api pair behind rule api-alb:80:10. */
export type Target = 'service' | 'listener' | 'rule';
/** How the new revision behaves in the local ECS (sim/ecs/behaviour.ts, chosen by the image tag). */
export type Release = 'good' | 'slow-start' | 'crash' | 'unhealthy' | 'cpu-spike' | 'memory-leak';

export const BAD_RELEASES: readonly Release[] = ['crash', 'unhealthy', 'cpu-spike', 'memory-leak'];

export type FaultName = 'throttle' | '5xx' | 'latency' | 'hang' | 'drop' | 'ignore' | 'lost-answer';

export interface FaultSpec {
  name: FaultName;
  operation?: string;
  rate?: number;
  count?: number;
  latencyMs?: number;
}

export interface Interrupt {
  /** SIGKILL: the runner died; SIGINT: the workflow was cancelled. Either way the post step runs afterwards. */
  signal: 'SIGKILL' | 'SIGINT';
  /** Sent when the main step has written this many lines. */
  atLine: number;
}

export interface RunPlan {
  /** The run's access key: the sim's faults are scoped to it, and its calls are told apart by it. */
  key: string;
  release: Release;
  /** The image tag; its suffix selects the behaviour. */
  tag: string;
  /** A `secret-vars` value no channel may show; `token` is its unique core, searched for in every form. */
  secret: string;
  token: string;
  /** Temporary CPU / memory alarms (always for the alarm-breaching releases). */
  tempAlarms: boolean;
  faults: FaultSpec[];
  interrupt?: Interrupt;
  /** Real ms after the unit starts (racing pairs start together or nearly). */
  startDelayMs: number;
}

export interface UnitPlan {
  index: number;
  strategy: Strategy;
  target: Target;
  /** One run, or two racing on the same service / pair. */
  runs: RunPlan[];
  /** The secret of the revision live before the unit: a rotation must not print it either. */
  previous: { secret: string; token: string };
}

/** Operations the action makes, for faults aimed at one of them. */
const READS = [
  'DescribeServices',
  'DescribeTargetHealth',
  'DescribeListeners',
  'DescribeRules',
  'DescribeAlarms',
  'DescribeTaskDefinition',
  'DescribeTasks',
  'ListTasks',
  'DescribeTargetGroups'
];
const WATCH_READS = ['DescribeServices', 'DescribeTargetHealth', 'DescribeAlarms', 'DescribeListeners', 'DescribeRules'];
const MUTATIONS = ['UpdateService', 'RegisterTaskDefinition', 'PutMetricAlarm', 'DeleteAlarms'];

/** Lines the main step typically writes (calibrated on clean runs), so a kill lands anywhere from start-up to the verdict. */
const TYPICAL_LINES: Record<Strategy, number> = { rolling: 30, 'blue-green': 62 };

export interface PlanOptions {
  seed: number;
  deployments: number;
  /** Real ms a hung call is held before it answers: well past the deployment's timeout. */
  hangMs: number;
  /** Whether the sim knows the `lost-answer` fault. */
  lostAnswer: boolean;
}

export function planChaos(opts: PlanOptions): UnitPlan[] {
  const random = seededRandom(opts.seed);
  const chance = (p: number): boolean => random() < p;
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const token = (): string => Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
  // Quotes, a backslash, markup and a percent sign: a value every channel has to escape, so an escaped leak shows too.
  const secretOf = (t: string): string => `pw-${t}-"q"\\b&<x>%`;

  const release = (): Release => {
    const r = random();
    if (r < 0.55) return 'good';
    if (r < 0.65) return 'slow-start';
    if (r < 0.75) return 'crash';
    if (r < 0.85) return 'unhealthy';
    if (r < 0.93) return 'cpu-spike';
    return 'memory-leak';
  };

  const runPlan = (unit: number, n: number, strategy: Strategy, target: Target, startDelayMs: number): RunPlan => {
    const rel = release();
    const t = token();
    const faults: FaultSpec[] = [
      { name: 'throttle', rate: 0.2 },
      { name: '5xx', rate: 0.05 }
    ];
    if (chance(0.4))
      faults.push({ name: 'latency', operation: pick([...READS, ...MUTATIONS]), latencyMs: int(100, 1500), count: int(1, 3) });
    if (chance(0.1)) faults.push({ name: 'hang', operation: pick(WATCH_READS), latencyMs: opts.hangMs, count: 1 });
    if (chance(0.3)) faults.push({ name: 'drop', operation: pick([...READS, ...MUTATIONS]), count: 1 });
    if (strategy === 'blue-green' && chance(0.25))
      faults.push({ name: 'ignore', operation: target === 'rule' ? 'ModifyRule' : 'ModifyListener', count: chance(0.8) ? 1 : 2 });
    if (opts.lostAnswer && chance(0.2)) {
      const shift = target === 'rule' ? 'ModifyRule' : 'ModifyListener';
      faults.push({ name: 'lost-answer', operation: pick(strategy === 'blue-green' ? [...MUTATIONS, shift, shift] : MUTATIONS), count: 1 });
    }
    const r = random();
    const interrupt: Interrupt | undefined =
      r < 0.15
        ? { signal: 'SIGKILL', atLine: int(2, TYPICAL_LINES[strategy]) }
        : r < 0.2
          ? { signal: 'SIGINT', atLine: int(2, TYPICAL_LINES[strategy]) }
          : undefined;
    const suffix = rel === 'good' ? '' : `-${rel}`;
    return {
      key: `AKIDCHAOS${unit}R${n}`,
      release: rel,
      tag: `v${unit}.${n}${suffix}`,
      secret: secretOf(t),
      token: t,
      tempAlarms: rel === 'cpu-spike' || rel === 'memory-leak' || chance(0.5),
      faults,
      ...(interrupt ? { interrupt } : {}),
      startDelayMs
    };
  };

  const units: UnitPlan[] = [];
  let deployments = 0;
  while (deployments < opts.deployments) {
    const index = units.length;
    const strategy: Strategy = chance(0.5) ? 'rolling' : 'blue-green';
    const target: Target = strategy === 'rolling' ? 'service' : chance(0.7) ? 'listener' : 'rule';
    const race = opts.deployments - deployments >= 2 && chance(0.15);
    const runs = [runPlan(index, 0, strategy, target, 0)];
    if (race) runs.push(runPlan(index, 1, strategy, target, chance(0.5) ? 0 : int(50, 1500)));
    const t = token();
    units.push({ index, strategy, target, runs, previous: { secret: secretOf(t), token: t } });
    deployments += runs.length;
  }
  return units;
}

export function isBad(release: Release): boolean {
  return BAD_RELEASES.includes(release);
}

/** One line per run: what it deployed and which faults it met. */
export function describeRun(unit: UnitPlan, run: RunPlan): string {
  const faults = run.faults
    .filter((f) => f.name !== 'throttle' && f.name !== '5xx')
    .map(
      (f) => `${f.name}${f.operation ? ` ${f.operation}` : ''}${f.count ? ` ×${f.count}` : ''}${f.latencyMs ? ` ${f.latencyMs}ms` : ''}`
    );
  if (run.interrupt) faults.push(`${run.interrupt.signal} at line ${run.interrupt.atLine}`);
  if (unit.runs.length > 1) faults.push(`racing (+${run.startDelayMs}ms)`);
  return `${unit.strategy} on ${unit.target}, release ${run.release} (${run.tag})${run.tempAlarms ? ', temporary alarms' : ''}; faults: throttle 20 %, 5xx 5 %${faults.length ? `, ${faults.join(', ')}` : ''}`;
}
