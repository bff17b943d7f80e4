/**
 * What the deployment benchmarks share: the clock mapping, a log that knows when each line
 * arrived, a fine-grained observer of the local ECS, call counting and the budget table.
 *
 * Clock mapping. The sim runs TIME_SCALE (10) times faster than real time, and every
 * duration the action is given is the documented default divided by the same factor, so
 * the action polls exactly as often per simulated minute as it would on AWS: the default
 * `poll-interval` of 5 s becomes 500 ms of real time (= 5 simulated seconds). Latencies are
 * measured in real milliseconds and also shown as simulated seconds (× TIME_SCALE) and as a
 * fraction of the poll interval, which is the figure that carries over to AWS. Our fixed
 * costs (HTTP round trips of ~1–5 ms here, ~20–100 ms on AWS) are not scaled, so they weigh
 * about as much against a 500 ms poll here as AWS's round trips do against a 5 s poll there.
 * ×10 rather than the tests' ×300: the sim ticks every ~20 ms of real time, which is 4 % of
 * a 500 ms poll here but would be 3 polls at ×300 with a 200 ms poll.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../src/duration.js';
import { INPUTS } from '../src/generated/action-spec.js';
import { ROOT } from '../scripts/run-action.js';
import type { CallRecord, Sim } from '../sim/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Nothing leaves the machine: the guard refuses any connection to a non-loopback address, in
 * this process (the baseline waiter, observers) and, through guardEnv(), in every process a
 * bench spawns; each refusal is noted in OFFBOX_LOG, which run.ts turns into a failed budget.
 */
export const GUARD = join(ROOT, 'bench/fixtures/loopback-only.cjs');
export const OFFBOX_LOG = join(mkdtempSync(join(tmpdir(), 'bench-guard-')), 'offbox.log');
process.env.BENCH_OFFBOX_LOG = OFFBOX_LOG;
createRequire(import.meta.url)(GUARD);

/** Environment for a spawned process: the guard preloaded; `rssFile` gets its peak RSS (kB) at exit. */
export function guardEnv(rssFile?: string): Record<string, string> {
  return { NODE_OPTIONS: `--require ${GUARD}`, BENCH_OFFBOX_LOG: OFFBOX_LOG, ...(rssFile ? { BENCH_RSS_FILE: rssFile } : {}) };
}

/** Every connection the guard refused so far, one line each. */
export function offboxAttempts(): string[] {
  return existsSync(OFFBOX_LOG) ? readFileSync(OFFBOX_LOG, 'utf8').split('\n').filter(Boolean) : [];
}

/** The highest peak RSS, in MB, the guard wrote to `file` at the exit of the processes given it. */
export function peakRssMb(file: string): number {
  const kb = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  return kb.length ? Math.max(...kb) / 1024 : Number.NaN;
}

export const TIME_SCALE = 10;

/** An input's default from action.yml, in simulated milliseconds. */
export function defaultMs(input: string): number {
  const spec = INPUTS.find((i) => i.name === input);
  if (!spec?.default) throw new Error(`action.yml has no default for ${input}`);
  return input === 'wait-for-minutes' ? Number(spec.default) * 60_000 : parseDuration(spec.default, input);
}

/** A simulated duration as the real-time input that represents it on the scaled clock. */
export function scaled(simMs: number): string {
  return `${Math.round(simMs / TIME_SCALE)}ms`;
}

/** The default poll interval (5 s on AWS), in real ms on the scaled clock: 500 ms. */
export const POLL_MS = defaultMs('poll-interval') / TIME_SCALE;

/** The default max-poll-interval (15 s on AWS), in real ms on the scaled clock: 1500 ms. */
export const MAX_POLL_MS = defaultMs('max-poll-interval') / TIME_SCALE;

/** Inputs every bench passes: the default poll interval, its back-off cap and timeout, scaled. */
export const CLOCK_INPUTS = {
  'poll-interval': scaled(defaultMs('poll-interval')),
  'max-poll-interval': scaled(defaultMs('max-poll-interval')),
  timeout: scaled(defaultMs('wait-for-minutes'))
};

