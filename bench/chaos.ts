/**
 * The chaos benchmark (issue 10), not a test: `npm run chaos [-- --seed N --deployments N --concurrency N --only U,V --verbose]`.
 * N deployments (default 100; rolling and blue/green, good and bad releases, racing pairs) against
 * local ECSs on a ×300 clock with throttling (20 %), 5xx (5 %), latency spikes, hung, dropped,
 * ignored and lost-answer calls, and runners killed (-9) or cancelled at random log lines, each
 * followed by the post step. Prints one table (deployments, faults injected, verdicts right and the
 * "lost" columns) and the evidence for every wrong or lossy unit; exits 1 unless every verdict is
 * right and every lost column is 0. Figures are taken once every step has exited.
 */
import { cpus } from 'node:os';
import { failed, formatReport, runChaos } from './chaos-run.js';

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function int(name: string, fallback: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const seed = int('seed', Math.floor(Math.random() * 1_000_000));
const deployments = int('deployments', 100);
const concurrency = int('concurrency', Math.max(4, 2 * cpus().length));
const only = arg('only')
  ?.split(',')
  .map((x) => Number(x.trim()))
  .filter((x) => Number.isInteger(x));

console.log(`chaos: seed ${seed}, ${deployments} deployments, concurrency ${concurrency}${only ? `, only units ${only.join(',')}` : ''}`);
const report = await runChaos({ seed, deployments, concurrency, ...(only ? { only } : {}), log: (l) => console.log(l) });
console.log(`\n${formatReport(report, 'npm run chaos --', process.argv.includes('--verbose'))}`);
process.exit(failed(report).length ? 1 : 0);
