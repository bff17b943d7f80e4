/**
 * Which colour is live, read from the listener (the source of truth): pure functions over
 * ELBv2 `Action[]` and `TargetGroup` shapes, so every odd listener state has a table test.
 */
import type { Action, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';

export type Colour = 'blue' | 'green';
export const COLOURS: readonly Colour[] = ['blue', 'green'];

export function otherColour(c: Colour): Colour {
  return c === 'blue' ? 'green' : 'blue';
}

/** Target group ARN per colour. */
export type ColourMap<T> = Record<Colour, T>;

/** What to do when the listener is not at 100/0 (input `on-interrupted`). */
export type OnInterrupted = 'fail' | 'rollback' | 'resume';
export const ON_INTERRUPTED: readonly OnInterrupted[] = ['fail', 'rollback', 'resume'];

/** One target group of a forward action with its relative weight (0–999, as ELB stores it). */
export interface ForwardShare {
  targetGroupArn: string;
  weight: number;
}

export interface ForwardAction {
  /** Position in the action list, so a modification replaces exactly this action. */
  index: number;
  shares: ForwardShare[];
}

/**
 * The forward action of a listener's default actions or a rule's actions. A forward names
 * either one `TargetGroupArn` (100 %) or `ForwardConfig.TargetGroups` with weights; when
 * both are present (DescribeListeners returns both for a single target group) the
 * ForwardConfig is authoritative. A missing weight is 1, as ELB defaults it.
 */
export function findForward(actions: readonly Action[]): ForwardAction | undefined {
  const index = actions.findIndex((a) => a.Type === 'forward');
  if (index < 0) return undefined;
  const action = actions[index]!;
  const tuples = action.ForwardConfig?.TargetGroups ?? [];
  if (tuples.length > 0) {
    const shares = tuples
      .filter((t): t is typeof t & { TargetGroupArn: string } => typeof t.TargetGroupArn === 'string')
      .map((t) => ({ targetGroupArn: t.TargetGroupArn, weight: t.Weight ?? 1 }));
    return { index, shares };
  }
  if (action.TargetGroupArn) return { index, shares: [{ targetGroupArn: action.TargetGroupArn, weight: 1 }] };
  return { index, shares: [] };
}

/** Relative weights as percentages of the total, rounded to 0.01; all zero → all 0. */
export function toPercentages(shares: readonly ForwardShare[]): Record<string, number> {
  const total = shares.reduce((sum, s) => sum + s.weight, 0);
  const out: Record<string, number> = {};
  for (const s of shares) out[s.targetGroupArn] = total > 0 ? Math.round((s.weight * 10000) / total) / 100 : 0;
  return out;
}

/** `web-blue` from `arn:aws:elasticloadbalancing:…:targetgroup/web-blue/0123abcd`; the input itself otherwise. */
export function targetGroupName(arn: string): string {
  const m = /:targetgroup\/([^/]+)\//.exec(arn);
  return m ? m[1]! : arn;
}

/**
 * The load balancer ARN a listener or rule ARN belongs to:
 *   …:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2            → …:loadbalancer/app/web/50dc6c495c0c9188
 *   …:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683… → same
 */
export function loadBalancerOf(listenerOrRuleArn: string): string | undefined {
  const m = /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener(?:-rule)?\/([^/]+\/[^/]+\/[^/]+)\//.exec(listenerOrRuleArn);
  return m ? `${m[1]}loadbalancer/${m[2]}` : undefined;
}

export type Discovery =
  /** 100/0: the live colour serves everything, the idle one nothing. */
  | { kind: 'settled'; live: Colour; idle: Colour; percent: ColourMap<number> }
  /** Both colours get traffic: an earlier deployment stopped half-way. */
  | { kind: 'interrupted'; percent: ColourMap<number>; message: string }
  /** The action cannot be shifted between our two target groups at all. */
  | { kind: 'invalid'; message: string };

export interface DiscoverOptions {
  /** How to name the thing in messages: "listener arn:…" or "listener rule arn:…". */
  where: string;
  /** Display names per colour, e.g. the target group names; defaults to the names in the ARNs. */
  names?: ColourMap<string>;
}

function describeSplit(percent: ColourMap<number>, names: ColourMap<string>): string {
  return `${percent.blue} % to ${names.blue} and ${percent.green} % to ${names.green}`;
}

/** Reads live and idle from the forward action; anything but a clean 100/0 is reported, never guessed. */
export function discoverColours(actions: readonly Action[], targetGroups: ColourMap<string>, opts: DiscoverOptions): Discovery {
  const names = opts.names ?? { blue: targetGroupName(targetGroups.blue), green: targetGroupName(targetGroups.green) };
  if (targetGroups.blue === targetGroups.green) {
    return {
      kind: 'invalid',
      message: `blue and green use the same target group ${targetGroups.blue}: give each colour its own target group`
    };
  }
  const forward = findForward(actions);
  if (!forward) {
    const types = actions.map((a) => a.Type ?? '?').join(', ') || 'no actions';
    return {
      kind: 'invalid',
      message: `${opts.where} has no forward action (it has ${types}): point it at ${names.blue} (forward) before the first blue/green deployment`
    };
  }
  const ours = new Set([targetGroups.blue, targetGroups.green]);
  const strangers = forward.shares.filter((s) => !ours.has(s.targetGroupArn));
  if (strangers.length > 0) {
    const list = strangers.map((s) => targetGroupName(s.targetGroupArn)).join(', ');
    const noneOfOurs = strangers.length === forward.shares.length;
    return {
      kind: 'invalid',
      message: noneOfOurs
        ? `${opts.where} forwards to ${list}, not to ${names.blue} or ${names.green}: check blue-target-group and green-target-group, or point the listener at one of them`
        : `${opts.where} also forwards to ${list}, which is neither ${names.blue} nor ${names.green}: remove it from the forward action, traffic can only be shifted between the two colours`
    };
  }
  const pct = toPercentages(forward.shares);
  const percent: ColourMap<number> = { blue: pct[targetGroups.blue] ?? 0, green: pct[targetGroups.green] ?? 0 };
  if (percent.blue === 0 && percent.green === 0) {
    return {
      kind: 'invalid',
      message: `${opts.where} forwards with weight 0 to both ${names.blue} and ${names.green}: give the live colour weight 1 before deploying`
    };
  }
  if (percent.green === 0) return { kind: 'settled', live: 'blue', idle: 'green', percent };
  if (percent.blue === 0) return { kind: 'settled', live: 'green', idle: 'blue', percent };
  return {
    kind: 'interrupted',
    percent,
    message:
      `${opts.where} forwards ${describeSplit(percent, names)}: a previous deployment was interrupted; ` +
      're-run with `on-interrupted: rollback` to put 100 % back on the colour with the older revision (then deploy as usual), ' +
      'or `on-interrupted: resume` to continue shifting towards the colour with the newer revision'
  };
}

/**
 * Problems with the target groups themselves, found before anything changes: both must
 * exist and be attached to the listener's load balancer. `found` is DescribeTargetGroups'
 * answer; `loadBalancerArn` is the listener's (undefined when it cannot be told).
 */
export function targetGroupProblems(
  found: readonly TargetGroup[],
  targetGroups: ColourMap<string>,
  loadBalancerArn: string | undefined,
  where: string
): string[] {
  const problems: string[] = [];
  if (targetGroups.blue === targetGroups.green) {
    problems.push(`blue-target-group and green-target-group are both ${targetGroups.blue}: give each colour its own target group`);
    return problems;
  }
  for (const colour of COLOURS) {
    const arn = targetGroups[colour];
    const tg = found.find((t) => t.TargetGroupArn === arn);
    if (!tg) {
      problems.push(`${colour}-target-group ${arn} does not exist (check the ARN and the region)`);
      continue;
    }
    const lbs = tg.LoadBalancerArns ?? [];
    if (loadBalancerArn && !lbs.includes(loadBalancerArn)) {
      const attached = lbs.length ? `it is attached to ${lbs.join(', ')}` : 'it is not attached to any load balancer';
      problems.push(
        `${colour}-target-group ${targetGroupName(arn)} is not on the load balancer of ${where} (${loadBalancerArn}): ${attached}`
      );
    }
  }
  return problems;
}

/** What each colour's service runs, to tell the older colour from the newer after an interruption. */
export interface ColourRevision {
  /** The PRIMARY deployment's task definition (ARN or family:revision). */
  taskDefinition?: string;
  /** The PRIMARY deployment's createdAt, as ECS returned it. */
  deployedAt?: Date;
}

export type InterruptedPlan =
  /** Put 100 % back on `live` (the older revision), verify, then deploy as usual into `idle`. */
  | { kind: 'rollback'; live: Colour; idle: Colour; message: string }
  /** Keep `live` as the stable colour and continue shifting into `idle` from `fromPercent`. */
  | { kind: 'resume'; live: Colour; idle: Colour; fromPercent: number; message: string }
  | { kind: 'fail'; message: string };

/** `{family, revision}` from `arn:…:task-definition/web:12` or `web:12`. */
export function parseRevision(taskDefinition: string | undefined): { family: string; revision: number } | undefined {
  const m = /(?:task-definition\/)?([^/:]+):(\d+)$/.exec(taskDefinition ?? '');
  return m ? { family: m[1]!, revision: Number(m[2]) } : undefined;
}

/**
 * Which colour is older: by revision number within one family, else by when ECS started
 * the services' deployments (both timestamps come from AWS, so comparing them is safe).
 */
export function olderColour(revisions: ColourMap<ColourRevision>): Colour | undefined {
  const b = parseRevision(revisions.blue.taskDefinition);
  const g = parseRevision(revisions.green.taskDefinition);
  if (b && g && b.family === g.family && b.revision !== g.revision) return b.revision < g.revision ? 'blue' : 'green';
  const bt = revisions.blue.deployedAt?.getTime();
  const gt = revisions.green.deployedAt?.getTime();
  if (bt !== undefined && gt !== undefined && bt !== gt) return bt < gt ? 'blue' : 'green';
  return undefined;
}

function sameRevision(a: string | undefined, b: string | undefined): boolean {
  const pa = parseRevision(a);
  const pb = parseRevision(b);
  return !!pa && !!pb && pa.family === pb.family && pa.revision === pb.revision;
}

/**
 * Applies `on-interrupted` to an interrupted discovery. `deploying` is the revision this
 * run deploys: resuming only makes sense when the newer colour already runs it, because
 * updating a colour that serves traffic would bypass every gate.
 */
export function planInterrupted(
  discovery: Extract<Discovery, { kind: 'interrupted' }>,
  onInterrupted: OnInterrupted,
  revisions: ColourMap<ColourRevision>,
  deploying?: string
): InterruptedPlan {
  if (onInterrupted === 'fail') return { kind: 'fail', message: discovery.message };
  const older = olderColour(revisions);
  if (!older) {
    return {
      kind: 'fail',
      message:
        `${discovery.message}. But on-interrupted: ${onInterrupted} cannot tell which colour is older: ` +
        `blue runs ${revisions.blue.taskDefinition ?? 'nothing'}, green runs ${revisions.green.taskDefinition ?? 'nothing'}; ` +
        'set the listener weights to 100/0 by hand and re-run'
    };
  }
  const newer = otherColour(older);
  if (onInterrupted === 'rollback') {
    return {
      kind: 'rollback',
      live: older,
      idle: newer,
      message: `on-interrupted: rollback: putting 100 % back on ${older} (${revisions[older].taskDefinition ?? 'older revision'}), then deploying into ${newer}`
    };
  }
  if (deploying && !sameRevision(revisions[newer].taskDefinition, deploying)) {
    return {
      kind: 'fail',
      message:
        `cannot resume: ${newer} runs ${revisions[newer].taskDefinition ?? 'nothing'} but this run deploys ${deploying}; ` +
        'use `on-interrupted: rollback` to put traffic back on the older colour and deploy from there'
    };
  }
  const fromPercent = discovery.percent[newer];
  return {
    kind: 'resume',
    live: older,
    idle: newer,
    fromPercent,
    message: `on-interrupted: resume: continuing the shift into ${newer} from ${fromPercent} %`
  };
}
