import type { ContainerOverride, NetworkConfiguration, RunTaskCommandInput, Service, Task } from '@aws-sdk/client-ecs';
import { formatDuration } from '../duration.js';
import type { RunTaskSettings } from './settings.js';
import type { DeployContext } from './types.js';
import { revision } from './verdict.js';

/** `taskArn` is set once the task started, also when it then failed: the run-task-arn output names it either way. */
export type MigrationResult = { ok: true; taskArn: string } | { ok: false; reason: string; taskArn?: string };

export interface MigrationOptions {
  cluster: string;
  taskDefinitionArn: string;
  /** The service's own networking and launch type are copied where the settings leave them out; none for a task run on its own. */
  service?: Service;
  pollIntervalMs: number;
  timeoutMs: number;
}

/**
 * Runs the one-off task (database migrations) and waits for it to stop. Only an exit
 * code 0 of the containers that matter lets the deployment go on: the service must not
 * get a revision whose migration failed.
 */
export async function runMigration(run: RunTaskSettings, opts: MigrationOptions, ctx: DeployContext): Promise<MigrationResult> {
  const { cluster, taskDefinitionArn } = opts;
  const container = await overriddenContainer(run, taskDefinitionArn, ctx);
  if (ctx.signal.aborted) return { ok: false, reason: 'cancelled before the migration task started; the service was not updated' };
  const input = runTaskInput(run, opts, container);
  const started = await ctx.aws.ecs.runTask(input);
  const task = started.tasks[0];
  if (!task?.taskArn) {
    const why = started.failures.map((f) => `${f.arn ?? ''} ${f.reason ?? ''}${f.detail ? ` (${f.detail})` : ''}`.trim()).join('; ');
    return {
      ok: false,
      reason: `the migration task of ${revision(taskDefinitionArn)} did not start: ${why || 'RunTask returned no task'}`
    };
  }
  const taskArn = task.taskArn;
  ctx.reporter.info(
    `Started migration task ${taskId(taskArn)} of ${revision(taskDefinitionArn)}${container ? ` (container ${container})` : ''}`
  );
  if (run.waitForStop === false) {
    ctx.reporter.info(`Not waiting for task ${taskId(taskArn)} to stop (wait-for-task-stopped is false): its exit code is not checked`);
    return { ok: true, taskArn };
  }

  const startedAt = ctx.timer.now();
  let lastStatus = '';
  for (;;) {
    const [current] = await ctx.aws.ecs.describeTasks(cluster, [taskArn]);
    if (current) {
      const status = current.lastStatus ?? 'UNKNOWN';
      if (status !== lastStatus) ctx.reporter.info(`Migration task ${taskId(taskArn)}: ${status}`);
      lastStatus = status;
      if (status === 'STOPPED') return { ...judgeStopped(current, container), taskArn };
    }
    const waited = ctx.timer.now() - startedAt;
    if (ctx.signal.aborted || waited >= opts.timeoutMs) {
      const why = ctx.signal.aborted ? 'cancelled' : `still running after ${formatDuration(waited)}`;
      await ctx.aws.ecs.stopTask(cluster, taskArn, `ecs-rollout: migration ${why}`);
      return { ok: false, taskArn, reason: `the migration task ${taskId(taskArn)} was stopped: ${why}; the service was not updated` };
    }
    await ctx.timer.sleep(opts.pollIntervalMs, ctx.signal);
  }
}

/**
 * `run-task: true` without a service, as the official deploy action allows: run the task of
 * the registered revision and (unless wait-for-task-stopped is false) fail on a non-zero exit.
 */
export async function runTaskOnly(
  run: RunTaskSettings,
  opts: Omit<MigrationOptions, 'service'>,
  ctx: DeployContext
): Promise<MigrationResult> {
  const result = await ctx.reporter.phase('migrate', `Running a task of ${revision(opts.taskDefinitionArn)} (no service to deploy)`, () =>
    runMigration(run, opts, ctx)
  );
  // No service was involved: drop the words that say it was left alone.
  return result.ok ? result : { ...result, reason: result.reason.replace(/; the service was not updated$/, '') };
}

/**
 * The container that is the migration: the named one, or the first essential container.
 * Overrides go to it and its exit code decides (sidecars stopped with it may exit 137).
 */
