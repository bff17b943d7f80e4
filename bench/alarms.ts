/**
 * Alarm gates (issue 6), on the ×10 clock at the default poll interval: the time from an
 * alarm entering ALARM (its StateUpdatedTimestamp, mapped to real time) to
 *   - blue/green: traffic verified back on the old colour. A `-memory-leak` release with a
 *     temporary memory alarm (threshold 60 %, the default 60 s period) and 2-minute step
 *     bakes, so it fires while green takes 50 %; measured to the action's ModifyListener,
 *     to the DescribeListeners that reads it back, and to the "(verified)" log line;
 *   - rolling: the previous revision stable again. A `-cpu-spike` release with a temporary
 *     CPU alarm (threshold 80 %) and a 10-minute bake; measured to the action's rollback
 *     UpdateService (our part) and to the moment the sim's rollback deployment is COMPLETED
 *     with every task running (from then on it is ECS's time: start the old tasks, drain).
 * The alarms fire on the sim's own minute boundaries, which fall at a random point of the
 * action's poll cycle (the sim's clock starts at the real time), so the runs sample it. The sim
 * shows CloudWatch's ingestion delay (ECS minutes readable 60–120 s after they end), so the
 * bench also reports how long after the first breaching minute ended the alarm fired: the
 * part of a real alarm gate's latency that no polling can shorten.
 * Usage: npm run bench -- alarms
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { runAction } from '../scripts/run-action.js';
import { startSim, type Sim } from '../sim/server.js';
import { blueGreenInputs, listenerWeights } from './blue-green.js';
import {
  ACTION_KEY,
  POLL_MS,
  TIME_SCALE,
  TimedLog,
  VARS,
  budget,
  clients,
  fmtMs,
  guardEnv,
  max,
  median,
  observe,
  alarmReadAfter,
  restoreTimes,
  roundCostMs,
  type RestoreTimes,
  runs,
  scaled,
  simToReal
} from './common.js';
import { rollingInputs } from './rolling.js';

/**
 * Watches the temporary alarms (prefix ecs-rollout-) every 20 ms; the real time the first one entered
 * ALARM, and the simulated ms from the end of the newest minute it judged (the one that tipped it) to that moment.
 */
function watchTemporaryAlarms(sim: Sim): {
  firedAt: () => number | undefined;
  minuteToAlarmMs: () => number | undefined;
  stop: () => Promise<void>;
} {
  const { cw } = clients(sim.url);
  let fired: number | undefined;
  let lag: number | undefined;
  const o = observe(20, async () => {
    if (fired !== undefined) return;
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'ecs-rollout-' }));
    const a = out.MetricAlarms?.find((x) => x.StateValue === 'ALARM');
    if (!a?.StateUpdatedTimestamp) return;
    fired = simToReal(sim, a.StateUpdatedTimestamp.getTime());
    const data = JSON.parse(a.StateReasonData ?? '{}') as { period?: number; evaluatedDatapoints?: Array<{ timestamp: string }> };
    // The newest period it judged is the one whose arrival tipped it.
    const newest = Math.max(...(data.evaluatedDatapoints ?? []).map((d) => Date.parse(d.timestamp)));
    if (Number.isFinite(newest)) lag = a.StateUpdatedTimestamp.getTime() - (newest + (data.period ?? 60) * 1000);
  });
  return { firedAt: () => fired, minuteToAlarmMs: () => lag, stop: () => o.stop() };
}

interface BlueGreenAlarmRun extends RestoreTimes {
  firedAt: number;
  /** Simulated ms from the end of the minute that tipped the alarm to ALARM (CloudWatch's ingestion and evaluation). */
  minuteToAlarmMs?: number;
  /** The share green had when the alarm fired (the bake it fired in). */
  percent: number;
}

async function blueGreenLeak(seed: number): Promise<BlueGreenAlarmRun> {
  const sim = await startSim({ seed: true, timeScale: TIME_SCALE, randomSeed: seed });
  const alarms = watchTemporaryAlarms(sim);
  try {
    const log = new TimedLog();
    const inputs = blueGreenInputs(sim, {
      vars: `${VARS}\ntag=v2-memory-leak`,
      'memory-alarm-threshold': '60',
      'step-bake': scaled(2 * 60_000)
    });
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs,
      env: guardEnv(),
      onOutput: log.feed,
      timeoutMs: 300_000
    });
    const firedAt = alarms.firedAt();
    const w = await listenerWeights(sim);
    if (
      run.outputs.status !== 'rolled-back' ||
      firedAt === undefined ||
      w['web-blue'] !== 100 ||
      !/memory/.test(run.outputs.reason ?? '')
    ) {
      throw new Error(
        `alarms bench: expected a rollback on the memory alarm, got ${run.outputs.status} (${run.outputs.reason}), weights ${JSON.stringify(w)}\n${run.log}`
      );
    }
    const bake = log.groups().find((g) => g.start <= firedAt && firedAt <= g.end && /^(Baking at|Final bake)/.test(g.title));
    const percent = bake ? Number(/(\d+) %/.exec(bake.title)?.[1] ?? 100) : Number.NaN;
    return { firedAt, percent, minuteToAlarmMs: alarms.minuteToAlarmMs(), ...restoreTimes(sim, log, firedAt) };
  } finally {
    await alarms.stop();
    await sim.close();
  }
}

