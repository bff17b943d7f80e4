#!/usr/bin/env node
/**
 * `ecs-rollout render | diff | register | deploy | rollback | status`: the same core and
 * the same settings as the action, with flags named like its inputs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAws } from '../aws/clients.js';
import { cancellationOnSignals } from '../cancel.js';
import { InputErrors, errorMessage, InputError } from '../errors.js';
import { Inputs } from '../inputs.js';
import { runPipeline } from '../pipeline.js';
import { finishInterrupted } from '../recover.js';
import { renderSummary } from '../report/summary.js';
import { readSettings, type Settings } from '../settings.js';
import { realTimer } from '../timer.js';
import { diffTaskDefinitions, formatDiff, renderTaskDefinition, renderedJson } from '../render/index.js';
import { describeService } from '../deploy/watch.js';
import { readDeploySettings } from '../deploy/settings.js';
import { readBlueGreenSettings } from '../deploy/blue-green-settings.js';
import { helpText, parseArgs } from './args.js';
import { TerminalReporter } from './reporter.js';
import { fileState, newStatePath, stateFiles, targetSlug } from './state-file.js';
import { createLockStore } from '../aws/dynamodb.js';
import type { DeployContext } from '../deploy/types.js';
import type { TerminalReporter as Reporter } from './reporter.js';

async function main(argv: string[]): Promise<number> {
  const reporter = new TerminalReporter();
  try {
    const args = parseArgs(argv);
    if (args.flags.help) {
      process.stdout.write(`${helpText()}\n`);
      return 0;
    }
    const region = args.flags.region ? { region: args.flags.region } : {};
    const aws = createAws(region);
    const locks = createLockStore(region);
    const controller = cancellationOnSignals((signal) => reporter.warning(`received ${signal}: stopping and rolling back`));
    // Commands that deploy get their own state file below; the others never write one.
    const base = { aws, locks, reporter, timer: realTimer, signal: controller.signal };
    const ctx: DeployContext = { ...base, state: { save: () => undefined, load: () => undefined } };

    if (args.command === 'rollback') return await rollback(args.flags['state-file'], new Inputs(args.inputs), base, reporter);

    if (args.command === 'status') {
      // Status needs only where the colours are, not a template.
      const inputs = new Inputs(args.inputs);
      const deploy = readDeploySettings(inputs);
      if (deploy.strategy !== 'blue-green') throw new InputError('status needs the blue/green strategy', {}, 'pass --strategy blue-green with the blue/green inputs');
      const { blueGreenStatus, formatStatus } = await import('../deploy/status.js');
      process.stdout.write(`${formatStatus(await blueGreenStatus(readBlueGreenSettings(inputs), deploy, ctx))}\n`);
      return 0;
    }

    const settings = readSettings(new Inputs(args.inputs), process.env);
    const state = fileState(args.flags['state-file'] ?? newStatePath(process.cwd(), targetSlug(settings.deploy.cluster, targetServices(settings))));
    if (args.command === 'render') {
      const rendered = await renderTaskDefinition(settings.render, { ecs: aws.ecs, reporter });
      process.stdout.write(`${reporter.mask(renderedJson(rendered))}\n`);
      return 0;
    }
    if (args.command === 'diff') {
      if (!settings.deploy.service) throw new InputError('diff needs a service to compare with', {}, 'pass --service (and --cluster)');
      const rendered = await renderTaskDefinition(settings.render, { ecs: aws.ecs, reporter });
      const service = await describeService(ctx, settings.deploy.cluster, settings.deploy.service);
      const current = await aws.ecs.describeTaskDefinition(service.taskDefinition ?? '');
      process.stdout.write(`${reporter.mask(formatDiff(diffTaskDefinitions(current.taskDefinition, rendered.input, { secrets: rendered.secretValues })))}\n`);
      return 0;
    }
    const runSettings: Settings = args.command === 'register' ? { ...settings, mode: 'register' } : settings;
    const result = await runPipeline(runSettings, {
      ...base,
      aws: createAws({ ...region, callTimeoutMs: settings.safety.callTimeoutMs, ...(settings.deploy.maxAttempts ? { maxAttempts: settings.deploy.maxAttempts } : {}) }),
      locks: createLockStore({ ...region, ...(settings.safety.lock ? { callTimeoutMs: settings.safety.lock.callTimeoutMs } : {}) }),
      state
    });
    for (const [name, value] of Object.entries(result.outputs)) process.stdout.write(`${name}=${reporter.mask(value)}\n`);
    if (args.flags['summary-file']) {
      writeFileSync(
        args.flags['summary-file'],
        reporter.mask(
          renderSummary({
            events: reporter.events,
            outputs: result.outputs,
            ...(result.deploy ? { status: result.deploy.status, reason: result.deploy.reason } : {}),
            ...(result.diff ? { diff: result.diff } : {}),
            ...(args.flags.region ? { region: args.flags.region } : {}),
            cluster: settings.deploy.cluster,
            services: targetServices(settings)
          })
        )
      );
    }
    if (result.deploy?.status === 'succeeded' || !result.deploy) state.clear();
    return result.deploy && result.deploy.status !== 'succeeded' ? 1 : 0;
  } catch (error) {
    const errors = error instanceof InputErrors ? error.errors : [error];
    for (const e of errors) reporter.error(errorMessage(e));
    return errors.some((e) => e instanceof InputError) ? 2 : 1;
  }
}

/** The services a deployment changes, for its state file's name and the summary. */
function targetServices(settings: Settings): string[] {
  if (settings.blueGreen) return [settings.blueGreen.colours.blue.service, settings.blueGreen.colours.green.service];
  return settings.deploy.service ? [settings.deploy.service] : [];
}

/**
 * Finishes what interrupted deployments left: the one --state-file, or every state file in
 * .ecs-rollout/ (only the target's, when --service or the blue/green services are given).
 * Each waits for the deployment lock like any run: a deploy still running elsewhere keeps it.
 */
async function rollback(stateFile: string | undefined, inputs: Inputs, base: Omit<DeployContext, 'state'>, reporter: Reporter): Promise<number> {
  const services = [inputs.string('service'), inputs.string('blue-service'), inputs.string('green-service')].filter((s): s is string => Boolean(s));
  const slug = services.length ? targetSlug(inputs.string('cluster') ?? 'default', services) : undefined;
  const files = stateFiles(process.cwd(), slug);
  const paths = stateFile ? [stateFile] : files;
  if (paths.length === 0) {
    reporter.info(`nothing to roll back: no state file in ${join(process.cwd(), '.ecs-rollout')}${slug ? ` for ${slug}` : ''}`);
    return 0;
  }
  let ok = true;
  for (const path of paths) {
    const state = fileState(path);
    const recovery = await finishInterrupted({ ...base, state }, { sameOwner: false });
    reporter.info(`${path}: ${recovery.actions.length ? recovery.actions.join('\n') : 'nothing left to roll back'}`);
    if (recovery.ok && !recovery.deferred && !stateFile) state.clear();
    ok &&= recovery.ok;
  }
  return ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
