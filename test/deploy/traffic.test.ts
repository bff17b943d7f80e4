import { describe, expect, it } from '@jest/globals';
import type { Action, Listener, Rule, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Aws, ElbApi } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { InputError, InputErrors } from '../../src/errors.js';
import { RecordingReporter } from '../../src/events.js';
import type { Timer } from '../../src/timer.js';
import {
  TrafficNotAppliedError,
  discoverTraffic,
  readWeights,
  setWeights,
  withWeights,
  type TrafficContext,
  type TrafficTarget
} from '../../src/deploy/traffic.js';

const PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const BLUE = `${PREFIX}:targetgroup/web-blue/1111111111111111`;
const GREEN = `${PREFIX}:targetgroup/web-green/2222222222222222`;
const LB = `${PREFIX}:loadbalancer/app/web/50dc6c495c0c9188`;
const LISTENER = `${PREFIX}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const RULE = `${PREFIX}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;

const forward = (blue: number, green: number, extra: Partial<Action> = {}): Action => ({
  Type: 'forward',
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: BLUE, Weight: blue },
      { TargetGroupArn: GREEN, Weight: green }
    ],
    TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 }
  },
  ...extra
});

type Behaviour = 'applies' | 'ignores-first' | 'ignores-all' | { lagReads: number };

/** A literal ELB stub with one listener and one rule; modifications take effect per `behaviour`. */
function fakeElb(actions: Action[], behaviour: Behaviour = 'applies', targetGroups: TargetGroup[] = []) {
  const calls: string[] = [];
  const writes: Action[][] = [];
  let live = actions;
  let pending: Action[] | undefined;
  let lag = 0;
  const read = (): Action[] => {
    if (pending && lag-- <= 0) {
      live = pending;
      pending = undefined;
    }
    return structuredClone(live);
  };
  const write = (next: Action[]): void => {
    writes.push(structuredClone(next));
    if (behaviour === 'ignores-all' || (behaviour === 'ignores-first' && writes.length === 1)) return;
    pending = next;
    lag = typeof behaviour === 'object' ? behaviour.lagReads : 0;
  };
  const elb: ElbApi = {
    describeListener: async (arn) => {
      calls.push('DescribeListeners');
      if (arn !== LISTENER) throw new AwsCallError(`describing listener ${arn}`, 'ListenerNotFound', 'One or more listeners not found');
      return { ListenerArn: LISTENER, LoadBalancerArn: LB, DefaultActions: read() } satisfies Listener;
    },
    modifyListenerDefaultActions: async (_arn, next) => {
      calls.push('ModifyListener');
      write(next);
      return { ListenerArn: LISTENER, DefaultActions: next };
    },
    describeRule: async (arn) => {
      calls.push('DescribeRules');
      if (arn !== RULE) throw new AwsCallError(`describing listener rule ${arn}`, 'RuleNotFound', 'One or more rules not found');
      return { RuleArn: RULE, Actions: read() } satisfies Rule;
    },
    modifyRuleActions: async (_arn, next) => {
      calls.push('ModifyRule');
      write(next);
      return { RuleArn: RULE, Actions: next };
    },
    describeTargetGroups: async (arns) => {
      calls.push('DescribeTargetGroups');
      const found = targetGroups.filter((t) => arns.includes(t.TargetGroupArn!));
      if (found.length < arns.length)
        throw new AwsCallError('describing target groups', 'TargetGroupNotFound', 'One or more target groups not found');
      return found;
    },
    describeTargetHealth: async () => {
      throw new Error('not used');
    }
  };
  return { elb, calls, writes, live: () => live };
}

function fakeTimer(): Timer & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) };
}

function context(elb: ElbApi): TrafficContext & { reporter: RecordingReporter; timer: ReturnType<typeof fakeTimer> } {
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used')) });
  return { aws: { elb, ecs: unused, cloudwatch: unused } as Aws, reporter: new RecordingReporter(), timer: fakeTimer() };
}

