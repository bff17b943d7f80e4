/**
 * The chaos benchmark's engine, shared by `npm run chaos` and the short run in npm test: runs
 * every planned unit against its own local ECS with the planned faults, judges each verdict
 * against the world at the moment the step exited, and measures what a deployment must never
 * leave behind (the "lost" columns).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Sim } from '../sim/server.js';
import { FAULT_KINDS, type FaultKind, type FaultRule } from '../sim/faults.js';
import { describeRun, isBad, planChaos, type FaultName, type FaultSpec, type RunPlan, type UnitPlan } from './chaos-plan.js';
import { runChaosAction, type ChaosRun, type ChaosStep } from './chaos-step.js';
import { BASE_VARS, CLUSTER, rev, startUnitSim, view, watchTraffic, type Place, type WorldView } from './chaos-world.js';

/** ×300 like the e2e tests: a 200 ms poll is one simulated minute. */
export const TIME_SCALE = 300;
const POLL_MS = 200;
const POLL = `${POLL_MS}ms`;
/** A colour whose own tasks fail mid-bake: its requests count only after this many polls (the issue's yardstick for a failing gate). */
const GRACE_POLLS = 2;
/**
 * 75 simulated minutes. Generous on the scaled clock because the SDK's back-off after a
 * throttle is real time (1 s base, i.e. 5 simulated minutes): 20 % throttling must not
 * time out a healthy release here when it would not against a 30-minute timeout on AWS.
 */
export const TIMEOUT_MS = 15_000;
/** The runner cancels a main step this long after it started: its timeout, a rollback's own wait (max(timeout, 60 polls)), bakes and start-up. */
const DEADLINE_MS = 40_000;
/** A hung call answers after this long: far past the deployment's timeout. */
export const HANG_MS = 20_000;
/**
 * One AWS call's deadline. Not scaled like the poll: the SDK's back-off after a throttle is real
 * time (1 s base), so a scaled deadline (30 s / 25) would fail calls AWS would answer; 10 s still
 * lies well below a hung call (HANG_MS).
 */
const CALL_TIMEOUT = '10s';
/** After the last step: 90 simulated seconds for traffic to flow where the run left it. */
const SETTLE_MS = 300;

export interface ChaosOptions {
  seed: number;
  deployments: number;
  concurrency: number;
  /** Run only these unit indexes (replaying rows of an earlier run with the same seed). */
  only?: number[];
  /** How long a hung call is held (default HANG_MS); must exceed the deployment's timeout. */
  hangMs?: number;
  /** Progress lines (one per unit). */
  log?: (line: string) => void;
}

export interface RunResult {
  plan: RunPlan;
  run: ChaosRun;
  /** The world the moment the main step exited, and when its post step exited. */
  atExit: WorldView;
  afterPost: WorldView;
  /** Why the verdict is not right; empty when it is. */
  wrong: string[];
  secretsSeen: string[];
  faultsInjected: number;
}

export interface Lost {
  trafficWithoutTasks: number;
  listenerNot100: number;
  idleScaledUp: number;
  tempAlarmsLeft: number;
  secretsSeen: number;
}

export interface UnitResult {
  plan: UnitPlan;
  runs: RunResult[];
  lost: Lost;
  /** Human-readable evidence for every non-zero lost figure. */
  lostDetails: string[];
  final: WorldView;
  /** Requests to a colour without a healthy target inside the grace (not counted as lost). */
  graced: number;
  ms: number;
}

export interface ChaosReport {
  seed: number;
  units: UnitResult[];
  lostAnswerSupported: boolean;
  ms: number;
}

const LOST_KEYS: (keyof Lost)[] = ['trafficWithoutTasks', 'listenerNot100', 'idleScaledUp', 'tempAlarmsLeft', 'secretsSeen'];

const SIM_KIND: Record<FaultName, FaultKind> = {
  throttle: 'throttle',
  '5xx': 'error',
  latency: 'latency',
  hang: 'latency',
  drop: 'drop',
  ignore: 'ignore',
  'lost-answer': 'lost-answer'
};

