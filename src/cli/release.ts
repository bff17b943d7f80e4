/** `ecs-rollout deploy --release FILE`: the release run with its own state file, summary file and outputs. */
import { basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createAws } from '../aws/clients.js';
import { createLockStore } from '../aws/dynamodb.js';
import { readReleaseFile } from '../release/file.js';
import { batchedAws } from '../release/batch.js';
import { runRelease } from '../release/run.js';
import { renderReleaseSummary } from '../release/summary.js';
import { realTimer } from '../timer.js';
import { EXIT, type CommandContext, type CommandResult } from './command.js';
import { fileState, newStatePath, targetSlug } from './state-file.js';

export async function deployRelease(ctx: CommandContext): Promise<CommandResult> {
  const file = ctx.inputs.required('release');
  const plan = readReleaseFile(file, ctx.env, '--release');
  const first = plan.services[0]!.settings;
  const region = ctx.region ? { region: ctx.region } : {};
  const state = fileState(
    ctx.flags['state-file'] ?? newStatePath(ctx.cwd, targetSlug(plan.cluster, [`release-${basename(file).replace(/\.ya?ml$/, '')}`]))
  );
  const aws = batchedAws(
    createAws({
      ...region,
      callTimeoutMs: first.safety.callTimeoutMs,
      ...(first.deploy.maxAttempts ? { maxAttempts: first.deploy.maxAttempts } : {})
    }),
    {
      maxAgeMs: Math.min(...plan.services.map((s) => s.settings.deploy.pollIntervalMs)) / 2
    }
  );
  const result = await runRelease(plan, {
    aws,
    locks: createLockStore({ ...region, ...(first.safety.lock ? { callTimeoutMs: first.safety.lock.callTimeoutMs } : {}) }),
    reporter: ctx.reporter,
    timer: realTimer,
    signal: ctx.signal,
    state
  });
  ctx.reporter.info(aws.stats.line());
  const summaryFile = ctx.flags['summary-file'];
  if (summaryFile)
    writeFileSync(
      summaryFile,
      ctx.reporter.mask(renderReleaseSummary({ file, result, cluster: plan.cluster, events: ctx.reporter.events }))
    );
  // A release that reached its verdict left nothing for `ecs-rollout rollback` to finish.
  state.clear();
  return { exitCode: result.status === 'succeeded' ? EXIT.ok : EXIT.failed, outputs: result.outputs };
}
