/**
 * The whole run as one straight line:
 *   render → (preflight checks) → register → deploy (strategy) → report.
 * Nothing mutating happens before every input and the template are validated and the
 * resources the deployment needs are known to exist.
 */
import { randomUUID } from 'node:crypto';
import type { DeployStatus } from './events.js';
import { registerRevision } from './register.js';
import { maskSecretVars, renderTaskDefinition, writeRendered } from './render/index.js';
import type { Settings } from './settings.js';
import { deployRolling } from './deploy/rolling.js';
import { deployBlueGreen, preflightBlueGreen } from './deploy/blue-green.js';
import { controllerProblem, describeService } from './deploy/watch.js';
import type { DeployContext, DeployResult } from './deploy/types.js';
import { alarmGate, cleanupTemporaryAlarms, createTemporaryAlarms, verifyAlarmsExist } from './gates/alarms.js';
import { ecsDeploymentAlarms, wantsTemporaryAlarms } from './gates/settings.js';
import type { Gate } from './gates/types.js';

export interface PipelineResult {
  outputs: Record<string, string>;
  /** Present when a deployment ran. */
  deploy?: DeployResult;
}

export async function runPipeline(settings: Settings, ctx: DeployContext): Promise<PipelineResult> {
  const { reporter } = ctx;
  const outputs: Record<string, string> = {};
  maskSecretVars(settings.render, reporter);

  const rendered = await reporter.phase('render', 'Render and validate the task definition', async () => {
    const r = await renderTaskDefinition(settings.render, { ecs: ctx.aws.ecs, reporter });
    outputs['task-definition'] = await writeRendered(r);
    reporter.info(`rendered ${r.family} → ${outputs['task-definition']}`);
    return r;
  });
  if (settings.mode === 'render') return { outputs };

  const checked = settings.mode === 'deploy' ? await preflight(settings, ctx) : undefined;
  const baseline = checked?.baseline;

  const registered = await reporter.phase('register', 'Register the revision', () =>
    registerRevision(rendered, { ecs: ctx.aws.ecs, reporter }, { candidates: checked?.running ?? [] })
  );
  outputs['task-definition-arn'] = registered.arn;
  outputs['task-definition-reused'] = String(registered.reused);
  if (settings.mode === 'register' || !baseline) return { outputs };

  const deploy = await deployWithGates(settings, registered.arn, baseline, ctx);
  Object.assign(outputs, deployOutputs(deploy));
  return { outputs, deploy };
}

/**
 * Read-only checks that fail fast with a clear message, before the first mutating call.
 * Returns the alarm baseline and the revisions the target services run now.
 */
async function preflight(
  settings: Settings,
  ctx: DeployContext
): Promise<{ baseline: Awaited<ReturnType<typeof verifyAlarmsExist>>; running: string[] }> {
  const { deploy, gates } = settings;
  let running: string[] = [];
  if (settings.blueGreen) {
    await preflightBlueGreen(deploy, settings.blueGreen, ctx);
    const { blue, green } = settings.blueGreen.colours;
    const { services } = await ctx.aws.ecs.describeServices(deploy.cluster, [blue.service, green.service]);
    running = services.map((s) => s.taskDefinition).filter((arn): arn is string => Boolean(arn));
  }
  if (deploy.strategy === 'rolling' && deploy.service) {
    const service = await describeService(ctx, deploy.cluster, deploy.service);
    const problem = controllerProblem(service, deploy.cluster);
    if (problem) throw new Error(`${problem}; nothing was changed`);
    if (service.taskDefinition) running = [service.taskDefinition];
  }
  return { baseline: await verifyAlarmsExist(gates.alarms, ctx, gates), running };
}

async function deployWithGates(
  settings: Settings,
  taskDefinitionArn: string,
  baseline: Awaited<ReturnType<typeof verifyAlarmsExist>>,
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
    const gateList: Gate[] = watched.length ? [alarmGate(watched, gates, baseline, ctx)] : [];
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
