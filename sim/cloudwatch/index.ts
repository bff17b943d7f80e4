/**
 * CloudWatch: a metric store, metric and composite alarms, tags. Errors are thrown
 * with their query-protocol codes (InvalidParameterValue, ResourceNotFound…); the
 * platform maps them onto the JSON protocol's exception names.
 */
import { ApiError, type AlarmStates, type Handler, type MetricsSink, type ServiceModel, type SimClock } from '../types.js';
import { list, optBoolean, optNumber, timestampMs } from '../util.js';
import {
  COMPARISON_OPERATORS,
  TREAT_MISSING,
  evaluate,
  evaluationIntervalMs,
  reasonDataDate,
  setState,
  type MetricAlarm
} from './alarms.js';
import { MetricStore, STATISTICS, isStatistic, statistic, type MetricId } from './metrics.js';
import { evaluateRule, parseRule, referencedAlarms, type AlarmState, type RuleNode } from './rule.js';

export interface CloudWatchDeps {
  clock: SimClock;
  region: string;
  accountId: string;
  /**
   * How long after the end of the minute an AWS-published datapoint (ECS, the load balancer) covers
   * it becomes readable and alarms see it: `delayMs` is drawn once per namespace and minute, so one
   * service's metrics for a minute arrive together; `maxMs` bounds it. Absent: at once.
   */
  ingestion?: { delayMs: () => number; maxMs: number };
}

/**
 * The ingestion delay of AWS-published metrics when the world is not told otherwise: 60–120 s
 * after the end of the minute they cover (CloudWatch shows ALB and ECS minutes 1–3 minutes late).
 */
export const DEFAULT_INGESTION_DELAY_MS = { min: 60_000, max: 120_000 };

interface CompositeAlarm {
  name: string;
  arn: string;
  description?: string;
  rule: string;
  parsed: RuleNode;
  actionsEnabled: boolean;
  alarmActions: string[];
  okActions: string[];
  insufficientDataActions: string[];
  state: AlarmState;
  stateReason: string;
  stateReasonData?: string;
  stateUpdated: number;
  stateTransitioned: number;
  configUpdated: number;
}

export interface CloudWatchModel extends ServiceModel {
  readonly metrics: MetricsSink;
  readonly alarms: AlarmStates;
  readonly store: MetricStore;
}

const STATES: AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

function validation(message: string): ApiError {
  return new ApiError('ValidationError', message);
}

function required(value: unknown, member: string): void {
  if (value === undefined || value === null || value === '') {
    throw validation(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
}

function dimensionsOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of list<Record<string, string>>(raw)) out[String(d.Name)] = String(d.Value);
  return out;
}

function dimensionList(dims: Record<string, string>): { Name: string; Value: string }[] {
  return Object.entries(dims).map(([Name, Value]) => ({ Name, Value }));
}

/** MaxRecords: 1–100, 50 when absent (the API reference); checked server-side as CloudWatch does. */
function maxRecords(value: unknown): number {
  const n = optNumber(value, 'maxRecords');
  if (n === undefined) return 50;
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    const bound = n < 1 ? 'greater than or equal to 1' : 'less than or equal to 100';
    throw validation(
      `1 validation error detected: Value '${String(value)}' at 'maxRecords' failed to satisfy constraint: Member must have value ${bound}`
    );
  }
  return n;
}

const TOKEN_PREFIX = 'sim-alarms-v1:';

/** An opaque token naming the last alarm of a page (kind and name), so deleting an alarm between pages skips nothing. */
function alarmToken(last: { name: string; composite: boolean }): string {
  return Buffer.from(`${TOKEN_PREFIX}${last.composite ? 'C' : 'M'}:${last.name}`, 'utf8').toString('base64');
}

/** Where the page after a token starts; a token this sim did not issue is InvalidNextToken. */
function resumeAt(sorted: { name: string; composite: boolean }[], token: string): number {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';
  const m = decoded.startsWith(TOKEN_PREFIX) ? /^([CM]):(.+)$/s.exec(decoded.slice(TOKEN_PREFIX.length)) : null;
  if (!m) throw new ApiError('InvalidNextToken', 'The next token specified is invalid.');
  const composite = m[1] === 'C';
  const name = m[2];
  const after = sorted.findIndex((a) => a.name > name || (a.name === name && Number(a.composite) > Number(composite)));
  return after === -1 ? sorted.length : after;
}

