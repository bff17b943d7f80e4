/**
 * Rolling deployments (issue 4): how long after the simulated deployment completes — or
 * fails, circuit breaker FAILED — the action says so, at the default poll interval; and
 * how many AWS calls one rolling deployment costs; then a 5-minute rolling deployment
 * against the official action's waiter, run in the same bench (bench/rolling-waiter.ts).
 *
 * The moment a deployment ends is read from the sim: an observer describes the service
 * every 10 ms with its own key and, on first seeing our deployment COMPLETED or FAILED,
 * maps that deployment's updatedAt (simulated) to real time. The verdict is the moment the
 * action's main step exits (success, or failed after gathering the evidence). The progress
 * line that first shows FAILED ("seen") is kept as a diagnostic, not a verdict.
 * Usage: npm run bench -- rolling
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { runAction, type ActionRun } from '../scripts/run-action.js';
import { startSim, type Sim } from '../sim/server.js';
import {
  ACTION_KEY,
  CLOCK_INPUTS,
  POLL_MS,
  TIME_SCALE,
  TimedLog,
  VARS,
  budget,
  callFigures,
  clients,
  describesPerPoll,
  fmtMs,
  max,
  median,
  guardEnv,
  observe,
  runs,
  simToReal
} from './common.js';
import { benchRollingVsWaiter } from './rolling-waiter.js';

export interface RollingRun {
  run: ActionRun;
  sim: Sim;
  log: TimedLog;
  /** Real ms when our deployment reached COMPLETED / FAILED (its updatedAt), and when the observer first saw it. */
  ended?: { state: string; at: number; observedAt: number };
  /** The action's UpdateService (real ms). */
  updateAt?: number;
}

export function rollingInputs(tag: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'task-definition': 'examples/web.taskdef.json',
    vars: `${VARS}\ntag=${tag}`,
    cluster: 'prod',
    service: 'web',
    ...CLOCK_INPUTS,
    ...extra
  };
}

/**
 * One rolling deployment of `tag` on a fresh seeded sim; the sim is closed afterwards (its
 * call log stays readable). The sim is deterministic, so every run would otherwise meet the
 * end of the deployment at the same point of the action's poll cycle: `phaseMs` of latency
 * on the action's first two DescribeServices (the one before UpdateService, then the first
 * poll of the watch) shifts that cycle, so the runs sample it evenly, as reality would.
 */
async function deployOnce(tag: string, seed: number, phaseMs: number): Promise<RollingRun> {
  const sim = await startSim({ seed: true, timeScale: TIME_SCALE, randomSeed: seed });
  if (phaseMs > 0)
    sim.addFault({
      kind: 'latency',
      service: 'ecs',
      operation: 'DescribeServices',
      accessKeyId: ACTION_KEY,
      count: 2,
      latencyMs: Math.round(phaseMs)
    });
  const { ecs } = clients(sim.url);
  const log = new TimedLog();
  let ended: RollingRun['ended'];
  const observer = observe(10, async (at) => {
    if (ended) return;
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    const d = out.services?.[0]?.deployments?.find(
      (x) => !x.taskDefinition?.endsWith('/web:1') && (x.rolloutState === 'COMPLETED' || x.rolloutState === 'FAILED')
    );
    if (d?.updatedAt) ended = { state: d.rolloutState ?? '?', at: simToReal(sim, d.updatedAt.getTime()), observedAt: at };
  });
  try {
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      inputs: rollingInputs(tag),
      env: guardEnv(),
      onOutput: log.feed,
      timeoutMs: 300_000
    });
    const updateAt = sim.calls({ accessKeyId: ACTION_KEY, operation: 'UpdateService' })[0]?.at;
    return { run, sim, log, ...(ended ? { ended } : {}), ...(updateAt !== undefined ? { updateAt } : {}) };
  } finally {
    await observer.stop();
    await sim.close();
  }
}

