/**
 * Blue/green (issues 5, 12): a 3-step deployment (10, 50, 100 %) with the documented default
 * bakes, on the ×10 clock at the default poll interval, with the sim's realistic CloudWatch
 * ingestion delay (ALB / ECS minutes readable 60–120 s after they end):
 *   - wall time split into what the user configured (two step bakes, the final bake, the
 *     termination wait), what AWS takes to start the new colour (ECS steady, ELB healthy),
 *     and our own overhead (start-up, render, register, discovery, verified shifts, the
 *     bakes' overshoot to the next poll, retiring the old colour); AWS calls by operation,
 *     and per poll during the bakes;
 *   - abort latency for each gate kind, from the moment the sim knows the gate failed to the
 *     action's listener read that verifies 100/0 on the old colour:
 *       alarm          a user alarm set to ALARM during the 50 % bake (its StateUpdatedTimestamp);
 *       metric         a `-http-5xx` release under max-error-rate 1 %: the instant the ALB minutes
 *                      CloudWatch has made readable first fail the gate's own analysis;
 *       target health  a `-unhealthy` release: the tick the ELB marks a green target unhealthy;
 *       service        a `-memory-leak` release OOM-killed while green takes 10 % (no memory alarm),
 *                      and a `-crash` release whose container exits while green starts: the tick
 *                      the task's essential container exits;
 *     budget per kind: median ≤ one poll plus two ELB round trips.
 * Usage: npm run bench -- blue-green
 */
import { DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { runAction, type ActionRun } from '../scripts/run-action.js';
import { analyseMetrics, type MinuteStats } from '../src/gates/metrics-analysis.js';
import { startSim, type CallRecord, type Sim } from '../sim/server.js';
import { webBlueGreenInputs } from '../sim/seed.js';
import {
  ACTION_KEY,
  CLOCK_INPUTS,
  POLL_MS,
  TIME_SCALE,
  TimedLog,
  VARS,
  between,
  budget,
  byOperation,
  callFigures,
  clients,
  defaultMs,
  fmtMs,
  guardEnv,
  max,
  median,
  pollsIn,
  runs,
  scaled,
  simToReal
} from './common.js';

/**
 * The user's alarm the gate watches, on a metric nobody publishes with TreatMissingData `ignore`:
 * CloudWatch evaluates it every minute and keeps the state we set (SetAlarmState), as on AWS.
 */
export const USER_ALARM = 'bench-web-green-cpu';

const STEP_BAKE = defaultMs('step-bake') / TIME_SCALE;
const FINAL_BAKE = defaultMs('final-bake') / TIME_SCALE;
const TERMINATION_WAIT = defaultMs('termination-wait') / TIME_SCALE;
const STEPS = [10, 50, 100];

export function blueGreenInputs(sim: Sim, extra: Record<string, string> = {}): Record<string, string> {
  const sc = sim.scenario!;
  return {
    'task-definition': 'examples/web.taskdef.json',
    vars: `${VARS}\ntag=v2`,
    ...webBlueGreenInputs(sc),
    'traffic-steps': STEPS.join(','),
    'step-bake': scaled(defaultMs('step-bake')),
    'final-bake': scaled(defaultMs('final-bake')),
    'termination-wait': scaled(defaultMs('termination-wait')),
    ...CLOCK_INPUTS,
    ...extra
  };
}

/** An alarm of the user's, OK at the start (missing data is not breaching). */
export async function createUserAlarm(sim: Sim): Promise<void> {
  const { cw } = clients(sim.url);
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: USER_ALARM,
      Namespace: 'Bench',
      MetricName: 'WebGreenHealth',
      Dimensions: [{ Name: 'ServiceName', Value: 'web-green' }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 99,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore'
    })
  );
  await cw.send(new SetAlarmStateCommand({ AlarmName: USER_ALARM, StateValue: 'OK', StateReason: 'bench: starts OK' }));
}