describe('withWeights', () => {
  it('changes only the forward’s weights, keeping other actions, Order and stickiness', () => {
    const oidc: Action = {
      Type: 'authenticate-oidc',
      Order: 1,
      AuthenticateOidcConfig: { Issuer: 'i', AuthorizationEndpoint: 'a', TokenEndpoint: 't', UserInfoEndpoint: 'u', ClientId: 'c' }
    };
    const out = withWeights([oidc, forward(100, 0, { Order: 2 })], { [BLUE]: 90, [GREEN]: 10 });
    expect(out).toEqual([
      { ...oidc, AuthenticateOidcConfig: { ...oidc.AuthenticateOidcConfig, UseExistingClientSecret: true } },
      forward(90, 10, { Order: 2 })
    ]);
  });

  it('turns a single TargetGroupArn forward into weighted target groups', () => {
    expect(withWeights([{ Type: 'forward', TargetGroupArn: BLUE }], { [BLUE]: 90, [GREEN]: 10 })).toEqual([
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE, Weight: 90 },
            { TargetGroupArn: GREEN, Weight: 10 }
          ]
        }
      }
    ]);
  });

  it.each([
    ['a target group left out', { [BLUE]: 100 }, /also forwards to web-green, which this deployment does not manage/],
    ['all zero', { [BLUE]: 0, [GREEN]: 0 }, /weight 0 on every target group/],
    ['fractions', { [BLUE]: 12.5, [GREEN]: 87.5 }, /not a whole number/]
  ])('refuses %s', (_name, weights, message) => {
    expect(() => withWeights([forward(100, 0)], weights)).toThrow(message);
  });
});

describe('setWeights', () => {
  const targets: Array<[string, TrafficTarget, string, string]> = [
    ['listener', { listenerArn: LISTENER }, 'ModifyListener', 'DescribeListeners'],
    ['listener rule', { ruleArn: RULE }, 'ModifyRule', 'DescribeRules']
  ];

  it.each(targets)('%s: applied at once → verified after one read-back, event emitted', async (_n, target, modify, describe) => {
    const fake = fakeElb([forward(100, 0)]);
    const ctx = context(fake.elb);
    const result = await setWeights(target, { [BLUE]: 90, [GREEN]: 10 }, ctx, { labels: { [BLUE]: 'blue', [GREEN]: 'green' } });
    expect(result).toEqual({ [BLUE]: 90, [GREEN]: 10 });
    expect(fake.calls).toEqual([describe, modify, describe]);
    expect(fake.live()).toEqual([forward(90, 10)]);
    expect(ctx.reporter.events).toEqual([{ kind: 'weights', weights: { blue: 90, green: 10 }, verified: true, at: 0 }]);
  });

  it('eventually consistent: stale reads are retried with short sleeps, no second apply', async () => {
    const fake = fakeElb([forward(100, 0)], { lagReads: 2 });
    const ctx = context(fake.elb);
    await setWeights({ listenerArn: LISTENER }, { [BLUE]: 50, [GREEN]: 50 }, ctx);
    expect(fake.writes).toHaveLength(1);
    expect(ctx.timer.slept).toEqual([250, 500]);
    expect(ctx.reporter.events).toMatchObject([{ kind: 'weights', verified: true }]);
  });

  it('ignored once: re-applied and verified, with a warning', async () => {
    const fake = fakeElb([forward(100, 0)], 'ignores-first');
    const ctx = context(fake.elb);
    await setWeights({ listenerArn: LISTENER }, { [BLUE]: 90, [GREEN]: 10 }, ctx);
    expect(fake.writes).toHaveLength(2);
    expect(fake.live()).toEqual([forward(90, 10)]);
    expect(ctx.reporter.lines).toContain(`warning: listener ${LISTENER} ignored the first change of weights; applying it again worked`);
    expect(ctx.reporter.events).toMatchObject([{ kind: 'weights', verified: true }]);
  });

  it('never applied: fails naming what the listener still does', async () => {
    const fake = fakeElb([forward(100, 0)], 'ignores-all');
    const ctx = context(fake.elb);
    const promise = setWeights({ listenerArn: LISTENER }, { [BLUE]: 90, [GREEN]: 10 }, ctx);
    await expect(promise).rejects.toThrow(TrafficNotAppliedError);
    await expect(promise).rejects.toThrow(
      `listener ${LISTENER} still forwards 100/0 to web-blue/web-green after setting 90/10 to web-blue/web-green: the change did not take effect (applied twice, read back 8 times)`
    );
    expect(fake.writes).toHaveLength(2);
    // About two seconds of read-back per apply: short enough to restore traffic quickly.
    expect(ctx.timer.now()).toBe(2 * (250 + 500 + 1000));
    expect(ctx.reporter.events).toEqual([{ kind: 'weights', weights: { [BLUE]: 100, [GREEN]: 0 }, verified: false, at: 3500 }]);
  });

  it('weights already in place: nothing written, still reported as verified', async () => {
    const fake = fakeElb([forward(0, 1)]);
    const ctx = context(fake.elb);
    expect(await setWeights({ listenerArn: LISTENER }, { [BLUE]: 0, [GREEN]: 100 }, ctx)).toEqual({ [BLUE]: 0, [GREEN]: 100 });
    expect(fake.writes).toHaveLength(0);
    expect(ctx.reporter.events).toMatchObject([{ kind: 'weights', verified: true }]);
  });

  it('readWeights gives percentages of the forward', async () => {
    const fake = fakeElb([forward(1, 3)]);
    expect(await readWeights({ ruleArn: RULE }, context(fake.elb))).toEqual({ [BLUE]: 25, [GREEN]: 75 });
  });
});

