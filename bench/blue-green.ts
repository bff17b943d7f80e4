/**
 * Blue/green (issue 5): a 3-step deployment (10, 50, 100 %) with the documented default
 * bakes, on the ×10 clock at the default poll interval:
 *   - wall time split into what the user configured (two step bakes, the final bake, the
 *     termination wait), what AWS takes to start the new colour (ECS steady, ELB healthy),
 *     and our own overhead (start-up, render, register, discovery, verified shifts, the
 *     bakes' overshoot to the next poll, retiring the old colour); AWS calls by operation,
 *     and per poll during the bakes;
 *   - a gate failing: a user alarm is set to ALARM (SetAlarmState) half-way through the
 *     50 % bake; measured from its StateUpdatedTimestamp to the action's ModifyListener
 *     (100/0), to the DescribeListeners that reads it back, and to the "(verified)" line.
 *     Budget: one poll plus two ELB round trips.
 * Usage: npm run bench -- blue-green
 */
import { DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { runAction, type ActionRun } from '../scripts/run-action.js';
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
  restoreTimes,
  type RestoreTimes,
  runs,
  scaled,
  simToReal
} from './common.js';

/** The user's alarm the gate watches. A one-day period: the sim evaluates it at midnight only, so the state we set holds. */
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
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: 'prod' },
        { Name: 'ServiceName', Value: 'web-green' }
      ],
      Statistic: 'Average',
      Period: 86_400,
      EvaluationPeriods: 1,
      Threshold: 99,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching'
    })
  );
  await cw.send(new SetAlarmStateCommand({ AlarmName: USER_ALARM, StateValue: 'OK', StateReason: 'bench: starts OK' }));
}

