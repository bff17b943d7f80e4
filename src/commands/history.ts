/**
 * What the housekeeping commands (rollback on demand, revisions, deregister) need to know
 * about a family: its revisions, which service or colour uses each, and which revision a
 * rollback of each service would go back to. Read-only.
 */
import type { Service } from '@aws-sdk/client-ecs';
import type { Aws } from '../aws/clients.js';
import { awsErrorCode } from '../aws/errors.js';
import { InputError, errorMessage } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { Reporter } from '../events.js';

/** `web:7` → { family: 'web', revision: 7 } from an ARN or `family:revision`. */
export function parseRevision(ref: string): { family: string; revision: number } | undefined {
  const m = /(?:^|\/)([A-Za-z0-9_-]{1,255}):(\d+)$/.exec(ref);
  return m ? { family: m[1]!, revision: Number(m[2]) } : undefined;
}

/** `web:7` from an ARN. */
export function shortName(arn: string): string {
  const p = parseRevision(arn);
  return p ? `${p.family}:${p.revision}` : arn;
}

/** The revision a service runs now: its PRIMARY deployment's (what a settled service serves). */
export function currentRevision(service: Service): string | undefined {
  return service.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? service.taskDefinition;
}

/** Where the previous revision was found, said in the log and the outputs. */
export type PreviousSource = 'deployment-history' | 'family-revisions';

export interface Previous {
  arn: string;
  source: PreviousSource;
  /** One sentence on why this one. */
  why: string;
}

/**
 * The revision a rolling service goes back to: the newest ACTIVE revision of the same family,
 * older than the one it runs, that a successful deployment of this service put in place (ECS
 * keeps that history: ListServiceDeployments, DescribeServiceRevisions); a deregistered one is
 * skipped with a warning, since ECS will not deploy it. A revision that was
 * registered but never ran, or whose deployment failed, is never chosen from the history.
 * When the history has none (a service deployed before ECS kept it, or no permission to
 * read it), the family's newest ACTIVE revision older than the current one, as ecspresso does.
 * "Older" keeps a second rollback going further back instead of returning to the bad release.
 */
export async function findPrevious(aws: Aws, cluster: string, service: Service, reporter: Reporter): Promise<Previous | { none: string }> {
  const name = service.serviceName ?? '?';
  const current = currentRevision(service);
  const parsed = current ? parseRevision(current) : undefined;
  if (!current || !parsed) return { none: `service ${name} runs no task definition revision ecs-rollout can read (${current ?? 'none'})` };
  const older = (arn: string | undefined): boolean => {
    const p = arn ? parseRevision(arn) : undefined;
    return p !== undefined && p.family === parsed.family && p.revision < parsed.revision;
  };
  const fromHistory = await previousFromHistory(aws, cluster, name, older, reporter);
  if (fromHistory) {
    return {
      arn: fromHistory,
      source: 'deployment-history',
      why: `${shortName(fromHistory)} is the newest older ACTIVE revision a successful deployment of ${name} put in place`
    };
  }
  const active = await aws.ecsAdmin.listTaskDefinitions(parsed.family);
  const candidate = active.filter(older).sort((a, b) => parseRevision(b)!.revision - parseRevision(a)!.revision)[0];
  if (!candidate) {
    return { none: `service ${name} runs ${shortName(current)} and ${parsed.family} has no older ACTIVE revision to go back to` };
  }
  return {
    arn: candidate,
    source: 'family-revisions',
    why: `${name}'s deployment history names no older revision, so ${shortName(candidate)}, the newest ACTIVE revision of ${parsed.family} older than ${shortName(current)}, is taken (it may never have run)`
  };
}

