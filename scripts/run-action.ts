/**
 * Runs the bundled dist/index.js exactly as a GitHub runner does: INPUT_* variables,
 * GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then the post step with the
 * saved state as STATE_* variables; AWS_ENDPOINT_URL points the real SDK at the local ECS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
/** The bundle under test; ECS_ROLLOUT_DIST points at another build (e.g. one made while fixing a bug). */
export const ACTION = process.env.ECS_ROLLOUT_DIST ?? join(ROOT, 'dist/index.js');

export interface StepRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** When the process exited (Date.now()): benchmarks take their figures here, not at a log line. */
  exitedAt: number;
  /** Everything the step printed (stdout and stderr, in order of arrival). */
  log: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

export interface ActionRun extends StepRun {
  post?: StepRun;
}

export interface RunOptions {
  /** Action inputs by their action.yml names. */
  inputs: Record<string, string>;
  /** The local ECS's URL. */
  endpoint: string;
  env?: Record<string, string>;
  /** Run the post step afterwards (default true), as the runner always does. */
  post?: boolean;
  /**
   * Interrupt the main step: when `log` matches `when`, send `signal`
   * (SIGINT = a cancelled workflow; SIGKILL = a runner that died).
   */
  interrupt?: { when: RegExp; signal: NodeJS.Signals; delayMs?: number };
  accessKeyId?: string;
  timeoutMs?: number;
  /** Called with each chunk the main step writes, as it arrives (benchmarks timestamp the log with it). */
  onOutput?: (chunk: string) => void;
}

/** Parses the runner's file commands: `name<<delimiter\nvalue\ndelimiter` (and legacy `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i]);
      out[name] = body.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

function baseEnv(endpoint: string, accessKeyId: string): Record<string, string> {
  const env: Record<string, string> = {};
  // The runner's environment, minus anything that could point the SDK at a real account.
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(AWS_|INPUT_|STATE_|GITHUB_|NODE_OPTIONS$)/.test(k)) env[k] = v;
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'local-ecs-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    // GitHub runs the action on node24; this machine's node 20 would only add the SDK's upgrade notice to every log.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_JOB: 'deploy'
  };
}

function step(script: string, env: Record<string, string>, opts: RunOptions, dir: string): Promise<StepRun> {
  const files = {
    GITHUB_OUTPUT: join(dir, `output-${Math.random().toString(36).slice(2)}`),
    GITHUB_STATE: join(dir, `state-${Math.random().toString(36).slice(2)}`),
    GITHUB_STEP_SUMMARY: join(dir, `summary-${Math.random().toString(36).slice(2)}`)
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: { ...env, ...files, RUNNER_TEMP: dir, GITHUB_WORKSPACE: ROOT },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let log = '';
    let interrupted = false;
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      log += text;
      opts.onOutput?.(text);
      const i = opts.interrupt;
      if (i && !interrupted && i.when.test(log)) {
        interrupted = true;
        setTimeout(() => child.kill(i.signal), i.delayMs ?? 0);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`step did not finish in ${opts.timeoutMs} ms; log so far:\n${log}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    let exitedAt = Number.NaN;
    child.on('exit', () => (exitedAt = Date.now()));
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode,
        signal,
        exitedAt,
        log,
        outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
        state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
        summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
      });
    });
  });
}

export async function runAction(opts: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-rollout-e2e-'));
  const env = baseEnv(opts.endpoint, opts.accessKeyId ?? 'AKIDE2ETEST');
  for (const [name, value] of Object.entries(opts.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  Object.assign(env, opts.env ?? {});
  const main = await step(ACTION, env, opts, dir);
  if (opts.post === false) return main;
  const postEnv = { ...env };
  for (const [k, v] of Object.entries(main.state)) postEnv[`STATE_${k}`] = v;
  const post = await step(ACTION, postEnv, { ...opts, interrupt: undefined, onOutput: undefined }, dir);
  return { ...main, post };
}
