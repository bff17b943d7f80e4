/**
 * Render speed: a render-only run of dist/index.js (the 10-container example, register: false)
 * from spawn to exit, against `node -e 0` measured in the same run; also a step written for the
 * official render action (container-name + image), which renders only too.
 * Usage: npm run bench -- render   (BENCH_DIST=path/to/index.js measures another build)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { budget, guardEnv } from './common.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist/index.js'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Spawn → exit in ms; a run that fails (or renders nothing, for the action) throws: a fast failure is no result. */
async function timeToExit(args: string[], env: Record<string, string>, output?: string): Promise<number> {
  if (output) writeFileSync(output, '');
  const start = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...guardEnv(), ...env },
    stdio: ['ignore', 'ignore', 'pipe']
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-1000)}`);
  if (output) {
    const rendered = /task-definition<<\S+\n(.*)\n/.exec(readFileSync(output, 'utf8'))?.[1];
    if (!rendered || !existsSync(rendered)) throw new Error(`${args.join(' ')} rendered nothing`);
  }
  return ms;
}

export async function benchRender(): Promise<Record<string, number>> {
  if (!existsSync(DIST)) throw new Error(`${DIST} does not exist: npm run bundle, or set BENCH_DIST`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-render-'));
  const output = join(dir, 'github-output');
  const base = { RUNNER_TEMP: dir, GITHUB_OUTPUT: output, HOME: dir };
  const renderOnly = {
    ...base,
    'INPUT_TASK-DEFINITION': join(ROOT, 'examples/shop-10.taskdef.json'),
    INPUT_VARS: readFileSync(join(ROOT, 'examples/shop-10.vars'), 'utf8'),
    INPUT_REGISTER: 'false'
  };
  // As the official render action is called: a template, a container and its new image.
  const officialStep = {
    ...base,
    'INPUT_TASK-DEFINITION': join(ROOT, 'test/fixtures/official/web-task-definition.json'),
    'INPUT_CONTAINER-NAME': 'web',
    INPUT_IMAGE: 'registry.example.com/web:v3'
  };
  const bare: number[] = [];
  const render: number[] = [];
  const official: number[] = [];
  // Interleaved, so background load affects every side alike.
  for (let i = 0; i < RUNS; i++) {
    bare.push(await timeToExit(['-e', '0'], {}));
    render.push(await timeToExit([DIST], renderOnly, output));
    official.push(await timeToExit([DIST], officialStep, output));
  }
  const ratio = median(render) / median(bare);
  budget({
    bench: 'render',
    figure: 'render-only run of the 10-container example, ratio to node -e 0',
    budget: '≤ 3×',
    measured: `${ratio.toFixed(2)}×`,
    ok: ratio <= 3
  });
  return {
    'node -e 0, median ms': median(bare),
    'render-only, 10-container example, median ms': median(render),
    'ratio (budget ≤ 3)': ratio,
    'official-render-style step, median ms': median(official),
    'official-render-style step, ratio to node -e 0': median(official) / median(bare)
  };
}
