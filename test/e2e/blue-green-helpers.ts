/** Blue/green end-to-end helpers: inputs for the seeded scenario and reads of the resulting state through the SDK. */
import type { Scenario, Sim } from '../../sim/server.js';
import { webBlueGreenInputs } from '../../sim/seed.js';
import { FAST, VARS, service, weights } from './sim-helpers.js';

/** Short bakes on the ×300 clock: 300 ms real is 90 simulated seconds. */
export const BAKES = { 'step-bake': '300ms', 'final-bake': '300ms', 'termination-wait': '300ms' };

/** Inputs for web-blue / web-green behind web-alb:80, rendering examples/web.taskdef.json with `vars`. */
export function webInputs(s: Scenario, extra: Record<string, string> = {}, vars = ''): Record<string, string> {
  return {
    'task-definition': 'examples/web.taskdef.json',
    vars: `${VARS}\n${vars}`,
    ...webBlueGreenInputs(s),
    'traffic-steps': '10,50,100',
    ...FAST,
    ...BAKES,
    ...extra
  };
}

type Traffic = { targetGroups: { name: string; requests: number }[] };

/** Cumulative requests per target group name, as the sim's load balancer routed them. */
export function requests(sim: Sim): Record<string, number> {
  return Object.fromEntries((sim.traffic() as Traffic).targetGroups.map((g) => [g.name, g.requests]));
}

/** Requests per target group between two `requests()` snapshots. */
export function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
}

/** Desired count and revision (`web:2`) per service. */
export async function colours(
  url: string,
  names: string[]
): Promise<Record<string, { desired: number; revision: string; running: number }>> {
  const out: Record<string, { desired: number; revision: string; running: number }> = {};
  for (const name of names) {
    const s = await service(url, name);
    out[name] = { desired: s.desiredCount ?? -1, revision: s.taskDefinition?.split('/').pop() ?? '', running: s.runningCount ?? -1 };
  }
  return out;
}

/** Mutating ELB / ECS calls made after the seed (the seed calls with the SIMSEED key). */
export function mutatingCalls(sim: Sim): string[] {
  return sim
    .calls()
    .filter((c) => (c.service === 'ecs' || c.service === 'elbv2') && c.accessKeyId !== 'SIMSEED')
    .filter((c) => /^(Update|Create|Delete|Register|Run|Stop|Modify|Set|Deregister)/.test(c.operation))
    .map((c) => `${c.service}:${c.operation}`);
}

/** Waits `realMs` of real time (the sim's clock keeps running). */
export const pause = (realMs: number): Promise<void> => new Promise((r) => setTimeout(r, realMs));

/**
 * Waits until the sim's own clock has moved `simulatedMs`: what a test means by "a minute later",
 * whatever the load on the machine (a real-time pause is fewer simulated seconds on a busy one).
 */
export async function simulated(sim: { now(): number }, simulatedMs: number): Promise<void> {
  const end = sim.now() + simulatedMs;
  while (sim.now() < end) await pause(10);
}

export { weights };

/** Polls `check` every 50 ms of real time until it is true, or throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await pause(50);
  }
}

/** The log as the runner shows it: workflow commands (`::warning::`, `::group::`) escape %, CR and LF. */
export function shown(log: string): string {
  return log.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