/** Listener weights by target group name, read through the SDK. */
export async function listenerWeights(sim: Sim): Promise<Record<string, number>> {
  const { DescribeListenersCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const out = await clients(sim.url).elb.send(new DescribeListenersCommand({ ListenerArns: [sim.scenario!.listeners['web-alb:80']] }));
  const forward = out.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
  return Object.fromEntries(
    (forward?.ForwardConfig?.TargetGroups ?? []).map((t) => [
      /targetgroup\/([^/]+)\//.exec(t.TargetGroupArn ?? '')?.[1] ?? '?',
      t.Weight ?? 0
    ])
  );
}

interface GoodRun {
  run: ActionRun;
  sim: Sim;
  log: TimedLog;
  startedAt: number;
}

async function goodRun(seed: number): Promise<GoodRun> {
  const sim = await startSim({ seed: true, timeScale: TIME_SCALE, randomSeed: seed });
  try {
    await createUserAlarm(sim);
    const log = new TimedLog();
    const startedAt = Date.now();
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: blueGreenInputs(sim, { alarms: USER_ALARM }),
      env: guardEnv(),
      onOutput: log.feed,
      timeoutMs: 300_000
    });
    const w = await listenerWeights(sim);
    if (run.outputs.status !== 'succeeded' || w['web-green'] !== 100) {
      throw new Error(
        `blue-green bench: expected green at 100 %, got ${run.outputs.status} (${run.outputs.reason}), weights ${JSON.stringify(w)}\n${run.log}`
      );
    }
    return { run, sim, log, startedAt };
  } finally {
    await sim.close();
  }
}

export type GateKind = 'alarm' | 'metric' | 'target health' | 'service (OOM while serving)' | 'service (crash while starting)';
export const GATE_KINDS: readonly GateKind[] = [
  'alarm',
  'metric',
  'target health',
  'service (OOM while serving)',
  'service (crash while starting)'
];

/** The action's read that tells it each gate kind failed. */
const DETECTING_READ: Record<GateKind, string> = {
  alarm: 'DescribeAlarms',
  metric: 'GetMetricData',
  'target health': 'DescribeTargetHealth',
  'service (OOM while serving)': 'DescribeServices',
  'service (crash while starting)': 'DescribeServices'
};

/** What the verdict must name, so a run counts only when the gate under test is the one that fired. */
const REASON: Record<GateKind, RegExp> = {
  alarm: /bench-web-green-cpu/,
  metric: /5xx/,
  'target health': /health|unhealthy|ResponseCodeMismatch/i,
  'service (OOM while serving)': /OOM-killed|exit 137/,
  'service (crash while starting)': /exited with code/
};

interface AbortRun {
  kind: GateKind;
  run: ActionRun;
  /** Real ms: the moment the sim knew the gate failed. */
  failedAt: number;
  /** The action's read that saw it (DETECTING_READ). */
  detect?: number;
  /** The action's ModifyListener putting 100/0 back (none when traffic never moved). */
  modify?: number;
  /** The action's listener read that verified 100/0: the last DescribeListeners before the "(verified)" line. */
  verified?: number;
  verifiedLine?: number;
  calls: CallRecord[];
}

/** Runs `check` after each tick of the sim's world (every ~20 ms and before every request); the real time it first held. */
function firstTickWhere(sim: Sim, check: () => boolean): () => number | undefined {
  const world = sim.world;
  const tick = world.tick.bind(world);
  let at: number | undefined;
  world.tick = () => {
    tick();
    if (at === undefined && check()) at = Date.now();
  };
  return () => at;
}

interface TgSnapshot {
  targetGroups: Array<{ TargetGroupName: string; targets: Array<{ state: string }> }>;
}
interface EcsSnapshot {
  tasks: Array<{ group?: string; stopCode?: string }>;
}

const greenTargetUnhealthy = (sim: Sim) => (): boolean =>
  (sim.world.models().elbv2.snapshot() as TgSnapshot).targetGroups.some(
    (g) => g.TargetGroupName === 'web-green' && g.targets.some((t) => t.state === 'unhealthy')
  );

const greenTaskExited = (sim: Sim) => (): boolean =>
  (sim.world.models().ecs.snapshot() as EcsSnapshot).tasks.some(
    (t) => t.group === 'service:web-green' && t.stopCode === 'EssentialContainerExited'
  );

export const MAX_ERROR_RATE = 1;

