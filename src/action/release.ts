/**
 * The main step when the input `release` is set: the release file read and validated whole,
 * the release run, then its outputs (status, reason, rolled-back, services) and its summary.
 * Loaded only by runs that release.
 */
import * as core from '@actions/core';
import { createAws } from '../aws/clients.js';
import { createLockStore } from '../aws/dynamodb.js';
import { cancellationOnSignals } from '../cancel.js';
import { InputError, InputErrors, errorMessage } from '../errors.js';
import { readReleaseFile, type ReleasePlan } from '../release/file.js';
import { batchedAws } from '../release/batch.js';
import { runRelease, type ReleaseResult } from '../release/run.js';
import { renderReleaseSummary } from '../release/summary.js';
import { realTimer } from '../timer.js';
import { ActionReporter } from './reporter.js';
import { actionState } from './state.js';

export async function runReleaseStep(file: string): Promise<void> {
  const reporter = new ActionReporter();
  const controller = cancellationOnSignals((signal) =>
    core.warning(`Received ${signal} (workflow cancelled): stopping the release and rolling it back`)
  );
  let plan: ReleasePlan | undefined;
  let result: ReleaseResult | undefined;
  let failure: string | undefined;
  try {
    if (core.getInput('environment'))
      core.warning('environment is set, but a release does not create a GitHub deployment yet: no deployment status is sent');
    plan = readReleaseFile(file, process.env);
    const first = plan.services[0]!.settings;
    const aws = batchedAws(
      createAws({
        callTimeoutMs: first.safety.callTimeoutMs,
        ...(first.deploy.maxAttempts ? { maxAttempts: first.deploy.maxAttempts } : {})
      }),
      {
        maxAgeMs: Math.min(...plan.services.map((s) => s.settings.deploy.pollIntervalMs)) / 2
      }
    );
    result = await runRelease(plan, {
      aws,
      locks: createLockStore(first.safety.lock ? { callTimeoutMs: first.safety.lock.callTimeoutMs } : {}),
      reporter,
      timer: realTimer,
      signal: controller.signal,
      state: actionState
    });
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, reporter.mask(value));
    reporter.info(aws.stats.line());
    if (result.status !== 'succeeded') core.setFailed(reporter.mask(result.reason));
  } catch (error) {
    const errors = error instanceof InputErrors ? error.errors : [error];
    for (const e of errors) if (e instanceof InputError && e.location.file) reporter.error(e.message, e.location);
    failure = errorMessage(error);
    // Refused before anything changed: still a verdict downstream steps can read.
    core.setOutput('status', 'failed');
    core.setOutput('rolled-back', 'false');
    core.setOutput('reason', reporter.mask(failure));
    core.setOutput('services', '{}');
    core.setFailed(reporter.mask(failure));
  }
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    const markdown = renderReleaseSummary({
      file,
      ...(result ? { result } : {}),
      ...(failure ? { error: failure } : {}),
      ...(plan ? { cluster: plan.cluster } : {}),
      events: reporter.events
    });
    await core.summary.addRaw(reporter.mask(markdown), true).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${errorMessage(error)}`);
  }
}