/** examples/web.vars without its tag: each bench sets its own (a var given twice is an error). */
export const VARS = readFileSync(join(ROOT, 'examples/web.vars'), 'utf8').replace(/^tag=.*\n?/m, '');

/** The action's own access key: the sim's call log then holds its calls apart from ours. */
export const ACTION_KEY = 'AKIDBENCHACTION';
/** The benchmark's own reads (observer, setup, read-backs). */
export const BENCH_KEY = 'AKIDBENCHOBSERVER';

export const RUNS = Number(process.env.BENCH_RUNS ?? 0);
/** Runs of a scenario: BENCH_RUNS when given, else the scenario's own count. */
export function runs(fallback: number): number {
  return RUNS > 0 ? RUNS : fallback;
}

export function clients(url: string, accessKeyId = BENCH_KEY): { ecs: ECSClient; elb: ElasticLoadBalancingV2Client; cw: CloudWatchClient } {
  const config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'bench' }, maxAttempts: 1 };
  return { ecs: new ECSClient(config), elb: new ElasticLoadBalancingV2Client(config), cw: new CloudWatchClient(config) };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function max(xs: number[]): number {
  return xs.length ? Math.max(...xs) : Number.NaN;
}

/**
 * A simulated timestamp (e.g. a deployment's updatedAt, an alarm's StateUpdatedTimestamp)
 * as real epoch ms, the time base of the sim's call log. Valid while the time scale stays
 * put and nobody calls advance(), as in these benches.
 */
export function simToReal(sim: Sim, simMs: number): number {
  const realNow = Date.now();
  return realNow - (sim.now() - simMs) / sim.world.clock.timeScale;
}

/**
 * The action's log with the real time each line arrived (Date.now(), the clock of the sim's
 * call log), fed by runAction's `onOutput`. Hooks run once, when the first line matching them arrives.
 */
export class TimedLog {
  readonly lines: Array<{ at: number; text: string }> = [];
  private partial = '';
  private readonly hooks: Array<{ re: RegExp; fn: (at: number, text: string) => void; fired: boolean }> = [];

  /** For runAction's `onOutput`. */
  readonly feed = (chunk: string): void => {
    const at = Date.now();
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const text of parts) {
      this.lines.push({ at, text });
      for (const h of this.hooks) {
        if (!h.fired && h.re.test(text)) {
          h.fired = true;
          h.fn(at, text);
        }
      }
    }
  };

  on(re: RegExp, fn: (at: number, text: string) => void): this {
    this.hooks.push({ re, fn, fired: false });
    return this;
  }

  /** When the first line matching `re` (at or after `from`) arrived. */
  first(re: RegExp, from = 0): number | undefined {
    return this.lines.find((l) => l.at >= from && re.test(l.text))?.at;
  }

  /** The runner's log groups (one per phase) with their real start and end. */
  groups(): Array<{ title: string; start: number; end: number }> {
    const out: Array<{ title: string; start: number; end: number }> = [];
    let open: { title: string; start: number } | undefined;
    for (const l of this.lines) {
      if (l.text.startsWith('::group::')) open = { title: l.text.slice('::group::'.length), start: l.at };
      else if (l.text.startsWith('::endgroup::') && open) {
        out.push({ ...open, end: l.at });
        open = undefined;
      }
    }
    return out;
  }

  get last(): number {
    return this.lines[this.lines.length - 1]?.at ?? Number.NaN;
  }
}

/**
 * Calls `step` every `everyMs` (sequentially: a slow answer delays the next one) until
 * stopped, with the real time the step began. The observer's own requests use BENCH_KEY.
 */
export function observe(everyMs: number, step: (at: number) => Promise<void>): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      try {
        await step(at);
      } catch (error) {
        console.error(`observer: ${error instanceof Error ? error.message : String(error)}`);
      }
      const wait = everyMs - (Date.now() - at);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    }
  };
}