function faultRule(f: FaultSpec, key: string): FaultRule {
  return {
    kind: SIM_KIND[f.name],
    accessKeyId: key,
    ...(f.operation ? { operation: f.operation } : {}),
    ...(f.rate !== undefined ? { rate: f.rate } : {}),
    ...(f.count !== undefined ? { count: f.count } : {}),
    ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs } : {})
  };
}

function inputs(unit: UnitPlan, run: RunPlan, place: Place): Record<string, string> {
  const alarmRelease = run.release === 'cpu-spike' || run.release === 'memory-leak';
  const common: Record<string, string> = {
    'task-definition': place.template,
    vars: `${BASE_VARS}\ntag=${run.tag}\ngreeting=${run.secret}`,
    'secret-vars': 'greeting',
    cluster: CLUSTER,
    'poll-interval': POLL,
    timeout: `${TIMEOUT_MS}ms`,
    'call-timeout': CALL_TIMEOUT
  };
  if (run.tempAlarms) {
    common['cpu-alarm-threshold'] = run.release === 'cpu-spike' ? '80' : '90';
    common['memory-alarm-threshold'] = run.release === 'memory-leak' ? '70' : '90';
  }
  if (unit.strategy === 'rolling') {
    // Long enough after "stable" for a CPU spike (2 min in) or a leak (70 % at 4 min) to fire its alarm.
    return { ...common, service: place.services[0], 'bake-time': alarmRelease ? '1500ms' : '300ms' };
  }
  return {
    ...common,
    strategy: 'blue-green',
    'blue-service': place.services[0],
    'green-service': place.services[1],
    'blue-target-group': place.targetGroupArns[0],
    'green-target-group': place.targetGroupArns[1],
    [unit.target === 'rule' ? 'listener-rule-arn' : 'listener-arn']: place.trafficArn!,
    'traffic-steps': '10,50,100',
    'step-bake': alarmRelease ? '600ms' : '300ms',
    'final-bake': '300ms',
    'termination-wait': '300ms'
  };
}

/** What production serves: the revision and whether it is settled there (one deployment, all tasks running; 100/0 for blue/green). */
export function serving(v: WorldView, place: Place): { revision?: string; steady: boolean; live?: string; what: string } {
  let live = place.services[0];
  if (place.trafficArn) {
    const w = place.targetGroups.map((g) => v.weights[g] ?? 0);
    const i = w.indexOf(100);
    if (i < 0 || w.some((x, j) => j !== i && x !== 0))
      return { steady: false, what: `traffic split ${place.targetGroups.map((g, j) => `${g}=${w[j]}`).join(',')}` };
    live = place.services[i]!;
  }
  const s = v.services[live];
  if (!s) return { steady: false, what: `service ${live} missing` };
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  const steady = s.deployments.length === 1 && primary?.rolloutState !== 'IN_PROGRESS' && s.running === s.desired && s.desired > 0;
  const deps = s.deployments
    .map((d) => `${d.status} ${rev(d.taskDefinition)} ${d.rolloutState ?? ''} ${d.running}/${d.desired}`)
    .join('; ');
  return {
    revision: primary?.taskDefinition ?? s.taskDefinition,
    steady,
    live,
    what: `${live} serves ${rev(primary?.taskDefinition ?? s.taskDefinition)} (${s.running}/${s.desired} running; deployments: ${deps})`
  };
}

function savedPhase(step: ChaosStep): { phase?: string; previous?: string } {
  for (const key of ['blue-green', 'rolling']) {
    const raw = step.state[key];
    if (!raw) continue;
    try {
      const s = JSON.parse(raw) as { phase?: string; previousTaskDefinitionArn?: string };
      return { phase: s.phase, previous: s.previousTaskDefinitionArn };
    } catch {
      // Not ours to judge: an unreadable state is reported by the post step itself.
    }
  }
  return {};
}

const BENIGN = new Set(['throttle', '5xx', 'latency', 'ignore']);
const READ_OP = /^(Describe|List|Get)/;

/** Faults a good release must ride out and still succeed (no hang, kill, race, lost answer, repeated ignore, dropped mutation). */
function onlyBenign(run: RunPlan, racing: boolean): boolean {
  if (racing || run.interrupt) return false;
  return run.faults.every((f) =>
    BENIGN.has(f.name) ? !(f.name === 'ignore' && (f.count ?? 1) > 1) : f.name === 'drop' && READ_OP.test(f.operation ?? '')
  );
}

