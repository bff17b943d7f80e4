/** `ecs-rollout revisions`: a family's revisions, newest first, with the services (or colours) that run each and the rollback targets. Read-only. */
import { createAws, type Aws } from '../aws/clients.js';
import { EXIT, type CommandContext, type CommandResult } from '../cli/command.js';
import { readBlueGreenSettings } from '../deploy/blue-green-settings.js';
import type { ColourMap } from '../deploy/colours.js';
import { discoverTraffic } from '../deploy/traffic.js';
import { realTimer } from '../timer.js';
import { familyFlag, familyOf, parseRevision, rollbackTargets, shortName, usesByRevision, watchedServices, type Use } from './history.js';

export interface RevisionRow {
  arn: string;
  revision: number;
  /** ACTIVE, or INACTIVE for a deregistered revision a service still runs. */
  status: 'ACTIVE' | 'INACTIVE';
  usedBy: Use[];
  /** Services whose `ecs-rollout rollback` would go back to this revision. */
  rollbackTargetOf: string[];
}

export async function run(ctx: CommandContext): Promise<CommandResult> {
  familyFlag(ctx.flags);
  const aws = createAws(ctx.region ? { region: ctx.region } : {});
  const watched = await watchedServices(aws, ctx.inputs);
  const family = familyOf(ctx.inputs, ctx.flags, watched.named);
  const active = await aws.ecsAdmin.listTaskDefinitions(family);
  const rows = await revisionRows(aws, family, active, watched.services, ctx.reporter);
  const traffic = await colourTraffic(aws, ctx);
  return {
    exitCode: EXIT.ok,
    outputs: { family, clusters: watched.clusters, revisions: rows, ...(traffic ? { traffic } : {}) },
    text: formatRevisions(family, rows, watched, traffic)
  };
}

/** With the blue/green flags and a listener (or rule): each colour's share of the traffic, as the listener forwards it now. */
async function colourTraffic(aws: Aws, ctx: CommandContext): Promise<ColourMap<number> | undefined> {
  if (!ctx.inputs.string('listener-arn') && !ctx.inputs.string('listener-rule-arn')) return undefined;
  const bg = readBlueGreenSettings(ctx.inputs);
  const { discovery } = await discoverTraffic(
    bg.target,
    { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn },
    { aws, reporter: ctx.reporter, timer: realTimer }
  );
  return discovery.percent;
}

/** Every ACTIVE revision plus any deregistered one still in use, newest first. */
export async function revisionRows(
  aws: Parameters<typeof rollbackTargets>[0],
  family: string,
  active: string[],
  services: Parameters<typeof usesByRevision>[0],
  reporter: Parameters<typeof rollbackTargets>[4]
): Promise<RevisionRow[]> {
  const uses = usesByRevision(services);
  const targets = await rollbackTargets(aws, services, family, active, reporter);
  const inactiveInUse = [...uses.keys()].filter((arn) => parseRevision(arn)?.family === family && !active.includes(arn));
  return [
    ...active.map((arn) => ({ arn, status: 'ACTIVE' as const })),
    ...inactiveInUse.map((arn) => ({ arn, status: 'INACTIVE' as const }))
  ]
    .map(({ arn, status }) => ({
      arn,
      revision: parseRevision(arn)?.revision ?? 0,
      status,
      usedBy: uses.get(arn) ?? [],
      rollbackTargetOf: targets.get(arn) ?? []
    }))
    .sort((a, b) => b.revision - a.revision);
}

function useText(u: Use, traffic?: ColourMap<number>): string {
  const who = u.colour ? `${u.colour} ${u.service}` : u.service;
  const share = u.colour && traffic ? `, ${traffic[u.colour]} % of traffic` : '';
  return `${who} (${u.deployment}, ${u.running}/${u.desired} running${share})`;
}

function formatRevisions(
  family: string,
  rows: RevisionRow[],
  watched: Awaited<ReturnType<typeof watchedServices>>,
  traffic?: ColourMap<number>
): string {
  const where = `every service in cluster ${watched.clusters.join(', ')}`;
  if (rows.length === 0) return `${family} has no ACTIVE revision (looked at ${where})`;
  const width = Math.max(...rows.map((r) => shortName(r.arn).length), 'REVISION'.length) + 2;
  const lines = rows.map((r) => {
    const notes = [
      ...r.usedBy.map((u) => useText(u, traffic)),
      ...(r.rollbackTargetOf.length ? [`rollback target of ${r.rollbackTargetOf.join(', ')}`] : [])
    ];
    return `${shortName(r.arn).padEnd(width)}${r.status.padEnd(10)}${notes.join('; ') || '-'}`;
  });
  return [`${'REVISION'.padEnd(width)}${'STATUS'.padEnd(10)}USED BY (looked at ${where})`, ...lines].join('\n');
}
