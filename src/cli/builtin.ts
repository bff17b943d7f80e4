/**
 * The commands that share the action's pipeline: render, diff, register, deploy, status.
 * The deployment code and the summary are imported only by the commands that use them, so `render` starts fast.
 */
import { writeFileSync } from 'node:fs';
import { createAws } from '../aws/clients.js';
import { createLockStore } from '../aws/dynamodb.js';
import { InputError } from '../errors.js';
import { diffTaskDefinitions, formatDiff, renderTaskDefinition, renderedJson } from '../render/index.js';
import type { PipelineResult } from '../pipeline.js';
import { readSettings, type Settings } from '../settings.js';
import { realTimer } from '../timer.js';
import { readDeploySettings } from '../deploy/settings.js';
import { readBlueGreenSettings } from '../deploy/blue-green-settings.js';
import type { DeployContext } from '../deploy/types.js';
import { EXIT, type CommandContext, type CommandModule, type CommandResult } from './command.js';
import { fileState, newStatePath, targetSlug } from './state-file.js';

/** A context for commands that read but never deploy (no state is saved). */
export function readOnlyContext(ctx: CommandContext): DeployContext {
  const region = ctx.region ? { region: ctx.region } : {};
  return {
    aws: createAws(region),
    locks: createLockStore(region),
    reporter: ctx.reporter,
    timer: realTimer,
    signal: ctx.signal,
    state: { save: () => undefined, load: () => undefined }
  };
}

export const render: CommandModule = {
  async run(ctx) {
    const settings = readSettings(ctx.inputs, ctx.env);
    const rendered = await renderTaskDefinition(settings.render, { ecs: readOnlyContext(ctx).aws.ecs, reporter: ctx.reporter });
    const json = renderedJson(rendered);
    return { exitCode: EXIT.ok, outputs: { 'task-definition': JSON.parse(json) as unknown }, text: json };
  }
};

export const diff: CommandModule = {
  async run(ctx) {
    const settings = readSettings(ctx.inputs, ctx.env);
    if (!settings.deploy.service) throw new InputError('diff needs a service to compare with', {}, 'pass --service (and --cluster)');
    const base = readOnlyContext(ctx);
    const rendered = await renderTaskDefinition(settings.render, { ecs: base.aws.ecs, reporter: ctx.reporter });
    const { describeService } = await import('../deploy/watch.js');
    const service = await describeService(base, settings.deploy.cluster, settings.deploy.service);
    const current = await base.aws.ecs.describeTaskDefinition(service.taskDefinition ?? '');
    const text = formatDiff(diffTaskDefinitions(current.taskDefinition, rendered.input, { secrets: rendered.secretValues }));
    return { exitCode: EXIT.ok, outputs: { 'current-task-definition-arn': service.taskDefinition ?? '', diff: text }, text };
  }
};

export const register: CommandModule = {
  run: (ctx) => runSettings({ ...readSettings(ctx.inputs, ctx.env), mode: 'register' }, ctx)
};

export const deploy: CommandModule = {
  // --release FILE: several services as one unit (loaded only then).
  run: async (ctx) =>
    ctx.inputs.string('release') ? (await import('./release.js')).deployRelease(ctx) : runSettings(readSettings(ctx.inputs, ctx.env), ctx)
};

export const status: CommandModule = {
  async run(ctx) {
    // Status needs only where the colours are, not a template.
    const deploySettings = readDeploySettings(ctx.inputs);
    if (deploySettings.strategy !== 'blue-green')
      throw new InputError('status needs the blue/green strategy', {}, 'pass --strategy blue-green with the blue/green inputs');
    const { blueGreenStatus, formatStatus } = await import('../deploy/status.js');
    const found = await blueGreenStatus(readBlueGreenSettings(ctx.inputs), deploySettings, readOnlyContext(ctx));
    return { exitCode: EXIT.ok, outputs: { ...found }, text: formatStatus(found) };
  }
};

/** The services a deployment changes, for its state file's name and the summary. */
export function targetServices(settings: Settings): string[] {
  if (settings.blueGreen) return [settings.blueGreen.colours.blue.service, settings.blueGreen.colours.green.service];
  return settings.deploy.service ? [settings.deploy.service] : [];
}

/**
 * The pipeline as `deploy` runs it (also what an on-demand rollback runs): its own state
 * file, cleared once nothing is left to finish; the summary file; exit 0 only on success.
 */
export async function runSettings(settings: Settings, ctx: CommandContext): Promise<CommandResult> {
  const { TaskFailed, runPipeline } = await import('../pipeline.js');
  const region = ctx.region ? { region: ctx.region } : {};
  const state = fileState(ctx.flags['state-file'] ?? newStatePath(ctx.cwd, targetSlug(settings.deploy.cluster, targetServices(settings))));
  let result: PipelineResult;
  try {
    result = await runPipeline(settings, {
      aws: createAws({
        ...region,
        callTimeoutMs: settings.safety.callTimeoutMs,
        ...(settings.deploy.maxAttempts ? { maxAttempts: settings.deploy.maxAttempts } : {})
      }),
      locks: createLockStore({ ...region, ...(settings.safety.lock ? { callTimeoutMs: settings.safety.lock.callTimeoutMs } : {}) }),
      reporter: ctx.reporter,
      timer: realTimer,
      signal: ctx.signal,
      state
    });
  } catch (error) {
    // A one-off task that failed: the step fails, and the outputs so far (run-task-arn) still go out.
    if (!(error instanceof TaskFailed)) throw error;
    ctx.reporter.error(error.message);
    return { exitCode: EXIT.failed, outputs: { ...error.outputs, status: 'failed', reason: error.message } };
  }
  const summaryFile = ctx.flags['summary-file'];
  if (summaryFile) {
    const { renderSummary } = await import('../report/summary.js');
    writeFileSync(
      summaryFile,
      ctx.reporter.mask(
        renderSummary({
          events: ctx.reporter.events,
          outputs: result.outputs,
          ...(result.deploy ? { status: result.deploy.status, reason: result.deploy.reason } : {}),
          ...(result.deploy?.headline ? { headline: result.deploy.headline } : {}),
          ...(result.diff ? { diff: result.diff } : {}),
          ...(ctx.region ? { region: ctx.region } : {}),
          cluster: settings.deploy.cluster,
          services: targetServices(settings)
        })
      )
    );
  }
  if (result.deploy?.status === 'succeeded' || !result.deploy) state.clear();
  return { exitCode: result.deploy && result.deploy.status !== 'succeeded' ? EXIT.failed : EXIT.ok, outputs: result.outputs };
}