interface CallFacts {
  /** Production changes this run made that took effect (answered, or applied with the answer lost). */
  mutations: string[];
  /** A planned hang met a call. */
  hangHit: boolean;
  hangMs: number;
}

const PRODUCTION_CHANGE = /^(UpdateService|CreateService|DeleteService|ModifyListener|ModifyRule)$/;

function callFacts(sim: Sim, plan: RunPlan): CallFacts {
  const calls = sim.calls({ accessKeyId: plan.key });
  const hang = plan.faults.find((f) => f.name === 'hang');
  return {
    mutations: calls.filter((c) => PRODUCTION_CHANGE.test(c.operation) && (!c.error || c.fault === 'lost-answer')).map((c) => c.operation),
    hangHit: hang !== undefined && calls.some((c) => c.operation === hang.operation && c.fault === 'latency'),
    hangMs: hang?.latencyMs ?? 0
  };
}

function judge(
  unit: UnitPlan,
  plan: RunPlan,
  run: ChaosRun,
  atExit: WorldView,
  afterPost: WorldView,
  place: Place,
  baseline: string,
  { mutations, hangHit, hangMs }: CallFacts
): string[] {
  const { main, post } = run;
  const status = main.outputs.status;
  const newArn = main.outputs['task-definition-arn'];
  const saved = savedPhase(main);
  const prevArn = main.outputs['previous-task-definition-arn'] || saved.previous || baseline;
  const racing = unit.runs.length > 1;
  const wrong: string[] = [];
  const exit = serving(atExit, place);
  const after = serving(afterPost, place);
  if (status === 'succeeded' && isBad(plan.release)) wrong.push(`succeeded on a bad release (${plan.release})`);
  if (status === 'succeeded') {
    if (!(exit.revision === newArn && exit.steady)) wrong.push(`said succeeded on ${rev(newArn)}, but at exit ${exit.what}`);
    if (place.trafficArn && main.outputs['live-service'] && main.outputs['live-service'] !== exit.live)
      wrong.push(`said ${main.outputs['live-service']} is live, but at exit ${exit.what}`);
  } else if (status === 'rolled-back') {
    if (!(exit.revision === prevArn && exit.steady)) wrong.push(`said rolled-back to ${rev(prevArn)}, but at exit ${exit.what}`);
  } else if (status === 'failed') {
    // Right when production is where it was, or when this run changed nothing (e.g. it found another run's half-shifted listener).
    if ((exit.revision !== prevArn || (place.trafficArn && !exit.live)) && mutations.length) {
      wrong.push(`said failed after ${mutations.join(', ')}, but production is not on ${rev(prevArn)}: at exit ${exit.what}`);
    }
  } else if (main.interrupted === 'SIGKILL' || main.deadlineHit || main.signal) {
    // No verdict from the main step: the post step must have put production back (or the main step had finished).
    const finished = saved.phase === 'done' && newArn !== undefined && after.revision === newArn && after.steady;
    // Killed before it changed anything (e.g. while a racing run held the lock and deployed): production is the racer's.
    const untouched = racing && mutations.length === 0;
    if (!finished && !untouched && !(after.revision === prevArn && after.steady))
      wrong.push(
        `main step ${main.interrupted ?? main.signal ?? 'stopped'}; after the post step production is not back on ${rev(prevArn)}: ${after.what}`
      );
  } else {
    wrong.push(`no status output (exit code ${main.exitCode})`);
  }
  if (post.exitCode !== 0 && !(after.revision === prevArn && after.steady))
    wrong.push(
      `post step failed (exit ${post.exitCode}${post.deadlineHit ? ', hung' : ''}) and production is not back on ${rev(prevArn)}: ${after.what}`
    );
  if (hangHit && main.ms >= hangMs)
    wrong.push(
      `waited out a hung call: the main step took ${main.ms} ms (timeout ${TIMEOUT_MS} ms, call-timeout ${CALL_TIMEOUT}, the call hung ${hangMs} ms)`
    );
  if (main.deadlineHit)
    wrong.push(`main step still running ${DEADLINE_MS} ms after it started (timeout ${TIMEOUT_MS} ms): cancelled by the runner`);
  if (!isBad(plan.release) && onlyBenign(plan, racing) && status !== 'succeeded')
    wrong.push(
      `a good release with only throttling, 5xx, short latency, read drops or one ignored shift ended ${status ?? 'without a status'}`
    );
  return wrong;
}

