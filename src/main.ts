import * as core from '@actions/core';
import { actionInputSource } from './action/input-source.js';
import { ActionReporter } from './action/reporter.js';
import { actionState } from './action/state.js';
import type { GithubDeployment } from './action/deployments.js';
import { createAws } from './aws/clients.js';
import { createLockStore } from './aws/dynamodb.js';
import { cancellationOnSignals } from './cancel.js';
import { InputError, InputErrors, errorMessage } from './errors.js';
import { Inputs } from './inputs.js';
import { TaskFailed, runPipeline, type PipelineResult } from './pipeline.js';
import { errorHeadline } from './report/headline.js';
import { deploymentIntended, readSettings, type Settings } from './settings.js';
import { realTimer } from './timer.js';

/** The main step: inputs → settings → pipeline → outputs and summary. Any throw, of anything, fails the step. */
export async function run(): Promise<void> {
  // A release (several services as one unit) has its own adapter, loaded only then.
  let release: string;
  try {
    release = core.getInput('release').trim();
  } catch (error) {
    core.setFailed(errorMessage(error));
    return;
  }
  if (release) return (await import('./action/release.js')).runReleaseStep(release);
  const reporter = new ActionReporter();
  const controller = cancellationOnSignals((signal) => core.warning(`Received ${signal} (workflow cancelled): stopping and rolling back`));
  let settings: Settings | undefined;
  let result: PipelineResult | undefined;
  let failure: string | undefined;
  let failureHeadline: string | undefined;
  let deployment: GithubDeployment | undefined;
  try {
    const inputs = new Inputs(actionInputSource);
    settings = readSettings(inputs, process.env);
    deployment = await startGithubDeployment(inputs, reporter);
    result = await runPipeline(settings, {
      aws: createAws({
        callTimeoutMs: settings.safety.callTimeoutMs,
        ...(settings.deploy.maxAttempts ? { maxAttempts: settings.deploy.maxAttempts } : {})
      }),
      locks: createLockStore(settings.safety.lock ? { callTimeoutMs: settings.safety.lock.callTimeoutMs } : {}),
      reporter,
      timer: realTimer,
      signal: controller.signal,
      state: actionState
    });
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, reporter.mask(value));
    if (result.deploy && result.deploy.status !== 'succeeded')
      core.setFailed(reporter.mask(result.deploy.headline ?? result.deploy.reason));
  } catch (error) {
    const errors = error instanceof InputErrors ? error.errors : [error];
    const annotated = errors.filter((e): e is InputError => e instanceof InputError && Boolean(e.location.file));
    for (const e of annotated) reporter.error(e.message, e.location);
    failure = errorMessage(error);
    failureHeadline = errorHeadline(error);
    // The headline goes to the annotation and the reason output; the whole message stays in the log.
    if (failureHeadline) core.info(reporter.mask(failure));
    // A task run on its own failed: what it produced (run-task-arn, the revision) still goes out.
    if (error instanceof TaskFailed) for (const [name, value] of Object.entries(error.outputs)) core.setOutput(name, reporter.mask(value));
    // When reading the settings failed there are none: the raw inputs say whether a deployment was asked for.
    if (settings ? settings.mode === 'deploy' || settings.mode === 'run-task' : deploymentIntended(actionInputSource)) {
      // Refused before anything changed (bad input, preflight, registration): still a verdict downstream steps can read.
      core.setOutput('status', 'failed');
      core.setOutput('rolled-back', 'false');
      core.setOutput('reason', reporter.mask(failureHeadline ?? failure));
    }
    // Problems already shown as annotations are not printed twice.
    core.setFailed(
      reporter.mask(
        annotated.length === errors.length
          ? `${annotated.length === 1 ? 'the template has a problem' : `the template has ${annotated.length} problems`} (see above)`
          : (failureHeadline ?? failure)
      )
    );
  }
  await deployment?.finish(
    result?.deploy?.status ?? (failure ? 'failed' : 'succeeded'),
    result?.deploy?.headline ?? result?.deploy?.reason ?? failure ?? 'deployed'
  );
  await writeSummary(reporter, settings, result, failure, failureHeadline);
}

/** A GitHub deployment for the `environment` input; its code (and @actions/github) is loaded only then. */
async function startGithubDeployment(inputs: Inputs, reporter: ActionReporter): Promise<GithubDeployment | undefined> {
  const environment = inputs.string('environment');
  if (!environment) return undefined;
  const { runContextFromEnv, startDeployment } = await import('./action/deployments.js');
  const run = runContextFromEnv(process.env);
  if (!run) {
    core.warning('environment is set but this is not a GitHub Actions run (GITHUB_REPOSITORY / GITHUB_SHA missing): no GitHub deployment');
    return undefined;
  }
  const environmentUrl = inputs.string('environment-url');
  return startDeployment({
    token: inputs.string('github-token') ?? process.env.GITHUB_TOKEN,
    environment,
    ...(environmentUrl ? { environmentUrl } : {}),
    ...run,
    // Masked when sent, not now: the secret vars are registered later, before anything is sent.
    log: { warning: (message) => reporter.warning(message) },
    mask: (text) => reporter.mask(text)
  });
}

async function writeSummary(
  reporter: ActionReporter,
  settings: Settings | undefined,
  result: PipelineResult | undefined,
  failure: string | undefined,
  failureHeadline?: string
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    // Loaded here, once the work is done: nothing before the first AWS call waits for it.
    const { renderSummary } = await import('./report/summary.js');
    const services = settings?.blueGreen
      ? [settings.blueGreen.colours.blue.service, settings.blueGreen.colours.green.service]
      : settings?.deploy.service
        ? [settings.deploy.service]
        : [];
    const markdown = renderSummary({
      events: reporter.events,
      outputs: result?.outputs ?? {},
      ...(result?.deploy
        ? {
            status: result.deploy.status,
            reason: result.deploy.reason,
            ...(result.deploy.headline ? { headline: result.deploy.headline } : {})
          }
        : {}),
      ...(failure ? { error: failure } : {}),
      ...(failure && !result?.deploy && failureHeadline ? { headline: failureHeadline } : {}),
      ...(result?.diff ? { diff: result.diff } : {}),
      ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      ...(settings ? { cluster: settings.deploy.cluster } : {}),
      services
    });
    await core.summary.addRaw(reporter.mask(markdown), true).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${errorMessage(error)}`);
  }
}
