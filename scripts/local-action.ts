/**
 * `npm run local-action [-- [ENV_FILE] [--no-post] [--summary FILE] [--timeout 10m]]`
 *
 * Runs the bundled action (dist/index.js, main then post) on this machine against the
 * local ECS, the way `@github/local-action` runs an action: the inputs come from a dotenv
 * file as INPUT_* variables (`.env`, or `.env.example` when there is none), and the
 * runner's files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) are emulated. The AWS
 * SDK is always pointed at the local ECS: this script never talks to a real account.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ACTION, ROOT, runAction, type StepRun } from './run-action.js';
import { startSim } from '../sim/server.js';

interface Args {
  envFile: string;
  post: boolean;
  summary?: string;
  timeoutMs: number;
}

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run local-action -- [ENV_FILE] [--no-post] [--summary FILE] [--timeout 10m]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  let envFile: string | undefined;
  let post = true;
  let summary: string | undefined;
  let timeoutMs = 10 * 60_000;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-post') post = false;
    else if (arg === '--summary') summary = argv[++i] ?? usage('--summary needs a file');
    else if (arg === '--timeout') timeoutMs = parseMinutesOrSeconds(argv[++i] ?? usage('--timeout needs a duration'));
    else if (arg === '--help' || arg === '-h') usage('Runs dist/index.js against the local ECS with inputs from a dotenv file.');
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else if (envFile === undefined) envFile = arg;
    else usage(`unexpected argument ${arg}`);
  }
  const chosen = envFile ?? (existsSync(join(ROOT, '.env')) ? '.env' : '.env.example');
  return { envFile: resolve(process.cwd(), chosen), post, ...(summary ? { summary: resolve(process.cwd(), summary) } : {}), timeoutMs };
}

function parseMinutesOrSeconds(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(raw.trim());
  if (!m) usage(`--timeout: "${raw}" is not a duration like 90s or 10m`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 60_000);
}

/**
 * Dotenv as `@github/local-action` reads it (the dotenv package's rules, the parts that
 * matter here): KEY=VALUE, `#` comments, `export ` ignored, single quotes literal, double
 * quotes may span lines and expand \n. Keys may contain `-`: the runner names a
 * hyphenated input INPUT_POLL-INTERVAL, so a .env must too.
 */
export function parseDotenv(text: string, file = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    const m = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s?(.*)$/.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: expected KEY=VALUE, got: ${line}`);
    const key = m[1];
    let value = m[2];
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      let body = value.slice(1);
      const start = i;
      while (!closes(body, quote)) {
        if (++i >= lines.length) throw new Error(`${file}:${start + 1}: ${key}: the ${quote} quote is never closed`);
        body += `\n${lines[i]}`;
      }
      const end = closingIndex(body, quote);
      value = body.slice(0, end);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      // An unquoted value ends at a comment that follows whitespace, as in dotenv.
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[key] = value;
  }
  return out;
}

function closingIndex(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && quote === '"') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

function closes(body: string, quote: string): boolean {
  return closingIndex(body, quote) >= 0;
}

/** The newest file under `dir` (ms since epoch), so a stale bundle is noticed before it misleads. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The seeded scenario of a local ECS that is already running (undefined when it was not seeded). */
async function fetchScenario(url: string): Promise<unknown> {
  const res = await fetch(new URL('/_sim/scenario', url));
  return res.ok ? res.json() : undefined;
}

/**
 * `${scenario.targetGroups.web-blue}` → that ARN of the seeded scenario (see sim/seed.ts),
 * so a .env can name the local ECS's resources although their ids change every run.
 */
export function withScenario(value: string, scenario: unknown, key: string): string {
  return value.replace(/\$\{scenario\.([^}]+)\}/g, (_, path: string) => {
    let node: unknown = scenario;
    for (const part of path.split('.')) {
      node = typeof node === 'object' && node !== null && part in node ? (node as Record<string, unknown>)[part] : undefined;
    }
    if (typeof node !== 'string' && typeof node !== 'number') {
      throw new Error(`${key}: \${scenario.${path}} is not in the local ECS's scenario${scenario ? '' : ' (it was not seeded)'}`);
    }
    return String(node);
  });
}

/** Variables the script owns: the AWS endpoint must stay the local ECS whatever a .env says. */
const NOT_FROM_ENV_FILE = /^(AWS_ENDPOINT_URL.*|AWS_PROFILE|AWS_CONFIG_FILE|AWS_SHARED_CREDENTIALS_FILE)$/;
/** Settings of this script, not of the action. */
const SCRIPT_SETTINGS = /^LOCAL_ECS_/;

/**
 * The step's log as the runner would show it: workflow commands (`::group::`, `::error
 * file=…::`, …) turned into readable lines, and every `::add-mask::` value replaced by ***
 * (the runner masks them; the raw log printed here must not show them either).
 */
