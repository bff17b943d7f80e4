/**
 * The deployment half of the pipeline: read-only preflight checks, then the strategy with
 * its gates. Loaded only by runs that deploy, so render/register runs start faster.
 */
import { randomUUID } from 'node:crypto';
import type { DeployStatus } from '../events.js';
import type { Settings } from '../settings.js';
import { deployRolling } from './rolling.js';
import { deployBlueGreen, preflightBlueGreen } from './blue-green.js';
import { controllerProblem, describeService } from './watch.js';
import { boundedReads, readBoundMs } from './scope.js';
import type { DeployContext, DeployResult } from './types.js';
import { alarmGate, cleanupTemporaryAlarms, createTemporaryAlarms, verifyAlarmsExist } from '../gates/alarms.js';
import { ecsDeploymentAlarms, wantsTemporaryAlarms } from '../gates/settings.js';
import type { Gate } from '../gates/types.js';

export interface Preflight {
  baseline: Awaited<ReturnType<typeof verifyAlarmsExist>>;
  /** Revisions the target services run now (candidates for reuse at registration). */
  running: string[];
  /** The revision serving now, to show what the deployment changes. */
  current?: string;
}

/** Read-only checks that fail fast with a clear message, before the first mutating call. */
export async function preflight(settings: Settings, ctx: DeployContext): Promise<Preflight> {
  const { deploy, gates } = settings;
  let running: string[] = [];
  let current: string | undefined;
  if (settings.blueGreen) {
    const plan = await preflightBlueGreen(deploy, settings.blueGreen, ctx);
    running = [plan.services.blue.taskDefinition, plan.services.green.taskDefinition].filter((arn): arn is string => Boolean(arn));
    current = plan.services[plan.live].taskDefinition;
  }
  if (deploy.strategy === 'rolling' && deploy.service) {
    const service = await describeService(ctx, deploy.cluster, deploy.service);
    const problem = controllerProblem(service, deploy.cluster);
    if (problem) throw new Error(`${problem}; nothing was changed`);
    if (service.taskDefinition) running = [service.taskDefinition];
    current = service.taskDefinition;
  }
  return { baseline: await verifyAlarmsExist(gates.alarms, ctx, gates), running, ...(current ? { current } : {}) };
}

export async function deployWithGates(
  settings: Settings,
  taskDefinitionArn: string,
  baseline: Preflight['baseline'],
  ctx: DeployContext
): Promise<DeployResult> {
  const { deploy, gates } = settings;
  const deploymentTag = randomUUID().slice(0, 8);
  if (settings.blueGreen) {
    // Blue/green creates its temporary alarms on the new colour once it knows which that is.
    return deployBlueGreen(deploy, settings.blueGreen, taskDefinitionArn, ctx, { gates: { settings: gates, baseline, deploymentTag } });
  }
  try {
    const temporary =
      deploy.service && wantsTemporaryAlarms(gates)
        ? await createTemporaryAlarms({ cluster: deploy.cluster, service: deploy.service, deploymentTag }, gates.temporary, ctx)
        : [];
    const watched = [...gates.alarms, ...temporary];
    // Gate reads are bounded by a poll round, so a throttled or hung CloudWatch holds the gate, never the bake.
    const gateCtx = { ...ctx, aws: boundedReads(ctx.aws, ctx.signal, readBoundMs(deploy.pollIntervalMs)) };
    const gateList: Gate[] = watched.length ? [alarmGate(watched, gates, baseline, gateCtx)] : [];
    const ecsAlarms = ecsDeploymentAlarms(gates);
    return await deployRolling(deploy, taskDefinitionArn, ctx, {
      gates: gateList,
      inconclusiveLimit: gates.inconclusive.limit,
      onInconclusive: gates.inconclusive.decide,
      ...(ecsAlarms?.alarmNames ? { ecsAlarmNames: ecsAlarms.alarmNames } : {})
    });
  } finally {
    await cleanupTemporaryAlarms(ctx);
  }
}

export function deployOutputs(result: DeployResult): Record<string, string> {
  const status: DeployStatus = result.status;
  return {
    'task-definition-arn': result.taskDefinitionArn,
    'previous-task-definition-arn': result.previousTaskDefinitionArn ?? '',
    'deployment-id': result.deploymentId ?? '',
    status,
    'rolled-back': String(result.rolledBack),
    reason: result.reason,
    ...result.outputs
  };
}
