/**
 * GitHub deployment statuses for an `environment`: created for the commit, moved to
 * in_progress, then success (the previous deployment becomes inactive) or failure (a
 * rolled-back release leaves the previous deployment active, as production is).
 *
 * Optional by design: a missing token or a token without `deployments: write` is a
 * warning, never a failed step, and nothing here may block or fail the rollout.
 * `@actions/github` is imported only when an environment is given: it is heavy and most
 * runs never need it (start-up budget).
 *
 * What we send GitHub is stored and shown to everyone who can read the repository, outside
 * the runner's log masking: every free-text field goes through the same mask as the log.
 */
import type { DeployStatus } from '../events.js';
import { errorMessage } from '../errors.js';
import { loadUndici } from './undici-lazy.js';

type Client = ReturnType<(typeof import('@actions/github'))['getOctokit']>;

/** GitHub's limit for a deployment status description. */
export const MAX_DESCRIPTION = 140;

/** A GitHub API call should never hold up a deployment for long. */
const CALL_TIMEOUT_MS = 15_000;

export interface DeploymentLog {
  warning(message: string): void;
}

export interface StartDeploymentOptions {
  /** The workflow's token (`github-token`); empty or undefined → a warning and no deployment. */
  token: string | undefined;
  environment: string;
  environmentUrl?: string;
  /** The branch or tag, recorded in the deployment's payload. */
  ref: string;
  /** The commit deployed. The deployment is created for it, not for `ref`: a branch that moved on meanwhile must not change what it points at. */
  sha: string;
  repo: { owner: string; repo: string };
  /** The run's URL, shown as the deployment's log. */
  runUrl?: string;
  /** Shown while the rollout runs. */
  description?: string;
  log: DeploymentLog;
  /** The run's secret mask (the reporter's): applied to every text sent to GitHub and every warning. */
  mask: (text: string) => string;
}

/** What the GitHub runner tells every step about where it runs. */
export interface RunContext {
  repo: { owner: string; repo: string };
  sha: string;
  ref: string;
  runUrl?: string;
}

/**
 * Reads the run's repository, commit, ref and URL from the runner's variables; undefined
 * outside a runner (no GITHUB_REPOSITORY or GITHUB_SHA).
 */
export function runContextFromEnv(env: Record<string, string | undefined>): RunContext | undefined {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  const sha = env['GITHUB_SHA'];
  if (!owner || !repo || !sha) return undefined;
  // Branches and tags read better on the deployment; a pull request's merge ref is
  // not something to deploy from, so the commit stands in for it.
  const gitRef = env['GITHUB_REF'] ?? '';
  const ref = /^refs\/(heads|tags)\//.test(gitRef) ? gitRef.replace(/^refs\/(heads|tags)\//, '') : sha;
  const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  const runId = env['GITHUB_RUN_ID'];
  return { repo: { owner, repo }, sha, ref, ...(runId ? { runUrl: `${server}/${owner}/${repo}/actions/runs/${runId}` } : {}) };
}

export function truncateDescription(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_DESCRIPTION ? flat : `${flat.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/**
 * Masked before it is flattened and cut (a secret with a tab or newline in it, or one cut in
 * half at 140 characters, would no longer match), and again after, in case flattening joined
 * lines into a registered form.
 */
export function safeDescription(text: string, mask: (text: string) => string): string {
  return mask(truncateDescription(mask(text)));
}

export function isProductionEnvironment(name: string): boolean {
  return /^(production|prod)$/i.test(name.trim());
}

const PERMISSION_HINT = 'give the job `permissions: deployments: write` (or remove the `environment` input)';

/** 401/403/404 all mean this token may not write deployments here; retrying cannot help. */
function isPermissionError(error: unknown): boolean {
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  return status === 401 || status === 403 || status === 404;
}

function statusText(error: unknown): string {
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  return `${typeof status === 'number' ? `${status} ` : ''}${errorMessage(error)}`;
}

/**
 * Every call goes through one gate: after a permission error the rest are skipped (one
 * warning, not one per status), and any other failure is a warning too.
 */
class Gate {
  private denied = false;
  private readonly log: DeploymentLog;
  constructor(
    private readonly environment: string,
    log: DeploymentLog,
    mask: (text: string) => string
  ) {
    // GitHub's error messages may quote what we sent.
    this.log = { warning: (message) => log.warning(mask(message)) };
  }

  async call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    if (this.denied) return undefined;
    try {
      return await fn(AbortSignal.timeout(CALL_TIMEOUT_MS));
    } catch (error) {
      if (isPermissionError(error)) {
        this.denied = true;
        this.log.warning(
          `GitHub deployment for environment \`${this.environment}\` skipped: ${what} was refused (${statusText(error)}); the token lacks the \`deployments: write\` permission: ${PERMISSION_HINT}`
        );
      } else {
        this.log.warning(`GitHub deployment for environment \`${this.environment}\`: ${what} failed: ${statusText(error)}`);
      }
      return undefined;
    }
  }
}

