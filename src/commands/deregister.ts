/**
 * `ecs-rollout deregister --keep N`: marks old revisions of a family INACTIVE, never one of the
 * newest N, one a watched service or colour uses, or one a rollback of them would go back to
 * (ECS refuses to update a service to an INACTIVE revision). `--dry-run` only lists them.
 */
import { createAws } from '../aws/clients.js';
import { InputError, errorMessage } from '../errors.js';
import { EXIT, type CommandContext, type CommandResult } from '../cli/command.js';
import { familyFlag, familyOf, shortName, watchedServices } from './history.js';
import { revisionRows, type RevisionRow } from './revisions.js';

export interface DeregisterPlan {
  /** Kept revisions with why, newest first. */
  keep: Array<{ arn: string; why: string }>;
  /** To deregister, oldest first. */
  deregister: string[];
}

/** Pure: which ACTIVE revisions go, from the rows `revisions` shows. */
export function planDeregister(rows: RevisionRow[], keepNewest: number): DeregisterPlan {
  const active = rows.filter((r) => r.status === 'ACTIVE').sort((a, b) => b.revision - a.revision);
  const keep: DeregisterPlan['keep'] = [];
  const go: string[] = [];
  active.forEach((r, index) => {
    const why = [
      ...(index < keepNewest ? [`one of the newest ${keepNewest}`] : []),
      ...r.usedBy.map((u) => `used by ${u.colour ? `${u.colour} ` : ''}${u.service} (${u.deployment})`),
      ...(r.rollbackTargetOf.length ? [`rollback target of ${r.rollbackTargetOf.join(', ')}`] : [])
    ];
    if (why.length) keep.push({ arn: r.arn, why: why.join('; ') });
    else go.push(r.arn);
  });
  return { keep, deregister: go.reverse() };
}

function keepCount(flags: Readonly<Record<string, string>>): number {
  const raw = flags.keep;
  if (raw === undefined)
    throw new InputError('--keep is required', {}, 'say how many of the newest revisions to keep whatever their use, e.g. --keep 5');
  if (!/^\d+$/.test(raw) || Number(raw) > 10_000)
    throw new InputError(`--keep is "${raw}"`, {}, 'use a whole number from 0 to 10000, e.g. --keep 5');
  return Number(raw);
}

export async function run(ctx: CommandContext): Promise<CommandResult> {
  const keepNewest = keepCount(ctx.flags);
  const dryRun = ctx.flags['dry-run'] === 'true';
  familyFlag(ctx.flags);
  const aws = createAws(ctx.region ? { region: ctx.region } : {});
  const watched = await watchedServices(aws, ctx.inputs);
  const family = familyOf(ctx.inputs, ctx.flags, watched.named);
  const active = await aws.ecsAdmin.listTaskDefinitions(family);
  const rows = await revisionRows(aws, family, active, watched.services, ctx.reporter);
  const plan = planDeregister(rows, keepNewest);
  const where = `every service in cluster ${watched.clusters.join(', ')}`;
  ctx.reporter.info(
    `${family}: ${active.length} ACTIVE revision${active.length === 1 ? '' : 's'}; looked at ${where} (services in other clusters are not seen)`
  );
  for (const k of plan.keep) ctx.reporter.info(`keep ${shortName(k.arn)}: ${k.why}`);

  const deregistered: string[] = [];
  const failures: string[] = [];
  for (const arn of plan.deregister) {
    if (dryRun) {
      ctx.reporter.info(`would deregister ${shortName(arn)}`);
      continue;
    }
    try {
      await aws.ecsAdmin.deregisterTaskDefinition(arn);
      deregistered.push(arn);
      ctx.reporter.info(`deregistered ${shortName(arn)}`);
    } catch (error) {
      failures.push(errorMessage(error));
      ctx.reporter.error(errorMessage(error));
    }
  }
  const outputs = {
    family,
    'dry-run': dryRun,
    kept: plan.keep,
    ...(dryRun ? { 'would-deregister': plan.deregister } : { deregistered }),
    ...(failures.length ? { failures } : {})
  };
  const listed = dryRun ? plan.deregister : deregistered;
  const text = `${dryRun ? 'would deregister' : 'deregistered'} ${listed.length} revision${listed.length === 1 ? '' : 's'} of ${family}${listed.length ? `: ${listed.map(shortName).join(', ')}` : ''}; kept ${plan.keep.length}`;
  return { exitCode: failures.length ? EXIT.failed : EXIT.ok, outputs, text };
}
