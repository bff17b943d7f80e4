/**
 * Benchmarks (not tests): `npm run bench` runs them all, `npm run bench -- startup` one.
 * Figures are medians or ratios measured in one run, so the machine's speed cancels out.
 */
import { benchStartup } from './startup.js';

const BENCHES: Record<string, () => Promise<Record<string, number>>> = {
  startup: benchStartup
};

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