/**
 * The first instant the green group's ALB minutes readable in CloudWatch fail max-error-rate, judged
 * by the gate's own analysis (src/gates/metrics-analysis.ts, default min-requests 50): each datapoint
 * carries the moment the sim's ingestion delay makes it readable, so this is when the gate could
 * first have failed. Real ms, undefined when it never did.
 */
function metricGateFailedAt(sim: Sim): number | undefined {
  const store = sim.world.models().cloudwatch.store;
  const green = store
    .list()
    .filter((m) => m.namespace === 'AWS/ApplicationELB' && (m.dimensions.TargetGroup ?? '').startsWith('targetgroup/web-green/'));
  const points = green.flatMap((m) =>
    store.points(m, 0, Infinity).map((p) => ({ metric: m.metricName, t: p.t, sum: p.sum, visibleAt: p.visibleAt ?? p.t }))
  );
  const instants = [...new Set(points.map((p) => p.visibleAt))].sort((a, b) => a - b);
  for (const instant of instants) {
    const minutes = new Map<number, MinuteStats>();
    for (const p of points.filter((x) => x.visibleAt <= instant)) {
      const m = minutes.get(p.t) ?? { requests: 0, target5xx: 0, elb5xx: 0 };
      if (p.metric === 'RequestCount') m.requests += p.sum;
      else if (p.metric === 'HTTPCode_Target_5XX_Count') m.target5xx += p.sum;
      else if (p.metric === 'HTTPCode_ELB_5XX_Count') m.elb5xx += p.sum;
      minutes.set(p.t, m);
    }
    const verdict = analyseMetrics(
      { canary: { name: 'web-green', minutes } },
      { maxErrorRate: MAX_ERROR_RATE, compareToBaseline: false, minRequests: 50 }
    );
    if (verdict.phase === 'fail') return simToReal(sim, instant);
  }
  return undefined;
}

/**
 * One deployment whose `kind` of gate fails. The alarm goes to ALARM `offsetMs` after the 50 %
 * bake's first quarter (the bake polls at a fixed phase from its start, so the offsets are spread
 * over one poll interval across runs); the other kinds fail when the sim's release does, which the
 * seeds place at different points of the poll cycle.
 */