/** Newest first; stops describing as soon as one fits. Undefined when the history is empty or cannot be read. */
async function previousFromHistory(
  aws: Aws,
  cluster: string,
  service: string,
  fits: (arn: string | undefined) => boolean,
  reporter: Reporter
): Promise<string | undefined> {
  try {
    const deployments = await aws.ecs.listServiceDeployments(cluster, service, ['SUCCESSFUL']);
    const targets = deployments.map((d) => d.targetServiceRevisionArn).filter((a): a is string => Boolean(a));
    for (let i = 0; i < targets.length; i += 20) {
      const batch = targets.slice(i, i + 20);
      const revisions = await aws.ecs.describeServiceRevisions(batch);
      const byArn = new Map(revisions.map((r) => [r.serviceRevisionArn, r.taskDefinition]));
      for (const arn of batch) {
        const taskDefinition = byArn.get(arn);
        if (!taskDefinition || !fits(taskDefinition)) continue;
        // ECS refuses to update a service to a deregistered revision: the next older one that ran is the way back.
        const { taskDefinition: described } = await aws.ecs.describeTaskDefinition(taskDefinition);
        if (described.status === 'ACTIVE') return taskDefinition;
        reporter.warning(
          `${shortName(taskDefinition)}, which service ${service} ran before, is ${described.status ?? 'not ACTIVE'} (deregistered): looking further back`
        );
      }
    }
    return undefined;
  } catch (error) {
    reporter.warning(
      `could not read the deployment history of service ${service} (${errorMessage(error)}); using the family's revisions instead`
    );
    return undefined;
  }
}

/** The rollback target must be ACTIVE: ECS refuses to update a service to an INACTIVE revision. */
export async function requireActive(aws: Aws, arn: string, what: string): Promise<void> {
  const { taskDefinition } = await aws.ecs.describeTaskDefinition(arn);
  if (taskDefinition.status !== 'ACTIVE') {
    throw new Error(
      `${what} ${shortName(arn)} is ${taskDefinition.status ?? 'not ACTIVE'} (deregistered), and ECS will not deploy it; nothing was changed. ` +
        `Choose a revision with \`ecs-rollout revisions --family ${parseRevision(arn)?.family ?? '…'}\` and deploy it with \`ecs-rollout deploy --task-definition-arn FAMILY:REVISION\``
    );
  }
}

/** One service looked at, and the colour it plays when it came from --blue-service / --green-service. */
export interface Watched {
  cluster: string;
  service: Service;
  colour?: 'blue' | 'green';
}

/**
 * The services the revisions / deregister commands look at: every service in each --cluster
 * (repeated --cluster adds one), so a revision another service of the cluster runs is never
 * taken for unused; --service and the blue/green services, when given, must be among them
 * and name the family (the colours are shown as colours).
 */
export async function watchedServices(aws: Aws, inputs: Inputs): Promise<{ services: Watched[]; named: Watched[]; clusters: string[] }> {
  const clusters = inputs.list('cluster');
  if (clusters.length === 0) clusters.push('default');
  const named: Array<{ name: string; label: string; colour?: 'blue' | 'green' }> = [];
  const service = inputs.string('service');
  if (service) named.push({ name: service, label: 'service' });
  for (const colour of ['blue', 'green'] as const) {
    const name = inputs.string(`${colour}-service`);
    if (name) named.push({ name, label: `${colour}-service`, colour });
  }
  if (named.length > 0 && clusters.length > 1) {
    throw new InputError(
      `${inputs.label('cluster')} is given ${clusters.length} times with ${inputs.label(named[0]!.label)}`,
      {},
      `a service lives in one cluster: give ${inputs.label('cluster')} once, or use --family to look at every service of each cluster`
    );
  }
  const services: Watched[] = [];
  for (const cluster of clusters) {
    const arns = await aws.ecsAdmin.listServices(cluster).catch((error: unknown) => {
      if (awsErrorCode(error) !== 'ClusterNotFoundException') throw error;
      throw new InputError(
        `${inputs.label('cluster')} ${cluster}: no such cluster`,
        {},
        `check ${inputs.label('cluster')} (default: "default") and --region`
      );
    });
    const found = arns.length ? await aws.ecs.describeServices(cluster, arns) : { services: [] };
    for (const svc of found.services) {
      if (svc.status === 'INACTIVE') continue;
      const colour = named.find((n) => n.colour && sameService(n.name, svc))?.colour;
      services.push({ cluster, service: svc, ...(colour ? { colour } : {}) });
    }
  }
  const picked: Watched[] = [];
  for (const n of named) {
    const w = services.find((s) => sameService(n.name, s.service));
    if (!w) {
      throw new InputError(
        `${inputs.label(n.label)} ${n.name} was not found in cluster ${clusters[0]}`,
        {},
        `check ${inputs.label(n.label)}, ${inputs.label('cluster')} and --region`
      );
    }
    picked.push(w);
  }
  return { services, named: picked, clusters };
}

