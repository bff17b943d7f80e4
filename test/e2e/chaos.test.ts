/**
 * The short chaos run (issue 10): about 20 deployments of dist/index.js (rolling and blue/green,
 * good and bad releases, a racing pair) against local ECSs with throttling, 5xx, latency spikes,
 * hung, dropped, ignored and lost-answer calls and killed runners, judged as `npm run chaos`
 * judges them: every verdict true when printed and right for the release, and nothing lost —
 * no traffic to a colour without healthy tasks, the listener 100/0, no idle colour left scaled
 * up, no temporary alarm left, no secret in any channel.
 */
import { describe, expect, test } from '@jest/globals';
import { failed, formatReport, lostTotal, rows, runChaos } from '../../bench/chaos-run.js';

// A fixed seed, so a failure here replays with `npm run chaos -- --seed 10 --deployments 20 --only <unit>`.
const SEED = 10;

describe('chaos, short run', () => {
  test(`20 deployments under faults (seed ${SEED}): every verdict right, every lost column 0`, async () => {
    const report = await runChaos({ seed: SEED, deployments: 20, concurrency: 6, hangMs: 12_000 });
    const text = formatReport(report, 'npm run chaos -- --deployments 20');
    const total = rows(report).at(-1)!;
    // The plan really is chaotic: both strategies, a racing pair, faults that hit.
    expect(report.units.some((u) => u.plan.strategy === 'rolling')).toBe(true);
    expect(report.units.some((u) => u.plan.strategy === 'blue-green')).toBe(true);
    expect(report.units.some((u) => u.plan.runs.length === 2)).toBe(true);
    expect(total.deployments).toBe(20);
    expect(total.faults).toBeGreaterThan(20);
    // The benchmark's own table and evidence (with the replay command of every bad unit) when anything is off.
    if (failed(report).length) console.log(text);
    expect(lostTotal(report)).toEqual({ trafficWithoutTasks: 0, listenerNot100: 0, idleScaledUp: 0, tempAlarmsLeft: 0, secretsSeen: 0 });
    expect(`${total.right}/${total.deployments} verdicts right`).toBe('20/20 verdicts right');
  }, 90_000);
});
