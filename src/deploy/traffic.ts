/**
 * Listener weights: read them, set them, and prove they took effect. ELB is eventually
 * consistent and can acknowledge a ModifyListener it has not applied yet, so every change
 * is read back and compared before anyone relies on it; the weights on the listener are
 * the source of truth for what production serves.
 */
import type { Action, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsCallError } from '../aws/errors.js';
import { InputError, InputErrors } from '../errors.js';
import type { DeployContext } from './types.js';
import {
  type ColourMap,
  type Discovery,
  discoverColours,
  findForward,
  loadBalancerOf,
  targetGroupName,
  targetGroupProblems,
  toPercentages
} from './colours.js';

/** The listener's default action, or one listener rule. */
export type TrafficTarget = { listenerArn: string } | { ruleArn: string };

/** What traffic functions need; a DeployContext has it, and so does the post step's smaller one. */
export type TrafficContext = Pick<DeployContext, 'aws' | 'reporter' | 'timer'>;

/** Percentages of traffic by target group ARN. */
export type Weights = Record<string, number>;

export function describeTarget(target: TrafficTarget): string {
  return 'listenerArn' in target ? `listener ${target.listenerArn}` : `listener rule ${target.ruleArn}`;
}

/** The weights did not take effect on the load balancer, even after re-applying them. */
export class TrafficNotAppliedError extends Error {
  override readonly name = 'TrafficNotAppliedError';
  constructor(
    message: string,
    readonly expected: Weights,
    readonly live: Weights
  ) {
    super(message);
  }
}

export async function readActions(target: TrafficTarget, ctx: TrafficContext): Promise<Action[]> {
  if ('listenerArn' in target) return (await ctx.aws.elb.describeListener(target.listenerArn)).DefaultActions ?? [];
  return (await ctx.aws.elb.describeRule(target.ruleArn)).Actions ?? [];
}

async function writeActions(target: TrafficTarget, actions: Action[], ctx: TrafficContext): Promise<void> {
  if ('listenerArn' in target) await ctx.aws.elb.modifyListenerDefaultActions(target.listenerArn, actions);
  else await ctx.aws.elb.modifyRuleActions(target.ruleArn, actions);
}

/** Percentages of the forward action; {} when there is none. */
export function weightsOf(actions: readonly Action[]): Weights {
  const forward = findForward(actions);
  return forward ? toPercentages(forward.shares) : {};
}

/** The live weights (percent by target group ARN) of the listener or rule. */
export async function readWeights(target: TrafficTarget, ctx: TrafficContext): Promise<Weights> {
  return weightsOf(await readActions(target, ctx));
}

/**
 * The same action list with only the forward's target groups and weights replaced. Every
 * other action (authentication before the forward, fixed responses…), the action's Order
 * and the stickiness configuration are kept as they are. `TargetGroupArn` is dropped: ELB
 * rejects it next to a ForwardConfig with more than one target group.
 */
export function withWeights(actions: readonly Action[], weights: Weights, where = 'the listener'): Action[] {
  const forward = findForward(actions);
  if (!forward) throw new Error(`${where} has no forward action to set weights on`);
  const unknown = forward.shares.filter((s) => !(s.targetGroupArn in weights)).map((s) => targetGroupName(s.targetGroupArn));
  if (unknown.length > 0) {
    // Silently dropping a target group would move its traffic somewhere nobody asked for.
    throw new Error(
      `${where} also forwards to ${unknown.join(', ')}, which this deployment does not manage: remove it from the forward action`
    );
  }
  for (const [arn, w] of Object.entries(weights)) {
    if (!Number.isInteger(w) || w < 0 || w > 999)
      throw new Error(`weight ${w} for ${targetGroupName(arn)} is not a whole number from 0 to 999`);
  }
  if (Object.values(weights).every((w) => w === 0)) throw new Error(`refusing to set weight 0 on every target group of ${where}`);
  return actions.map((action, i) => {
    if (i !== forward.index) return keepSecret(action);
    const { TargetGroupArn: _single, ...rest } = action;
    return {
      ...rest,
      ForwardConfig: {
        ...action.ForwardConfig,
        TargetGroups: Object.entries(weights).map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight }))
      }
    };
  });
}

/**
 * DescribeListeners never returns an OIDC client secret, and ModifyListener would fail
 * without one: ask ELB to keep the secret it has.
 */
function keepSecret(action: Action): Action {
  const oidc = action.AuthenticateOidcConfig;
  if (action.Type === 'authenticate-oidc' && oidc && oidc.ClientSecret === undefined && oidc.UseExistingClientSecret === undefined) {
    return { ...action, AuthenticateOidcConfig: { ...oidc, UseExistingClientSecret: true } };
  }
  return action;
}

function normalise(weights: Weights): Weights {
  return toPercentages(Object.entries(weights).map(([targetGroupArn, weight]) => ({ targetGroupArn, weight })));
}

export function sameWeights(a: Weights, b: Weights): boolean {
  const na = normalise(a);
  const nb = normalise(b);
  return [...new Set([...Object.keys(na), ...Object.keys(nb)])].every((k) => Math.abs((na[k] ?? 0) - (nb[k] ?? 0)) < 0.01);
}

/** "90/10 to web-blue/web-green", in the order of `order`'s keys. */
export function formatWeights(weights: Weights, order: Weights, labels: Record<string, string> = {}): string {
  const pct = normalise(weights);
  const keys = [...new Set([...Object.keys(order), ...Object.keys(pct)])];
  const name = (k: string): string => labels[k] ?? targetGroupName(k);
  return `${keys.map((k) => pct[k] ?? 0).join('/')} to ${keys.map(name).join('/')}`;
}