export async function abortRun(kind: GateKind, seed: number, offsetMs: number): Promise<AbortRun> {
  const sim = await startSim({ seed: true, timeScale: TIME_SCALE, randomSeed: seed });
  try {
    await createUserAlarm(sim);
    const { cw } = clients(sim.url);
    let alarmFailed: Promise<number> | undefined;
    const log = new TimedLog();
    let inputs: Record<string, string>;
    let tickFailed: (() => number | undefined) | undefined;
    if (kind === 'alarm') {
      inputs = blueGreenInputs(sim, { alarms: USER_ALARM });
      log.on(/^::group::Baking at 50 %/, () => {
        alarmFailed = (async () => {
          await new Promise((r) => setTimeout(r, STEP_BAKE / 4 + offsetMs));
          await cw.send(
            new SetAlarmStateCommand({ AlarmName: USER_ALARM, StateValue: 'ALARM', StateReason: 'bench: the release broke something' })
          );
          const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [USER_ALARM] }));
          const updated = out.MetricAlarms?.[0]?.StateUpdatedTimestamp;
          if (!updated) throw new Error('no StateUpdatedTimestamp');
          return simToReal(sim, updated.getTime());
        })();
      });
    } else if (kind === 'metric') {
      // Step bakes long enough for the first minutes at 10 % to reach CloudWatch (2–3 minutes).
      inputs = blueGreenInputs(sim, {
        vars: `${VARS}\ntag=v2-http-5xx`,
        'max-error-rate': `${MAX_ERROR_RATE}%`,
        'step-bake': scaled(5 * 60_000)
      });
    } else if (kind === 'service (OOM while serving)') {
      // Killed about 7 minutes after it started: inside a 10-minute bake at 10 %.
      inputs = blueGreenInputs(sim, { vars: `${VARS}\ntag=v2-memory-leak`, 'step-bake': scaled(10 * 60_000) });
      tickFailed = firstTickWhere(sim, greenTaskExited(sim));
    } else {
      const crash = kind === 'service (crash while starting)';
      inputs = blueGreenInputs(sim, { vars: `${VARS}\ntag=${crash ? 'v2-crash' : 'v2-unhealthy'}` });
      tickFailed = firstTickWhere(sim, crash ? greenTaskExited(sim) : greenTargetUnhealthy(sim));
    }
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs,
      env: guardEnv(),
      onOutput: log.feed,
      timeoutMs: 300_000
    });
    const failedAt = kind === 'alarm' ? await alarmFailed : kind === 'metric' ? metricGateFailedAt(sim) : tickFailed?.();
    const w = await listenerWeights(sim);
    if (
      run.outputs.status !== 'rolled-back' ||
      w['web-blue'] !== 100 ||
      failedAt === undefined ||
      !REASON[kind].test(run.outputs.reason ?? '')
    ) {
      throw new Error(
        `blue-green bench (${kind} gate): expected a rollback with 100 % on web-blue, got ${run.outputs.status} (${run.outputs.reason}), weights ${JSON.stringify(w)}, failed at ${failedAt}\n${run.log}`
      );
    }
    const calls = sim.calls({ accessKeyId: ACTION_KEY });
    const after = (op: RegExp, from: number): number | undefined => calls.find((c) => c.at >= from && op.test(c.operation))?.at;
    const verifiedLine = log.first(/\(verified\)/, failedAt);
    const reads = calls.filter(
      (c) => c.at >= failedAt && c.at <= (verifiedLine ?? -Infinity) && /^Describe(Listeners|Rules)$/.test(c.operation)
    );
    return {
      kind,
      run,
      failedAt,
      detect: after(new RegExp(`^${DETECTING_READ[kind]}$`), failedAt),
      modify: after(/^Modify(Listener|Rule)$/, failedAt),
      verified: reads.at(-1)?.at,
      verifiedLine,
      calls
    };
  } finally {
    await sim.close();
  }
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Splits one good run's wall time (real ms). */
function split(r: GoodRun): Record<string, number> {
  const groups = r.log.groups();
  const dur = (re: RegExp): number => sum(groups.filter((g) => re.test(g.title)).map((g) => g.end - g.start));
  const total = r.log.last - r.startedAt;
  const bakes = dur(/^Baking at/);
  const promote = dur(/^Final bake/);
  const prepare = dur(/^Starting /);
  const preShiftGates = dur(/^Checking /);
  const shifts = dur(/^Shifting /);
  const renderRegister = dur(/^(Render|Register)/);
  const discover = dur(/^Discovering/);
  const configured = 2 * STEP_BAKE + FINAL_BAKE + TERMINATION_WAIT;
  const waits = bakes + promote;
  const aws = prepare + preShiftGates;
  return {
    total,
    configured,
    waits,
    aws,
    overhead: total - configured - aws,
    bakeOvershoot: waits - configured,
    shifts,
    start: (groups[0]?.start ?? r.startedAt) - r.startedAt,
    renderRegister,
    discover
  };
}

/** Calls per poll during the bakes (step bakes, final bake, termination wait), by operation. */
function bakeCallsPerPoll(r: GoodRun): Record<string, number> {
  const windows = r.log.groups().filter((g) => /^(Baking at|Final bake)/.test(g.title));
  const calls = windows.flatMap((g) => between(r.sim.calls({ accessKeyId: ACTION_KEY }), g.start, g.end));
  const polls = sum(windows.map((g) => pollsIn(g.start, g.end)));
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(byOperation(calls))) out[`AWS calls per poll during the bakes: ${op}`] = n / polls;
  out['AWS calls per poll during the bakes: total'] = calls.length / polls;
  return out;
}