function sameService(nameOrArn: string, svc: Service): boolean {
  return svc.serviceArn === nameOrArn || svc.serviceName === nameOrArn.split('/').pop();
}

/** --family as given, checked before any AWS call. */
export function familyFlag(flags: Readonly<Record<string, string>>): string | undefined {
  const given = flags.family;
  if (given !== undefined && !/^[A-Za-z0-9_-]{1,255}$/.test(given)) {
    throw new InputError(
      `--family is "${given}", not a task definition family`,
      {},
      'give the family name alone, e.g. --family web (no :revision, no ARN)'
    );
  }
  return given;
}

/** The family a command is about: --family, or the one the named services run (exactly one). */
export function familyOf(inputs: Inputs, flags: Readonly<Record<string, string>>, named: Watched[]): string {
  const given = familyFlag(flags);
  if (given) return given;
  const families = [
    ...new Set(named.map((w) => parseRevision(currentRevision(w.service) ?? '')?.family).filter((f): f is string => Boolean(f)))
  ];
  if (families.length === 1) return families[0]!;
  if (families.length === 0)
    throw new InputError(
      'no family to look at',
      {},
      `pass --family FAMILY, or ${inputs.label('service')} (with ${inputs.label('cluster')}) to take the family the service runs`
    );
  throw new InputError(`the services run ${families.length} families (${families.join(', ')})`, {}, 'pass --family to say which one');
}

/** One use of a revision: a deployment of a service (or a colour). */
export interface Use {
  cluster: string;
  service: string;
  colour?: 'blue' | 'green';
  /** PRIMARY or ACTIVE. */
  deployment: string;
  running: number;
  desired: number;
}

/** Every revision the watched services' deployments use, with who uses it. */
export function usesByRevision(services: Watched[]): Map<string, Use[]> {
  const uses = new Map<string, Use[]>();
  for (const w of services) {
    const deployments = w.service.deployments?.length
      ? w.service.deployments
      : [
          {
            status: 'PRIMARY',
            taskDefinition: w.service.taskDefinition,
            runningCount: w.service.runningCount,
            desiredCount: w.service.desiredCount
          }
        ];
    for (const d of deployments) {
      if (!d.taskDefinition) continue;
      const list = uses.get(d.taskDefinition) ?? [];
      list.push({
        cluster: w.cluster,
        service: w.service.serviceName ?? '?',
        ...(w.colour ? { colour: w.colour } : {}),
        deployment: d.status ?? 'PRIMARY',
        running: d.runningCount ?? 0,
        desired: d.desiredCount ?? 0
      });
      uses.set(d.taskDefinition, list);
    }
  }
  return uses;
}

/**
 * The revisions a rollback of each watched service running `family` could go back to: the
 * one `findPrevious` picks and, in case the history cannot be read next time, the family's
 * newest older ACTIVE revision too. Keyed by revision ARN, valued by the services.
 */
export async function rollbackTargets(
  aws: Aws,
  services: Watched[],
  family: string,
  activeArns: string[],
  reporter: Reporter
): Promise<Map<string, string[]>> {
  const targets = new Map<string, string[]>();
  const add = (arn: string, service: string): void => {
    const list = targets.get(arn) ?? [];
    if (!list.includes(service)) list.push(service);
    targets.set(arn, list);
  };
  for (const w of services) {
    const current = currentRevision(w.service);
    const parsed = current ? parseRevision(current) : undefined;
    if (!parsed || parsed.family !== family) continue;
    const name = w.service.serviceName ?? '?';
    const previous = await findPrevious(aws, w.cluster, w.service, reporter);
    if ('arn' in previous) add(previous.arn, name);
    const fallback = activeArns.filter((a) => (parseRevision(a)?.revision ?? Infinity) < parsed.revision).pop();
    if (fallback) add(fallback, name);
  }
  return targets;
}