export function renderRunnerLog(log: string, debug = false): string {
  const masks = [...log.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]).filter((v) => v !== '');
  const mask = (text: string): string => masks.reduce((t, secret) => t.split(secret).join('***'), text);
  const out: string[] = [];
  for (const line of log.split('\n')) {
    const cmd = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!cmd) {
      out.push(mask(line));
      continue;
    }
    const [, name, props, message] = cmd;
    const where = /file=([^,]+)(?:,line=(\d+))?/.exec(props ?? '');
    const at = where ? ` (${where[1]}${where[2] ? `:${where[2]}` : ''})` : '';
    if (name === 'group') out.push(`▸ ${mask(message)}`);
    else if (name === 'error' || name === 'warning' || name === 'notice') out.push(`${name}${at}: ${mask(message.replace(/%0A/g, '\n'))}`);
    else if (name === 'debug' && debug) out.push(`debug: ${mask(message)}`);
    // add-mask, endgroup, and anything else the runner would not show.
  }
  return out.join('\n');
}

function printStep(name: string, step: StepRun, debug: boolean): void {
  console.log(`\n──── ${name} step: exit ${step.exitCode ?? step.signal} ────`);
  const log = renderRunnerLog(step.log, debug);
  process.stdout.write(log.endsWith('\n') || log === '' ? log : `${log}\n`);
  const outputs = Object.entries(step.outputs);
  if (outputs.length) {
    console.log(`\n──── ${name} step outputs ────`);
    for (const [k, v] of outputs) console.log(`${k} = ${v.includes('\n') ? JSON.stringify(v) : v}`);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.envFile)) usage(`${args.envFile} does not exist`);
  if (!existsSync(ACTION)) {
    console.error(`${relative(process.cwd(), ACTION)} does not exist: run \`npm run bundle\` first`);
    return 1;
  }
  if (newestMtime(join(ROOT, 'src')) > statSync(ACTION).mtimeMs) {
    console.warn(`warning: src/ changed after ${relative(ROOT, ACTION)} was built; run \`npm run bundle\` to run your latest code`);
  }

  const all = parseDotenv(readFileSync(args.envFile, 'utf8'), relative(process.cwd(), args.envFile));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) {
    if (NOT_FROM_ENV_FILE.test(k))
      console.warn(`warning: ${k} from ${relative(process.cwd(), args.envFile)} ignored: the action always runs against the local ECS`);
    else if (!SCRIPT_SETTINGS.test(k)) env[k] = v;
  }
  const timeScale = Number(all['LOCAL_ECS_TIME_SCALE'] ?? 300);
  if (!Number.isFinite(timeScale) || timeScale < 0) usage(`LOCAL_ECS_TIME_SCALE must be a number ≥ 0, got ${all['LOCAL_ECS_TIME_SCALE']}`);

  // An already-running `npm run sim -- --seed` (to inspect it afterwards), or our own.
  const external = all['LOCAL_ECS_URL'];
  const sim = external ? undefined : await startSim({ seed: true, timeScale });
  const endpoint = external ?? sim!.url;
  console.log(`local ECS: ${endpoint}${sim ? ` (seeded, ${timeScale}× time)` : ''}`);
  try {
    const scenario = sim ? sim.scenario : await fetchScenario(endpoint);
    for (const [k, v] of Object.entries(env)) env[k] = withScenario(v, scenario, k);
  } catch (error) {
    await sim?.close();
    throw error;
  }
  console.log(
    `inputs from ${relative(process.cwd(), args.envFile)}: ${
      Object.keys(env)
        .filter((k) => k.startsWith('INPUT_'))
        .join(', ') || 'none'
    }`
  );
  console.log(`running ${relative(process.cwd(), ACTION)} (main${args.post ? ' + post' : ''})…`);

  try {
    const run = await runAction({ inputs: {}, endpoint, env, post: args.post, timeoutMs: args.timeoutMs });
    const debug = env['RUNNER_DEBUG'] === '1';
    printStep('main', run, debug);
    if (run.post) printStep('post', run.post, debug);

    const summaryFile = args.summary ?? join(mkdtempSync(join(tmpdir(), 'ecs-rollout-local-action-')), 'summary.md');
    mkdirSync(dirname(summaryFile), { recursive: true });
    writeFileSync(summaryFile, run.summary + (run.post?.summary ?? ''));
    console.log(`\njob summary (Markdown): ${summaryFile}`);
    const failed = run.exitCode !== 0 || (run.post !== undefined && run.post.exitCode !== 0);
    console.log(
      failed
        ? `the action failed (main exit ${run.exitCode ?? run.signal}${run.post ? `, post exit ${run.post.exitCode ?? run.post.signal}` : ''})`
        : 'the action succeeded'
    );
    return failed ? 1 : 0;
  } finally {
    await sim?.close();
  }
}

// Only when run (not when a test imports parseDotenv).
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    }
  );
}