interface RollingAlarmRun {
  firedAt: number;
  minuteToAlarmMs?: number;
  /** The bake's gate check that saw the alarm (the action's DescribeAlarms). */
  detect?: number;
  /** What one round of the bake costs beyond its sleep (DescribeServices + DescribeAlarms). */
  roundMs: number;
  rollbackCall?: number;
  /** The sim's rollback deployment COMPLETED with every task running (its updatedAt, real ms). */
  stableAt?: number;
  reported?: number;
}

async function rollingSpike(seed: number): Promise<RollingAlarmRun> {
  const sim = await startSim({ seed: true, timeScale: TIME_SCALE, randomSeed: seed });
  const alarms = watchTemporaryAlarms(sim);
  const { ecs } = clients(sim.url);
  let stableAt: number | undefined;
  const services = observe(10, async () => {
    const fired = alarms.firedAt();
    if (fired === undefined || stableAt !== undefined) return;
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services?.[0];
    const primary = svc?.deployments?.find((d) => d.status === 'PRIMARY');
    if (
      primary?.taskDefinition?.endsWith('/web:1') &&
      primary.rolloutState === 'COMPLETED' &&
      primary.runningCount === primary.desiredCount &&
      primary.updatedAt
    ) {
      const at = simToReal(sim, primary.updatedAt.getTime());
      if (at >= fired) stableAt = at;
    }
  });
  try {
    const log = new TimedLog();
    const inputs = rollingInputs('v2-cpu-spike', { 'cpu-alarm-threshold': '80', 'bake-time': scaled(10 * 60_000) });
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs,
      env: guardEnv(),
      onOutput: log.feed,
      timeoutMs: 300_000
    });
    const firedAt = alarms.firedAt();
    if (run.outputs.status !== 'rolled-back' || firedAt === undefined || !/cpu/i.test(run.outputs.reason ?? '')) {
      throw new Error(`alarms bench: expected a rollback on the CPU alarm, got ${run.outputs.status} (${run.outputs.reason})\n${run.log}`);
    }
    const rollbackCall = sim.calls({ accessKeyId: ACTION_KEY, operation: 'UpdateService' }).find((c) => c.at >= firedAt)?.at;
    const reported = log.first(/^::error::/, firedAt);
    const detect = alarmReadAfter(sim, firedAt);
    const roundMs = roundCostMs(sim.calls({ accessKeyId: ACTION_KEY }), 'DescribeAlarms');
    return {
      firedAt,
      roundMs,
      minuteToAlarmMs: alarms.minuteToAlarmMs(),
      ...(detect !== undefined ? { detect } : {}),
      ...(rollbackCall !== undefined ? { rollbackCall } : {}),
      ...(stableAt !== undefined ? { stableAt } : {}),
      ...(reported !== undefined ? { reported } : {})
    };
  } finally {
    await services.stop();
    await alarms.stop();
    await sim.close();
  }
}

const since = (xs: Array<number | undefined>, from: number[]): number[] => xs.map((x, i) => (x ?? Number.NaN) - from[i]);