export async function benchBlueGreen(): Promise<Record<string, number>> {
  const goods: GoodRun[] = [];
  for (let i = 0; i < runs(2); i++) goods.push(await goodRun(300 + i));
  const aborts = new Map<GateKind, AbortRun[]>();
  const n = runs(4);
  for (const [k, kind] of GATE_KINDS.entries()) {
    const list: AbortRun[] = [];
    for (let i = 0; i < n; i++) list.push(await abortRun(kind, 400 + 10 * k + i, (POLL_MS * (i + 0.5)) / n));
    aborts.set(kind, list);
  }

  const splits = goods.map(split);
  const m = (k: keyof ReturnType<typeof split>): number => median(splits.map((s) => s[k]));
  const all = [...aborts.values()].flat();
  // The action's own ELB round trip: its ModifyListener to the DescribeListeners that follows it.
  const rtt = median(
    all
      .filter((f) => f.modify !== undefined)
      .map((f) => (f.calls.find((c) => c.at >= f.modify! && /^Describe(Listeners|Rules)$/.test(c.operation))?.at ?? Number.NaN) - f.modify!)
  );
  const budgetMs = POLL_MS + 2 * rtt;

  const figures: Record<string, number> = {
    'time scale (simulated ms per real ms)': TIME_SCALE,
    'poll interval, real ms (= default 5 s simulated)': POLL_MS,
    'good runs': goods.length,
    'gate-failure runs per gate kind': n,
    '3-step deployment, wall time, median ms': m('total'),
    '  configured waiting (2 step bakes + final bake + termination wait), ms': m('configured'),
    '  measured bakes + termination wait + retire, median ms': m('waits'),
    '  AWS starting the new colour (ECS steady + ELB healthy), median ms': m('aws'),
    '  our overhead (everything else), median ms': m('overhead'),
    '    of which bakes ending on the next poll + retire, median ms': m('bakeOvershoot'),
    '    of which 3 verified shifts, median ms': m('shifts'),
    '    of which process start → first log group, median ms': m('start'),
    '    of which render + register, median ms': m('renderRegister'),
    '    of which discovery, median ms': m('discover'),
    '  our overhead, in simulated seconds': (m('overhead') * TIME_SCALE) / 1000,
    ...callFigures('AWS calls, good 3-step deployment (main + post)', goods[0].sim.calls({ accessKeyId: ACTION_KEY })),
    ...bakeCallsPerPoll(goods[0]),
    "the action's ELB round trip (ModifyListener → DescribeListeners), median ms": rtt
  };
  for (const [kind, list] of aborts) {
    const toDetect = list.map((f) => (f.detect ?? Number.NaN) - f.failedAt);
    const toVerified = list.map((f) => (f.verified ?? Number.NaN) - f.failedAt);
    const toLine = list.map((f) => (f.verifiedLine ?? Number.NaN) - f.failedAt);
    const moved = list.filter((f) => f.modify !== undefined).length;
    const label = kind.startsWith('service') ? kind.replace('service', 'service gate') : `${kind} gate`;
    Object.assign(figures, {
      [`${label} fails → the action's ${DETECTING_READ[kind]} that sees it, median ms`]: median(toDetect),
      [`${label} fails → traffic verified 100/0 (listener read), median ms`]: median(toVerified),
      [`${label} fails → traffic verified 100/0, max ms`]: max(toVerified),
      [`${label} fails → traffic verified, median, in polls`]: median(toVerified) / POLL_MS,
      [`${label} fails → "(verified)" log line, median ms`]: median(toLine),
      [`${label}: runs where traffic had moved (ModifyListener needed)`]: moved
    });
    budget({
      bench: 'blue-green',
      figure: `${label} fails → traffic verified on the old colour (median of ${list.length})`,
      budget: `≤ 1 poll + 2 ELB RTT (${Math.round(budgetMs)} ms)`,
      measured: `${fmtMs(median(toVerified))}; max ${Math.round(max(toVerified))} ms`,
      ok: median(toVerified) <= budgetMs
    });
  }
  Object.assign(figures, callFigures('AWS calls, alarm gate aborted at 50 % (main + post)', aborts.get('alarm')![0].calls));

  budget({
    bench: 'blue-green',
    figure: '3-step deployment: our overhead (median)',
    budget: 'informative',
    measured: `${fmtMs(m('overhead'))} of ${fmtMs(m('total'))} total; configured waits ${Math.round(m('configured'))} ms`
  });
  const perPoll = bakeCallsPerPoll(goods[0])['AWS calls per poll during the bakes: DescribeServices'] ?? Number.NaN;
  budget({
    bench: 'blue-green',
    figure: 'DescribeServices per poll during bakes (2 services)',
    budget: '≤ 2 per 10 services',
    measured: perPoll.toFixed(2),
    ok: perPoll <= 2
  });
  return figures;
}