/** Every form of every secret the unit used (tokens are unique), outside the runner-consumed ::add-mask:: lines. */
function secretsIn(run: ChaosRun, tokens: string[]): string[] {
  const seen: string[] = [];
  const channels: Record<string, string> = {
    'main log': run.main.log,
    'main summary': run.main.summary,
    'main outputs': JSON.stringify(run.main.outputs),
    'main saved state': JSON.stringify(run.main.state),
    'post log': run.post.log,
    'post summary': run.post.summary,
    'post outputs': JSON.stringify(run.post.outputs)
  };
  for (const [name, text] of Object.entries(channels)) {
    const shown = text
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const t of tokens) {
      const at = shown.indexOf(t);
      if (at >= 0) seen.push(`${name}: …${shown.slice(Math.max(0, at - 60), at + 40).replace(/\n/g, '⏎')}…`);
    }
  }
  return seen;
}

function faultsHit(sim: Sim, key: string): number {
  return sim.calls({ accessKeyId: key }).filter((c) => c.fault !== undefined).length;
}

async function runUnit(unit: UnitPlan, seed: number): Promise<UnitResult> {
  const started = Date.now();
  const { sim, place } = await startUnitSim(unit, seed * 1000 + unit.index, TIME_SCALE);
  try {
    const before = await view(sim, place);
    const baseline = serving(before, place).revision ?? '';
    const watcher = watchTraffic(sim, place, GRACE_POLLS * POLL_MS * TIME_SCALE);
    for (const run of unit.runs) for (const f of run.faults) sim.addFault(faultRule(f, run.key));
    const results = await Promise.all(
      unit.runs.map(async (plan, n): Promise<RunResult> => {
        if (plan.startDelayMs) await sleep(plan.startDelayMs);
        let atExit: WorldView | undefined;
        const run = await runChaosAction({
          endpoint: sim.url,
          accessKeyId: plan.key,
          runId: String(4200 + unit.index * 10 + n),
          inputs: inputs(unit, plan, place),
          ...(plan.interrupt ? { interrupt: plan.interrupt } : {}),
          deadlineMs: DEADLINE_MS,
          onMainExit: async () => {
            atExit = await view(sim, place);
          }
        });
        const afterPost = await view(sim, place);
        const tokens = [unit.previous.token, ...unit.runs.map((r) => r.token)];
        return {
          plan,
          run,
          atExit: atExit!,
          afterPost,
          wrong: judge(unit, plan, run, atExit!, afterPost, place, baseline, callFacts(sim, plan)),
          secretsSeen: secretsIn(run, tokens),
          faultsInjected: faultsHit(sim, plan.key) + (run.main.interrupted ? 1 : 0)
        };
      })
    );
    await sleep(SETTLE_MS);
    const final = await view(sim, place);
    const moved = watcher.stop();
    const lostDetails: string[] = [];
    const lost: Lost = { trafficWithoutTasks: 0, listenerNot100: 0, idleScaledUp: 0, tempAlarmsLeft: 0, secretsSeen: 0 };
    lost.trafficWithoutTasks = Object.values(moved.counted).reduce((a, b) => a + b, 0);
    if (lost.trafficWithoutTasks) {
      lostDetails.push(
        `requests routed to a target group with no healthy target: ${JSON.stringify(moved.counted)}` +
          (Object.keys(moved.graced).length
            ? ` (not counted, within ${GRACE_POLLS} polls of its own tasks failing: ${JSON.stringify(moved.graced)})`
            : '')
      );
      for (const e of moved.episodes.slice(0, 8)) {
        lostDetails.push(
          `  ${e.targetGroup}: ${e.requests} requests from t+${e.fromS}s to t+${e.toS}s (simulated)${e.graced ? ' [grace]' : ''}; when it began: weights ${JSON.stringify(e.weights)}, its targets [${e.targets}], desired ${JSON.stringify(e.desired)}`
        );
      }
    }
    const end = serving(final, place);
    if (place.trafficArn) {
      if (!end.live) {
        lost.listenerNot100 = 1;
        lostDetails.push(`at the end: ${end.what}`);
      } else {
        for (const s of place.services) {
          if (s !== end.live && (final.services[s]?.desired ?? 0) > 0) {
            lost.idleScaledUp++;
            lostDetails.push(`idle ${s} left at desired ${final.services[s].desired} (live: ${end.live})`);
          }
        }
      }
    }
    lost.tempAlarmsLeft = final.tempAlarms.length;
    if (lost.tempAlarmsLeft) lostDetails.push(`temporary alarms left: ${final.tempAlarms.join(', ')}`);
    lost.secretsSeen = results.reduce((n, r) => n + r.secretsSeen.length, 0);
    for (const r of results) for (const s of r.secretsSeen) lostDetails.push(`secret seen (${r.plan.key}) in ${s}`);
    // Racing runs: production must end on the release whose success was reported last (or where it started).
    if (unit.runs.length > 1) {
      const winners = results
        .filter((r) => r.run.main.outputs.status === 'succeeded')
        .sort((a, b) => a.run.main.ms + a.plan.startDelayMs - (b.run.main.ms + b.plan.startDelayMs));
      const expected = winners.at(-1)?.run.main.outputs['task-definition-arn'] ?? baseline;
      if (end.revision !== expected)
        (winners.at(-1) ?? results.at(-1)!).wrong.push(
          `racing pair: production ends on ${end.what}, expected ${rev(expected)} (the last success reported)`
        );
    }
    const graced = Object.values(moved.graced).reduce((a, b) => a + b, 0);
    return { plan: unit, runs: results, lost, lostDetails, final, graced, ms: Date.now() - started };
  } finally {
    await sim.close();
  }
}

