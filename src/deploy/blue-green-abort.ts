/**
 * Putting production back on the old colour: the one place a blue/green abort is applied,
 * from the main step (failed gate, timeout, cancellation, crash) and from the post step
 * (recoverBlueGreen). Traffic goes back first and is verified; only then is the new
 * colour scaled back, because a colour that may still serve requests is never scaled down.
 */
import type { Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorMessage } from '../errors.js';
import { type Colour, type ColourMap, targetGroupName } from './colours.js';
import {
  type TrafficContext,
  type TrafficTarget,
  type Weights,
  describeTarget,
  formatWeights,
  readWeights,
  sameWeights,
  setWeights,
  weightsOf,
  withWeights
} from './traffic.js';
import type { DeployContext } from './types.js';
import { revision } from './verdict.js';
import { progressLine } from './watch.js';

/** The key under which deployBlueGreen saves its BlueGreenState. */
export const BLUE_GREEN_STATE_KEY = 'blue-green';

/**
 * Where a blue/green deployment got to. Until `done`, the old colour still runs at full
 * size and a crash is undone by putting all traffic back on it; `done` is saved just
 * before the old colour is scaled down, after which going back is no longer safe.
 */
export type BlueGreenPhase = 'preparing' | 'shifting' | 'promoting' | 'done' | 'rolled-back';

/** What the new colour looked like before we touched it, so an abort can put it back. */
export interface NewColourBefore {
  desiredCount: number;
  /** Restored only when the colour was kept warm (desiredCount > 0); an idle-at-zero colour just goes back to zero. */
  taskDefinitionArn?: string;
}

/** Everything a rollback needs, saved before every mutation. */
export interface BlueGreenState {
  cluster: string;
  target: TrafficTarget;
  targetGroups: ColourMap<string>;
  /** Service names (not ARNs) per colour. */
  services: ColourMap<string>;
  /** The colour that served 100 % before the deployment: where traffic goes back to. */
  live: Colour;
  /** The colour receiving the new revision. */
  idle: Colour;
  /** The listener's weights (percent by target group ARN) as discovered. */
  originalWeights: Weights;
  taskDefinitionArn: string;
  /** The live colour's revision before the deployment. */
  previousTaskDefinitionArn: string;
  newColourBefore: NewColourBefore;
  /** The share of traffic last requested for the new colour. */
  percent: number;
  phase: BlueGreenPhase;
  deploymentId?: string;
}

export function saveState(ctx: Pick<DeployContext, 'state'>, state: BlueGreenState, phase: BlueGreenPhase): void {
  state.phase = phase;
  ctx.state.save(BLUE_GREEN_STATE_KEY, state);
}

/** Whether the post step has a rollback to finish. */
export function needsBlueGreenRollback(saved: BlueGreenState | undefined): saved is BlueGreenState {
  return saved !== undefined && saved.phase !== 'done' && saved.phase !== 'rolled-back';
}

/** Target group name per ARN, for events and messages. */
export function tgLabels(state: Pick<BlueGreenState, 'targetGroups'>): Record<string, string> {
  return {
    [state.targetGroups.blue]: targetGroupName(state.targetGroups.blue),
    [state.targetGroups.green]: targetGroupName(state.targetGroups.green)
  };
}

/** `web-blue=0,web-green=100`: the `traffic` output, blue first. */
export function formatTraffic(state: Pick<BlueGreenState, 'targetGroups'>, weights: Weights): string {
  return (['blue', 'green'] as const)
    .map((c) => `${targetGroupName(state.targetGroups[c])}=${weights[state.targetGroups[c]] ?? 0}`)
    .join(',');
}

/** Percent by target group: `percent` to the idle colour, the rest to the live one. */
export function split(state: Pick<BlueGreenState, 'targetGroups' | 'live' | 'idle'>, percent: number): Weights {
  return { [state.targetGroups[state.live]]: 100 - percent, [state.targetGroups[state.idle]]: percent };
}

