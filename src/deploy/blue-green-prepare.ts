/**
 * Before any traffic moves: discover which colour is live (the listener is the source of
 * truth), decide what to do with an interrupted earlier run, check both services, then
 * bring the idle colour up on the new revision and wait for ECS to call it steady.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { errorMessage } from '../errors.js';
import type { BlueGreenSettings } from './blue-green-settings.js';
import type { NewColourBefore } from './blue-green-abort.js';
import { type Colour, type ColourMap, type ColourRevision, COLOURS, otherColour, planInterrupted, targetGroupName } from './colours.js';
import { previousRevision, updateInput } from './rolling.js';
import { watchDeployment } from './watching.js';
import type { DeploySettings } from './settings.js';
import { remainingSteps } from './steps.js';
import { type TrafficContext, type Weights, discoverTraffic, describeTarget, setWeights } from './traffic.js';
import { StopReason, stopPhrase } from './scope.js';
import { applyUpdate } from './update.js';
import type { DeployContext } from './types.js';
import { type OurDeployment, revision } from './verdict.js';
import { type ServiceWatcher, describeService } from './watch.js';

/** `web` from `arn:aws:ecs:…:service/prod/web` or `web`: DescribeServices answers with names. */
export function serviceName(nameOrArn: string): string {
  return nameOrArn.split('/').pop() ?? nameOrArn;
}

/** What discovery decided: who is live, where to start, and what the services look like now. */
export interface Plan {
  live: Colour;
  idle: Colour;
  /** Shares of traffic for the new colour still to apply. */
  steps: number[];
  /** The new colour's current share (0, or more when resuming). */
  fromPercent: number;
  /** Resume: the idle colour already runs the new revision and serves traffic; it is not updated again. */
  resume: boolean;
  /** on-interrupted: rollback: the listener still splits traffic and is put back on `live` first. */
  reset: boolean;
  /** The listener's weights as found. */
  originalWeights: Weights;
  services: ColourMap<Service>;
  names: ColourMap<string>;
  previousTaskDefinitionArn: string;
  newColourBefore: NewColourBefore;
  /** Desired count for the new colour. */
  desiredCount: number;
}

export type PlanOutcome = { ok: true; plan: Plan } | { ok: false; reason: string };

/**
 * Read-only apart from one case: `on-interrupted: rollback` puts 100 % back on the older
 * colour here (verified) before anything else happens.
 */