function labelled(weights: Weights, labels: Record<string, string>): Weights {
  const out: Weights = {};
  for (const [k, v] of Object.entries(normalise(weights))) out[labels[k] ?? k] = v;
  return out;
}

export interface SetWeightsOptions {
  /** Names for target group ARNs in events and messages (e.g. the services or colours). */
  labels?: Record<string, string>;
  /** Reads after each apply before giving up on it (default 4). */
  reads?: number;
  /** Sleep before the second read; doubles for each further read (default 250 ms: about 2 s per apply). */
  readDelayMs?: number;
}

/**
 * Sets the forward weights (percent by target group ARN) and verifies them: reads back
 * until the listener shows them, re-applies once if it never does, then gives up with a
 * TrafficNotAppliedError. Returns the verified weights. Weights already in place are not
 * written again, so rolling back twice (main step, then post step) is harmless.
 *
 * Sleeps do not follow the cancellation signal on purpose: a cancelled run must still
 * verify the weights it restores.
 */
export async function setWeights(
  target: TrafficTarget,
  weights: Weights,
  ctx: TrafficContext,
  opts: SetWeightsOptions = {}
): Promise<Weights> {
  const where = describeTarget(target);
  const labels = opts.labels ?? {};
  const reads = Math.max(1, opts.reads ?? 4);
  const firstDelay = opts.readDelayMs ?? 250;
  const verified = (live: Weights): Weights => {
    ctx.reporter.event({ kind: 'weights', weights: labelled(live, labels), verified: true, at: ctx.timer.now() });
    ctx.reporter.info(`${where} forwards ${formatWeights(live, weights, labels)} (verified)`);
    return normalise(live);
  };

  const current = await readActions(target, ctx);
  if (sameWeights(weightsOf(current), weights)) return verified(weightsOf(current));
  const desired = withWeights(current, weights, where);

  let live: Weights = weightsOf(current);
  let totalReads = 0;
  for (let apply = 1; apply <= 2; apply++) {
    await writeActions(target, desired, ctx);
    for (let read = 0; read < reads; read++) {
      if (read > 0) await ctx.timer.sleep(firstDelay * 2 ** (read - 1));
      live = await readWeights(target, ctx);
      totalReads++;
      if (sameWeights(live, weights)) {
        if (apply > 1) ctx.reporter.warning(`${where} ignored the first change of weights; applying it again worked`);
        return verified(live);
      }
    }
  }
  ctx.reporter.event({ kind: 'weights', weights: labelled(live, labels), verified: false, at: ctx.timer.now() });
  throw new TrafficNotAppliedError(
    `${where} still forwards ${formatWeights(live, weights, labels)} after setting ${formatWeights(weights, weights, labels)}: ` +
      `the change did not take effect (applied twice, read back ${totalReads} times)`,
    normalise(weights),
    live
  );
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof AwsCallError && codes.includes(error.code);
}

/**
 * Reads the listener (or rule) and both target groups, validates them and decides the
 * colours. Every problem here is the user's input and nothing has changed yet, so they
 * are InputErrors naming the input. Returns a settled or interrupted discovery.
 */
export async function discoverTraffic(
  target: TrafficTarget,
  targetGroups: ColourMap<string>,
  ctx: TrafficContext
): Promise<{ discovery: Exclude<Discovery, { kind: 'invalid' }>; actions: Action[] }> {
  const where = describeTarget(target);
  const input = 'listenerArn' in target ? 'listener-arn' : 'listener-rule-arn';
  let actions: Action[];
  let loadBalancerArn: string | undefined;
  try {
    if ('listenerArn' in target) {
      const listener = await ctx.aws.elb.describeListener(target.listenerArn);
      actions = listener.DefaultActions ?? [];
      loadBalancerArn = listener.LoadBalancerArn ?? loadBalancerOf(target.listenerArn);
    } else {
      actions = (await ctx.aws.elb.describeRule(target.ruleArn)).Actions ?? [];
      loadBalancerArn = loadBalancerOf(target.ruleArn);
    }
  } catch (error) {
    if (isCode(error, 'ListenerNotFound', 'ListenerNotFoundException', 'RuleNotFound', 'RuleNotFoundException')) {
      throw new InputError(`${input}: ${where} does not exist`, {}, 'check the ARN and the region');
    }
    throw error;
  }

  const found = await describeTargetGroupsLeniently([targetGroups.blue, targetGroups.green], ctx);
  const problems = targetGroupProblems(found, targetGroups, loadBalancerArn, where);
  if (problems.length > 0) throw new InputErrors(problems.map((p) => new InputError(p)));

  const discovery = discoverColours(actions, targetGroups, { where });
  if (discovery.kind === 'invalid') throw new InputError(discovery.message);
  return { discovery, actions };
}

/** DescribeTargetGroups fails as a whole when one ARN is unknown; ask again one by one to tell which. */
async function describeTargetGroupsLeniently(arns: string[], ctx: TrafficContext): Promise<TargetGroup[]> {
  const unique = [...new Set(arns)];
  try {
    return await ctx.aws.elb.describeTargetGroups(unique);
  } catch (error) {
    if (!isCode(error, 'TargetGroupNotFound', 'TargetGroupNotFoundException')) throw error;
  }
  const found: TargetGroup[] = [];
  for (const arn of unique) {
    try {
      found.push(...(await ctx.aws.elb.describeTargetGroups([arn])));
    } catch (error) {
      if (!isCode(error, 'TargetGroupNotFound', 'TargetGroupNotFoundException')) throw error;
    }
  }
  return found;
}