export async function benchRolling(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const okLatency: number[] = [];
  const failSeen: number[] = [];
  const failReported: number[] = [];
  const perPoll: number[] = [];
  const observerLag: number[] = [];
  let firstOk: RollingRun | undefined;
  let firstFail: RollingRun | undefined;

  const n = runs(5);
  const phase = (i: number): number => (POLL_MS * i) / n;
  // The three scenarios run side by side, each on its own sims: the sims run in real time and
  // cost little CPU, and one after another they would take over five minutes.
  const succeeded = async (): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const r = await deployOnce('v2', 100 + i, phase(i));
      if (r.run.outputs.status !== 'succeeded' || !r.ended)
        throw new Error(`rolling bench: expected a success, got ${r.run.outputs.status}: ${r.run.outputs.reason}\n${r.run.log}`);
      const decided = r.run.exitedAt;
      okLatency.push(decided - r.ended.at);
      observerLag.push(r.ended.observedAt - r.ended.at);
      if (r.updateAt !== undefined) perPoll.push(describesPerPoll(r.sim.calls({ accessKeyId: ACTION_KEY }), r.updateAt, decided));
      firstOk ??= r;
    }
  };
  const circuitBreaker = async (): Promise<void> => {
    for (let i = 0; i < n; i++) {
      // Tasks that never start: a crashing container is now rolled back by us at its first exit, before ECS's breaker.
      const r = await deployOnce('v2-image-pull-fail', 200 + i, phase(i));
      if (r.run.outputs.status !== 'rolled-back' || !r.ended)
        throw new Error(`rolling bench: expected a rollback, got ${r.run.outputs.status}: ${r.run.outputs.reason}`);
      const seen = r.log.first(/ web:2 \(.*\) FAILED/);
      const reported = r.run.exitedAt;
      if (seen === undefined || !/^::error::/m.test(r.run.log))
        throw new Error(`rolling bench: the log does not show the failure:\n${r.run.log}`);
      failSeen.push(seen - r.ended.at);
      observerLag.push(r.ended.observedAt - r.ended.at);
      failReported.push(reported - r.ended.at);
      if (r.updateAt !== undefined) perPoll.push(describesPerPoll(r.sim.calls({ accessKeyId: ACTION_KEY }), r.updateAt, seen));
      firstFail ??= r;
    }
  };
  const [, , versusWaiter] = await Promise.all([succeeded(), circuitBreaker(), benchRollingVsWaiter()]);

  Object.assign(figures, {
    'time scale (simulated ms per real ms)': TIME_SCALE,
    'poll interval, real ms (= default 5 s simulated)': POLL_MS,
    'runs per scenario': okLatency.length,
    'succeeded: COMPLETED → step exits, median ms': median(okLatency),
    'succeeded: COMPLETED → step exits, max ms': max(okLatency),
    'succeeded: COMPLETED → step exits, median, in polls': median(okLatency) / POLL_MS,
    'circuit breaker: FAILED → seen in the log (diagnostic), median ms': median(failSeen),
    'circuit breaker: FAILED → seen in the log (diagnostic), max ms': max(failSeen),
    'circuit breaker: FAILED → step exits failed (with evidence), median ms': median(failReported),
    'circuit breaker: FAILED → step exits failed (with evidence), max ms': max(failReported),
    'circuit breaker: FAILED → step exits failed, median, in polls': median(failReported) / POLL_MS,
    'read calls per poll during the watch (1 service), median': median(perPoll),
    'check: updatedAt → the 10 ms observer saw it, median ms': median(observerLag)
  });
  if (firstOk)
    Object.assign(figures, callFigures('AWS calls, succeeded deployment (main + post)', firstOk.sim.calls({ accessKeyId: ACTION_KEY })));
  if (firstFail)
    Object.assign(
      figures,
      callFigures('AWS calls, circuit-breaker rollback (main + post)', firstFail.sim.calls({ accessKeyId: ACTION_KEY }))
    );

  const worst = max(okLatency);
  budget({
    bench: 'rolling',
    figure: 'deployment COMPLETED → step exits succeeded (max over runs)',
    budget: `≤ 1 poll (${POLL_MS} ms)`,
    measured: fmtMs(worst),
    ok: worst <= POLL_MS
  });
  budget({
    bench: 'rolling',
    figure: 'circuit breaker FAILED → step exits failed, with evidence (median)',
    budget: 'informative',
    measured: fmtMs(median(failReported))
  });
  budget({
    bench: 'rolling',
    figure: 'circuit breaker FAILED → FAILED in the log (diagnostic, max)',
    budget: 'informative',
    measured: fmtMs(max(failSeen))
  });
  budget({
    bench: 'rolling',
    figure: 'describe calls per poll (1 service)',
    budget: '≤ 2 per 10 services',
    measured: median(perPoll).toFixed(2),
    ok: max(perPoll) <= 2
  });
  const total = firstOk?.sim.calls({ accessKeyId: ACTION_KEY }).length ?? Number.NaN;
  budget({ bench: 'rolling', figure: 'AWS calls for one successful rolling deployment', budget: 'informative', measured: String(total) });
  Object.assign(figures, versusWaiter);
  return figures;
}
