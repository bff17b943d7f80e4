/**
 * `ecs-rollout rollback`: finishes deploys left interrupted in .ecs-rollout/ (what the action's
 * post step does), or, when a target is given and nothing is left to finish, rolls the
 * service (or blue/green pair) back on demand by deploying its previous revision through the
 * same pipeline as `deploy`: lock, preflight, gates, verified traffic and automatic rollback.
 */
import { join } from 'node:path';
import type { Service } from '@aws-sdk/client-ecs';
import { createAws } from '../aws/clients.js';
import { awsErrorCode } from '../aws/errors.js';
import { InputError, errorMessage } from '../errors.js';
import { Inputs, type InputSource } from '../inputs.js';
import { finishInterrupted } from '../recover.js';
import { readSettings } from '../settings.js';
import { preflightBlueGreen } from '../deploy/blue-green-prepare.js';
import { describeService, progressLine } from '../deploy/watch.js';
import { readOnlyContext, runSettings } from '../cli/builtin.js';
import { EXIT, type CommandContext, type CommandResult } from '../cli/command.js';
import { fileState, stateFiles, targetSlug } from '../cli/state-file.js';
import { currentRevision, findPrevious, parseRevision, requireActive, shortName } from './history.js';

export async function run(ctx: CommandContext): Promise<CommandResult> {
  const { inputs } = ctx;
  const services = [inputs.string('service'), inputs.string('blue-service'), inputs.string('green-service')].filter((s): s is string =>
    Boolean(s)
  );
  const slug = services.length ? targetSlug(inputs.string('cluster') ?? 'default', services) : undefined;
  const stateFile = ctx.flags['state-file'];
  const recorded = stateFile ? [stateFile] : stateFiles(ctx.cwd, slug);
  if (recorded.length > 0) {
    const finished = await finishRecorded(recorded, !stateFile, ctx);
    // A file left by a deploy that already rolled itself back holds nothing to finish: then the user's target is rolled back on demand.
    if (stateFile || !slug || finished.outputs.status !== 'nothing-to-do') return finished;
    ctx.reporter.info('nothing was left to finish in the recorded state; rolling back on demand');
  }
  if (!slug) {
    ctx.reporter.info(
      `nothing to roll back: no state file in ${join(ctx.cwd, '.ecs-rollout')}. To roll a service back on demand, pass --cluster and --service (or the blue/green inputs)`
    );
    return {
      exitCode: EXIT.ok,
      outputs: { status: 'nothing-to-do', reason: 'no interrupted deployment is recorded and no service was given' }
    };
  }
  return onDemand(ctx);
}

/** Every recorded deploy finished in turn; each waits for the deployment lock like any run. */
async function finishRecorded(paths: string[], clear: boolean, ctx: CommandContext): Promise<CommandResult> {
  const base = readOnlyContext(ctx);
  let ok = true;
  const finished: Array<{ 'state-file': string; actions: string[]; ok: boolean }> = [];
  for (const path of paths) {
    const state = fileState(path);
    const recovery = await finishInterrupted({ ...base, state }, { sameOwner: false });
    ctx.reporter.info(`${path}: ${recovery.actions.length ? recovery.actions.join('\n') : 'nothing left to roll back'}`);
    if (recovery.ok && !recovery.deferred && clear) state.clear();
    // Deferred: a run still holds the deployment lock (a deploy in progress elsewhere); its state file is kept for later.
    const done = recovery.ok && !recovery.deferred;
    finished.push({ 'state-file': path, actions: recovery.actions, ok: done });
    ok &&= done;
  }
  const actions = finished.flatMap((f) => f.actions);
  const status = !ok ? 'failed' : actions.length ? 'rolled-back' : 'nothing-to-do';
  const outputs = { status, reason: actions.join('; ') || 'nothing left to roll back', finished };
  return { exitCode: ok ? EXIT.ok : EXIT.failed, outputs };
}

/** The user's flags, with the revision to deploy (and blue-green, when the blue/green inputs say so). */
function withRevision(source: InputSource, arn: string, blueGreen: boolean): InputSource {
  return {
    get: (name) => (name === 'task-definition-arn' ? arn : name === 'strategy' && blueGreen ? 'blue-green' : source.get(name)),
    label: (name) => source.label(name)
  };
}

