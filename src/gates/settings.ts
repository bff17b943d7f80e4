/**
 * Gate inputs for both strategies, read and validated once, before anything changes.
 */
import type { DeploymentAlarms } from '@aws-sdk/client-ecs';
import { InputError, InputProblems } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { durationMs } from '../duration.js';
import type { MetricGateSettings, ResponseTimeStat } from './metrics-analysis.js';

/**
 * How an alarm that is already in ALARM when the deployment starts is treated.
 * - `transitions` (default): it is reported up front, and fails the deployment only if it
 *   transitions into ALARM again after the start (its StateUpdatedTimestamp moves past the
 *   value AWS returned at the start). A hotfix for the very thing it watches can ship, and
 *   a release that makes it flap (OK → ALARM) still rolls back.
 * - `strict`: any ALARM fails, including one already firing at the start.
 */
export type AlarmMode = 'transitions' | 'strict';
export const ALARM_MODES: readonly AlarmMode[] = ['transitions', 'strict'];

export type OnInconclusive = 'fail' | 'pass';

export interface InconclusivePolicy {
  /** Consecutive inconclusive checks held before deciding. */
  limit: number;
  /** What a gate that stays inconclusive past the limit becomes. */
  decide: OnInconclusive;
}

export interface TemporaryAlarmSettings {
  /** Percent; undefined: no temporary alarm for this metric. */
  cpuThreshold?: number;
  memoryThreshold?: number;
  /** Seconds: 10, 30 or a multiple of 60. */
  period: number;
  evaluationPeriods: number;
  datapoints: number;
}

export interface GateSettings {
  /** Names of existing metric or composite alarms to watch. */
  alarms: string[];
  temporary: TemporaryAlarmSettings;
  mode: AlarmMode;
  /** Rolling: also hand `alarms` to ECS's deploymentConfiguration.alarms. */
  ecsAlarmRollback: boolean;
  inconclusive: InconclusivePolicy;
  /** Built-in traffic gates on the ALB metrics; undefined when neither threshold is given. */
  metrics?: MetricGateSettings;
}

export const DEFAULT_MIN_REQUESTS = 50;

/** CloudWatch's own limit: EvaluationPeriods × Period may not exceed one day. */
const MAX_EVALUATION_SECONDS = 86_400;

export function readGateSettings(inputs: Inputs): GateSettings {
  const problems = new InputProblems();
  const read = <T>(fn: () => T, fallback: T): T => problems.read(fn, fallback);

  const alarms = read(() => alarmNames(inputs), []);
  const percent = (name: string): number | undefined => {
    const v = inputs.string(name);
    if (v === undefined) return undefined;
    const n = Number(v.replace(/%$/, ''));
    if (!Number.isFinite(n) || n < 1 || n > 100) {
      throw new InputError(`${inputs.label(name)} is "${v}"`, {}, 'use a percentage from 1 to 100, e.g. 80');
    }
    return n;
  };
  const cpuThreshold = read(() => percent('cpu-alarm-threshold'), undefined);
  const memoryThreshold = read(() => percent('memory-alarm-threshold'), undefined);
  const period = read(() => alarmPeriod(inputs), 60);
  const evaluationPeriods = read(() => inputs.int('alarm-evaluation-periods', { min: 1, max: 8640 }) ?? 1, 1);
  const datapoints = read(() => inputs.int('alarm-datapoints', { min: 1, max: 8640 }) ?? evaluationPeriods, evaluationPeriods);
  if (datapoints > evaluationPeriods) {
    problems.add(
      new InputError(
        `${inputs.label('alarm-datapoints')} is ${datapoints}, more than ${inputs.label('alarm-evaluation-periods')} (${evaluationPeriods})`,
        {},
        `use at most ${evaluationPeriods}, or raise the evaluation periods`
      )
    );
  }
  if (period * evaluationPeriods > MAX_EVALUATION_SECONDS) {
    problems.add(
      new InputError(
        `${inputs.label('alarm-period')} × ${inputs.label('alarm-evaluation-periods')} is ${period * evaluationPeriods} s`,
        {},
        'CloudWatch evaluates at most one day (86400 s): use fewer or shorter periods'
      )
    );
  }
  const mode = read(() => inputs.oneOf('alarm-mode', ALARM_MODES, 'transitions'), 'transitions');
  const ecsAlarmRollback = read(() => inputs.bool('ecs-alarm-rollback', false), false);
  if (ecsAlarmRollback && alarms.length === 0) {
    problems.add(
      new InputError(
        `${inputs.label('ecs-alarm-rollback')} is true but ${inputs.label('alarms')} names no alarm`,
        {},
        `list the alarms ECS should watch in ${inputs.label('alarms')} (temporary alarms are deleted after the step, so ECS cannot use them)`
      )
    );
  }
  const limit = read(() => inputs.int('inconclusive-limit', { min: 1, max: 1000 }) ?? 10, 10);
  const decide = read(() => inputs.oneOf<OnInconclusive>('on-inconclusive', ['fail', 'pass'], 'fail'), 'fail');

  const metrics = read(() => metricSettings(inputs), undefined);

  problems.throwIfAny();
  return {
    ...(metrics ? { metrics } : {}),
    alarms,
    temporary: {
      ...(cpuThreshold !== undefined ? { cpuThreshold } : {}),
      ...(memoryThreshold !== undefined ? { memoryThreshold } : {}),
      period,
      evaluationPeriods,
      datapoints
    },
    mode,
    ecsAlarmRollback,
    inconclusive: { limit, decide }
  };
}