export interface RestoreOutcome {
  ok: boolean;
  /** What was done, or exactly what the listener and services look like when it did not work. */
  detail: string;
  /** The verified weights, when traffic was restored. */
  weights?: Weights;
}

export interface RestoreOptions {
  /** ELB read-back delay (setWeights' readDelayMs). */
  readDelayMs?: number;
  /**
   * The listener's (or rule's) actions as we last read them. With them the restore skips
   * its first read: write, then read back (two ELB round trips); a read-back that does not
   * match falls back to the full read-apply-verify.
   */
  knownActions?: Action[];
}

/** Remembers the actions of every listener / rule read, for a restore that cannot wait for one more read. */
export function rememberingActions<C extends TrafficContext>(ctx: C, cache: { actions?: Action[] }): C {
  const elb = ctx.aws.elb;
  return {
    ...ctx,
    aws: {
      ...ctx.aws,
      elb: {
        ...elb,
        describeListener: async (arn: string) => {
          const listener = await elb.describeListener(arn);
          cache.actions = listener.DefaultActions ?? [];
          return listener;
        },
        describeRule: async (arn: string) => {
          const rule = await elb.describeRule(arn);
          cache.actions = rule.Actions ?? [];
          return rule;
        }
      }
    }
  };
}

/** Write then read back, from actions already known; undefined when the read-back does not show the weights yet. */
async function quickRestore(ctx: TrafficContext, state: BlueGreenState, known: Action[]): Promise<Weights | undefined> {
  const wanted = split(state, 0);
  const where = describeTarget(state.target);
  const desired = withWeights(known, wanted, where);
  if ('listenerArn' in state.target) await ctx.aws.elb.modifyListenerDefaultActions(state.target.listenerArn, desired);
  else await ctx.aws.elb.modifyRuleActions(state.target.ruleArn, desired);
  const live = await readWeights(state.target, ctx);
  if (!sameWeights(live, wanted)) return undefined;
  const labels = tgLabels(state);
  const named = Object.fromEntries(Object.entries(live).map(([arn, w]) => [labels[arn] ?? arn, w]));
  ctx.reporter.event({ kind: 'weights', weights: named, verified: true, at: ctx.timer.now() });
  ctx.reporter.info(`${where} forwards ${formatWeights(live, wanted, labels)} (verified)`);
  return live;
}

/**
 * Weights back to 100 % on the live colour (verified), then the new colour back to what it
 * was. Never follows the cancellation signal: a cancelled run is exactly when this must finish.
 */
export async function restoreOldColour(ctx: DeployContext, state: BlueGreenState, opts: RestoreOptions = {}): Promise<RestoreOutcome> {
  const liveName = state.services[state.live];
  const newName = state.services[state.idle];
  let weights: Weights;
  try {
    // Only when traffic had moved: otherwise setWeights' read finds 100/0 and writes nothing.
    const moved = opts.knownActions && !sameWeights(weightsOf(opts.knownActions), split(state, 0));
    const quick = moved ? await quickRestore(ctx, state, opts.knownActions!).catch(() => undefined) : undefined;
    weights =
      quick ??
      (await setWeights(state.target, split(state, 0), ctx, {
        labels: tgLabels(state),
        ...(opts.readDelayMs !== undefined ? { readDelayMs: opts.readDelayMs } : {})
      }));
  } catch (error) {
    // The new colour may be serving: leave it running rather than drop requests.
    return {
      ok: false,
      detail: `putting 100 % back on ${liveName} failed: ${errorMessage(error)}; ${newName} was left running so it can keep serving; ${await describeNow(ctx, state)}`
    };
  }
  const restored = `100 % of traffic is back on ${liveName} (${revision(state.previousTaskDefinitionArn)}), verified`;
  try {
    const scaled = await scaleBack(ctx, state);
    saveState(ctx, state, 'rolled-back');
    return { ok: true, detail: `${restored}; ${scaled}`, weights };
  } catch (error) {
    // Phase left as it was: the post step retries the scale-back (traffic is already in place, so it only re-reads it).
    return {
      ok: false,
      detail: `${restored}, but scaling ${newName} back failed: ${errorMessage(error)}; ${await describeNow(ctx, state)}`,
      weights
    };
  }
}

