/**
 * The whole run as one straight line:
 *   render → (preflight checks) → register → deploy (strategy) → report.
 * Nothing mutating happens before every input and the template are validated and the
 * resources the deployment needs are known to exist.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { errorMessage } from './errors.js';
import { registerRevision } from './register.js';
import { diffTaskDefinitions, formatDiff, maskSecretVars, renderTaskDefinition, writeRendered, type Rendered } from './render/index.js';
import type { Settings } from './settings.js';
import type { DeployContext, DeployResult } from './deploy/types.js';

export interface PipelineResult {
  outputs: Record<string, string>;
  /** Present when a deployment ran. */
  deploy?: DeployResult;
  /** What the new revision changes against the one serving before, formatted. */
  diff?: string;
}

export async function runPipeline(settings: Settings, ctx: DeployContext): Promise<PipelineResult> {
  const { reporter } = ctx;
  const outputs: Record<string, string> = {};
  maskSecretVars(settings.render, reporter);
  for (const line of settings.deploy.warnings ?? []) reporter.warning(line);

  const rendered = await reporter.phase('render', 'Render and validate the task definition', async () => {
    const r = await renderTaskDefinition(settings.render, { ecs: ctx.aws.ecs, reporter });
    outputs['task-definition'] = await writeRendered(r);
    reporter.info(`rendered ${r.family} → ${outputs['task-definition']}`);
    return r;
  });
  if (settings.mode === 'render') return { outputs };

  // The deployment code is loaded only by runs that deploy.
  const deploying = settings.mode === 'deploy' ? await import('./deploy/run.js') : undefined;
  // One run at a time per service, pair and listener: the lock is taken before the reads the deployment acts on.
  const lock = deploying ? await (await import('./deploy/locking.js')).holdDeploymentLock(settings, ctx) : undefined;
  const run = lock?.ctx ?? ctx;
  try {
    const checked = deploying ? await deploying.preflight(settings, run) : undefined;

    const read = new Map<string, TaskDefinition>();
    const registered = await reporter.phase('register', 'Register the revision', () =>
      registerRevision(rendered, { ecs: run.aws.ecs, reporter }, { candidates: checked?.running ?? [], read })
    );
    outputs['task-definition-arn'] = registered.arn;
    outputs['task-definition-reused'] = String(registered.reused);
    if (settings.mode === 'run-task' && settings.deploy.runTask) {
      const { runTaskOnly } = await import('./deploy/migrate.js');
      const { cluster, pollIntervalMs, timeoutMs } = settings.deploy;
      const ran = await runTaskOnly(
        settings.deploy.runTask,
        { cluster, taskDefinitionArn: registered.arn, pollIntervalMs, timeoutMs },
        run
      );
      if (ran.taskArn) outputs['run-task-arn'] = JSON.stringify([ran.taskArn]);
      if (!ran.ok) throw new TaskFailed(ran.reason, outputs);
      return { outputs };
    }
    if (!deploying || !checked) return { outputs };
    const current = checked.current;
    const diff = current && current !== registered.arn ? await changes(current, rendered, run, read.get(current)) : undefined;

    const deploy = await deploying.deployWithGates(settings, registered.arn, checked, run);
    Object.assign(outputs, deploying.deployOutputs(deploy));
    return { outputs, deploy, ...(diff ? { diff } : {}) };
  } finally {
    await lock?.release();
  }
}

/** A task run on its own (mode run-task) that failed: the step fails, and the outputs so far (run-task-arn) still go out. */
export class TaskFailed extends Error {
  override readonly name = 'TaskFailed';
  constructor(
    message: string,
    readonly outputs: Record<string, string>
  ) {
    super(message);
  }
}

/** The revision diff for the log and the summary; a read that fails only costs the diff. `known`: the serving revision, when registering read it already. */
async function changes(current: string, rendered: Rendered, ctx: DeployContext, known?: TaskDefinition): Promise<string | undefined> {
  try {
    const taskDefinition = known ?? (await ctx.aws.ecs.describeTaskDefinition(current)).taskDefinition;
    const diff = formatDiff(diffTaskDefinitions(taskDefinition, rendered.input, { secrets: rendered.secretValues }));
    ctx.reporter.info(`changes against ${current.split('/').pop()}:\n${diff}`);
    return diff;
  } catch (error) {
    ctx.reporter.warning(`could not compare with ${current}: ${errorMessage(error)}`);
    return undefined;
  }
}
