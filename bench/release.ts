/**
 * Releases at scale (issue 14): 50 rolling services in one release, on the local ECS with its
 * realistic ECS read throttle on (20 reads/s, burst 50), at the default poll interval on the
 * ×10 clock. Each deployment lasts about four simulated minutes (its tasks start slowly, as
 * ECS tasks pulling an image and warming up do), not the half minute of the default scenario:
 * the release's own fixed costs (one lock over 50 services, 50 registrations) are then weighed
 * against a deployment of realistic length. BENCH_RELEASE_TAG=v2 runs the short ones instead
 * (about 30 s simulated: there the fixed costs weigh 25–55 %).
 * Budgets: the release finishes within 10 % of its slowest service deployed alone (the same
 * service, the same inputs, one step of its own), costs at most 2 describe calls per poll per
 * 10 services, and no throttling error reaches the user.
 * Usage: npm run bench -- release
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUTS } from '../src/generated/action-spec.js';
import { runAction } from '../scripts/run-action.js';
import { seedReleaseServices } from '../sim/seed-release.js';
import { startSim, type Sim } from '../sim/server.js';
import { ACTION_KEY, CLOCK_INPUTS, POLL_MS, TIME_SCALE, budget, guardEnv } from './common.js';

const COUNT = 50;
const NAMES = Array.from({ length: COUNT }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
const TEMPLATE = 'test/release/fixtures/service.taskdef.json';
const TAG = process.env.BENCH_RELEASE_TAG ?? 'v2-slow-start';
/** The clock inputs every bench passes, those this action version has. */
const CLOCK = Object.fromEntries(Object.entries(CLOCK_INPUTS).filter(([k]) => INPUTS.some((i) => i.name === k)));

async function freshSim(): Promise<Sim> {
  const sim = await startSim({ timeScale: TIME_SCALE });
  await seedReleaseServices(sim.world, NAMES);
  // BENCH_RELEASE_NO_THROTTLE=1: without it, to see what the throttle costs.
  if (!process.env.BENCH_RELEASE_NO_THROTTLE) sim.setEcsReadThrottle({});
  sim.clearCalls();
  return sim;
}

const reads = (sim: Sim, operation: string): number => sim.calls({ accessKeyId: ACTION_KEY, operation }).length;
const throttled = (sim: Sim): number => sim.calls({ accessKeyId: ACTION_KEY }).filter((c) => /Throttl/.test(c.error ?? '')).length;

export async function benchRelease(): Promise<Record<string, number>> {
  // The slowest single service: each of three services deployed alone, as a step of its own.
  const alone: number[] = [];
  for (const name of NAMES.slice(0, 3)) {
    const sim = await freshSim();
    try {
      const started = Date.now();
      const run = await runAction({
        endpoint: sim.url,
        accessKeyId: ACTION_KEY,
        env: guardEnv(),
        post: false,
        timeoutMs: 300_000,
        inputs: { 'task-definition': TEMPLATE, vars: `name=${name}\ntag=${TAG}`, cluster: 'prod', service: name, ...CLOCK }
      });
      if (run.outputs.status !== 'succeeded') throw new Error(`deploying ${name} alone did not succeed: ${run.outputs.reason}`);
      alone.push(run.exitedAt - started);
    } finally {
      await sim.close();
    }
  }
  const slowest = Math.max(...alone);

  const sim = await freshSim();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'bench-release-'));
    const file = join(dir, 'release.yml');
    const lines = [
      'cluster: prod',
      `max-parallel: ${COUNT}`,
      'defaults:',
      `  task-definition: ${TEMPLATE}`,
      ...Object.entries(CLOCK).map(([k, v]) => `  ${k}: ${v}`),
      'services:'
    ];
    for (const name of NAMES) lines.push(`  ${name}:`, `    vars: { name: ${name}, tag: ${TAG} }`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    let deployStart = 0;
    const started = Date.now();
    const run = await runAction({
      endpoint: sim.url,
      accessKeyId: ACTION_KEY,
      env: guardEnv(),
      post: false,
      timeoutMs: 600_000,
      inputs: { release: file },
      onOutput: (chunk) => {
        if (!deployStart && /Wave 1 of 1/.test(chunk)) deployStart = Date.now();
        if (process.env.BENCH_RELEASE_TRACE)
          for (const line of chunk.split('\n'))
            if (new RegExp(process.env.BENCH_RELEASE_TRACE).test(line)) console.log(Date.now() - started, line.slice(0, 100));
      }
    });
    const took = run.exitedAt - started;
    const watching = run.exitedAt - (deployStart || started);
    if (run.outputs.status !== 'succeeded') throw new Error(`the release did not succeed: ${run.outputs.reason}\n${run.log.slice(-3000)}`);
    const describes = reads(sim, 'DescribeServices');
    const polls = watching / POLL_MS;
    const perPollPer10 = describes / polls / (COUNT / 10);
    const surfaced = (run.log.match(/throttl/gi) ?? []).length;
    budget({
      bench: 'release',
      figure: `${COUNT}-service release vs its slowest single service`,
      budget: '≤ 110 %',
      measured: `${Math.round((100 * took) / slowest)} % (${took} ms vs ${slowest} ms)`,
      ok: took <= 1.1 * slowest
    });
    budget({
      bench: 'release',
      figure: 'DescribeServices per poll per 10 services',
      budget: '≤ 2',
      measured: perPollPer10.toFixed(2),
      ok: perPollPer10 <= 2
    });
    budget({
      bench: 'release',
      figure: 'throttling errors surfaced in the log',
      budget: '0',
      measured: String(surfaced),
      ok: surfaced === 0
    });
    return {
      'single service alone, slowest of 3 (ms)': slowest,
      'release of 50 (ms)': took,
      'release / slowest single (%)': (100 * took) / slowest,
      'DescribeServices calls (release)': describes,
      'polls during the waves': polls,
      'DescribeServices per poll per 10 services': perPollPer10,
      'DescribeTaskDefinition calls': reads(sim, 'DescribeTaskDefinition'),
      'calls answered ThrottlingException (retried)': throttled(sim),
      'throttling lines in the log': surfaced
    };
  } finally {
    await sim.close();
  }
}