async function scaleBack(ctx: DeployContext, state: BlueGreenState): Promise<string> {
  const name = state.services[state.idle];
  const before = state.newColourBefore;
  const input: UpdateServiceCommandInput = { cluster: state.cluster, service: name, desiredCount: before.desiredCount };
  const restoreRevision =
    before.desiredCount > 0 && before.taskDefinitionArn !== undefined && before.taskDefinitionArn !== state.taskDefinitionArn;
  if (restoreRevision) input.taskDefinition = before.taskDefinitionArn;
  await ctx.aws.ecs.updateService(input);
  const what = restoreRevision
    ? `${name} is back on ${revision(before.taskDefinitionArn)} at ${before.desiredCount} task${before.desiredCount === 1 ? '' : 's'}, as before`
    : `${name} is scaled back to ${before.desiredCount}`;
  ctx.reporter.info(what);
  return what;
}

/** "listener … forwards 50/50 to web-blue/web-green; service web-blue: PRIMARY web:7 …": for failures nobody could fix automatically. */
export async function describeNow(ctx: TrafficContext, state: BlueGreenState): Promise<string> {
  const parts: string[] = [];
  const where = describeTarget(state.target);
  try {
    const live = await readWeights(state.target, ctx);
    parts.push(`${where} now forwards ${formatWeights(live, split(state, 0), tgLabels(state))}`);
  } catch (error) {
    parts.push(`the weights of ${where} could not be read (${errorMessage(error)})`);
  }
  const names = [state.services.blue, state.services.green];
  try {
    const { services } = await ctx.aws.ecs.describeServices(state.cluster, names);
    for (const name of names)
      parts.push(
        describeService(
          name,
          services.find((s) => s.serviceName === name || s.serviceArn?.endsWith(`/${name}`))
        )
      );
  } catch (error) {
    parts.push(`services ${names.join(' and ')} could not be described (${errorMessage(error)})`);
  }
  return parts.join('; ');
}

function describeService(name: string, service: Service | undefined): string {
  if (!service) return `service ${name} was not found`;
  const deployments = (service.deployments ?? []).map(progressLine);
  return `service ${name} wants ${service.desiredCount ?? 0} task(s): ${deployments.length ? deployments.join(', ') : 'no deployments'}`;
}

/**
 * The post step's entry point (and `ecs-rollout rollback`): when the main step stopped
 * before the deployment was done or rolled back, puts 100 % back on the old colour
 * (verified) and scales the new colour back. Returns what it did, undefined when there was
 * nothing to do; throws when the rollback did not complete, with the state things are in.
 */
export async function recoverBlueGreen(ctx: DeployContext, opts: RestoreOptions = {}): Promise<string | undefined> {
  const saved = ctx.state.load<BlueGreenState>(BLUE_GREEN_STATE_KEY);
  if (!needsBlueGreenRollback(saved)) return undefined;
  const state: BlueGreenState = { ...saved };
  const liveName = state.services[state.live];
  const what = `the main step stopped while ${saved.phase} ${revision(state.taskDefinitionArn)} into ${state.services[state.idle]}`;
  const outcome = await ctx.reporter.phase(
    'rollback',
    `Restoring 100 % of traffic to ${liveName}: the main step stopped while ${saved.phase}`,
    () => restoreOldColour(ctx, state, opts)
  );
  if (!outcome.ok) throw new Error(`${what}, and the rollback did not complete: ${outcome.detail}`);
  return `${what}: rolled back, ${outcome.detail}`;
}
