/**
 * Runs dist/index.js as a runner does (main step, then the post step with the saved state), with
 * what the chaos benchmark needs beyond scripts/run-action.ts: a kill or cancel after the Nth log
 * line, a hook the moment the main step exits (its verdict is judged against the world right then),
 * and a runner-level deadline (cancel, then kill) instead of an exception, so a hung step still
 * gets its post step and is counted rather than aborting the benchmark.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION, ROOT, parseFileCommands, type StepRun } from '../scripts/run-action.js';

export interface ChaosStep extends StepRun {
  /** The interrupt was delivered (the run had not finished before the chosen line). */
  interrupted?: NodeJS.Signals;
  /** The runner's own deadline fired (the step hung past its timeout). */
  deadlineHit: boolean;
  ms: number;
}

export interface ChaosRun {
  main: ChaosStep;
  post: ChaosStep;
}

export interface ChaosRunOptions {
  endpoint: string;
  accessKeyId: string;
  /** GITHUB_RUN_ID: racing runs are two workflow runs. */
  runId: string;
  inputs: Record<string, string>;
  interrupt?: { signal: NodeJS.Signals; atLine: number };
  /** Real ms the main step may take before the runner cancels it (SIGINT), then kills it 3 s later. */
  deadlineMs: number;
  /** Awaited the moment the main step has exited, before the post step starts. */
  onMainExit?: (main: ChaosStep) => Promise<void>;
}

/**
 * Only what a runner would pass, and never anything that could reach a real AWS account:
 * every AWS_* of ours is dropped, the endpoint is the local ECS, and no profile or config file is read.
 */
function env(endpoint: string, accessKeyId: string, runId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(AWS_|INPUT_|STATE_|GITHUB_|NODE_OPTIONS$|ECS_ROLLOUT_)/.test(k)) out[k] = v;
  }
  return {
    ...out,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'local-ecs-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: runId,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_JOB: 'deploy'
  };
}

function step(
  stepEnv: Record<string, string>,
  dir: string,
  name: string,
  deadlineMs: number,
  interrupt?: { signal: NodeJS.Signals; atLine: number }
): Promise<ChaosStep> {
  const files = {
    GITHUB_OUTPUT: join(dir, `${name}-output`),
    GITHUB_STATE: join(dir, `${name}-state`),
    GITHUB_STEP_SUMMARY: join(dir, `${name}-summary`)
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACTION], {
      cwd: ROOT,
      env: { ...stepEnv, ...files, RUNNER_TEMP: dir, GITHUB_WORKSPACE: ROOT },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let log = '';
    let lines = 0;
    let interrupted: NodeJS.Signals | undefined;
    let deadlineHit = false;
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      log += text;
      for (const c of text) if (c === '\n') lines++;
      if (interrupt && !interrupted && lines >= interrupt.atLine) {
        interrupted = interrupt.signal;
        child.kill(interrupt.signal);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // A cancelled job: SIGINT first, then the runner kills what is left.
    let kill: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      deadlineHit = true;
      child.kill('SIGINT');
      kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    }, deadlineMs);
    child.on('error', reject);
    let exitedAt = Number.NaN;
    child.on('exit', () => (exitedAt = Date.now()));
    child.on('close', (exitCode, signal) => {
      clearTimeout(deadline);
      if (kill) clearTimeout(kill);
      resolve({
        exitCode,
        signal,
        exitedAt,
        log,
        outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
        state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
        summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
        ...(interrupted ? { interrupted } : {}),
        deadlineHit,
        ms: Date.now() - started
      });
    });
  });
}

export async function runChaosAction(opts: ChaosRunOptions): Promise<ChaosRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-rollout-chaos-'));
  try {
    const base = env(opts.endpoint, opts.accessKeyId, opts.runId);
    for (const [name, value] of Object.entries(opts.inputs)) base[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    const main = await step(base, dir, 'main', opts.deadlineMs, opts.interrupt);
    await opts.onMainExit?.(main);
    const postEnv = { ...base };
    for (const [k, v] of Object.entries(main.state)) postEnv[`STATE_${k}`] = v;
    // The post step is never cancelled by the runner; the deadline only keeps a hung one from stalling the benchmark.
    const post = await step(postEnv, dir, 'post', 4 * opts.deadlineMs);
    return { main, post };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