function lostAnswerSupported(): boolean {
  return FAULT_KINDS.includes('lost-answer');
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const lostAnswer = lostAnswerSupported();
  const plan = planChaos({ seed: opts.seed, deployments: opts.deployments, hangMs: opts.hangMs ?? HANG_MS, lostAnswer });
  const todo = opts.only ? plan.filter((u) => opts.only!.includes(u.index)) : plan;
  const units: UnitResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const unit = todo[next++];
      const r = await runUnit(unit, opts.seed);
      units.push(r);
      const bad = r.runs.some((x) => x.wrong.length) || LOST_KEYS.some((k) => r.lost[k] > 0);
      opts.log?.(
        `unit ${unit.index} ${bad ? 'NOT OK' : 'ok'} (${r.ms} ms): ${r.runs.map((x) => `${x.plan.release} → ${x.run.main.outputs.status ?? x.run.main.interrupted ?? 'no status'}`).join(' | ')}`
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  units.sort((a, b) => a.plan.index - b.plan.index);
  return { seed: opts.seed, units, lostAnswerSupported: lostAnswer, ms: Date.now() - started };
}

export interface Row {
  label: string;
  deployments: number;
  faults: number;
  right: number;
  lost: Lost;
}

function kind(u: UnitPlan): string {
  const what = u.strategy === 'rolling' ? 'rolling' : `blue/green (${u.target})`;
  return u.runs.length > 1 ? `racing pairs, ${what}` : what;
}

export function rows(report: ChaosReport): Row[] {
  const by = new Map<string, Row>();
  const total: Row = {
    label: 'total',
    deployments: 0,
    faults: 0,
    right: 0,
    lost: { trafficWithoutTasks: 0, listenerNot100: 0, idleScaledUp: 0, tempAlarmsLeft: 0, secretsSeen: 0 }
  };
  for (const u of report.units) {
    const label = kind(u.plan);
    const row = by.get(label) ?? {
      label,
      deployments: 0,
      faults: 0,
      right: 0,
      lost: { trafficWithoutTasks: 0, listenerNot100: 0, idleScaledUp: 0, tempAlarmsLeft: 0, secretsSeen: 0 }
    };
    by.set(label, row);
    for (const r of [row, total]) {
      r.deployments += u.runs.length;
      r.faults += u.runs.reduce((n, x) => n + x.faultsInjected, 0);
      r.right += u.runs.filter((x) => x.wrong.length === 0).length;
      for (const k of LOST_KEYS) r.lost[k] += u.lost[k];
    }
  }
  return [...[...by.values()].sort((a, b) => a.label.localeCompare(b.label)), total];
}

export function failed(report: ChaosReport): UnitResult[] {
  return report.units.filter((u) => u.runs.some((r) => r.wrong.length) || LOST_KEYS.some((k) => u.lost[k] > 0));
}

/** The one table, then the evidence for every row that is wrong or lost something. */
export function formatReport(report: ChaosReport, command = 'npm run chaos --', verbose = false): string {
  const head = [
    '',
    'deployments',
    'faults injected',
    'verdicts right',
    'traffic to a colour without tasks',
    'listener left not 100/0',
    'idle services left scaled up',
    'temporary alarms left',
    'secrets seen'
  ];
  const body = rows(report).map((r) => [
    r.label,
    String(r.deployments),
    String(r.faults),
    `${r.right}/${r.deployments}`,
    ...LOST_KEYS.map((k) => String(r.lost[k]))
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [
    `chaos: seed ${report.seed}, ${report.units.reduce((n, u) => n + u.runs.length, 0)} deployments in ${report.units.length} units, ${(report.ms / 1000).toFixed(1)} s` +
      (report.lostAnswerSupported ? '' : ' (the local ECS has no lost-answer fault yet: not injected)'),
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line)
  ];
  const graced = report.units.filter((u) => u.graced > 0);
  if (graced.length) {
    out.push(
      '',
      `not counted: ${graced.reduce((n, u) => n + u.graced, 0)} requests reached a colour in the ${GRACE_POLLS} polls after its own tasks failed while it took traffic (units ${graced.map((u) => u.plan.index).join(', ')}): no poll could have seen it sooner`
    );
  }
  if (verbose) {
    out.push('', 'every run:');
    for (const u of report.units) {
      for (const r of u.runs) {
        out.push(`  unit ${u.plan.index} ${r.plan.key}: ${describeRun(u.plan, r.plan)}`);
        out.push(
          `    → ${r.run.main.outputs.status ?? `none (${r.run.main.interrupted ?? r.run.main.signal ?? `exit ${r.run.main.exitCode}`})`} in ${r.run.main.ms} ms: ${r.run.main.outputs.reason ?? ''}`
        );
        const post = tail(r.run.post.log, 1)[0];
        if (post && !/nothing left to clean up/.test(post)) out.push(`    post: ${post}`);
      }
    }
  }
  const bad = failed(report);
  if (bad.length) {
    out.push('', `${bad.length} unit(s) wrong or lost something; replay one with: ${command} --seed ${report.seed} --only <unit>`);
    for (const u of bad) {
      out.push('', `### unit ${u.plan.index} (replay: ${command} --seed ${report.seed} --only ${u.plan.index})`);
      for (const d of u.lostDetails) out.push(`  lost: ${d}`);
      for (const r of u.runs) {
        out.push(`  run ${r.plan.key}: ${describeRun(u.plan, r.plan)}`);
        out.push(
          `    verdict: ${r.run.main.outputs.status ?? `none (${r.run.main.interrupted ?? r.run.main.signal ?? `exit ${r.run.main.exitCode}`})`} — ${r.run.main.outputs.reason ?? ''}`
        );
        for (const w of r.wrong) out.push(`    WRONG: ${w}`);
        if (r.wrong.length || u.lostDetails.length) {
          out.push('    main log tail:', ...tail(r.run.main.log, 12).map((l) => `      ${l}`));
          out.push('    post log tail:', ...tail(r.run.post.log, 6).map((l) => `      ${l}`));
        }
      }
    }
  }
  return out.join('\n');
}

function tail(log: string, n: number): string[] {
  return log.trimEnd().split('\n').slice(-n);
}

export function lostTotal(report: ChaosReport): Lost {
  return rows(report).at(-1)!.lost;
}
