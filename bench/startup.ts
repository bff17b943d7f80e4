/**
 * Start-up budget: spawn → first AWS request of dist/index.js, against a bare `node`
 * process that sends one HTTP request, measured as a ratio in the same run; also the
 * time to fail on a missing input, the peak memory of a run and the bundle size.
 * Usage: npm run bench -- startup   (BENCH_DIST=path/to/index.js measures another build)
 */
import { spawn } from 'node:child_process';
import { bundleEntry } from '../scripts/bundle.js';
import { budget, guardEnv, peakRssMb } from './common.js';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist/index.js'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A server that notes when the first request arrives and answers like ECS does for an unknown family. */
async function listen(onRequest: () => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    onRequest();
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ClientException', message: 'Unable to describe task definition.' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

async function timeToFirstRequest(args: string[], env: Record<string, string>): Promise<number> {
  let first: number | undefined;
  const { server, url } = await listen(() => (first ??= performance.now()));
  const start = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...guardEnv(), ...env, AWS_ENDPOINT_URL: url, BENCH_URL: url },
    stdio: 'ignore'
  });
  await new Promise<void>((resolvePromise) => {
    const poll = setInterval(() => {
      if (first !== undefined) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolvePromise();
      }
    }, 1);
    child.on('exit', () => {
      clearInterval(poll);
      resolvePromise();
    });
  });
  server.close();
  if (first === undefined) throw new Error(`${args.join(' ')} sent no request`);
  return first - start;
}

async function timeToExit(args: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...guardEnv(), ...env }, stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return performance.now() - start;
}

/**
 * Peak RSS (MB) of a process, written by the guard at exit. The process gets the same local
 * server as timeToFirstRequest: without an endpoint the action would call the real AWS.
 */
async function peakMemory(args: string[], env: Record<string, string>): Promise<number> {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-mem-')), 'rss');
  const { server, url } = await listen(() => undefined);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...guardEnv(out), ...env, AWS_ENDPOINT_URL: url, BENCH_URL: url },
    stdio: 'ignore'
  });
  await new Promise((r) => child.on('exit', r));
  server.close();
  return peakRssMb(out);
}

export async function benchStartup(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const actionEnv = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_MAX_ATTEMPTS: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    RUNNER_TEMP: dir,
    'INPUT_TASK-DEFINITION': join(ROOT, 'examples/web.taskdef.json'),
    INPUT_VARS: readFileSync(join(ROOT, 'examples/web.vars'), 'utf8')
  };
  const bare = ['-e', "require('http').request(process.env.BENCH_URL, { method: 'POST' }).end('{}')"];
  // The AWS SDK alone, bundled the same way: what no amount of work on our side can go below.
  const floorDir = join(dir, 'sdk-floor');
  await bundleEntry(join(ROOT, 'bench/fixtures/sdk-floor.ts'), floorDir);
  const floorArgs = [join(floorDir, 'index.js')];
  const baseline: number[] = [];
  const action: number[] = [];
  const floor: number[] = [];
  const missing: number[] = [];
  // Interleaved, so background load affects every side alike.
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await timeToFirstRequest(bare, {}));
    action.push(await timeToFirstRequest([DIST], actionEnv));
    floor.push(await timeToFirstRequest(floorArgs, actionEnv));
    missing.push(await timeToExit([DIST], { RUNNER_TEMP: dir, INPUT_REGISTER: 'maybe' }));
  }
  const bundle = readdirSync(dirname(DIST))
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ f, size: statSync(join(dirname(DIST), f)).size }));
  const mem = await peakMemory([DIST], actionEnv);
  const memBare = await peakMemory(bare, {});
  const ratio = median(action) / median(baseline);
  budget({
    bench: 'startup',
    figure: 'spawn → first AWS request, ratio to a bare node request',
    budget: '≤ 4×',
    measured: `${ratio.toFixed(2)}×`,
    ok: ratio <= 4
  });
  budget({
    bench: 'startup',
    figure: 'peak RSS of a render+register start',
    budget: '≤ 73 MB',
    measured: `${mem.toFixed(1)} MB`,
    ok: mem <= 73
  });
  return {
    'bare node → first request, median ms': median(baseline),
    'dist/index.js → first AWS request, median ms': median(action),
    'ratio (budget ≤ 4)': median(action) / median(baseline),
    'AWS SDK alone → first request, median ms': median(floor),
    'AWS SDK alone, ratio to bare node': median(floor) / median(baseline),
    'dist/index.js → failed on a bad input, median ms': median(missing),
    'peak RSS of a render+register start, MB (budget ≤ 73)': mem,
    'peak RSS of bare node, MB': memBare,
    'bundle: dist/index.js, kB': (bundle.find((b) => b.f === 'index.js')?.size ?? 0) / 1024,
    'bundle: all dist/*.js chunks, kB': bundle.reduce((s, b) => s + b.size, 0) / 1024
  };
}