export async function benchAlarms(): Promise<Record<string, number>> {
  const bg: BlueGreenAlarmRun[] = [];
  for (let i = 0; i < runs(2); i++) bg.push(await blueGreenLeak(500 + i));
  const rolling: RollingAlarmRun[] = [];
  for (let i = 0; i < runs(2); i++) rolling.push(await rollingSpike(600 + i));

  const bgFired = bg.map((r) => r.firedAt);
  const toReadBack = since(
    bg.map((r) => r.readBack),
    bgFired
  );
  // The action's own ELB round trip: its ModifyListener to the DescribeListeners that follows it.
  const rtt = median(bg.map((r) => (r.readBack ?? Number.NaN) - (r.modify ?? Number.NaN)));
  const rFired = rolling.map((r) => r.firedAt);
  const toDetect = since(
    rolling.map((r) => r.detect),
    rFired
  );
  const detectToRollback = rolling.map((r) => (r.rollbackCall ?? Number.NaN) - (r.detect ?? Number.NaN));
  const round = median(rolling.map((r) => r.roundMs));
  const toRollback = since(
    rolling.map((r) => r.rollbackCall),
    rFired
  );
  const toStable = since(
    rolling.map((r) => r.stableAt),
    rFired
  );
  const ecsPart = rolling.map((r) => (r.stableAt ?? Number.NaN) - (r.rollbackCall ?? Number.NaN));
  const figures: Record<string, number> = {
    'time scale (simulated ms per real ms)': TIME_SCALE,
    'poll interval, real ms (= default 5 s simulated)': POLL_MS,
    'runs per scenario': bg.length,
    'blue/green memory leak: fired while green had this %, median': median(bg.map((r) => r.percent)),
    'breaching minute ends → ALARM (CloudWatch ingestion + evaluation), median simulated s': median(
      [...bg, ...rolling].map((r) => (r.minuteToAlarmMs ?? Number.NaN) / 1000)
    ),
    'breaching minute ends → ALARM, max simulated s': max([...bg, ...rolling].map((r) => (r.minuteToAlarmMs ?? Number.NaN) / 1000)),
    'blue/green: ALARM → ModifyListener 100/0, median ms': median(
      since(
        bg.map((r) => r.modify),
        bgFired
      )
    ),
    'blue/green: ALARM → traffic verified (read-back), median ms': median(toReadBack),
    'blue/green: ALARM → traffic verified (read-back), max ms': max(toReadBack),
    'blue/green: ALARM → traffic verified, median, in polls': median(toReadBack) / POLL_MS,
    'blue/green: ALARM → the gate check that sees it (DescribeAlarms), median ms': median(
      since(
        bg.map((r) => r.detect),
        bgFired
      )
    ),
    'blue/green: ALARM → "(verified)" log line, median ms': median(
      since(
        bg.map((r) => r.verifiedLine),
        bgFired
      )
    ),
    "blue/green: the action's ELB round trip, median ms": rtt,
    'rolling cpu spike: ALARM → the bake check that sees it (DescribeAlarms), median ms': median(toDetect),
    'rolling: ALARM → the bake check that sees it, max ms': max(toDetect),
    'rolling: one bake round beyond its sleep (DescribeServices + DescribeAlarms), median ms': round,
    'rolling: that check → rollback UpdateService (before any evidence is read), median ms': median(detectToRollback),
    'rolling: ALARM → rollback UpdateService, median ms': median(toRollback),
    'rolling: ALARM → rollback UpdateService, max ms': max(toRollback),
    'rolling: ALARM → rollback UpdateService, median, in polls': median(toRollback) / POLL_MS,
    'rolling: ALARM → previous revision stable, median ms': median(toStable),
    'rolling: ALARM → previous revision stable, median, simulated s': (median(toStable) * TIME_SCALE) / 1000,
    '  of which ECS (rollback UpdateService → stable), simulated s': (median(ecsPart) * TIME_SCALE) / 1000,
    'rolling: ALARM → step fails (::error::), median ms': median(
      since(
        rolling.map((r) => r.reported),
        rFired
      )
    )
  };

  const bgBudget = POLL_MS + 2 * rtt;
  budget({
    bench: 'alarms',
    figure: 'blue/green: ALARM → traffic verified on the old colour (max)',
    budget: `≤ 1 poll + 2 ELB RTT (${Math.round(bgBudget)} ms)`,
    measured: fmtMs(max(toReadBack)),
    ok: max(toReadBack) <= bgBudget
  });
  // Rolling: the bake sees an alarm at its next round (one sleep plus that round's calls) ...
  const cycle = POLL_MS + round;
  budget({
    bench: 'alarms',
    figure: 'rolling: ALARM → the bake check that sees it (max)',
    budget: `≤ 1 poll cycle (${Math.round(cycle)} ms)`,
    measured: fmtMs(max(toDetect)),
    ok: max(toDetect) <= cycle
  });
  // ... then gathers the evidence (ListTasks, DescribeTasks, DescribeTargetHealth) before it starts the rollback.
  budget({
    bench: 'alarms',
    figure: 'rolling: ALARM → rollback UpdateService (max)',
    budget: 'informative (rollback before evidence)',
    measured: `${fmtMs(max(toRollback))}; check → UpdateService ${Math.round(median(detectToRollback))} ms`
  });
  const lags = [...bg, ...rolling].map((r) => (r.minuteToAlarmMs ?? Number.NaN) / 1000);
  budget({
    bench: 'alarms',
    figure: 'breaching minute ends → ALARM in the sim (median)',
    budget: 'informative (AWS: ingestion 1–2 min + the next evaluation)',
    measured: `${median(lags).toFixed(0)} s sim; max ${max(lags).toFixed(0)} s`
  });
  budget({
    bench: 'alarms',
    figure: 'rolling: ALARM → previous revision stable (median)',
    budget: 'informative (ECS restarts the old tasks)',
    measured: fmtMs(median(toStable))
  });
  return figures;
}
