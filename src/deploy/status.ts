/**
 * `ecs-rollout status`: which colour is live, the listener's weights, what each colour's
 * service runs and how healthy its targets are. Read-only.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { observeTargets } from '../gates/analysis.js';
import type { BlueGreenSettings } from './blue-green-settings.js';
import { serviceName } from './blue-green-prepare.js';
import { type Colour, type ColourMap, COLOURS, targetGroupName } from './colours.js';
import type { DeploySettings } from './settings.js';
import { type TrafficContext, describeTarget, discoverTraffic } from './traffic.js';
import { revision } from './verdict.js';
import { progressLine } from './watch.js';

export interface ColourServiceStatus {
  colour: Colour;
  name: string;
  /** `family:revision` of the PRIMARY deployment. */
  revision: string;
  desired: number;
  running: number;
  pending: number;
  /** One line per deployment, e.g. "PRIMARY web:8 (ecs-svc/1) COMPLETED: 2/2 running, 0 pending". */
  deployments: string[];
  /** Undefined when the service was found. */
  problem?: string;
}

export interface ColourTargetStatus {
  colour: Colour;
  targetGroupArn: string;
  name: string;
  /** Targets per state, e.g. { healthy: 2, draining: 1 }. */
  counts: Record<string, number>;
  /** "10.0.1.7:8080 unhealthy: Target.ResponseCodeMismatch (Health checks failed with these codes: [500])" */
  unhealthy: string[];
}

export interface BlueGreenStatus {
  /** Undefined while the listener splits traffic (an interrupted deployment). */
  live?: Colour;
  idle?: Colour;
  /** Percent of traffic per colour, as the listener forwards it now. */
  weights: ColourMap<number>;
  /** Set when the listener is not at 100/0: what happened and how to go on. */
  message?: string;
  where: string;
  services: ColourServiceStatus[];
  targets: ColourTargetStatus[];
}

export async function blueGreenStatus(
  bg: BlueGreenSettings,
  deploy: Pick<DeploySettings, 'cluster'>,
  ctx: Pick<TrafficContext, 'aws' | 'reporter' | 'timer'>
): Promise<BlueGreenStatus> {
  const targetGroups: ColourMap<string> = { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn };
  const { discovery } = await discoverTraffic(bg.target, targetGroups, ctx);
  const names: ColourMap<string> = { blue: serviceName(bg.colours.blue.service), green: serviceName(bg.colours.green.service) };
  // One DescribeServices for both colours.
  const described = await ctx.aws.ecs.describeServices(deploy.cluster, [bg.colours.blue.service, bg.colours.green.service]);
  const services = COLOURS.map((colour) =>
    serviceStatus(
      colour,
      names[colour],
      described.services.find((s) => s.serviceName === names[colour])
    )
  );
  const targets: ColourTargetStatus[] = [];
  for (const colour of COLOURS) {
    const observed = observeTargets(await ctx.aws.elb.describeTargetHealth(targetGroups[colour]));
    const counts: Record<string, number> = {};
    for (const t of observed) counts[t.state] = (counts[t.state] ?? 0) + 1;
    const unhealthy = observed
      .filter((t) => t.state === 'unhealthy' || t.state === 'unavailable')
      .map((t) => `${t.id} ${t.state}: ${t.reason ?? 'no reason code'}${t.description ? ` (${t.description})` : ''}`);
    targets.push({ colour, targetGroupArn: targetGroups[colour], name: targetGroupName(targetGroups[colour]), counts, unhealthy });
  }
  const base = { weights: discovery.percent, where: describeTarget(bg.target), services, targets };
  if (discovery.kind === 'settled') return { ...base, live: discovery.live, idle: discovery.idle };
  return { ...base, message: discovery.message };
}

function serviceStatus(colour: Colour, name: string, service: Service | undefined): ColourServiceStatus {
  if (!service)
    return { colour, name, revision: '-', desired: 0, running: 0, pending: 0, deployments: [], problem: 'not found in the cluster' };
  const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
  return {
    colour,
    name,
    revision: revision(primary?.taskDefinition ?? service.taskDefinition),
    desired: service.desiredCount ?? 0,
    running: service.runningCount ?? 0,
    pending: service.pendingCount ?? 0,
    deployments: (service.deployments ?? []).map(progressLine),
    ...(service.status && service.status !== 'ACTIVE' ? { problem: `status ${service.status}` } : {})
  };
}

/**
 *   live: green (web-green), idle: blue (web-blue)
 *   listener arn:… forwards 0 % to web-blue, 100 % to web-green
 *   blue   web-blue   web:7   0/0 running   targets: none
 *   green  web-green  web:8   2/2 running   targets: 2 healthy
 */
export function formatStatus(status: BlueGreenStatus): string {
  const svc = (c: Colour): ColourServiceStatus | undefined => status.services.find((s) => s.colour === c);
  const lines: string[] = [];
  if (status.live && status.idle) {
    lines.push(`live: ${status.live} (${svc(status.live)?.name ?? '?'}), idle: ${status.idle} (${svc(status.idle)?.name ?? '?'})`);
  } else {
    lines.push(`interrupted: ${status.message ?? 'the listener splits traffic between the colours'}`);
  }
  const tgName = (c: Colour): string => status.targets.find((t) => t.colour === c)?.name ?? c;
  lines.push(`${status.where} forwards ${COLOURS.map((c) => `${status.weights[c]} % to ${tgName(c)}`).join(', ')}`);
  const width = Math.max(...status.services.map((s) => s.name.length), 4);
  for (const colour of COLOURS) {
    const s = svc(colour);
    const t = status.targets.find((x) => x.colour === colour);
    const counts =
      t && Object.keys(t.counts).length
        ? Object.entries(t.counts)
            .map(([state, n]) => `${n} ${state}`)
            .join(', ')
        : 'none';
    const running = s?.problem ? s.problem : `${s?.running ?? 0}/${s?.desired ?? 0} running${s?.pending ? `, ${s.pending} pending` : ''}`;
    lines.push(`${colour.padEnd(6)} ${(s?.name ?? '?').padEnd(width)}  ${(s?.revision ?? '-').padEnd(10)} ${running}; targets: ${counts}`);
    for (const d of s?.deployments ?? []) if ((s?.deployments.length ?? 0) > 1) lines.push(`         ${d}`);
    for (const u of t?.unhealthy ?? []) lines.push(`         ${u}`);
  }
  return lines.join('\n');
}
