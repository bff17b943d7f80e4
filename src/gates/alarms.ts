/**
 * Alarm gates: the user's named alarms plus temporary CPU / memory alarms on the service
 * that runs the new revision. Temporary alarms are recorded in the state store before they
 * exist, so the post step can delete them whatever happened to the main step.
 */
import { createHash } from 'node:crypto';
import type { PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { Aws } from '../aws/clients.js';
import { InputError, InputErrors, errorMessage } from '../errors.js';
import type { Reporter } from '../events.js';
import type { StateStore } from '../deploy/types.js';
import { type AlarmBaseline, analyseAlarms, baselineOf, metricValue, observeAlarms } from './analysis.js';
import type { GateSettings, TemporaryAlarmSettings } from './settings.js';
import type { Gate } from './types.js';

export const TEMPORARY_ALARMS_STATE = 'temporary-alarms';
export const TEMPORARY_ALARM_PREFIX = 'ecs-rollout-';
export const MANAGED_TAG = 'ecs-rollout:managed';
export const DEPLOYMENT_TAG = 'ecs-rollout:deployment';

export interface AlarmContext {
  aws: Pick<Aws, 'cloudwatch'>;
  reporter: Reporter;
}

export interface AlarmStateContext extends AlarmContext {
  state: StateStore;
}

/**
 * Checks up front that every named alarm exists (a typo must fail before anything changes)
 * and returns each alarm's state at the start: the baseline for alarm-mode transitions.
 * Alarms already in ALARM are reported now, with what happens to them.
 */
export async function verifyAlarmsExist(
  names: readonly string[],
  ctx: AlarmContext,
  settings?: Pick<GateSettings, 'mode'>
): Promise<AlarmBaseline> {
  if (names.length === 0) return {};
  const { metricAlarms, compositeAlarms } = await ctx.aws.cloudwatch.describeAlarms([...names]);
  const observed = observeAlarms(metricAlarms, compositeAlarms);
  const found = new Set(observed.map((a) => a.name));
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    const errors = missing.map(
      (n) =>
        new InputError(
          `alarm "${n}" named in \`alarms\` does not exist in this account and region`,
          {},
          'check the name (alarm names are case-sensitive) and the region'
        )
    );
    throw errors.length === 1 ? errors[0]! : new InputErrors(errors);
  }
  const mode = settings?.mode ?? 'transitions';
  for (const a of observed.filter((o) => o.state === 'ALARM')) {
    const value = metricValue(a.reasonData);
    const consequence =
      mode === 'strict'
        ? 'alarm-mode strict: the deployment fails while it stays in ALARM'
        : 'alarm-mode transitions: it fails the deployment only if it goes into ALARM again after this point';
    ctx.reporter.warning(
      `alarm ${a.name} is already in ALARM: ${a.reason ?? 'no reason given'}${value ? ` (${value})` : ''}. ${consequence}`
    );
  }
  return baselineOf(observed);
}

/** The gate over every watched alarm: ONE DescribeAlarms per check, however many alarms. */
export function alarmGate(
  names: readonly string[],
  settings: Pick<GateSettings, 'mode'>,
  baseline: AlarmBaseline,
  ctx: AlarmContext,
  name = 'alarms'
): Gate {
  const watched = [...new Set(names)];
  return {
    name,
    check: async () => {
      if (watched.length === 0) return analyseAlarms([], [], baseline, settings.mode);
      const { metricAlarms, compositeAlarms } = await ctx.aws.cloudwatch.describeAlarms(watched);
      return analyseAlarms(watched, observeAlarms(metricAlarms, compositeAlarms), baseline, settings.mode);
    }
  };
}

export interface TemporaryAlarmTarget {
  /** Cluster name or ARN. */
  cluster: string;
  /** Service name or ARN: the one running the new revision (blue/green: the new colour's). */
  service: string;
  /** Identifies the deployment, e.g. the workflow run id and attempt. */
  deploymentTag: string;
}

/** `web` from `arn:aws:ecs:…:service/prod/web` or `web`: CloudWatch's dimensions want names. */
export function resourceName(nameOrArn: string): string {
  return nameOrArn.split('/').pop() ?? nameOrArn;
}

/** A short, name-safe id for the deployment: the tag itself when short and plain, else a hash of it. */
export function shortId(deploymentTag: string): string {
  const plain = deploymentTag.replace(/[^A-Za-z0-9._-]/g, '-');
  if (plain.length > 0 && plain.length <= 16 && plain === deploymentTag) return plain;
  return createHash('sha256').update(deploymentTag).digest('hex').slice(0, 10);
}

const METRICS = [
  { key: 'cpuThreshold', metric: 'CPUUtilization', suffix: 'cpu', what: 'CPU' },
  { key: 'memoryThreshold', metric: 'MemoryUtilization', suffix: 'memory', what: 'memory' }
] as const;

/**
 * What PutMetricAlarm receives for each temporary alarm (pure, for tests and the dry run).
 * No alarm actions: the gate reads the state; paging someone is not our call.
 */