/** Listener weights by target group name, read through the SDK. */
export async function listenerWeights(sim: Sim): Promise<Record<string, number>> {
  const { DescribeListenersCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const out = await clients(sim.url).elb.send(new DescribeListenersCommand({ ListenerArns: [sim.scenario!.listeners['web-alb:80']] }));
  const forward = out.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
  return Object.fromEntries((forward?.ForwardConfig?.TargetGroups ?? []).map((t) => [/targetgroup\/([^/]+)\//.exec(t.TargetGroupArn ?? '')?.[1] ?? '?', t.Weight ?? 0]));
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
    const run = await runAction({ endpoint: sim.url, accessKeyId: ACTION_KEY, inputs: blueGreenInputs(sim, { alarms: USER_ALARM }), env: guardEnv(), onOutput: log.feed, timeoutMs: 300_000 });
    const w = await listenerWeights(sim);
    if (run.outputs.status !== 'succeeded' || w['web-green'] !== 100) {
      throw new Error(`blue-green bench: expected green at 100 %, got ${run.outputs.status} (${run.outputs.reason}), weights ${JSON.stringify(w)}\n${run.log}`);
    }
    return { run, sim, log, startedAt };
  } finally {
    await sim.close();
  }
}

interface FailRun extends RestoreTimes {
  run: ActionRun;
  /** Real ms: the alarm's StateUpdatedTimestamp, and our SetAlarmState call. */
  failedAt: number;
  setAt: number;
  calls: CallRecord[];
}

/**
 * A deployment whose user alarm goes to ALARM during the 50 % bake, `offsetMs` after the
 * bake's first quarter. The bake polls at a fixed phase from its start, so the offsets are
 * spread over one poll interval across runs to sample every point of the cycle.
 */
async function failingRun(seed: number, offsetMs: number): Promise<FailRun> {
  const sim = await startSim({ seed: true, timeScale: TIME_SCALE, randomSeed: seed });
  try {
    await createUserAlarm(sim);
    const { cw } = clients(sim.url);
    let failed: Promise<{ failedAt: number; setAt: number }> | undefined;
    const log = new TimedLog().on(/^::group::Baking at 50 %/, () => {
      failed = (async () => {
        await new Promise((r) => setTimeout(r, STEP_BAKE / 4 + offsetMs));
        const setAt = Date.now();
        await cw.send(new SetAlarmStateCommand({ AlarmName: USER_ALARM, StateValue: 'ALARM', StateReason: 'bench: the release broke something' }));
        const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [USER_ALARM] }));
        const updated = out.MetricAlarms?.[0]?.StateUpdatedTimestamp;
        if (!updated) throw new Error('no StateUpdatedTimestamp');
        return { failedAt: simToReal(sim, updated.getTime()), setAt };
      })();
    });
    const run = await runAction({ endpoint: sim.url, accessKeyId: ACTION_KEY, inputs: blueGreenInputs(sim, { alarms: USER_ALARM }), env: guardEnv(), onOutput: log.feed, timeoutMs: 300_000 });
    if (!failed) throw new Error(`blue-green bench: the 50 % bake never started:\n${run.log}`);
    const { failedAt, setAt } = await failed;
    const w = await listenerWeights(sim);
    if (run.outputs.status !== 'rolled-back' || w['web-blue'] !== 100 || !/bench-web-green-cpu/.test(run.outputs.reason ?? '')) {
      throw new Error(`blue-green bench: expected a rollback on ${USER_ALARM}, got ${run.outputs.status} (${run.outputs.reason}), weights ${JSON.stringify(w)}`);
    }
    return { run, failedAt, setAt, calls: sim.calls({ accessKeyId: ACTION_KEY }), ...restoreTimes(sim, log, failedAt) };
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
  const fails: FailRun[] = [];
  const n = runs(4);
  for (let i = 0; i < n; i++) fails.push(await failingRun(400 + i, (POLL_MS * (i + 0.5)) / n));

  const splits = goods.map(split);
  const m = (k: keyof ReturnType<typeof split>): number => median(splits.map((s) => s[k]));
  const toModify = fails.map((f) => (f.modify ?? Number.NaN) - f.failedAt);
  const toReadBack = fails.map((f) => (f.readBack ?? Number.NaN) - f.failedAt);
  const toLine = fails.map((f) => (f.verifiedLine ?? Number.NaN) - f.failedAt);
  const toDetect = fails.map((f) => (f.detect ?? Number.NaN) - f.failedAt);
  // The action's own ELB round trip: its ModifyListener to the DescribeListeners that follows it.
  const rtt = median(fails.map((f) => (f.readBack ?? Number.NaN) - (f.modify ?? Number.NaN)));
  const budgetMs = POLL_MS + 2 * rtt;

  const figures: Record<string, number> = {
    'time scale (simulated ms per real ms)': TIME_SCALE,
    'poll interval, real ms (= default 5 s simulated)': POLL_MS,
    'good runs': goods.length,
    'gate-failure runs': fails.length,
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
    ...callFigures('AWS calls, good 3-step deployment (main + post)', goods[0]!.sim.calls({ accessKeyId: ACTION_KEY })),
    ...bakeCallsPerPoll(goods[0]!),
    "the action's ELB round trip (ModifyListener → DescribeListeners), median ms": rtt,
    'gate fails → the gate check that sees it (DescribeAlarms), median ms': median(toDetect),
    'gate fails → the gate check that sees it, max ms': max(toDetect),
    'gate fails → ModifyListener 100/0, median ms': median(toModify),
    'gate fails → ModifyListener 100/0, max ms': max(toModify),
    'gate fails → read-back DescribeListeners, median ms': median(toReadBack),
    'gate fails → read-back DescribeListeners, max ms': max(toReadBack),
    'gate fails → read-back, median, in polls': median(toReadBack) / POLL_MS,
    'gate fails → "(verified)" log line, median ms': median(toLine),
    'check: SetAlarmState call → StateUpdatedTimestamp, median ms': median(fails.map((f) => f.failedAt - f.setAt)),
    ...callFigures('AWS calls, aborted at 50 % (main + post)', fails[0]!.calls)
  };

  budget({
    bench: 'blue-green',
    figure: 'gate fails → traffic verified on the old colour (max)',
    budget: `≤ 1 poll + 2 ELB RTT (${Math.round(budgetMs)} ms)`,
    measured: fmtMs(max(toReadBack)),
    ok: max(toReadBack) <= budgetMs
  });
  budget({ bench: 'blue-green', figure: 'gate fails → traffic verified (median)', budget: 'informative', measured: fmtMs(median(toReadBack)) });
  budget({
    bench: 'blue-green',
    figure: '3-step deployment: our overhead (median)',
    budget: 'informative',
    measured: `${fmtMs(m('overhead'))} of ${fmtMs(m('total'))} total; configured waits ${Math.round(m('configured'))} ms`
  });
  const perPoll = bakeCallsPerPoll(goods[0]!)['AWS calls per poll during the bakes: DescribeServices'] ?? Number.NaN;
  budget({ bench: 'blue-green', figure: 'DescribeServices per poll during bakes (2 services)', budget: '≤ 2 per 10 services', measured: perPoll.toFixed(2), ok: perPoll <= 2 });
  return figures;
}