/** A created GitHub deployment; `finish` sets its final status. */
export class GithubDeployment {
  constructor(
    private readonly client: Client,
    private readonly gate: Gate,
    readonly id: number,
    private readonly opts: StartDeploymentOptions
  ) {}

  /**
   * success makes GitHub mark the environment's previous deployments inactive; a failure
   * (rolled back or failed) must not, because the previous release is still what runs.
   */
  async finish(status: DeployStatus, description: string): Promise<void> {
    const ok = status === 'succeeded';
    const { mask } = this.opts;
    await this.gate.call(`setting the deployment status to ${ok ? 'success' : 'failure'}`, (signal) =>
      this.client.rest.repos.createDeploymentStatus({
        ...this.opts.repo,
        deployment_id: this.id,
        state: ok ? 'success' : 'failure',
        description: safeDescription(description, mask),
        auto_inactive: ok,
        ...(this.opts.runUrl ? { log_url: mask(this.opts.runUrl) } : {}),
        ...(ok && this.opts.environmentUrl ? { environment_url: mask(this.opts.environmentUrl) } : {}),
        request: { signal }
      })
    );
  }
}

/**
 * Creates a deployment for the commit and marks it in_progress. Undefined (after a warning)
 * when there is no token, the token may not write deployments, or GitHub did not create it.
 */
export async function startDeployment(opts: StartDeploymentOptions): Promise<GithubDeployment | undefined> {
  if (!opts.token) {
    opts.log.warning(
      `GitHub deployment for environment \`${opts.environment}\` skipped: no \`github-token\`; pass the workflow's token with the \`deployments: write\` permission`
    );
    return undefined;
  }
  await loadUndici();
  const { getOctokit } = await import('@actions/github');
  const client = getOctokit(opts.token);
  const { mask } = opts;
  const gate = new Gate(opts.environment, opts.log, mask);
  const created = await gate.call('creating the deployment', (signal) =>
    client.rest.repos.createDeployment({
      ...opts.repo,
      ref: opts.sha,
      // Without an empty list GitHub refuses to deploy a commit whose checks are pending,
      // which is every commit of the run that is deploying it.
      required_contexts: [],
      auto_merge: false,
      environment: opts.environment,
      transient_environment: false,
      production_environment: isProductionEnvironment(opts.environment),
      description: safeDescription(opts.description ?? `ecs-rollout ${opts.sha.slice(0, 7)}`, mask),
      payload: { ref: mask(opts.ref), sha: opts.sha },
      request: { signal }
    })
  );
  // 202 (a merge GitHub wanted to make first) has no id: nothing to track.
  const id = created && 'id' in created.data ? created.data.id : undefined;
  if (created && id === undefined) {
    opts.log.warning(mask(`GitHub deployment for environment \`${opts.environment}\` not created: ${JSON.stringify(created.data)}`));
  }
  if (id === undefined) return undefined;
  await gate.call('setting the deployment status to in_progress', (signal) =>
    client.rest.repos.createDeploymentStatus({
      ...opts.repo,
      deployment_id: id,
      state: 'in_progress',
      description: safeDescription(opts.description ?? 'Deploying', mask),
      ...(opts.runUrl ? { log_url: mask(opts.runUrl) } : {}),
      ...(opts.environmentUrl ? { environment_url: mask(opts.environmentUrl) } : {}),
      request: { signal }
    })
  );
  return new GithubDeployment(client, gate, id, opts);
}