function alarmNames(inputs: Inputs): string[] {
  const names = [...new Set(inputs.list('alarms'))];
  const tooLong = names.find((n) => n.length > 255);
  if (tooLong)
    throw new InputError(
      `${inputs.label('alarms')} has a name of ${tooLong.length} characters`,
      {},
      'alarm names are at most 255 characters'
    );
  return names;
}

/**
 * CloudWatch accepts 10, 30 or a multiple of 60. ECS publishes its service metrics once a
 * minute, so on real AWS a 10 s or 30 s period mostly sees no data (INSUFFICIENT_DATA);
 * short periods are for the local ECS and its compressed clock.
 */
function alarmPeriod(inputs: Inputs): number {
  const v = inputs.int('alarm-period', { min: 1, max: 86_400 }) ?? 60;
  if (v === 10 || v === 30 || v % 60 === 0) return v;
  throw new InputError(
    `${inputs.label('alarm-period')} is ${v}`,
    {},
    'use 10, 30 or a multiple of 60 seconds (CloudWatch allows no other periods)'
  );
}

/**
 * Rolling with `ecs-alarm-rollback`: the named alarms for the service's
 * deploymentConfiguration.alarms, so ECS also rolls back when this step is not running.
 * Temporary alarms are never handed over: they are deleted when the step ends.
 */
export function ecsDeploymentAlarms(settings: GateSettings): DeploymentAlarms | undefined {
  if (!settings.ecsAlarmRollback || settings.alarms.length === 0) return undefined;
  return { alarmNames: [...settings.alarms], enable: true, rollback: true };
}

export function wantsTemporaryAlarms(settings: GateSettings): boolean {
  return settings.temporary.cpuThreshold !== undefined || settings.temporary.memoryThreshold !== undefined;
}

/** `max-error-rate`, `max-response-time`, `compare-to-baseline`, `min-requests`. */
function metricSettings(inputs: Inputs): MetricGateSettings | undefined {
  const problems = new InputProblems();
  const maxErrorRate = problems.read(() => errorRate(inputs), undefined);
  const maxResponseTime = problems.read(() => responseTime(inputs), undefined);
  const compareToBaseline = problems.read(() => inputs.bool('compare-to-baseline', false), false);
  const minRequests = problems.read(
    () => inputs.int('min-requests', { min: 1, max: 1_000_000_000 }) ?? DEFAULT_MIN_REQUESTS,
    DEFAULT_MIN_REQUESTS
  );
  problems.throwIfAny();
  const gated = maxErrorRate !== undefined || maxResponseTime !== undefined;
  if (!gated) {
    // Said rather than ignored: a user who set it believes traffic is being judged against the live colour.
    if (compareToBaseline) {
      throw new InputError(
        `${inputs.label('compare-to-baseline')} is true but no metric gate is set`,
        {},
        `set ${inputs.label('max-error-rate')} and/or ${inputs.label('max-response-time')}, or remove ${inputs.label('compare-to-baseline')}`
      );
    }
    return undefined;
  }
  return {
    ...(maxErrorRate !== undefined ? { maxErrorRate } : {}),
    ...(maxResponseTime ? { maxResponseTime } : {}),
    compareToBaseline,
    minRequests
  };
}

function errorRate(inputs: Inputs): number | undefined {
  const v = inputs.string('max-error-rate');
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*%?$/.exec(v);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(n) || n < 0 || n >= 100) {
    throw new InputError(
      `${inputs.label('max-error-rate')} is "${v}"`,
      {},
      'use a percentage of requests from 0 to below 100, e.g. 1% (0% fails on any 5xx)'
    );
  }
  return n;
}

function responseTime(inputs: Inputs): { stat: ResponseTimeStat; ms: number } | undefined {
  const v = inputs.string('max-response-time');
  if (v === undefined) return undefined;
  const fix = 'use a statistic and a duration, e.g. "p99 800ms", "p95 1s" or "avg 300ms" (percentiles p1 to p99.9)';
  const m = /^(\S+)\s+(\S+)$/.exec(v);
  if (!m) throw new InputError(`${inputs.label('max-response-time')} is "${v}"`, {}, fix);
  const word = m[1]!.toLowerCase();
  let stat: ResponseTimeStat | undefined;
  if (word === 'avg' || word === 'average') stat = 'Average';
  else {
    const p = /^p(\d{1,2}(?:\.\d{1,2})?)$/.exec(word);
    if (p && Number(p[1]) > 0 && Number(p[1]) < 100) stat = `p${p[1]}`;
  }
  if (!stat) throw new InputError(`${inputs.label('max-response-time')} has statistic "${m[1]}"`, {}, fix);
  // A unit is required: "p99 800" could mean 800 ms or 800 s.
  const ms = /[a-z]$/i.test(m[2]!) ? durationMs(m[2]!) : undefined;
  if (ms === undefined || ms <= 0 || ms > 3_600_000)
    throw new InputError(`${inputs.label('max-response-time')} has duration "${m[2]}"`, {}, fix);
  return { stat, ms };
}