describe('discoverTraffic', () => {
  const tgs = { blue: BLUE, green: GREEN };
  const onLb = (arn: string, lb = LB): TargetGroup => ({ TargetGroupArn: arn, LoadBalancerArns: [lb] });

  it('settled listener: live and idle colours', async () => {
    const fake = fakeElb([forward(0, 100)], 'applies', [onLb(BLUE), onLb(GREEN)]);
    const { discovery } = await discoverTraffic({ listenerArn: LISTENER }, tgs, context(fake.elb));
    expect(discovery).toMatchObject({ kind: 'settled', live: 'green', idle: 'blue' });
  });

  it('rule: the load balancer comes from the rule ARN', async () => {
    const fake = fakeElb([forward(100, 0)], 'applies', [onLb(BLUE), onLb(GREEN, `${PREFIX}:loadbalancer/app/other/1`)]);
    await expect(discoverTraffic({ ruleArn: RULE }, tgs, context(fake.elb))).rejects.toThrow(
      /green-target-group web-green is not on the load balancer of listener rule/
    );
  });

  it('interrupted listener is returned for on-interrupted to decide', async () => {
    const fake = fakeElb([forward(50, 50)], 'applies', [onLb(BLUE), onLb(GREEN)]);
    const { discovery } = await discoverTraffic({ listenerArn: LISTENER }, tgs, context(fake.elb));
    expect(discovery.kind).toBe('interrupted');
  });

  it('unknown target group: an input error naming which one', async () => {
    const fake = fakeElb([forward(100, 0)], 'applies', [onLb(BLUE)]);
    const error = await discoverTraffic({ listenerArn: LISTENER }, tgs, context(fake.elb)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputErrors);
    expect((error as Error).message).toMatch(/green-target-group .*web-green.* does not exist/);
  });

  it('unknown listener: an input error naming the input', async () => {
    const fake = fakeElb([forward(100, 0)], 'applies', [onLb(BLUE), onLb(GREEN)]);
    const error = await discoverTraffic({ listenerArn: `${LISTENER}0` }, tgs, context(fake.elb)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^listener-arn: listener .* does not exist/);
  });

  it('a listener that forwards elsewhere: an input error, nothing written', async () => {
    const fake = fakeElb([{ Type: 'fixed-response' }], 'applies', [onLb(BLUE), onLb(GREEN)]);
    await expect(discoverTraffic({ listenerArn: LISTENER }, tgs, context(fake.elb))).rejects.toThrow(/has no forward action/);
    expect(fake.writes).toHaveLength(0);
  });
});