async function overriddenContainer(run: RunTaskSettings, taskDefinitionArn: string, ctx: DeployContext): Promise<string | undefined> {
  if (run.container) return run.container;
  // With the official JSON overrides, one overridden container is the migration; several: every container's exit code counts.
  if (run.containerOverrides) return run.containerOverrides.length === 1 ? run.containerOverrides[0]!.name : undefined;
  const { taskDefinition } = await ctx.aws.ecs.describeTaskDefinition(taskDefinitionArn);
  const containers = taskDefinition.containerDefinitions ?? [];
  // ECS treats a container without `essential` as essential.
  return (containers.find((c) => c.essential !== false) ?? containers[0])?.name;
}

export function runTaskInput(run: RunTaskSettings, opts: MigrationOptions, container: string | undefined): RunTaskCommandInput {
  // Without a service the official action's defaults apply: FARGATE, the network only as given.
  const service: Service = opts.service ?? { launchType: 'FARGATE' };
  const input: RunTaskCommandInput = {
    cluster: opts.cluster,
    taskDefinition: opts.taskDefinitionArn,
    count: 1,
    startedBy: run.startedBy
  };
  if (run.containerOverrides) {
    input.overrides = { containerOverrides: run.containerOverrides };
  } else if (container && (run.command || run.environment.size > 0)) {
    const override: ContainerOverride = { name: container };
    if (run.command) override.command = run.command;
    if (run.environment.size > 0) override.environment = [...run.environment].map(([name, value]) => ({ name, value }));
    input.overrides = { containerOverrides: [override] };
  }
  if (run.capacityProviderStrategy) input.capacityProviderStrategy = run.capacityProviderStrategy;
  else if (run.launchType) input.launchType = run.launchType;
  else if (service.capacityProviderStrategy?.length) input.capacityProviderStrategy = service.capacityProviderStrategy;
  else if (service.launchType) input.launchType = service.launchType;
  if (service.platformVersion && (input.launchType ?? service.launchType) === 'FARGATE') input.platformVersion = service.platformVersion;
  const network = networkFor(run, service);
  if (network) input.networkConfiguration = network;
  if (run.tags) input.tags = run.tags;
  if (run.enableEcsManagedTags !== undefined) input.enableECSManagedTags = run.enableEcsManagedTags;
  if (run.volume) input.volumeConfigurations = [run.volume];
  return input;
}

function networkFor(run: RunTaskSettings, service: Service): NetworkConfiguration | undefined {
  const own = service.networkConfiguration?.awsvpcConfiguration;
  const subnets = run.subnets ?? own?.subnets;
  if (!subnets?.length) return undefined;
  const securityGroups = run.securityGroups ?? own?.securityGroups;
  const assignPublicIp = run.assignPublicIp ?? own?.assignPublicIp;
  return {
    awsvpcConfiguration: {
      subnets,
      ...(securityGroups?.length ? { securityGroups } : {}),
      ...(assignPublicIp ? { assignPublicIp } : {})
    }
  };
}

/**
 * A stopped migration succeeded when its container (or, when unknown, every container) exited 0. A container with no exit code never ran (e.g. the image
 * could not be pulled): that is a failure too.
 */
export function judgeStopped(task: Task, container: string | undefined): MigrationResult {
  const containers = task.containers ?? [];
  const relevant = container ? containers.filter((c) => c.name === container) : containers;
  const failed = (relevant.length > 0 ? relevant : containers).filter((c) => c.exitCode !== 0);
  const id = taskId(task.taskArn ?? '?');
  if (containers.length > 0 && failed.length === 0) return { ok: true, taskArn: task.taskArn ?? '' };
  const detail =
    failed.length > 0
      ? failed
          .map(
            (c) =>
              `container ${c.name ?? '?'} ${c.exitCode === undefined ? 'never ran (no exit code)' : `exited with code ${c.exitCode}`}${c.reason ? ` (${c.reason})` : ''}`
          )
          .join('; ')
      : 'the task has no containers';
  const stopped = `${task.stoppedReason ?? 'no stoppedReason'}${task.stopCode ? ` (${task.stopCode})` : ''}`;
  return { ok: false, reason: `migration task ${id} failed: ${detail}; stopped: ${stopped}; the service was not updated` };
}

function taskId(arn: string): string {
  return arn.split('/').pop() ?? arn;
}