function validPeriod(period: number): boolean {
  return [1, 5, 10, 20, 30].includes(period) || (period >= 60 && period % 60 === 0);
}

export function createCloudWatch(deps: CloudWatchDeps): CloudWatchModel {
  const store = new MetricStore();
  const metricAlarms = new Map<string, MetricAlarm>();
  const compositeAlarms = new Map<string, CompositeAlarm>();
  const tags = new Map<string, Record<string, string>>();
  const alarmArn = (name: string): string => `arn:aws:cloudwatch:${deps.region}:${deps.accountId}:alarm:${name}`;
  let lastPrune = deps.clock.now();

  const stateOf = (name: string): AlarmState | undefined => metricAlarms.get(name)?.state ?? compositeAlarms.get(name)?.state;

  const setTags = (arn: string, raw: unknown): void => {
    const list_ = list<Record<string, string>>(raw);
    if (!list_.length) return;
    const current = tags.get(arn) ?? {};
    for (const t of list_) {
      required(t.Key, 'tags.member.key');
      current[t.Key] = String(t.Value ?? '');
    }
    tags.set(arn, current);
  };

  const renderMetricAlarm = (a: MetricAlarm): Record<string, unknown> => ({
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmDescription: a.description,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdated),
    ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: a.insufficientDataActions,
    StateValue: a.state,
    StateReason: a.stateReason,
    StateReasonData: a.stateReasonData,
    StateUpdatedTimestamp: new Date(a.stateUpdated),
    ...(a.metrics
      ? { Metrics: a.metrics }
      : {
          MetricName: a.metric.metricName,
          Namespace: a.metric.namespace,
          ...(a.extended ? { ExtendedStatistic: a.stat } : { Statistic: a.stat }),
          Dimensions: dimensionList(a.metric.dimensions),
          Period: a.periodSeconds,
          Unit: a.unit
        }),
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    TreatMissingData: a.treatMissingData,
    EvaluateLowSampleCountPercentile: a.evaluateLowSampleCountPercentile,
    StateTransitionedTimestamp: new Date(a.stateTransitioned)
  });

  const renderComposite = (a: CompositeAlarm): Record<string, unknown> => ({
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmDescription: a.description,
    AlarmRule: a.rule,
    ActionsEnabled: a.actionsEnabled,
    AlarmActions: a.alarmActions,
    OKActions: a.okActions,
    InsufficientDataActions: a.insufficientDataActions,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdated),
    StateValue: a.state,
    StateReason: a.stateReason,
    StateReasonData: a.stateReasonData,
    StateUpdatedTimestamp: new Date(a.stateUpdated),
    StateTransitionedTimestamp: new Date(a.stateTransitioned)
  });

  /** The metric, statistic and period an alarm watches: either the classic members or a Metrics list with one returned MetricStat. */
  const alarmTarget = (
    input: Record<string, any>
  ): { metric: MetricId; stat: string; extended: boolean; period: number; unit?: string; metrics?: Record<string, unknown>[] } => {
    const metrics = list<Record<string, any>>(input.Metrics);
    if (metrics.length) {
      if (input.MetricName || input.Namespace || input.Statistic || input.ExtendedStatistic || input.Period) {
        throw new ApiError(
          'InvalidParameterCombination',
          'The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions and Period cannot be specified with Metrics.'
        );
      }
      const returned = metrics.filter((q) => q.ReturnData === undefined || optBoolean(q.ReturnData) === true);
      if (returned.length !== 1) throw validation('Exactly one element of the metrics list should return data.');
      const q = returned[0];
      if (!q.MetricStat) throw validation('The local ECS supports alarms on one MetricStat only, not metric math expressions.');
      const ms = q.MetricStat as Record<string, any>;
      const period = optNumber(ms.Period, 'metrics.member.metricStat.period') ?? 0;
      if (!validPeriod(period)) throw new ApiError('InvalidParameterValue', 'The parameter Period must be 10, 20, 30 or a multiple of 60.');
      if (!isStatistic(String(ms.Stat ?? '')))
        throw new ApiError('InvalidParameterValue', `The value ${ms.Stat} for parameter Stat is not supported.`);
      return {
        metric: {
          namespace: String(ms.Metric?.Namespace ?? ''),
          metricName: String(ms.Metric?.MetricName ?? ''),
          dimensions: dimensionsOf(ms.Metric?.Dimensions)
        },
        stat: String(ms.Stat),
        extended: !(STATISTICS as readonly string[]).includes(String(ms.Stat)),
        period,
        unit: ms.Unit,
        metrics
      };
    }
    required(input.MetricName, 'metricName');
    required(input.Namespace, 'namespace');
    if (Boolean(input.Statistic) === Boolean(input.ExtendedStatistic)) {
      throw new ApiError('InvalidParameterCombination', 'Exactly one of the Statistic and ExtendedStatistic parameters must be specified.');
    }
    if (input.Statistic && !(STATISTICS as readonly string[]).includes(String(input.Statistic))) {
      throw validation(
        `1 validation error detected: Value '${input.Statistic}' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [${STATISTICS.join(', ')}]`
      );
    }
    if (input.ExtendedStatistic && !isStatistic(String(input.ExtendedStatistic))) {
      throw new ApiError('InvalidParameterValue', `The value ${input.ExtendedStatistic} for parameter ExtendedStatistic is not supported.`);
    }
    required(input.Period, 'period');
    const period = optNumber(input.Period, 'period') ?? 0;
    if (!validPeriod(period)) throw new ApiError('InvalidParameterValue', 'The parameter Period must be 10, 20, 30 or a multiple of 60.');
    return {
      metric: { namespace: String(input.Namespace), metricName: String(input.MetricName), dimensions: dimensionsOf(input.Dimensions) },
      stat: String(input.Statistic ?? input.ExtendedStatistic),
      extended: !input.Statistic,
      period,
      unit: input.Unit
    };
  };

  const putDatum = (namespace: string, d: Record<string, any>, now: number): void => {
    required(d.MetricName, 'metricData.member.metricName');
    const t = timestampMs(d.Timestamp, 'metricData.member.timestamp', 'InvalidParameterValue') ?? now;
    const id: MetricId = { namespace, metricName: String(d.MetricName), dimensions: dimensionsOf(d.Dimensions) };
    const unit = d.Unit ? String(d.Unit) : undefined;
    const values = list<unknown>(d.Values).map(Number);
    if (d.StatisticValues) {
      const s = d.StatisticValues as Record<string, unknown>;
      const count = Number(s.SampleCount);
      store.put(id, { t, sum: Number(s.Sum), count, min: Number(s.Minimum), max: Number(s.Maximum), values: [], unit });
    } else if (values.length) {
      const counts = list<unknown>(d.Counts).map(Number);
      values.forEach((v, i) => {
        const c = counts[i] ?? 1;
        store.put(id, { t, sum: v * c, count: c, min: v, max: v, values: Array.from({ length: Math.min(c, 1000) }, () => v), unit });
      });
    } else {
      const v = optNumber(d.Value, 'metricData.member.value', 'InvalidParameterValue');
      if (v === undefined)
        throw new ApiError(
          'InvalidParameterCombination',
          'The parameters MetricData.member.Value, MetricData.member.Values and MetricData.member.StatisticValues are mutually exclusive and one of them must be specified.'
        );
      store.put(id, { t, sum: v, count: 1, min: v, max: v, values: [v], unit });
    }
  };

  const handlers: Record<string, Handler> = {
    PutMetricAlarm: (input) => {
      required(input.AlarmName, 'alarmName');
      const name = String(input.AlarmName);
      if (name.length > 255)
        throw validation(
          `1 validation error detected: Value '${name}' at 'alarmName' failed to satisfy constraint: Member must have length less than or equal to 255`
        );
      required(input.EvaluationPeriods, 'evaluationPeriods');
      required(input.ComparisonOperator, 'comparisonOperator');
      const op = String(input.ComparisonOperator);
      if (!COMPARISON_OPERATORS.includes(op)) {
        throw validation(
          `1 validation error detected: Value '${op}' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [${COMPARISON_OPERATORS.join(', ')}]`
        );
      }
      const target = alarmTarget(input);
      const evaluationPeriods = optNumber(input.EvaluationPeriods, 'evaluationPeriods') ?? 0;
      if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
        throw validation(
          `1 validation error detected: Value '${evaluationPeriods}' at 'evaluationPeriods' failed to satisfy constraint: Member must have value greater than or equal to 1`
        );
      }
      const datapointsToAlarm = optNumber(input.DatapointsToAlarm, 'datapointsToAlarm');
      if (datapointsToAlarm !== undefined && (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)) {
        throw validation('DatapointsToAlarm must be greater than 0 and less than or equal to EvaluationPeriods.');
      }
      if (target.period * evaluationPeriods > 7 * 86400) {
        throw validation('The evaluation period (EvaluationPeriods multiplied by Period) must not exceed 7 days.');
      }
      if (input.ThresholdMetricId) throw validation('The local ECS does not support anomaly detection alarms (ThresholdMetricId).');
      required(input.Threshold, 'threshold');
      const threshold = optNumber(input.Threshold, 'threshold') ?? 0;
      const treat = input.TreatMissingData ? String(input.TreatMissingData) : undefined;
      if (treat !== undefined && !TREAT_MISSING.includes(treat)) {
        throw validation(`The value ${treat} for parameter TreatMissingData is not supported. Valid values: ${TREAT_MISSING.join(', ')}`);
      }
      if (compositeAlarms.has(name)) throw validation(`An alarm named ${name} already exists as a composite alarm.`);
      const now = deps.clock.now();
      const existing = metricAlarms.get(name);
      const alarm: MetricAlarm = {
        name,
        arn: alarmArn(name),
        description: input.AlarmDescription,
        actionsEnabled: optBoolean(input.ActionsEnabled) ?? true,
        okActions: list(input.OKActions),
        alarmActions: list(input.AlarmActions),
        insufficientDataActions: list(input.InsufficientDataActions),
        metric: target.metric,
        stat: target.stat,
        extended: target.extended,
        periodSeconds: target.period,
        unit: target.unit,
        evaluationPeriods,
        datapointsToAlarm,
        threshold,
        comparisonOperator: op,
        treatMissingData: treat,
        evaluateLowSampleCountPercentile: input.EvaluateLowSampleCountPercentile,
        metrics: target.metrics,
        // An update keeps the alarm's state; only the configuration is replaced.
        state: existing?.state ?? 'INSUFFICIENT_DATA',
        stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
        stateReasonData: existing?.stateReasonData,
        stateUpdated: existing?.stateUpdated ?? now,
        stateTransitioned: existing?.stateTransitioned ?? now,
        configUpdated: now,
        lastBoundary: Math.floor(now / evaluationIntervalMs(target.period)) * evaluationIntervalMs(target.period)
      };
      metricAlarms.set(name, alarm);
      setTags(alarm.arn, input.Tags);
      return {};
    },

    PutCompositeAlarm: (input) => {
      required(input.AlarmName, 'alarmName');
      required(input.AlarmRule, 'alarmRule');
      const name = String(input.AlarmName);
      if (metricAlarms.has(name)) throw validation(`An alarm named ${name} already exists as a metric alarm.`);
      let parsed: RuleNode;
      try {
        parsed = parseRule(String(input.AlarmRule));
      } catch (error) {
        throw validation(error instanceof Error ? error.message : String(error));
      }
      const missing = referencedAlarms(parsed).filter((a) => stateOf(a) === undefined && a !== name);
      if (missing.length) throw validation(`Error in alarm rule: alarm(s) ${missing.map((m) => `'${m}'`).join(', ')} do not exist.`);
      const now = deps.clock.now();
      const existing = compositeAlarms.get(name);
      const alarm: CompositeAlarm = {
        name,
        arn: alarmArn(name),
        description: input.AlarmDescription,
        rule: String(input.AlarmRule),
        parsed,
        actionsEnabled: optBoolean(input.ActionsEnabled) ?? true,
        alarmActions: list(input.AlarmActions),
        okActions: list(input.OKActions),
        insufficientDataActions: list(input.InsufficientDataActions),
        state: existing?.state ?? 'INSUFFICIENT_DATA',
        stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
        stateReasonData: existing?.stateReasonData,
        stateUpdated: existing?.stateUpdated ?? now,
        stateTransitioned: existing?.stateTransitioned ?? now,
        configUpdated: now
      };
      compositeAlarms.set(name, alarm);
      setTags(alarm.arn, input.Tags);
      evaluateComposites(now);
      return {};
    },

    DescribeAlarms: (input) => {
      const names = list<string>(input.AlarmNames);
      if (names.length && input.AlarmNamePrefix) {
        throw new ApiError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together.');
      }
      if (names.length > 100)
        throw validation(
          "1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100"
        );
      const stateValue = input.StateValue ? String(input.StateValue) : undefined;
      if (stateValue && !STATES.includes(stateValue as AlarmState)) {
        throw validation(
          `1 validation error detected: Value '${stateValue}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [${STATES.join(', ')}]`
        );
      }
      const types = list<string>(input.AlarmTypes);
      const wantMetric = !types.length || types.includes('MetricAlarm');
      const wantComposite = types.includes('CompositeAlarm');
      const keep = (a: { name: string; state: AlarmState; alarmActions: string[] }): boolean =>
        (!names.length || names.includes(a.name)) &&
        (!input.AlarmNamePrefix || a.name.startsWith(String(input.AlarmNamePrefix))) &&
        (!stateValue || a.state === stateValue) &&
        (!input.ActionPrefix || a.alarmActions.some((x) => x.startsWith(String(input.ActionPrefix))));
      const pageSize = maxRecords(input.MaxRecords);
      // One name-ordered sequence across both kinds, as CloudWatch pages them together: a page
      // of 50 may hold 30 metric and 20 composite alarms, and the token resumes after the last name.
      const matching = [
        ...(wantMetric
          ? [...metricAlarms.values()].filter(keep).map((a) => ({ name: a.name, render: () => renderMetricAlarm(a), composite: false }))
          : []),
        ...(wantComposite
          ? [...compositeAlarms.values()].filter(keep).map((a) => ({ name: a.name, render: () => renderComposite(a), composite: true }))
          : [])
      ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : Number(a.composite) - Number(b.composite)));
      const start =
        input.NextToken === undefined || input.NextToken === null || input.NextToken === ''
          ? 0
          : resumeAt(matching, String(input.NextToken));
      const page = matching.slice(start, start + pageSize);
      const more = start + pageSize < matching.length;
      return {
        MetricAlarms: wantMetric ? page.filter((a) => !a.composite).map((a) => a.render()) : [],
        CompositeAlarms: wantComposite ? page.filter((a) => a.composite).map((a) => a.render()) : [],
        ...(more ? { NextToken: alarmToken(page.at(-1)!) } : {})
      };
    },

    DeleteAlarms: (input) => {
      const names = list<string>(input.AlarmNames);
      if (names.length > 100) throw validation('You can delete up to 100 alarms in one operation.');
      // Unknown names are skipped, as CloudWatch does ("the alarms you specify with correct names are still deleted").
      for (const n of names) {
        for (const store_ of [metricAlarms, compositeAlarms] as Map<string, { arn: string }>[]) {
          const a = store_.get(n);
          if (a) {
            tags.delete(a.arn);
            store_.delete(n);
          }
        }
      }
      return {};
    },

    SetAlarmState: (input) => {
      required(input.AlarmName, 'alarmName');
      required(input.StateValue, 'stateValue');
      required(input.StateReason, 'stateReason');
      const value = String(input.StateValue) as AlarmState;
      if (!STATES.includes(value)) {
        throw validation(
          `1 validation error detected: Value '${value}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [${STATES.join(', ')}]`
        );
      }
      if (input.StateReasonData !== undefined) {
        try {
          JSON.parse(String(input.StateReasonData));
        } catch {
          throw new ApiError('InvalidFormat', 'StateReasonData is not valid JSON');
        }
      }
      const name = String(input.AlarmName);
      const alarm = metricAlarms.get(name) ?? compositeAlarms.get(name);
      if (!alarm) throw new ApiError('ResourceNotFound', `Alarm ${name} not found`);
      const now = deps.clock.now();
      // Holds until the next evaluation recomputes the state from the data.
      if ('metric' in alarm) setState(alarm, value, String(input.StateReason), input.StateReasonData, now);
      else {
        if (alarm.state !== value) alarm.stateTransitioned = now;
        Object.assign(alarm, {
          state: value,
          stateReason: String(input.StateReason),
          stateReasonData: input.StateReasonData,
          stateUpdated: now
        });
      }
      evaluateComposites(now);
      return {};
    },

    PutMetricData: (input) => {
      required(input.Namespace, 'namespace');
      const namespace = String(input.Namespace);
      if (namespace.startsWith('AWS/')) throw new ApiError('InvalidParameterValue', 'The value AWS/ for parameter Namespace is invalid.');
      const data = list<Record<string, any>>(input.MetricData);
      if (!data.length)
        throw validation("1 validation error detected: Value null at 'metricData' failed to satisfy constraint: Member must not be null");
      const now = deps.clock.now();
      for (const d of data) putDatum(namespace, d, now);
      return {};
    },

    ListMetrics: (input) => {
      const dims = list<Record<string, string>>(input.Dimensions);
      const metrics = store
        .list(deps.clock.now())
        .filter(
          (m) =>
            (!input.Namespace || m.namespace === input.Namespace) &&
            (!input.MetricName || m.metricName === input.MetricName) &&
            dims.every((d) => (d.Value === undefined ? d.Name in m.dimensions : m.dimensions[d.Name] === d.Value))
        )
        .map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: dimensionList(m.dimensions) }));
      return { Metrics: metrics };
    },

    GetMetricStatistics: (input) => {
      required(input.Namespace, 'namespace');
      required(input.MetricName, 'metricName');
      const from = timestampMs(input.StartTime, 'startTime', 'InvalidParameterValue');
      const to = timestampMs(input.EndTime, 'endTime', 'InvalidParameterValue');
      if (from === undefined) required(undefined, 'startTime');
      if (to === undefined) required(undefined, 'endTime');
      const period = optNumber(input.Period, 'period') ?? 0;
      if (!(period >= 1)) required(undefined, 'period');
      const stats = list<string>(input.Statistics);
      const extended = list<string>(input.ExtendedStatistics);
      if (!stats.length && !extended.length)
        throw new ApiError('MissingParameter', 'Must specify either Statistics or ExtendedStatistics.');
      if (from! >= to!) throw new ApiError('InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.');
      const id: MetricId = {
        namespace: String(input.Namespace),
        metricName: String(input.MetricName),
        dimensions: dimensionsOf(input.Dimensions)
      };
      const buckets = store.buckets(id, from!, to!, period * 1000, input.Unit, deps.clock.now());
      const datapoints = [...buckets.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([t, agg]) => {
          const dp: Record<string, unknown> = { Timestamp: new Date(t), Unit: agg.unit ?? input.Unit ?? 'None' };
          for (const s of stats) dp[s] = statistic(agg, s);
          if (extended.length) dp.ExtendedStatistics = Object.fromEntries(extended.map((s) => [s, statistic(agg, s)]));
          return dp;
        });
      return { Label: String(input.MetricName), Datapoints: datapoints };
    },

    GetMetricData: (input) => {
      const from = timestampMs(input.StartTime, 'startTime', 'InvalidParameterValue');
      const to = timestampMs(input.EndTime, 'endTime', 'InvalidParameterValue');
      if (from === undefined) required(undefined, 'startTime');
      if (to === undefined) required(undefined, 'endTime');
      const queries = list<Record<string, any>>(input.MetricDataQueries);
      if (!queries.length) required(undefined, 'metricDataQueries');
      const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
      const asOf = deps.clock.now();
      const results = queries
        .filter((q) => q.ReturnData === undefined || optBoolean(q.ReturnData) !== false)
        .map((q) => {
          if (!q.MetricStat) throw validation(`The local ECS supports MetricStat queries only, not expressions (query ${q.Id}).`);
          const ms = q.MetricStat as Record<string, any>;
          const period = optNumber(ms.Period, 'metricStat.period') ?? 60;
          const id: MetricId = {
            namespace: String(ms.Metric?.Namespace ?? ''),
            metricName: String(ms.Metric?.MetricName ?? ''),
            dimensions: dimensionsOf(ms.Metric?.Dimensions)
          };
          const rows = [...store.buckets(id, from!, to!, period * 1000, ms.Unit, asOf).entries()]
            .map(([t, agg]) => [t, statistic(agg, String(ms.Stat))] as const)
            .filter((r): r is readonly [number, number] => r[1] !== undefined)
            .sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
          return {
            Id: q.Id,
            Label: q.Label ?? id.metricName,
            Timestamps: rows.map((r) => new Date(r[0])),
            Values: rows.map((r) => r[1]),
            StatusCode: 'Complete'
          };
        });
      return { MetricDataResults: results, Messages: [] };
    },

    TagResource: (input) => {
      required(input.ResourceARN, 'resourceARN');
      const arn = String(input.ResourceARN);
      const name = arn.split(':alarm:')[1];
      if (!name || stateOf(name) === undefined) throw new ApiError('ResourceNotFoundException', `Resource ${arn} not found`, 404);
      setTags(arn, input.Tags);
      return {};
    },

    UntagResource: (input) => {
      const arn = String(input.ResourceARN ?? '');
      const name = arn.split(':alarm:')[1];
      if (!name || stateOf(name) === undefined) throw new ApiError('ResourceNotFoundException', `Resource ${arn} not found`, 404);
      const current = tags.get(arn) ?? {};
      for (const k of list<string>(input.TagKeys)) delete current[k];
      tags.set(arn, current);
      return {};
    },

    ListTagsForResource: (input) => {
      const arn = String(input.ResourceARN ?? '');
      const name = arn.split(':alarm:')[1];
      if (!name || stateOf(name) === undefined) throw new ApiError('ResourceNotFoundException', `Resource ${arn} not found`, 404);
      return { Tags: Object.entries(tags.get(arn) ?? {}).map(([Key, Value]) => ({ Key, Value })) };
    }
  };

  function evaluateComposites(now: number): void {
    // Composites can depend on composites: settle in a few passes.
    for (let pass = 0; pass < 5; pass++) {
      let changed = false;
      for (const c of compositeAlarms.values()) {
        const next: AlarmState = evaluateRule(c.parsed, stateOf) ? 'ALARM' : 'OK';
        if (next === c.state) continue;
        const triggering = referencedAlarms(c.parsed)
          .map((n) => metricAlarms.get(n) ?? compositeAlarms.get(n))
          .filter((a): a is MetricAlarm | CompositeAlarm => a !== undefined)
          .sort((a, b) => b.stateUpdated - a.stateUpdated)[0];
        c.state = next;
        c.stateReason = triggering
          ? `${triggering.arn} transitioned to ${triggering.state} at ${new Date(triggering.stateUpdated).toUTCString()}`
          : `Alarm rule evaluated to ${next === 'ALARM' ? 'TRUE' : 'FALSE'}`;
        c.stateReasonData = JSON.stringify({
          triggeringAlarms: triggering
            ? [{ arn: triggering.arn, state: { value: triggering.state, timestamp: reasonDataDate(triggering.stateUpdated) } }]
            : []
        });
        c.stateUpdated = now;
        c.stateTransitioned = now;
        changed = true;
      }
      if (!changed) return;
    }
  }

  // One delay per namespace and minute: a service's batch for a minute lands in one piece.
  const batchDelays = new Map<string, number>();
  const visibleAt = (namespace: string, timestamp: number): number | undefined => {
    if (!deps.ingestion) return undefined;
    const key = `${namespace}|${timestamp}`;
    let delay = batchDelays.get(key);
    if (delay === undefined) {
      if (batchDelays.size > 10_000) batchDelays.clear();
      batchDelays.set(key, (delay = deps.ingestion.delayMs()));
    }
    // From the end of the minute the datapoint covers, not the clock: a jump of the clock publishes
    // many minutes in one go, each as late as it would have been.
    return timestamp + 60_000 + delay;
  };

  return {
    handlers,
    store,
    metrics: {
      put: (d) =>
        store.put(
          { namespace: d.namespace, metricName: d.metricName, dimensions: { ...d.dimensions } },
          {
            t: d.timestamp,
            sum: d.value,
            count: 1,
            min: d.value,
            max: d.value,
            values: [d.value],
            unit: d.unit,
            visibleAt: visibleAt(d.namespace, d.timestamp)
          }
        )
    },
    alarms: { state: stateOf },
    tick(now) {
      for (const a of metricAlarms.values()) {
        const every = evaluationIntervalMs(a.periodSeconds);
        const at = Math.floor(now / every) * every;
        if (at <= a.lastBoundary) continue;
        a.lastBoundary = at;
        evaluate(a, store, at, now, deps.ingestion?.maxMs);
      }
      evaluateComposites(now);
      if (now - lastPrune > 3600_000) {
        store.prune(now);
        lastPrune = now;
      }
    },
    snapshot: () => ({
      metricAlarms: [...metricAlarms.values()].map((a) => ({
        name: a.name,
        state: a.state,
        reason: a.stateReason,
        updated: new Date(a.stateUpdated).toISOString()
      })),
      compositeAlarms: [...compositeAlarms.values()].map((a) => ({ name: a.name, rule: a.rule, state: a.state })),
      metrics: store.list().length
    })
  };
}