async function onDemand(ctx: CommandContext): Promise<CommandResult> {
  const source = ctx.inputs.source;
  const blueGreen =
    Boolean(ctx.inputs.string('blue-service') || ctx.inputs.string('green-service')) || ctx.inputs.string('strategy') === 'blue-green';
  // Every flag is validated before the first AWS call, with a stand-in for the revision still to be found.
  const checked = readSettings(new Inputs(withRevision(source, 'placeholder:1', blueGreen)), ctx.env);
  const strategy = checked.deploy.strategy;
  if (strategy !== 'rolling' && strategy !== 'blue-green') {
    throw new InputError(
      `--strategy ${strategy} cannot be rolled back on demand yet`,
      {},
      'deploy the revision to go back to with ecs-rollout deploy --task-definition-arn FAMILY:REVISION'
    );
  }
  const base = readOnlyContext(ctx);
  const aws = createAws({
    ...(ctx.region ? { region: ctx.region } : {}),
    callTimeoutMs: checked.safety.callTimeoutMs,
    ...(checked.deploy.maxAttempts ? { maxAttempts: checked.deploy.maxAttempts } : {})
  });
  const read = { ...base, aws };
  let from: string;
  let to: string;
  let why: string;
  if (checked.blueGreen) {
    const plan = await preflightBlueGreen(checked.deploy, checked.blueGreen, read);
    const live = currentRevision(plan.services[plan.live]);
    const idle = currentRevision(plan.services[plan.idle]);
    const [liveName, idleName] = [plan.names[plan.live], plan.names[plan.idle]];
    const l = live ? parseRevision(live) : undefined;
    const i = idle ? parseRevision(idle) : undefined;
    if (!live || !idle || !l || !i || i.family !== l.family || i.revision >= l.revision) {
      throw new Error(
        `the idle colour ${idleName} runs ${shortName(idle ?? 'no revision')} and the live colour ${liveName} runs ${shortName(live ?? 'no revision')}: ` +
          `the idle colour holds no older revision of the same family to go back to (after an automatic rollback it keeps the rejected release); nothing was changed. ` +
          `Deploy the revision you want with ecs-rollout deploy --task-definition-arn FAMILY:REVISION and the same blue/green flags`
      );
    }
    await requireActive(aws, idle, `the idle colour ${idleName}'s revision`);
    [from, to] = [live, idle];
    why = `${idleName} still runs ${shortName(idle)}, older than ${shortName(live)} on ${liveName}`;
  } else {
    const name = checked.deploy.service;
    if (!name)
      throw new InputError(
        'rollback needs a service',
        {},
        'pass --cluster and --service, or the blue/green flags (--blue-service, --green-service, the target groups and --listener-arn)'
      );
    const service = await describeNamed(read, checked.deploy.cluster, name);
    if ((service.deployments?.length ?? 0) > 1) {
      throw new Error(
        `service ${name} has a deployment in progress (${(service.deployments ?? []).map(progressLine).join('; ')}): ` +
          'wait until it has finished (a deploy by ecs-rollout rolls back by itself when it fails), then run rollback again; nothing was changed'
      );
    }
    const previous = await findPrevious(aws, checked.deploy.cluster, service, ctx.reporter);
    if ('none' in previous) {
      throw new Error(
        `nothing to roll back to: ${previous.none}; nothing was changed. To deploy another revision: ecs-rollout deploy --task-definition-arn FAMILY:REVISION --cluster ${checked.deploy.cluster} --service ${name}`
      );
    }
    await requireActive(aws, previous.arn, `service ${name}'s previous revision`);
    [from, to] = [currentRevision(service)!, previous.arn];
    why = previous.why;
  }
  ctx.reporter.info(`Rolling back: ${shortName(from)} → ${shortName(to)} (${why})`);

  const settings = readSettings(new Inputs(withRevision(source, to, blueGreen)), ctx.env);
  // A new state file of its own (like deploy), so an interrupted rollback is finished by the next `rollback`.
  const { 'state-file': _ignored, ...flags } = ctx.flags;
  const result = await runSettings(settings, { ...ctx, flags });
  const outputs: Record<string, unknown> = { ...result.outputs, 'rollback-from': from, 'rollback-to': to, 'rollback-reason': why };
  if (result.exitCode !== EXIT.ok || ctx.flags.deregister !== 'true') return { ...result, outputs };
  try {
    await aws.ecsAdmin.deregisterTaskDefinition(from);
    ctx.reporter.info(`deregistered ${shortName(from)}`);
    return { ...result, outputs: { ...outputs, deregistered: from } };
  } catch (error) {
    ctx.reporter.error(`the rollback succeeded, but ${errorMessage(error)}`);
    return {
      exitCode: EXIT.failed,
      outputs: { ...outputs, reason: `rolled back, but ${shortName(from)} was not deregistered: ${errorMessage(error)}` }
    };
  }
}

/** A service named on the command line that is not there is a problem with the flags (nothing was changed). */
export async function describeNamed(ctx: Parameters<typeof describeService>[0], cluster: string, name: string): Promise<Service> {
  try {
    return await describeService(ctx, cluster, name);
  } catch (error) {
    const message = errorMessage(error);
    if (awsErrorCode(error) === 'ClusterNotFoundException')
      throw new InputError(
        `--cluster ${cluster}: no such cluster`,
        {},
        'check --cluster (default: "default") and --region; nothing was changed'
      );
    if (/not found in cluster|INACTIVE|DRAINING/.test(message))
      throw new InputError(message, {}, 'check --service, --cluster and --region; nothing was changed');
    throw error;
  }
}