export async function discover(
  deploy: DeploySettings,
  bg: BlueGreenSettings,
  taskDefinitionArn: string | undefined,
  ctx: TrafficContext
): Promise<PlanOutcome> {
  const targetGroups: ColourMap<string> = { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn };
  const names: ColourMap<string> = { blue: serviceName(bg.colours.blue.service), green: serviceName(bg.colours.green.service) };
  const { discovery } = await discoverTraffic(bg.target, targetGroups, ctx);
  const services: ColourMap<Service> = {
    blue: await describeService(ctx, deploy.cluster, bg.colours.blue.service),
    green: await describeService(ctx, deploy.cluster, bg.colours.green.service)
  };
  const problems = COLOURS.flatMap((c) => serviceProblems(services[c], c, targetGroups[c], deploy.cluster));
  if (problems.length > 0) return { ok: false, reason: `${problems.join('; ')}; nothing was changed` };

  const originalWeights: Weights = { [targetGroups.blue]: discovery.percent.blue, [targetGroups.green]: discovery.percent.green };
  // The starting point of the traffic chart: the weights as read, before anything moves.
  ctx.reporter.event({
    kind: 'weights',
    weights: { [names.blue]: discovery.percent.blue, [names.green]: discovery.percent.green },
    verified: true,
    at: ctx.timer.now()
  });
  let live: Colour;
  let fromPercent = 0;
  let resume = false;
  let reset = false;
  let interrupted = false;
  if (discovery.kind === 'settled') {
    live = discovery.live;
    ctx.reporter.info(
      `${describeTarget(bg.target)} forwards 100 % to ${targetGroupName(targetGroups[live])}: ${names[live]} is live, ${names[otherColour(live)]} is idle`
    );
  } else {
    const revisions: ColourMap<ColourRevision> = { blue: revisionOf(services.blue), green: revisionOf(services.green) };
    const plan = planInterrupted(discovery, bg.onInterrupted, revisions, taskDefinitionArn);
    if (plan.kind === 'fail') return { ok: false, reason: `${plan.message}; nothing was changed` };
    ctx.reporter.warning(plan.message);
    live = plan.live;
    interrupted = true;
    if (plan.kind === 'resume') {
      resume = true;
      fromPercent = plan.fromPercent;
    } else {
      reset = true;
    }
  }
  const idle = otherColour(live);
  const liveService = services[live];
  const idleService = services[idle];
  const desiredCount = deploy.desiredCount ?? liveService.desiredCount ?? 0;
  if (desiredCount <= 0) {
    return {
      ok: false,
      reason: `the live colour ${names[live]} wants 0 tasks, so the new colour would get none: set desired-count; nothing was changed`
    };
  }
  // After an interruption the new colour's current size is the failed run's, not a state worth returning to.
  const newColourBefore: NewColourBefore = interrupted
    ? { desiredCount: 0 }
    : { desiredCount: idleService.desiredCount ?? 0, taskDefinitionArn: previousRevision(idleService) };
  return {
    ok: true,
    plan: {
      live,
      idle,
      steps: remainingSteps(bg.steps, fromPercent),
      fromPercent,
      resume,
      reset,
      originalWeights,
      services,
      names,
      previousTaskDefinitionArn: previousRevision(liveService, ctx.reporter),
      newColourBefore,
      desiredCount
    }
  };
}

function revisionOf(service: Service): ColourRevision {
  const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
  const taskDefinition = primary?.taskDefinition ?? service.taskDefinition;
  return { ...(taskDefinition ? { taskDefinition } : {}), ...(primary?.createdAt ? { deployedAt: primary.createdAt } : {}) };
}

/** A service that cannot be one colour of this deployment, said before anything changes. */
export function serviceProblems(service: Service, colour: Colour, targetGroupArn: string, cluster: string): string[] {
  const name = service.serviceName ?? '?';
  const problems: string[] = [];
  const type = service.deploymentController?.type ?? 'ECS';
  if (type !== 'ECS') {
    problems.push(
      `${colour}-service ${name} in cluster ${cluster} uses the ${type} deployment controller; blue-green needs two services with the ECS deployment controller`
    );
  }
  const groups = (service.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => Boolean(a));
  if (!groups.includes(targetGroupArn)) {
    const attached = groups.length ? `it registers its tasks in ${groups.map(targetGroupName).join(', ')}` : 'it has no load balancer';
    problems.push(
      `${colour}-service ${name} does not register its tasks in ${colour}-target-group ${targetGroupName(targetGroupArn)} (${attached}): check that the services and target groups are paired by colour`
    );
  }
  return problems;
}

/**
 * The same checks as the start of a deployment, for the pipeline's preflight before the
 * revision is registered: the listener, both target groups and both services exist and fit
 * together, and the listener is at 100/0 (or on-interrupted says what to do). Read-only;
 * throws with the problem (InputError for bad ARNs), or returns the plan a deployment would
 * start from (which colour is live, both services as described).
 */
export async function preflightBlueGreen(deploy: DeploySettings, bg: BlueGreenSettings, ctx: TrafficContext): Promise<Plan> {
  const outcome = await discover(deploy, bg, undefined, ctx);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.plan;
}

/** How preparing the idle colour ended. */
export type PrepareOutcome =
  { kind: 'ready'; reason: string; deploymentId?: string } | { kind: 'failed'; reason: string; deploymentId?: string; cancelled?: boolean };