export function temporaryAlarmInputs(target: TemporaryAlarmTarget, settings: TemporaryAlarmSettings): PutMetricAlarmCommandInput[] {
  const cluster = resourceName(target.cluster);
  const service = resourceName(target.service);
  const id = shortId(target.deploymentTag);
  const tagValue = target.deploymentTag.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-').slice(0, 256);
  const inputs: PutMetricAlarmCommandInput[] = [];
  for (const m of METRICS) {
    const threshold = settings[m.key];
    if (threshold === undefined) continue;
    inputs.push({
      AlarmName: `${TEMPORARY_ALARM_PREFIX}${cluster.slice(0, 80)}-${service.slice(0, 80)}-${m.suffix}-${id}`,
      AlarmDescription:
        `Temporary ${m.what} alarm created by ecs-rollout for deployment ${target.deploymentTag} of service ${service} in cluster ${cluster}; ` +
        'deleted when the deployment ends.',
      ActionsEnabled: false,
      Namespace: 'AWS/ECS',
      MetricName: m.metric,
      Dimensions: [
        { Name: 'ClusterName', Value: cluster },
        { Name: 'ServiceName', Value: service }
      ],
      Statistic: 'Average',
      Period: settings.period,
      EvaluationPeriods: settings.evaluationPeriods,
      DatapointsToAlarm: settings.datapoints,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      // Missing data keeps the alarm's state (INSUFFICIENT_DATA at first: inconclusive, held by the policy).
      TreatMissingData: 'missing',
      Tags: [
        { Key: MANAGED_TAG, Value: 'true' },
        { Key: DEPLOYMENT_TAG, Value: tagValue }
      ]
    });
  }
  return inputs;
}

function savedNames(state: StateStore): string[] {
  const v = state.load<unknown>(TEMPORARY_ALARMS_STATE);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Creates the temporary alarms and returns their names. The names are saved in the state
 * store before the first PutMetricAlarm, so a crash at any point leaves the post step
 * enough to delete them; if creating one fails, the ones created are deleted again.
 */
export async function createTemporaryAlarms(
  target: TemporaryAlarmTarget,
  settings: TemporaryAlarmSettings,
  ctx: AlarmStateContext
): Promise<string[]> {
  const inputs = temporaryAlarmInputs(target, settings);
  const names = inputs.map((i) => i.AlarmName!);
  if (names.length === 0) return [];
  ctx.state.save(TEMPORARY_ALARMS_STATE, [...new Set([...savedNames(ctx.state), ...names])]);
  const created: string[] = [];
  try {
    for (const input of inputs) {
      await ctx.aws.cloudwatch.putMetricAlarm(input);
      created.push(input.AlarmName!);
      ctx.reporter.info(
        `created temporary alarm ${input.AlarmName}: ${input.MetricName} > ${input.Threshold} % (${input.DatapointsToAlarm} of ${input.EvaluationPeriods} × ${input.Period} s)`
      );
    }
  } catch (error) {
    if (created.length > 0) {
      await deleteAlarms(created, ctx).catch((e: unknown) =>
        ctx.reporter.warning(`could not delete temporary alarms ${created.join(', ')}: ${errorMessage(e)}`)
      );
    }
    throw error;
  }
  return names;
}

/**
 * Deletes temporary alarms: only names with our prefix (a user's alarm is never deleted),
 * only those that still exist (so a second cleanup is harmless), and forgets them in the
 * state store once gone.
 */
/**
 * A strategy's last word on its temporary alarms: deleted, or a warning (never a failed
 * deployment: the post step tries again from the saved names).
 */
export async function deleteTemporaryAlarms(names: readonly string[], ctx: AlarmContext & { state?: StateStore }): Promise<void> {
  if (names.length === 0) return;
  await deleteAlarms(names, ctx).catch((e: unknown) =>
    ctx.reporter.warning(`could not delete temporary alarms ${names.join(', ')}: ${errorMessage(e)} (the post step tries again)`)
  );
}

export async function deleteAlarms(names: readonly string[], ctx: AlarmContext & { state?: StateStore }): Promise<string[]> {
  const ours = [...new Set(names)].filter((n) => n.startsWith(TEMPORARY_ALARM_PREFIX));
  if (ours.length === 0) return [];
  const { metricAlarms, compositeAlarms } = await ctx.aws.cloudwatch.describeAlarms(ours);
  const existing = [...metricAlarms, ...compositeAlarms].map((a) => a.AlarmName).filter((n): n is string => !!n && ours.includes(n));
  if (existing.length > 0) {
    await ctx.aws.cloudwatch.deleteAlarms(existing);
    ctx.reporter.info(`deleted temporary alarm${existing.length > 1 ? 's' : ''} ${existing.join(', ')}`);
  }
  if (ctx.state) {
    const left = savedNames(ctx.state).filter((n) => !ours.includes(n));
    ctx.state.save(TEMPORARY_ALARMS_STATE, left);
  }
  return existing;
}

/** The post step (and the end of every run): deletes whatever temporary alarms the state records. Failures are warnings. */
export async function cleanupTemporaryAlarms(ctx: AlarmStateContext): Promise<string[]> {
  const names = savedNames(ctx.state);
  if (names.length === 0) return [];
  try {
    return await deleteAlarms(names, ctx);
  } catch (error) {
    ctx.reporter.warning(
      `could not delete temporary alarms ${names.join(', ')}: ${errorMessage(error)} (delete them by hand; they have no actions, so they page nobody)`
    );
    return [];
  }
}
