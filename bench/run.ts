/**
 * Benchmarks (not tests): `npm run bench` runs them all, `npm run bench -- startup` one.
 * Figures are medians or ratios measured in one run, so the machine's speed cancels out.
 * rolling, blue-green and alarms deploy through dist/index.js against the local ECS on a ×10
 * clock at the default poll interval (see bench/common.ts) and take 1–2.5 minutes each
 * (blue-green about 10: 5 gate kinds × 4 aborts, the OOM kill alone 7 simulated minutes in);
 * BENCH_RUNS=n sets how many runs each of their scenarios gets. A budget table ends the output;
 * any missed budget makes the command exit 1, and so does any connection, by this process or
 * one it spawned, to an address that is not loopback (bench/fixtures/loopback-only.cjs).
 */
import { benchAlarms } from './alarms.js';
import { benchBlueGreen } from './blue-green.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { budget, budgets, guardEnv, offboxAttempts } from './common.js';
import { benchRelease } from './release.js';
import { benchRender } from './render.js';
import { benchRolling } from './rolling.js';
import { benchStartup } from './startup.js';

const BENCHES: Record<string, () => Promise<Record<string, number>>> = {
  startup: benchStartup,
  render: benchRender,
  rolling: benchRolling,
  'blue-green': benchBlueGreen,
  alarms: benchAlarms,
  release: benchRelease
};

// The guard must be live in spawned processes too, or a clean result below would mean nothing.
const probeLog = join(mkdtempSync(join(tmpdir(), 'bench-guard-probe-')), 'offbox.log');
spawnSync(process.execPath, ['-e', "require('net').connect(443, '192.0.2.1').on('error', () => {})"], {
  env: { PATH: process.env.PATH ?? '', ...guardEnv(), BENCH_OFFBOX_LOG: probeLog },
  stdio: 'ignore',
  timeout: 10_000
});
if (!existsSync(probeLog)) {
  console.error('the loopback guard (bench/fixtures/loopback-only.cjs) did not refuse a connection to 192.0.2.1 in a spawned process');
  process.exit(2);
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  const figures = await bench();
  console.log(`\n## ${name}`);
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(60)} ${Number.isInteger(v) ? v : v.toFixed(2)}`);
}

const offbox = offboxAttempts();
for (const line of offbox) console.error(line);
budget({
  bench: 'all',
  figure: 'connections to a non-loopback address (guard)',
  budget: '0',
  measured: String(offbox.length),
  ok: offbox.length === 0
});

if (budgets.length > 0) {
  console.log('\n## budget vs measured');
  const rows = budgets.map((b) => [b.ok === undefined ? '  ' : b.ok ? 'ok' : 'NO', b.bench, b.figure, b.budget, b.measured]);
  const head = ['', 'bench', 'figure', 'budget', 'measured'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows])
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd()
    );
  const missed = budgets.filter((b) => b.ok === false);
  if (missed.length > 0) {
    console.error(
      `\n${missed.length} budget${missed.length > 1 ? 's' : ''} missed: ${missed.map((b) => `${b.bench} ${b.figure}`).join('; ')}`
    );
    process.exitCode = 1;
  }
}
