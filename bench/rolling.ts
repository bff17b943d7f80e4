/**
 * Rolling deployments (issue 4): how long after the simulated deployment completes — or
 * fails, circuit breaker FAILED — the action says so, at the default poll interval; and
 * how many AWS calls one rolling deployment costs.
 *
 * The moment a deployment ends is read from the sim: an observer describes the service
 * every 10 ms with its own key and, on first seeing our deployment COMPLETED or FAILED,
 * maps that deployment's updatedAt (simulated) to real time. The moment the action reports
 * it is the arrival of the log line in which it does: the end of the deploy log group for a
 * success (the verdict is decided in the poll that printed COMPLETED), the `::error::` line
 * for a rollback (after the evidence is gathered), and also the progress line that first
 * shows the end ("seen"). Usage: npm run bench -- rolling
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
  observe,
  runs,
  simToReal
} from './common.js';

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
  if (phaseMs > 0) sim.addFault({ kind: 'latency', service: 'ecs', operation: 'DescribeServices', accessKeyId: ACTION_KEY, count: 2, latencyMs: Math.round(phaseMs) });
  const { ecs } = clients(sim.url);
  const log = new TimedLog();
  let ended: RollingRun['ended'];
  const observer = observe(10, async (at) => {
    if (ended) return;
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    const d = out.services?.[0]?.deployments?.find((x) => !x.taskDefinition?.endsWith('/web:1') && (x.rolloutState === 'COMPLETED' || x.rolloutState === 'FAILED'));
    if (d?.updatedAt) ended = { state: d.rolloutState ?? '?', at: simToReal(sim, d.updatedAt.getTime()), observedAt: at };
  });
  try {
    const run = await runAction({ endpoint: sim.url, accessKeyId: ACTION_KEY, inputs: rollingInputs(tag), onOutput: log.feed, timeoutMs: 300_000 });
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
  for (let i = 0; i < n; i++) {
    const r = await deployOnce('v2', 100 + i, phase(i));
    if (r.run.outputs.status !== 'succeeded' || !r.ended) throw new Error(`rolling bench: expected a success, got ${r.run.outputs.status}: ${r.run.outputs.reason}\n${r.run.log}`);
    const decided = r.log.first(/^::endgroup::/, r.log.first(/^::group::Deploying/) ?? 0);
    if (decided === undefined) throw new Error('rolling bench: no end of the deploy group in the log');
    okLatency.push(decided - r.ended.at);
    observerLag.push(r.ended.observedAt - r.ended.at);
    if (r.updateAt !== undefined) perPoll.push(describesPerPoll(r.sim.calls({ accessKeyId: ACTION_KEY }), r.updateAt, decided));
    firstOk ??= r;
  }
  for (let i = 0; i < n; i++) {
    const r = await deployOnce('v2-crash', 200 + i, phase(i));
    if (r.run.outputs.status !== 'rolled-back' || !r.ended) throw new Error(`rolling bench: expected a rollback, got ${r.run.outputs.status}: ${r.run.outputs.reason}`);
    const seen = r.log.first(/ web:2 \(.*\) FAILED/);
    const reported = r.log.first(/^::error::/);
    if (seen === undefined || reported === undefined) throw new Error(`rolling bench: the log does not show the failure:\n${r.run.log}`);
    failSeen.push(seen - r.ended.at);
    observerLag.push(r.ended.observedAt - r.ended.at);
    failReported.push(reported - r.ended.at);
    if (r.updateAt !== undefined) perPoll.push(describesPerPoll(r.sim.calls({ accessKeyId: ACTION_KEY }), r.updateAt, seen));
    firstFail ??= r;
  }

  Object.assign(figures, {
    'time scale (simulated ms per real ms)': TIME_SCALE,
    'poll interval, real ms (= default 5 s simulated)': POLL_MS,
    'runs per scenario': okLatency.length,
    'succeeded: COMPLETED → verdict, median ms': median(okLatency),
    'succeeded: COMPLETED → verdict, max ms': max(okLatency),
    'succeeded: COMPLETED → verdict, median, in polls': median(okLatency) / POLL_MS,
    'circuit breaker: FAILED → seen in the log, median ms': median(failSeen),
    'circuit breaker: FAILED → seen in the log, max ms': max(failSeen),
    'circuit breaker: FAILED → step fails (with evidence), median ms': median(failReported),
    'circuit breaker: FAILED → step fails (with evidence), max ms': max(failReported),
    'circuit breaker: FAILED → step fails, median, in polls': median(failReported) / POLL_MS,
    'read calls per poll during the watch (1 service), median': median(perPoll),
    'check: updatedAt → the 10 ms observer saw it, median ms': median(observerLag)
  });
  if (firstOk) Object.assign(figures, callFigures('AWS calls, succeeded deployment (main + post)', firstOk.sim.calls({ accessKeyId: ACTION_KEY })));
  if (firstFail) Object.assign(figures, callFigures('AWS calls, circuit-breaker rollback (main + post)', firstFail.sim.calls({ accessKeyId: ACTION_KEY })));

  const worst = Math.max(max(okLatency), max(failSeen));
  budget({
    bench: 'rolling',
    figure: 'deployment ends → action sees it (max over runs)',
    budget: `≤ 1 poll (${POLL_MS} ms)`,
    measured: fmtMs(worst),
    ok: worst <= POLL_MS
  });
  budget({
    bench: 'rolling',
    figure: 'circuit breaker FAILED → step failed with evidence (median)',
    budget: 'informative',
    measured: fmtMs(median(failReported))
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
  return figures;
}