/** Calls counted by operation, e.g. { DescribeServices: 20, UpdateService: 1 }. */
export function byOperation(calls: CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** `prefix: Operation` → count, for a bench's figures. */
export function callFigures(prefix: string, calls: CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, n] of Object.entries(byOperation(calls))) out[`${prefix}: ${op}`] = n;
  out[`${prefix}: total`] = calls.length;
  return out;
}

export function between(calls: CallRecord[], from: number, to: number): CallRecord[] {
  return calls.filter((c) => c.at >= from && c.at <= to);
}

const isDescribe = (c: CallRecord): boolean => /^(Describe|List|Get)/.test(c.operation);

/** Polls a watch makes in a window: the first at once, then one per poll interval. */
export function pollsIn(from: number, to: number): number {
  return Math.floor(Math.max(0, to - from) / POLL_MS) + 1;
}

/** Read calls (Describe*, List*, Get*) per poll over a window. */
export function describesPerPoll(calls: CallRecord[], from: number, to: number): number {
  return between(calls, from, to).filter(isDescribe).length / pollsIn(from, to);
}

/** The action's first DescribeAlarms at or after `at`: the gate check that saw an alarm fire. */
export function alarmReadAfter(sim: Sim, at: number): number | undefined {
  return sim.calls({ service: 'cloudwatch', accessKeyId: ACTION_KEY, operation: 'DescribeAlarms' }).find((c) => c.at >= at)?.at;
}

export interface RestoreTimes {
  /** The gate check that saw the failure (the action's DescribeAlarms). */
  detect?: number;
  /** The action's ModifyListener putting 100/0 back. */
  modify?: number;
  /** The DescribeListeners that read it back. */
  readBack?: number;
  /** The log line saying the weights are verified. */
  verifiedLine?: number;
}

/** After a gate failed at `failedAt` (real ms): when the action saw it, restored traffic and verified it. */
export function restoreTimes(sim: Sim, log: TimedLog, failedAt: number): RestoreTimes {
  const calls = sim.calls({ service: 'elbv2', accessKeyId: ACTION_KEY });
  const modify = calls.find((c) => c.at >= failedAt && /^Modify(Listener|Rule)$/.test(c.operation))?.at;
  const readBack =
    modify === undefined ? undefined : calls.find((c) => c.at >= modify && /^Describe(Listeners|Rules)$/.test(c.operation))?.at;
  const verifiedLine = log.first(/forwards 100\/0 to .*\(verified\)/, failedAt);
  return { detect: alarmReadAfter(sim, failedAt), modify, readBack, verifiedLine };
}

/**
 * What one round of a poll loop costs beyond its sleep: the median gap between the
 * action's consecutive `operation` calls, minus the poll interval (gaps of two polls or
 * more, where a phase changed, are left out). With one call per round it is the action's
 * own round trip, SDK and logging included; with several, their sum.
 */
export function roundCostMs(calls: CallRecord[], operation: string): number {
  const at = calls.filter((c) => c.operation === operation).map((c) => c.at);
  const gaps = at
    .slice(1)
    .map((t, i) => t - at[i])
    .filter((g) => g >= POLL_MS && g < 2 * POLL_MS);
  return median(gaps) - POLL_MS;
}

/** Real ms as "1234 ms" plus what it represents on AWS's clock. */
export function fmtMs(ms: number): string {
  return `${Math.round(ms)} ms (${((ms * TIME_SCALE) / 1000).toFixed(1)} s sim, ${(ms / POLL_MS).toFixed(2)} poll)`;
}

export interface Budget {
  bench: string;
  figure: string;
  budget: string;
  measured: string;
  /** undefined: informative, no pass/fail. */
  ok?: boolean;
}

/** Filled by the benches, printed by run.ts once every bench has run. */
export const budgets: Budget[] = [];

export function budget(b: Budget): void {
  budgets.push(b);
}

export function note(message: string): void {
  console.log(message);
}