/**
 * UpdateService on the idle colour (new revision, the live colour's size, circuit breaker),
 * then one batched DescribeServices per poll for both colours until ECS's verdict on the
 * idle colour is in. A circuit-breaker rollback is a failure here: no traffic ever moved.
 * `beforeUpdate` runs just before the mutation (to save the crash state).
 */
export async function prepareIdle(
  deploy: DeploySettings,
  plan: Plan,
  taskDefinitionArn: string,
  watcher: ServiceWatcher,
  ctx: DeployContext,
  beforeUpdate: () => void,
  deadline: number,
  /** The new colour's target group, watched from the first task. */
  targetGroupArn?: string
): Promise<PrepareOutcome> {
  const name = plan.names[plan.idle];
  const before = plan.services[plan.idle];
  let deploymentId: string | undefined;
  // Saved in both cases: resuming, the listener already splits traffic, so a crash from here on must be undone.
  beforeUpdate();
  if (!plan.resume) {
    const input = updateInput({ ...deploy, desiredCount: plan.desiredCount }, name, taskDefinitionArn, before, {});
    const update = await applyUpdate(ctx, input, before, taskDefinitionArn);
    if (update.kind !== 'updated') return { kind: 'failed', reason: `${update.reason}; no traffic was moved` };
    deploymentId = update.deploymentId;
    ctx.reporter.info(
      `Updated ${name}: ${revision(plan.newColourBefore.taskDefinitionArn ?? before.taskDefinition)} → ${revision(taskDefinitionArn)} at ${plan.desiredCount} task${plan.desiredCount === 1 ? '' : 's'}${deploymentId ? ` (deployment ${deploymentId})` : ''}`
    );
  } else {
    ctx.reporter.info(`Resuming: ${name} already runs ${revision(taskDefinitionArn)}; waiting for it to be steady`);
  }
  const ids = deploymentId ? { deploymentId } : {};
  const ours: OurDeployment = { taskDefinitionArn, ...ids };
  let end;
  try {
    end = await watchDeployment(watcher, ctx, name, ours, {
      circuitBreaker: deploy.circuitBreaker,
      timeoutMs: Math.max(0, deadline - ctx.timer.now()),
      ...(targetGroupArn ? { targets: { targetGroupArn, aws: ctx.aws } } : {}),
      containers: ctx.aws
    });
  } catch (error) {
    return { kind: 'failed', reason: `watching ${name} failed: ${errorMessage(error)}`, ...ids };
  }
  switch (end.kind) {
    case 'cancelled':
      if (ctx.signal.reason instanceof StopReason) {
        return { kind: 'failed', reason: `${name} was not steady on ${revision(taskDefinitionArn)} within the timeout`, ...ids };
      }
      return {
        kind: 'failed',
        reason: `${stopPhrase(ctx.signal)} while ${name} was starting ${revision(taskDefinitionArn)}`,
        cancelled: true,
        ...ids
      };
    case 'timeout':
      return { kind: 'failed', reason: `${name} was not steady on ${revision(taskDefinitionArn)} within the timeout`, ...ids };
    case 'decided': {
      const v = end.value;
      if (v.kind === 'succeeded') return { kind: 'ready', reason: `${name} is steady on ${revision(taskDefinitionArn)}`, ...ids };
      const prefix = v.kind === 'rolled-back-by-ecs' ? `${name} did not start ${revision(taskDefinitionArn)}: ` : `${name}: `;
      return { kind: 'failed', reason: `${prefix}${v.reason}`, ...ids };
    }
  }
}

/** on-interrupted: rollback: 100 % back on the older colour, verified, before the deployment starts over. */
export async function resetInterrupted(
  plan: Plan,
  bg: BlueGreenSettings,
  ctx: DeployContext,
  labels: Record<string, string>,
  readDelayMs?: number
): Promise<Weights> {
  const tg = (c: Colour): string => bg.colours[c].targetGroupArn;
  return setWeights(bg.target, { [tg(plan.live)]: 100, [tg(plan.idle)]: 0 }, ctx, {
    labels,
    ...(readDelayMs !== undefined ? { readDelayMs } : {})
  });
}
